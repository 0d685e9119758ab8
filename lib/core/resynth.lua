-- resynth: live resynthesis of the audio input (wyrd's own; norns has none).
--
--   resynth.start{model = "live_matcher", follow_pitch = true, follow_amp = true,
--                 smoothing = 0.05, note = 60, gate_db = -50, search = true}
--   resynth.stop()
--   resynth.running()  -- true while it runs
--
-- The live matcher listens to the input (its last 10 MFCC frames, about 0.1 s) and sets the
-- synth's timbre parameters to match it, on top of the patch playing when it starts. Options
-- (all optional, defaults shown above):
--   model         the live matcher (a name in the models folder, or a path)
--   follow_pitch  play the input's nearest note and bend to its exact pitch (a jump of more
--                 than a semitone retriggers); false: always play `note`
--   follow_amp    the output's level follows the input's (the envelope is held open)
--   smoothing     time constant of the matched parameters, seconds (0: none)
--   note          the note played when not following pitch (and before the first pitched frame)
--   gate_db       input level (dBFS) above which a note sounds; it stops 6 dB below
--   search        every few frames, render candidate patches (the matcher's, the playing
--                 one, the preset index's nearest, small variations) for a short window and
--                 keep the one that sounds nearest the input; false: the matcher's patch as is
-- Categorical parameters (waveforms, filter type) switch with hysteresis, so a held note keeps
-- its timbre moving without flickering between options.
--
-- It runs on the model thread, fed by the input's analysis; inference never runs on the audio
-- thread. Starting again replaces the running one; it stops when the script is unloaded or
-- reloaded. Offline (`wyrd render SCRIPT --input IN.wav`) the input file is analysed frame by
-- frame on the render's clock, so the render is deterministic.
local resynth = {}

-- The primitives answer true, results... or false, why: raised here at the caller's line.
local function call(f, ...)
  local r = table.pack(f(...))
  if not r[1] then error(r[2], 3) end
  return table.unpack(r, 2, r.n)
end

--- resynth.start{...}: starts resynthesis (see above).
function resynth.start(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("resynth.start: expects a table of options, got " .. type(opts), 2)
  end
  opts = opts or {}
  local t = {}
  for k, v in pairs(opts) do t[k] = v end
  if type(t.model) == "table" and t.model.path then t.model = t.model.path end
  call(_wyrd.resynth_start, t)
end

--- resynth.stop(): stops it (its note is released); nothing happens when none runs.
function resynth.stop()
  call(_wyrd.resynth_stop)
end

--- resynth.running() -> whether resynthesis runs.
function resynth.running()
  return _wyrd.resynth_running()
end

return resynth
