-- resynth: the synth follows what it hears
--
-- Live resynthesis of the audio input: the live matcher listens to the input (its last
-- tenth of a second of MFCCs) and sets the synth's timbre to match it, the pitch follower
-- plays the input's nearest note and bends to its exact pitch, and the amplitude follower
-- opens and closes the note with the input and matches its level. Sing, whistle or play
-- an instrument into wyrd's input (wyrd:in_l / wyrd:in_r). Inference runs on the model
-- thread, never on the audio thread.
--
-- live:     wyrd run scripts/resynth/resynth.lua   (connect a microphone to wyrd:in_l)
-- offline:  wyrd render scripts/resynth/resynth.lua --input voice.wav --seconds 6 -o out.wav
--           (a 48 kHz WAV played into the input, analysed exactly as live)
--
-- params (wyrd repl: params:set('follow_pitch', 1) ...): each change restarts resynthesis
--   follow_pitch  on: play the input's pitch; off: hold `note`
--   follow_amp    on: the level follows the input; off: the patch's own envelope and level
--   smoothing     seconds: how slowly the matched timbre moves
--   note          the note held when not following pitch
--   gate          input level (dBFS) a note starts above

local function restart()
  resynth.start{
    model = 'live_matcher',
    follow_pitch = params:get('follow_pitch') == 2,
    follow_amp = params:get('follow_amp') == 2,
    smoothing = params:get('smoothing'),
    note = params:get('note'),
    gate_db = params:get('gate'),
  }
end

function init()
  -- the patch the matcher's timbre is set on: two saws through a lowpass, some room
  engine.osc1_waveform(2)
  engine.osc2_waveform(2)
  engine.osc2_detune(0.01)
  engine.reverb_wet(0.15)

  params:add_separator('resynth', 'resynth')
  params:add_option('follow_pitch', 'follow pitch', { 'off', 'on' }, 2)
  params:add_option('follow_amp', 'follow amp', { 'off', 'on' }, 2)
  params:add_control('smoothing', 'smoothing', controlspec.new(0, 1, 'lin', 0, 0.05, 's'))
  params:add_number('note', 'note', 24, 96, 60)
  params:add_control('gate', 'gate', controlspec.new(-90, -10, 'lin', 0, -50, 'dB'))
  for _, id in ipairs{ 'follow_pitch', 'follow_amp', 'smoothing', 'note', 'gate' } do
    params:set_action(id, function() if resynth.running() then restart() end end)
  end

  restart()
  print('resynth: listening to wyrd:in_l / wyrd:in_r')
end

function cleanup()
  resynth.stop()
  engine.all_off()
end
