-- gesture: one envelope moves four synth parameters at once, every 2 bars
--
-- A multi-segment envelope (lib/env, after SuperCollider's Env) drives filter cutoff,
-- resonance, oscillator balance and reverb together: each target maps the envelope's
-- 0..1 level onto its own range, so one shape becomes one gesture. A clock changes the
-- chord and retriggers the gesture every 2 bars. The same pattern sweeps a model's latent
-- dimensions: swap the engine commands for functions that set them.
--
-- Times are in beats (sync=true), so the gesture follows the tempo. Levels come from the
-- exact logical time since the trigger, and every breakpoint is hit on its sample.
--
-- live:     wyrd run scripts/gesture/gesture.lua
-- offline:  wyrd render scripts/gesture/gesture.lua --seconds 16 -o gesture.wav
--
-- try in the REPL (wyrd repl):
--   params:set('swell', 1)            -- fire the gesture now (also a param for a controller)
--   swell:value_at(1.5)               -- the level 1.5 beats in (1: the peak)
--   clock.set_tempo(80)               -- slower bars, slower gestures
--   g = env.gesture{duration = 16, sync = true, targets = {{engine.osc2_detune, 0, 0.3}}}
--   g:trigger()                       -- a second, slower sweep on top
--   e = env.perc{a = 0.05, r = 2, targets = {{engine.distortion_crunch, 0, 0.6}}}; e:trigger()
local env = require 'env' -- the global `env` is the same library

-- one chord per 2 bars: root and musicutil chord name
local PROGRESSION = { { 45, 'Minor 9' }, { 41, 'Major 7' }, { 48, 'Major 69' }, { 43, 'Ninth' } }

local held = {}
local bar = 0

local function play_chord(root, kind)
  for _, note in ipairs(held) do engine.note_off(note) end
  held = musicutil.generate_chord(root, kind)
  for _, note in ipairs(held) do engine.note_on(note, 80) end
end

function init()
  engine.osc1_waveform(2)      -- saw
  engine.osc2_waveform(1)      -- pulse, so osc_mix audibly changes the tone
  engine.osc2_pulsewidth(0.3)
  engine.osc2_range(1)         -- an octave up
  engine.amp_attack(0.8)       -- v^3 seconds: about half a second in and 1.3 s out
  engine.amp_release(1.1)
  engine.filter_kbd_track(0)
  engine.reverb_roomsize(0.8)
  engine.master_vol(0.55)

  -- levels 0..1 over 8 beats: rise, fall back, a second smaller swell, then down
  -- (global `swell`, so the REPL can fire and inspect it)
  swell = env.new{
    levels = { 0, 1, 0.35, 0.6, 0 },
    times = { 1.5, 1.5, 3, 2 },
    curves = { 3, -3, 'sine', -4 },
    sync = true,
    targets = {
      -- {function, value at level 0, value at level 1, curve}
      { engine.filter_cutoff, -0.25, 1.25 },     -- 16^v x middle C: about 130 Hz .. 8 kHz
      { engine.filter_resonance, 0.2, 0.85 },
      { engine.osc_mix, -1, 0.6 },               -- saw alone -> mostly pulse
      { engine.reverb_wet, 0.5, 0.15, 'sine' },  -- a target may run backwards: drier at the peak
    },
  }

  params:add_separator('gesture', 'gesture')
  params:add_trigger('swell', 'swell now')
  params:set_action('swell', function() swell:trigger() end)

  clock.run(function()
    while true do
      local root, kind = table.unpack(PROGRESSION[bar % #PROGRESSION + 1])
      play_chord(root, kind)
      swell:trigger()
      bar = bar + 1
      clock.sync(8) -- 2 bars of 4 beats
    end
  end)
end

function cleanup()
  swell:stop()
  engine.all_off()
end
