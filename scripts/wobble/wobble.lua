-- wobble: an LFO on the filter cutoff of a held chord
--
-- A minor-ninth chord rings on while a script LFO (lib/lfo, as on norns) sweeps
-- engine.filter_cutoff. In 'clocked' mode the period is in beats, so the wobble follows
-- the tempo; its phase is computed from the clock's exact time, so offline renders are
-- bit-identical and a tempo change never makes it drift.
--
-- live:     wyrd run scripts/wobble/wobble.lua
-- offline:  wyrd render scripts/wobble/wobble.lua --seconds 8 -o wobble.wav
--
-- try in the REPL (wyrd repl):
--   params:set('wobble_period', 0.5)   -- an eighth-note wobble
--   params:set('wobble_depth', 0.3)    -- a gentle one; 0 hands the cutoff back to you
--   params:set('wobble_shape', 3)      -- square: a gated filter
--   wob:set('mode', 'free'); wob:set('period', 0.7)   -- seconds instead of beats
--   clock.set_tempo(140)               -- clocked mode follows
--   params:set('filter_resonance', 0.9)
local lfo = require 'lfo' -- the global `lfo` is the same library

local SHAPES = { 'sine', 'tri', 'square', 'random', 'up', 'down' }
local chord = musicutil.generate_chord(45, 'Minor 9') -- A2 minor ninth

function init()
  -- two detuned saws through a resonant 24 dB lowpass, with a slow release and some room
  engine.osc1_waveform(2)
  engine.osc2_waveform(2)
  engine.osc2_detune(0.03)
  engine.amp_attack(0.5)
  engine.amp_release(1)
  engine.filter_resonance(0.7)
  engine.filter_kbd_track(0)   -- every note of the chord sees the same cutoff
  engine.reverb_wet(0.3)
  engine.reverb_roomsize(0.6)
  engine.master_vol(0.5)

  -- global `wob`, so the REPL can reach it. The cutoff is in the engine's own units:
  -- 16^v times middle C, so -0.25..1.25 is about 130 Hz..8 kHz
  wob = lfo:add{
    shape = 'sine',
    min = -0.25,
    max = 1.25,
    mode = 'clocked',
    period = 2,                  -- beats
    baseline = 'center',         -- depth shrinks the sweep around the middle, not from the bottom
    action = function(v) engine.filter_cutoff(v) end,
  }

  params:add_separator('wobble', 'wobble')
  params:add_control('wobble_period', 'period',
    controlspec.new(0.25, 16, 'exp', 0, 2, 'beats'))
  params:set_action('wobble_period', function(x) wob:set('period', x) end)
  params:add_control('wobble_depth', 'depth', controlspec.new(0, 1, 'lin', 0, 0.8, ''))
  params:set_action('wobble_depth', function(x) wob:set('depth', x) end)
  params:add_option('wobble_shape', 'shape', SHAPES, 1)
  params:set_action('wobble_shape', function(i) wob:set('shape', SHAPES[i]) end)
  params:bang()

  for _, note in ipairs(chord) do engine.note_on(note, 90) end
  wob:start()
end

function cleanup()
  wob:stop()
  engine.all_off()
end
