-- pattern_time: records timed events and plays them back in a loop (norns
-- lua/lib/pattern_time.lua).
--
--   local pat = pattern_time.new()
--   pat.process = function(e) ... end     -- plays an event
--   pat:rec_start()  pat:watch(e) ...  pat:rec_stop()  pat:start()  pat:stop()
--   pat:set_overdub(1)  pat:set_time_factor(0.5)  pat:clear()
--
-- Times are measured with util.time(), which in wyrd is the logical clock: events watched from
-- key, MIDI or clock callbacks are timed to the frame, and offline renders record and play
-- exactly. Playback runs on a clock (norns: a metro), so two events recorded at the same
-- instant also play at the same instant. Fields as on norns: rec, play, overdub (0/1),
-- event, time, count, step, time_factor.
local util = require "util"

local pattern = {}
pattern.__index = pattern

function pattern.new()
  local p = setmetatable({}, pattern)
  p:clear()
  p.process = function(_) print("event") end
  return p
end

local function stop_player(p)
  if p.player then
    clock.cancel(p.player)
    p.player = nil
  end
end

function pattern:clear()
  stop_player(self)
  self.rec, self.play, self.overdub = 0, 0, 0
  self.prev_time = 0
  self.event, self.time = {}, {}
  self.count, self.step = 0, 0
  self.time_factor = 1
end

function pattern:set_time_factor(f) self.time_factor = f or 1 end

function pattern:rec_start()
  print("pattern rec start")
  self.rec = 1
end

-- The last event's time runs until now, so the loop closes where recording stopped.
function pattern:rec_stop()
  if self.rec ~= 1 then
    print("pattern_time: not recording")
    return
  end
  self.rec = 0
  if self.count == 0 then
    print("pattern_time: no events recorded")
    return
  end
  local now = util.time()
  self.time[self.count] = now - self.prev_time
  self.prev_time = now
end

-- Feed every event here: recorded while recording, inserted while overdubbing.
function pattern:watch(e)
  if self.rec == 1 then
    self:rec_event(e)
  elseif self.overdub == 1 then
    self:overdub_event(e)
  end
end

function pattern:rec_event(e)
  local now = util.time()
  local c = self.count + 1
  if c > 1 then self.time[c - 1] = now - self.prev_time end
  self.prev_time = now
  self.count = c
  self.event[c] = e
end

-- Splits the step now playing at this moment and puts e in between.
function pattern:overdub_event(e)
  local now = util.time()
  local c = self.step + 1
  local whole = self.time[c - 1] or 0
  local before = now - self.prev_time
  self.prev_time = now
  self.time[c - 1] = before
  table.insert(self.time, c, whole - before)
  table.insert(self.event, c, e)
  self.step = self.step + 1
  self.count = self.count + 1
end

-- One loop of the player: each event, then its time (scaled by time_factor) until the next.
local function player(p)
  while true do
    clock.sleep(math.max(0, (p.time[p.step] or 0) * p.time_factor))
    p.prev_time = util.time()
    p.step = p.step == p.count and 1 or p.step + 1
    p.process(p.event[p.step])
  end
end

-- Plays from the first event, at once.
function pattern:start()
  if self.count == 0 then return end
  stop_player(self)
  self.prev_time = util.time()
  self.play = 1
  self.step = 1
  self.process(self.event[1])
  -- process may have stopped or cleared the pattern
  if self.play == 1 and self.count > 0 then self.player = clock.run(player, self) end
end

function pattern:next_event()
  self.prev_time = util.time()
  self.step = self.step == self.count and 1 or self.step + 1
  self.process(self.event[self.step])
end

function pattern:stop()
  if self.play ~= 1 then
    print("pattern_time: not playing")
    return
  end
  self.play, self.overdub = 0, 0
  stop_player(self)
end

-- Overdub only while playing and not recording.
function pattern:set_overdub(s)
  self.overdub = (s == 1 and self.play == 1 and self.rec == 0) and 1 or 0
end

return pattern
