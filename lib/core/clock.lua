-- clock: coroutines that sleep and sync (norns lua/core/clock.lua).
--
-- Where wyrd differs: time is logical and sample-accurate. A clock woken by clock.sync(1/16)
-- runs at the exact frame of that sixteenth, and what it sends the engine lands on that
-- frame, whatever the Lua thread's wall-clock jitter (norns' scheduler ticks every ~1 ms).
-- A cancelled clock never wakes again, and an error inside a clock prints a traceback of
-- the clock's own coroutine.
local clock = {}

local threads = {} -- id -> coroutine
local last_id = 0

local function resume(id, ...)
  local co = threads[id]
  if not co then return end -- cancelled: never wakes
  local ok, kind, a, b = coroutine.resume(co, ...)
  if threads[id] ~= co then return end -- cancelled while it ran
  if not ok then
    threads[id] = nil
    -- Errors raised by the host (the watchdog) arrive as its error objects.
    local msg = tostring(kind):gsub("^runtime error: ", "")
    _wyrd.report(debug.traceback(co, "clock " .. id .. ": " .. msg))
    return
  end
  if coroutine.status(co) == "dead" then
    threads[id] = nil
  elseif kind == "sleep" then
    _wyrd.clock_sleep(id, a)
  elseif kind == "sync" then
    _wyrd.clock_sync(id, a, b)
  else
    threads[id] = nil
    _wyrd.report("clock " .. id .. ": yielded without clock.sleep or clock.sync; stopped")
  end
end

local function check_inside(name)
  local _, main = coroutine.running()
  if main then error(name .. ": call it inside a function started by clock.run", 3) end
end

local function check_time(name, v, allow_zero)
  if type(v) ~= "number" or v ~= v or v == math.huge or v < 0 or (not allow_zero and v == 0) then
    error(name .. ": expected a " .. (allow_zero and "non-negative" or "positive") ..
      " number, got " .. tostring(v), 3)
  end
end

--- Starts `f(...)` as a clock; it runs at once until its first sleep or sync. Returns its id.
function clock.run(f, ...)
  if type(f) ~= "function" then error("clock.run: expected a function, got " .. type(f), 2) end
  last_id = last_id + 1
  threads[last_id] = coroutine.create(f)
  resume(last_id, ...)
  return last_id
end

function clock.cancel(id)
  if id == nil then return end
  threads[id] = nil
  _wyrd.clock_cancel(id)
end

--- Waits `s` seconds of logical time.
function clock.sleep(s)
  check_inside("clock.sleep")
  check_time("clock.sleep", s, true)
  return coroutine.yield("sleep", s)
end

--- Waits for the next beat that is a multiple of `beats` (plus `offset` beats).
function clock.sync(beats, offset)
  check_inside("clock.sync")
  check_time("clock.sync", beats, false)
  if offset ~= nil and (type(offset) ~= "number" or offset ~= offset) then
    error("clock.sync: offset must be a number", 2)
  end
  return coroutine.yield("sync", beats, offset or 0)
end

function clock.get_beats() return _wyrd.beats() end
function clock.get_tempo() return _wyrd.tempo() end
function clock.get_beat_sec() return 60 / _wyrd.tempo() end

function clock.set_tempo(bpm)
  if type(bpm) ~= "number" or bpm ~= bpm or bpm <= 0 then
    error("clock.set_tempo: expected a positive number, got " .. tostring(bpm), 2)
  end
  return _wyrd.set_tempo(bpm)
end

--- Only the internal source exists in wyrd (norns also has midi, link and crow).
function clock.set_source(source)
  if source ~= "internal" and source ~= 1 then
    print("clock: wyrd has only the internal clock source; '" .. tostring(source) .. "' ignored")
  end
end

clock.internal = {
  set_tempo = clock.set_tempo,
  start = function() end,
  stop = function() end,
}

--- Ids of running clocks, in start order.
function clock.running()
  local ids = {}
  for id in pairs(threads) do ids[#ids + 1] = id end
  table.sort(ids)
  return ids
end

function clock.cleanup()
  for id in pairs(threads) do _wyrd.clock_cancel(id) end
  threads = {}
end

-- For the host: wake clock `id`.
clock._resume = resume

return clock
