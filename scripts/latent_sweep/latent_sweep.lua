-- latent_sweep: a bass pattern played through a moving point of a preset VAE's latent space
--
-- preset_vae8 turns 8 numbers (a point of its latent space) into a whole synth patch. This
-- starts where a factory preset encodes (m:from_preset), plays a tempo-synced pattern with
-- clock.sync, and moves the point: three lfos sweep dimensions 1-3 around the preset with
-- periods in beats (so they follow the tempo), and an env swells dimension 4 every two bars.
-- The mapper decodes at most 100 times a second, on the frames the clocks meant, and the synth
-- ramps to each patch; waveforms and filter types switch with hysteresis as the point crosses
-- their boundaries.
--
-- live:     wyrd run scripts/latent_sweep/latent_sweep.lua
-- offline:  wyrd render scripts/latent_sweep/latent_sweep.lua --seconds 16 -o sweep.wav
--
-- try in the REPL (wyrd repl):
--   params:set('sweep_depth', 2.5)     -- wander further from the preset (latent units)
--   params:set('preset', 11)           -- start from another factory preset
--   sweeps[1]:set('period', 2)         -- a faster sweep of dimension 1 (beats)
--   clock.set_tempo(96)                -- the lfos and the pattern follow
--   m:to_preset('/tmp/found.amSynth')  -- keep the patch playing now
--   m:set(5, -2)                       -- any dimension, by hand

local BANK = 'amsynth_factory.bank'
local PATTERN = { 0, 12, 0, 7, 0, 10, 12, 3, 0, 12, 0, 7, 15, 12, 10, 7 } -- semitones over the root
local ROOT = 36 -- C2
local PERIODS = { 16, 6, 10 }  -- beats: each dimension sweeps at its own pace

home = {}   -- the preset's point: the sweeps move around it
sweeps = {}

local function move_home(n)
  local name = m:from_preset(BANK, n)
  home = m:values()
  for d, s in ipairs(sweeps) do
    s:set('min', home[d] - params:get('sweep_depth'))
    s:set('max', home[d] + params:get('sweep_depth'))
  end
  if swell then
    swell.min = home[4]
    swell.max = home[4] + 1.5
  end
  print('latent_sweep: around "' .. name .. '"')
end

function init()
  m = latent.new{model = model.load('preset_vae8'), rate = 100}

  params:add_separator('latent_sweep', 'latent sweep')
  params:add_number('preset', 'preset', 0, 25, 3) -- 3: Sweet Bass
  params:set_action('preset', move_home)
  params:add_control('sweep_depth', 'sweep depth',
    controlspec.new(0, 3, "lin", 0, 1.2, "z"))
  params:set_action('sweep_depth', function() move_home(params:get('preset')) end)

  for d, period in ipairs(PERIODS) do
    sweeps[d] = lfo:add{
      shape = 'sine', min = -1.5, max = 1.5, mode = 'clocked', period = period,
      phase = (d - 1) / 3, ppqn = 24, action = m:driver(d),
    }
  end
  -- dimension 4 swells up and back over a bar and a half (times in beats), every two bars
  swell = env.new{levels = { 0, 1, 0 }, times = { 2, 4 }, curves = { 2, -2 }, sync = true,
    min = 0, max = 1.5, action = m:driver(4)}
  move_home(params:get('preset'))
  for _, s in ipairs(sweeps) do s:start() end

  clock.run(function()
    while true do
      swell:trigger()
      clock.sync(8)
    end
  end)

  clock.run(function()
    local step = 0
    while true do
      clock.sync(1 / 2)
      local note = ROOT + PATTERN[step % #PATTERN + 1]
      engine.note_on(note, step % 4 == 0 and 110 or 85)
      clock.run(function()
        clock.sleep(clock.get_beat_sec() * 0.4)
        engine.note_off(note)
      end)
      step = step + 1
    end
  end)
end

function cleanup()
  for _, s in ipairs(sweeps) do s:stop() end
  if swell then swell:stop() end
  engine.all_off()
end
