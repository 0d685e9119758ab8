-- midi: norns' MIDI module (norns lua/core/midi.lua): devices, 16 virtual ports, messages as
-- tables and bytes.
--
-- wyrd has one MIDI device, "wyrd": its JACK MIDI ports live (midi_in, midi_out), and an
-- offline render's scripted MIDI (`wyrd render --events`). It sits on vport 1, as norns puts
-- the first device there. Incoming MIDI reaches dev.event and its vport's event on the frame
-- it arrived on (and, unless turned off, plays the synth as well); what a vport sends leaves
-- wyrd's midi_out port on the frame of the callback's logical time, like an engine command.
local hooks = require "core/hooks"
local pmap = require "core/pmap"

local midi = {}

midi.devices = {}
midi.vports = {}

-- norns' message names: to_data builds the bytes, to_msg reads them back.
local to_data = {
  note_on = function(m) return { 0x90 + (m.ch or 1) - 1, m.note, m.vel or 100 } end,
  note_off = function(m) return { 0x80 + (m.ch or 1) - 1, m.note, m.vel or 100 } end,
  cc = function(m) return { 0xb0 + (m.ch or 1) - 1, m.cc, m.val } end,
  pitchbend = function(m) return { 0xe0 + (m.ch or 1) - 1, m.val & 0x7f, (m.val >> 7) & 0x7f } end,
  key_pressure = function(m) return { 0xa0 + (m.ch or 1) - 1, m.note, m.val } end,
  channel_pressure = function(m) return { 0xd0 + (m.ch or 1) - 1, m.val } end,
  program_change = function(m) return { 0xc0 + (m.ch or 1) - 1, m.val } end,
  start = function() return { 0xfa } end,
  stop = function() return { 0xfc } end,
  continue = function() return { 0xfb } end,
  clock = function() return { 0xf8 } end,
  song_position = function(m) return { 0xf2, m.lsb, m.msb } end,
  song_select = function(m) return { 0xf3, m.val } end,
}

-- The fields each message needs (ch and vel have defaults).
local fields = {
  note_on = { "note" }, note_off = { "note" }, cc = { "cc", "val" }, pitchbend = { "val" },
  key_pressure = { "note", "val" }, channel_pressure = { "val" }, program_change = { "val" },
  song_position = { "lsb", "msb" }, song_select = { "val" },
}

--- The bytes of a message table ({type = "note_on", note = 60, vel = 100, ch = 1}).
function midi.to_data(msg)
  if type(msg) ~= "table" or not msg.type then error("midi.to_data: a message needs a type", 2) end
  local f = to_data[msg.type]
  if not f then error("midi.to_data: unknown message type '" .. tostring(msg.type) .. "'", 2) end
  for _, field in ipairs(fields[msg.type] or {}) do
    if type(msg[field]) ~= "number" then
      error("midi: " .. msg.type .. " is missing a field: " .. field .. " must be a number", 2)
    end
  end
  return f(msg)
end

local by_status = {
  [0x80] = function(d) return { type = "note_off", note = d[2], vel = d[3] } end,
  [0x90] = function(d)
    -- Velocity 0 is a note-off, as MIDI says.
    return { type = (d[3] or 0) > 0 and "note_on" or "note_off", note = d[2], vel = d[3] }
  end,
  [0xa0] = function(d) return { type = "key_pressure", note = d[2], val = d[3] } end,
  [0xb0] = function(d) return { type = "cc", cc = d[2], val = d[3] } end,
  [0xc0] = function(d) return { type = "program_change", val = d[2] } end,
  [0xd0] = function(d) return { type = "channel_pressure", val = d[2] } end,
  [0xe0] = function(d) return { type = "pitchbend", val = (d[2] or 0) + ((d[3] or 0) << 7) } end,
}
local system = {
  [0xfa] = "start", [0xfc] = "stop", [0xfb] = "continue", [0xf8] = "clock",
}

--- The message table of some bytes (norns' fields: type, note, vel, cc, val, ch...).
function midi.to_msg(data)
  local status = data[1]
  if type(status) ~= "number" then error("midi.to_msg: no status byte", 2) end
  local f = by_status[status & 0xf0]
  if f and status < 0xf0 then
    local msg = f(data)
    msg.ch = (status & 0x0f) + 1
    return msg
  end
  if system[status] then return { type = system[status] } end
  if status == 0xf2 then return { type = "song_position", lsb = data[2], msb = data[3] } end
  if status == 0xf3 then return { type = "song_select", val = data[2] } end
  if status == 0xf0 then return { type = "sysex", raw = data } end
  if status == 0xfe then return {} end -- active sensing: nothing to say
  return { type = "other", raw = data }
end

-- A device's (and a vport's) sending methods, norns' names and argument order.
local senders = {}
function senders:send(data)
  if type(data) ~= "table" then error("midi: send takes a message table or a table of bytes", 2) end
  if data.type then data = midi.to_data(data) end
  _wyrd.midi_send(data)
end
function senders:note_on(note, vel, ch) self:send { type = "note_on", note = note, vel = vel, ch = ch or 1 } end
function senders:note_off(note, vel, ch) self:send { type = "note_off", note = note, vel = vel or 100, ch = ch or 1 } end
function senders:cc(cc, val, ch) self:send { type = "cc", cc = cc, val = val, ch = ch or 1 } end
function senders:pitchbend(val, ch) self:send { type = "pitchbend", val = val, ch = ch or 1 } end
function senders:key_pressure(note, val, ch) self:send { type = "key_pressure", note = note, val = val, ch = ch or 1 } end
function senders:channel_pressure(val, ch) self:send { type = "channel_pressure", val = val, ch = ch or 1 } end
function senders:program_change(val, ch) self:send { type = "program_change", val = val, ch = ch or 1 } end
function senders:start() self:send { type = "start" } end
function senders:stop() self:send { type = "stop" } end
function senders:continue() self:send { type = "continue" } end
function senders:clock() self:send { type = "clock" } end
function senders:song_position(lsb, msb) self:send { type = "song_position", lsb = lsb, msb = msb } end
function senders:song_select(val) self:send { type = "song_select", val = val } end
-- Clock in from MIDI is not wyrd's (its clock is internal): accepted.
function senders:clock_receive() end

local device_mt = { __index = senders }

local function new_device(id, name)
  return setmetatable({ id = id, name = name, port = nil, event = nil, remove = nil }, device_mt)
end

-- A vport forwards what it sends to its device, and sends nothing without one (as on norns).
local vport_mt = {
  __index = function(vp, k)
    local f = senders[k]
    if f then
      return function(self, ...)
        if self.device then return f(self.device, ...) end
      end
    end
  end,
}

for i = 1, 16 do
  midi.vports[i] = setmetatable({ name = "none", device = nil, connected = false, event = nil }, vport_mt)
end

--- The vport n (1..16; default 1). Its event(data) gets what its device receives.
function midi.connect(n)
  n = n or 1
  local vp = midi.vports[n]
  if not vp then error("midi.connect: vport " .. tostring(n) .. " (1..16)", 2) end
  return vp
end

-- Called when a device arrives or leaves; scripts replace them.
function midi.add(dev) end
function midi.remove(dev) end

local function update_vports()
  for i = 1, 16 do
    local vp = midi.vports[i]
    vp.device = nil
    for _, dev in pairs(midi.devices) do
      if dev.name == vp.name then
        vp.device = dev
        dev.port = i
      end
    end
    vp.connected = vp.device ~= nil
  end
end

local function add_device(id, name)
  local dev = new_device(id, name)
  midi.devices[id] = dev
  for i = 1, 16 do
    if midi.vports[i].name == name then break end
    if midi.vports[i].name == "none" then
      midi.vports[i].name = name
      break
    end
  end
  update_vports()
  return dev
end

-- wyrd's own ports, present from the start (norns adds its devices before a script loads,
-- so scripts get no midi.add for them).
add_device(1, "wyrd")

-- An incoming message from device id: dev.event, then its vport's event, as norns calls them.
hooks.on("midi", function(id, ...)
  local dev = midi.devices[id]
  if not dev then return end
  local data = { ... }
  if dev.event then dev.event(data) end
  local vp = dev.port and midi.vports[dev.port]
  if vp and vp.event then vp.event(data) end
  -- Mapped CCs move their params (norns sends every message to its param map too).
  pmap.handle(data, dev.port)
end)

--- wyrd: whether incoming MIDI also plays the amSynth voice (on by default, as wyrd's MIDI
-- port does without a script). A script that plays its own engine from MIDI turns it off;
-- the next script starts with it on again.
function midi.synth_thru(on)
  _wyrd.midi_to_synth(on and true or false)
end

--- wyrd: whether incoming MIDI also plays the amSynth voice (on by default, as wyrd's MIDI
-- port does without a script). A script that plays its own engine from MIDI turns it off;
-- the next script starts with it on again.
function midi.synth_thru(on)
  _wyrd.midi_to_synth(on and true or false)
end

function midi.cleanup()
  for i = 1, 16 do midi.vports[i].event = nil end
  for _, dev in pairs(midi.devices) do dev.event = nil end
  midi.add = function() end
  midi.remove = function() end
end

return midi
