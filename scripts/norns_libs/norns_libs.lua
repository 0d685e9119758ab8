-- norns_libs: a norns-style generative sequencer built from norns' own libraries
--
-- A lattice drives three sprockets: a melody from nested sequins (a phrase that varies
-- every other bar), a Euclidean bass from er.gen, and a swung hi-voice that plays only when
-- its own sequins says so. Tempo is the norns clock_tempo param; params show their values
-- with formatters; tabutil keeps the bass pattern's pulse list. Written the way community
-- norns scripts are, so it runs the same on a norns (with an engine that has note_on/off).
--
-- live:     wyrd run scripts/norns_libs/norns_libs.lua
-- offline:  wyrd render scripts/norns_libs/norns_libs.lua --seconds 8 -o norns_libs.wav
--
-- try in the REPL (wyrd repl):
--   params:set('clock_tempo', 84)         -- norns' tempo param is wyrd's tempo
--   params:set('bass_pulses', 5)          -- 5 of 16 steps, spread evenly
--   params:set('swing', 70)
--   melody:settable{1, 5, sequins{6, 8}, 3}  -- a new phrase, picked up in place
--   lat:toggle()

local sequins = require 'sequins'
local lattice = require 'lattice'
local er = require 'er'
local tabutil = require 'tabutil'
local formatters = require 'formatters'
local musicutil = require 'musicutil'

-- scale degrees; the nested sequins answers every other time it is reached, the bar
-- alternating between two endings
melody = sequins { 1, 3, 5, sequins { 8, 7 }, 5, 3, sequins { 2, 4, 6 }:every(2), 1 }
local hi = sequins { true, false, false, true, false, true, false, false }
local velocity = sequins { 110, 70, 90, 70 }

local notes = {}
local bass_steps = {} -- er.gen's booleans
local bass_step = 0
lat = nil

local function build()
  notes = musicutil.generate_scale(params:get('root'), 'Dorian', 3)
  bass_steps = er.gen(params:get('bass_pulses'), 16, params:get('bass_rotate'))
end

local function play(note, vel, beats)
  engine.note_on(note, vel)
  clock.run(function()
    clock.sleep(beats * params:get('gate') * clock.get_beat_sec())
    engine.note_off(note)
  end)
end

-- the pulses of the bass pattern, for the REPL: tabutil.print(pulses())
function pulses()
  return tabutil.select_values(bass_steps, function(v) return v end)
end

function init()
  engine.osc1_waveform(2)
  engine.amp_decay(0.5)
  engine.amp_sustain(0.2)
  engine.amp_release(0.3)
  engine.filter_cutoff(0.5)
  engine.filter_env_amount(4)
  engine.filter_decay(0.4)
  engine.reverb_wet(0.25)
  engine.master_vol(0.5)

  params:add_separator('norns_libs', 'norns libs')
  params:add_number('root', 'root', 36, 60, 45, function(p) return musicutil.note_num_to_name(p:get(), true) end)
  params:set_action('root', build)
  params:add_number('bass_pulses', 'bass pulses', 1, 16, 6)
  params:set_action('bass_pulses', build)
  params:add_number('bass_rotate', 'bass rotate', 0, 15, 0)
  params:set_action('bass_rotate', build)
  params:add_control('gate', 'gate', controlspec.new(0.05, 1, 'lin', 0, 0.45, ''), formatters.percentage)
  params:add_control('swing', 'swing', controlspec.new(0, 100, 'lin', 1, 58, '%'), formatters.round(1))
  params:set_action('swing', function(v) if hi_sprocket then hi_sprocket:set_swing(v) end end)
  params:set('clock_tempo', 96)
  build()

  lat = lattice:new {}
  lat:new_sprocket {
    division = 1 / 8,
    action = function()
      play(notes[melody()] + 12, velocity(), 0.5)
    end,
  }
  lat:new_sprocket {
    division = 1 / 16,
    action = function()
      bass_step = bass_step % #bass_steps + 1
      if bass_steps[bass_step] then play(notes[1] - 12, 100, 0.25) end
    end,
  }
  hi_sprocket = lat:new_sprocket {
    division = 1 / 8,
    swing = params:get('swing'),
    delay = 0.5,
    action = function()
      if hi() then play(notes[8 + (bass_step % 3)] + 12, 60, 0.25) end
    end,
  }
  lat:start()
end

function key(n, z)
  if n == 3 and z == 1 then lat:toggle() end
end

function enc(n, d)
  if n == 2 then params:delta('bass_pulses', d) end
  if n == 3 then params:delta('clock_tempo', d) end
end

function cleanup()
  if lat then lat:destroy() end
  engine.all_off()
end
