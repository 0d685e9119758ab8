-- encoders: norns' three encoders as the script sees them (norns lua/core/encoders.lua).
--
-- A turn of d steps reaches the script's enc(n, delta) after sensitivity (steps per
-- delta, 1..16) and acceleration (quick turns count more, by the time since the last
-- turn). With norns' menu away, scripts run with acceleration on and sensitivity 2, as
-- norns' play mode sets them; norns.enc.sens and norns.enc.accel change them.
-- Times are the events' logical times, so an offline render with scripted turns gives the
-- same deltas every time.
local hooks = require "core/hooks"

local encoders = {}

encoders.tick = { 0, 0, 0 }
encoders.accel = { true, true, true }
encoders.sens = { 2, 2, 2 }
encoders.time = { -math.huge, -math.huge, -math.huge }

local function clamp_sens(s)
  if type(s) ~= "number" or s ~= s then error("encoders: sensitivity must be a number", 3) end
  return math.max(1, math.min(16, s))
end

local function each(n, fn)
  if n == 0 then
    for k = 1, 3 do fn(k) end
  elseif encoders.tick[n] then
    fn(n)
  else
    error("encoders: no encoder " .. tostring(n) .. " (1..3, or 0 for all)", 3)
  end
end

function encoders.set_accel(n, on)
  each(n, function(k) encoders.accel[k] = on and true or false; encoders.tick[k] = 0 end)
end

function encoders.set_sens(n, s)
  s = clamp_sens(s)
  each(n, function(k) encoders.sens[k] = s; encoders.tick[k] = 0 end)
end

-- The script's enc, looked up on every turn: scripts define it after this module loads
-- and may replace it at any time.
function encoders.callback(n, delta)
  local f = rawget(_G, "enc")
  if type(f) == "function" then f(n, delta) end
end

-- norns' time-based acceleration: turns closer together than 5/10/20/30 ms count 6/4/3/2
-- times.
function encoders.process(n, d)
  if not encoders.tick[n] then return end
  local now = _wyrd.time()
  local gap = now - encoders.time[n]
  encoders.time[n] = now
  if encoders.accel[n] then
    if gap < 0.005 then d = d * 6
    elseif gap < 0.01 then d = d * 4
    elseif gap < 0.02 then d = d * 3
    elseif gap < 0.03 then d = d * 2
    end
  end
  encoders.tick[n] = encoders.tick[n] + d
  local sens = encoders.sens[n]
  if math.abs(encoders.tick[n]) >= sens then
    local v = encoders.tick[n] / sens
    v = v > 0 and math.floor(v) or math.ceil(v)
    encoders.tick[n] = math.fmod(encoders.tick[n], sens)
    encoders.callback(n, math.tointeger(v) or v)
  end
end

-- norns.enc: what scripts call to tune their encoders.
local enc = {}
function enc.accel(n, on) encoders.set_accel(n, on) end
function enc.sens(n, s) encoders.set_sens(n, s) end
function enc.resume() end
if norns then
  norns.enc = enc
  norns.encoders = encoders
end

hooks.on("enc", function(n, d)
  -- norns wakes a sleeping screen on any turn.
  if screen and screen.ping then screen.ping() end
  encoders.process(n, d)
end)

return encoders
