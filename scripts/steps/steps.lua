-- steps: a 16-step sequencer on clock.sync
--
-- One clock walks a fixed 16-step pattern of scale degrees; each step plays a note from
-- musicutil.generate_scale and a short nested clock lets go of it after the gate time.
-- Every note lands on the exact sample of its step, so the groove is tight at any tempo.
--
-- live:     wyrd run scripts/steps/steps.lua
-- offline:  wyrd render scripts/steps/steps.lua --seconds 8 --bpm 110 -o steps.wav
--           (math.random is seeded offline: two renders are bit-identical)
--
-- try in the REPL (wyrd repl):
--   params:set('scale', 5)            -- Dorian; params:set('root', 45) moves it to A
--   params:set('div', 3)              -- sixteenths
--   params:set('gate', 0.9)           -- legato; 0.1 for staccato
--   pattern[4] = 9                    -- rewrite a step while it plays (0 is a rest)
--   clock.set_tempo(90)
--   params:set('filter_env_amount', 10)  -- every synth parameter is a param too

-- scale degrees (1 = root, 8 = the octave above); 0 rests. Global, so the REPL can edit it.
pattern = { 1, 3, 5, 8, 0, 5, 3, 2, 1, 5, 0, 7, 8, 6, 4, 2 }

local DIV_NAMES = { '1/4', '1/8', '1/16' }
local DIV_BEATS = { 1, 1 / 2, 1 / 4 } -- clock.sync counts beats, and a beat is a quarter note

local notes = {} -- the current scale, two octaves up from the root
local step = 1 -- 1..16, the step last played
local seq

local function build_scale()
  local scale = musicutil.SCALES[params:get('scale')].name
  notes = musicutil.generate_scale(params:get('root'), scale, 2)
end

local function play(note, vel, beats)
  engine.note_on(note, vel)
  -- a clock of its own for the note off, so the sequencer never waits on it
  clock.run(function()
    clock.sleep(beats * params:get('gate') * clock.get_beat_sec())
    engine.note_off(note)
  end)
end

local function sequence()
  while true do
    local beats = DIV_BEATS[params:get('div')]
    clock.sync(beats)
    -- count steps from the clock's beat, so the pattern stays on the bar when div changes
    step = math.floor(clock.get_beats() / beats + 0.5) % #pattern + 1
    local degree = pattern[step]
    if degree > 0 then
      -- accent every fourth step; a little seeded randomness keeps the rest alive
      local vel = step % 4 == 1 and 120 or 70 + math.random(0, 30)
      play(notes[util.clamp(degree, 1, #notes)], vel, beats)
    end
  end
end

function init()
  -- a plucky patch: the filter envelope opens each note, the amp decays to a low sustain
  engine.osc1_waveform(2)      -- saw
  engine.osc2_waveform(1)      -- pulse
  engine.osc2_detune(0.02)
  engine.amp_decay(0.6)        -- envelope times are v^3 seconds: 0.6 -> 0.22 s
  engine.amp_sustain(0.3)
  engine.amp_release(0.4)
  engine.filter_cutoff(0)      -- 16^0 = 1x the note's frequency
  engine.filter_resonance(0.5)
  engine.filter_env_amount(6)
  engine.filter_decay(0.5)
  engine.filter_sustain(0)
  engine.reverb_wet(0.2)
  engine.reverb_roomsize(0.5)
  engine.master_vol(0.6)

  local scale_names = {}
  for i, s in ipairs(musicutil.SCALES) do scale_names[i] = s.name end

  params:add_separator('steps', 'steps')
  params:add_number('root', 'root note', 24, 72, 48,
    function(p) return musicutil.note_num_to_name(p:get(), true) end)
  params:set_action('root', build_scale)
  params:add_option('scale', 'scale', scale_names, 12) -- Minor Pentatonic
  params:set_action('scale', build_scale)
  params:add_option('div', 'step', DIV_NAMES, 2)
  params:add_control('gate', 'gate', controlspec.new(0.05, 0.95, 'lin', 0, 0.5, ''))

  build_scale()
  seq = clock.run(sequence)
end

function cleanup()
  clock.cancel(seq)
  engine.all_off()
end
