-- metro: repeating timers (norns lua/core/metro.lua).
--
-- Ticks fall at start + k * time on the engine's frame clock (no drift), and the event runs
-- at its tick's logical time, so what it sends the engine lands on the tick's exact frame.
-- Like norns, the first tick comes one `time` after start; stages count from `init_stage`
-- (default 1), and `count` ticks are played (-1: forever). wyrd has no fixed pool of 36.
local metro = {}

local metros = {} -- id -> metro
local last_id = 0

local Metro = {}

local function check_time(t)
  if type(t) ~= "number" or t ~= t or t <= 0 or t == math.huge then
    error("metro: time must be a positive number of seconds, got " .. tostring(t), 3)
  end
end

local mt = {
  __index = function(m, k)
    if Metro[k] then return Metro[k] end
    return rawget(m, "props")[k]
  end,
  __newindex = function(m, k, v)
    local props = rawget(m, "props")
    if k == "time" then
      check_time(v)
      props.time = v
      if props.is_running then _wyrd.metro_set_time(props.id, v) end
    elseif k == "count" or k == "init_stage" then
      props[k] = v
    else
      rawset(m, k, v)
    end
  end,
}

--- metro.init(event, time, count) or metro.init{event=, time=, count=}.
function metro.init(arg, time, count)
  local event = arg
  if type(arg) == "table" then
    event, time, count = arg.event, arg.time, arg.count
  end
  time = time or 1
  check_time(time)
  last_id = last_id + 1
  local m = setmetatable({
    props = { id = last_id, time = time, count = count or -1, init_stage = 1, is_running = false },
    event = event,
  }, mt)
  metros[last_id] = m
  return m
end

--- Starts (or restarts) the metro; optional new time, count and first stage.
function Metro:start(time, count, stage)
  local p = rawget(self, "props")
  if time then check_time(time); p.time = time end
  if count then p.count = count end
  if stage then p.init_stage = stage end
  p.is_running = true
  _wyrd.metro_start(p.id, p.time, p.count, p.init_stage)
end

function Metro:stop()
  local p = rawget(self, "props")
  p.is_running = false
  _wyrd.metro_stop(p.id)
end

function metro.free(id)
  local m = metros[id]
  if m then m:stop(); metros[id] = nil end
end

function metro.free_all()
  for id in pairs(metros) do metro.free(id) end
end

-- For the host: tick `id` at `stage`; `last` when the host has stopped it after this tick.
function metro._tick(id, stage, last)
  local m = metros[id]
  if not m then return end
  if last then rawget(m, "props").is_running = false end
  local event = rawget(m, "event")
  if event then event(stage) end
end

return metro
