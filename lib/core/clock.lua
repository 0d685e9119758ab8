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

-- norns' transport callbacks: scripts assign clock.transport.start / .stop, and norns calls
-- them when its clock starts or stops (the clock_reset param, clock.internal.start/stop, MIDI
-- or Link transport). wyrd's clock only has the internal source, so they are called by
-- clock.internal.start / stop (and so by clock_reset), as on a norns on its internal clock.
clock.transport = {}

-- Called with the new bpm when the clock_tempo param changes (norns: PARAMETERS > CLOCK).
clock.tempo_change_handler = nil

local function transport(which)
  local f = clock.transport[which]
  if f ~= nil then f() end
end

clock.internal = {
  set_tempo = clock.set_tempo,
  -- norns restarts its internal clock from beat 0 here; wyrd's beats keep counting (its
  -- clocks stay on the same grid), and the start callback runs.
  start = function() transport("start") end,
  stop = function() transport("stop") end,
}

-- Ableton Link, MIDI and crow clock sources are not in wyrd: accepted, doing nothing (the
-- internal clock keeps the tempo).
clock.link = {
  set_tempo = function() end,
  set_quantum = function() end,
  start = function() end,
  stop = function() end,
  set_start_stop_sync = function() end,
  get_number_of_peers = function() return 0 end,
}
clock.crow = { in_div = function() end }
clock.midi = {}

-- The norns system params of PARAMETERS > CLOCK, added to every script's params by
-- startup.lua with norns' ids, order and group (29 params). What wyrd does with them:
-- clock_tempo is wyrd's tempo (setting it sets the tempo, and reading it gives the tempo
-- however it was set), clock_reset runs clock.transport.start, clock_source stays internal
-- (another choice prints a note and reverts). The Link, MIDI clock and crow clock params are
-- kept and do nothing; the 16 MIDI clock outputs stay hidden, as on a norns with no MIDI
-- device. None is saved in psets (norns: set_save false).
function clock.add_params(ps)
  ps = ps or params
  local sources = { "internal", "midi", "link", "crow" }
  ps:add_group("CLOCK", "CLOCK", 29)
  ps:add_option("clock_source", "source", sources, 1)
  ps:set_action("clock_source", function(x)
    if x ~= 1 then
      print("clock: wyrd has only the internal clock source; '" .. tostring(sources[x]) ..
        "' not used")
      ps:set("clock_source", 1, true)
    end
  end)
  ps:set_save("clock_source", false)

  local bpm = math.floor(clock.get_tempo() + 0.5)
  local tempo = ps:add_number("clock_tempo", "tempo", 1, 300, math.max(1, math.min(300, bpm)))
  -- The value follows wyrd's tempo, which OSC, the REPL or clock.set_tempo may also change.
  function tempo:get()
    local now = math.floor(clock.get_tempo() + 0.5)
    self.value = math.max(self.min, math.min(self.max, now))
    return self.value
  end
  function tempo:delta(d) self:set(self:get() + d) end
  ps:set_action("clock_tempo", function(v)
    clock.internal.set_tempo(v)
    norns.state.clock.tempo = v
    if clock.tempo_change_handler ~= nil then clock.tempo_change_handler(v) end
  end)
  ps:set_save("clock_tempo", false)

  ps:add_trigger("clock_reset", "reset")
  ps:set_action("clock_reset", function() clock.internal.start() end)

  ps:add_separator("link_separator", "link")
  ps:add_number("link_quantum", "link quantum", 1, 32, 4)
  ps:set_action("link_quantum", function(x) clock.link.set_quantum(x) end)
  ps:set_save("link_quantum", false)
  ps:add_option("link_start_stop_sync", "link start/stop sync", { "disabled", "enabled" }, 1)
  ps:set_save("link_start_stop_sync", false)

  ps:add_separator("midi_clock_out_separator", "midi clock out")
  for i = 1, 16 do
    local port = midi and midi.vports and midi.vports[i]
    local name = port and port.name or "none"
    local id = "clock_midi_out_" .. i
    ps:add_binary(id, i .. ". " .. name, "toggle", 0)
    ps:hide(id)
    ps:set_save(id, false)
  end

  ps:add_separator("midi_clock_in_separator", "midi clock in")
  local ins = { "all", "none" }
  for i = 1, 16 do ins[#ins + 1] = tostring(i) end
  ps:add_option("clock_midi_in", "midi clock in", ins, 1)
  ps:set_save("clock_midi_in", false)

  ps:add_separator("crow_clock_separator", "crow")
  ps:add_option("clock_crow_out", "crow out", { "off", "output 1", "output 2", "output 3", "output 4" }, 1)
  ps:set_save("clock_crow_out", false)
  ps:add_number("clock_crow_out_div", "crow out div", 1, 32, 4)
  ps:set_save("clock_crow_out_div", false)
  ps:add_number("clock_crow_in_div", "crow in div", 1, 32, 4)
  ps:set_action("clock_crow_in_div", function(x) clock.crow.in_div(x) end)
  ps:set_save("clock_crow_in_div", false)
end

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
