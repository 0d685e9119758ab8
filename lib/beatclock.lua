-- beatclock: norns' older step clock (lua/lib/beatclock.lua; new scripts use clock.sync).
--
--   local BeatClock = require 'beatclock'
--   local bc = BeatClock.new()
--   bc.on_step = function() ... end      -- every step (4 per beat by default)
--   bc:bpm_change(120)  bc:start()  bc:stop()  bc:reset()  bc:add_clock_params()
--
-- Ticks come from a metro, 6 per step (24 per beat, MIDI clock's rate) as on norns; each
-- step advances bc.step (0..steps_per_beat-1) and, on its wrap, bc.beat. External (MIDI)
-- clock works through bc:process_midi(data) once a script feeds it MIDI; MIDI clock out is
-- sent to midi.devices when bc.send is set and devices exist.
local BeatClock = {}
BeatClock.__index = BeatClock

local function send_all(self, bytes, except)
  if not (self.midi and self.send and midi and midi.devices) then return end
  for id, device in pairs(midi.devices) do
    if id ~= except and device.send then device:send(bytes) end
  end
end

function BeatClock.new(name)
  local b = setmetatable({}, BeatClock)
  b.name = name or ""
  b.playing = false
  b.ticks_per_step = 6
  b.steps_per_beat = 4
  b.beats_per_bar = 4
  b.external = false
  b.send = false
  b.midi = true
  b:reset()
  b.metro = metro.init(function() b:tick() end, 1, -1)
  b:bpm_change(110)
  b.on_step = function() print("BeatClock executing step") end
  b.on_start = function() end
  b.on_stop = function() end
  b.on_select_internal = function() print("BeatClock using internal clock") end
  b.on_select_external = function() print("BeatClock using external clock") end
  return b
end

function BeatClock:start(dev_id)
  self.playing = true
  if not self.external then self.metro:start() end
  -- the first tick after start is a step
  self.current_ticks = self.ticks_per_step - 1
  send_all(self, { 251 }, dev_id)
  self.on_start()
end

function BeatClock:stop(dev_id)
  self.playing = false
  self.metro:stop()
  send_all(self, { 252 }, dev_id)
  self.on_stop()
end

function BeatClock:advance_step()
  self.step = (self.step + 1) % self.steps_per_beat
  if self.step == 0 then self.beat = (self.beat + 1) % self.beats_per_bar end
  self.on_step()
end

function BeatClock:tick(dev_id)
  self.current_ticks = (self.current_ticks + 1) % self.ticks_per_step
  if self.playing and self.current_ticks == 0 then self:advance_step() end
  send_all(self, { 248 }, dev_id)
end

-- The next step is step 0 of beat 0.
function BeatClock:reset(dev_id)
  self.step = self.steps_per_beat - 1
  self.beat = self.beats_per_bar - 1
  self.current_ticks = self.ticks_per_step - 1
  send_all(self, { 250 }, dev_id)
  if not self.playing then send_all(self, { 252 }, dev_id) end
end

-- source 1 is the internal metro, anything else external MIDI clock.
function BeatClock:clock_source_change(source)
  self.current_ticks = self.ticks_per_step - 1
  if source == 1 then
    self.external = false
    if self.playing then self.metro:start() end
    self.on_select_internal()
  else
    self.external = true
    self.metro:stop()
    self.on_select_external()
  end
end

function BeatClock:bpm_change(bpm)
  self.bpm = bpm
  self.metro.time = 60 / (self.ticks_per_step * self.steps_per_beat * bpm)
end

-- norns' "clock", "bpm" and "clock_out" params.
function BeatClock:add_clock_params()
  params:add_option("clock", "clock", { "internal", "external" }, self.external and 2 or 1)
  params:set_action("clock", function(x) self:clock_source_change(x) end)
  params:add_number("bpm", "bpm", 1, 480, self.bpm)
  params:set_action("bpm", function(x) self:bpm_change(x) end)
  params:add_option("clock_out", "clock out", { "no", "yes" }, self.send and 2 or 1)
  params:set_action("clock_out", function(x) self.send = x == 2 end)
end

function BeatClock:enable_midi() self.midi = true end

-- MIDI clock (248), start (250), continue (251), stop (252), while on the external source.
function BeatClock:process_midi(data)
  if not (self.midi and self.external) then return end
  local status = data[1]
  if status == 248 then
    self:tick()
  elseif status == 250 then
    self:reset()
    self:start()
  elseif status == 251 then
    self:start()
  elseif status == 252 then
    self:stop()
  end
end

return BeatClock
