-- perc: norns' PolyPerc engine, a clock walking up and down a scale
--
-- Every half beat the clock plays the next note of the scale with engine.hz; each note is a
-- new PolyPerc voice (a pulse through a Moog-style low-pass, struck and let ring) that frees
-- itself when its release ends. cutoff, release, pw and gain are params: as on norns, a new
-- value shapes the notes played after it.
--
-- live:     wyrd run scripts/perc/perc.lua
-- offline:  wyrd render scripts/perc/perc.lua --seconds 8 -o perc.wav
--
-- try in the REPL (wyrd repl):
--   params:set('cutoff', 300)      -- darker; 4000 for bright
--   params:set('release', 2)       -- long, overlapping notes
--   params:set('gain', 3.5)        -- the ladder rings at the cutoff
--   params:set('scale', 5)         -- Dorian; params:set('root', 48) moves it down an octave
--   engine.list_commands()

engine.name = 'PolyPerc'

local notes = {}
local position = 0 -- where on the walk up and down the scale
local walk

local function build_scale()
  local scale = musicutil.SCALES[params:get('scale')].name
  notes = musicutil.generate_scale(params:get('root'), scale, 1)
end

local function next_note()
  -- up the scale and back down: 1 2 .. n .. 2 1 2 ..
  local n = #notes
  local span = 2 * (n - 1)
  local i = position % span
  position = position + 1
  if i < n then return notes[i + 1] end
  return notes[span - i + 1]
end

function init()
  params:add_separator('perc')
  params:add{ type = 'control', id = 'cutoff', name = 'cutoff',
    controlspec = controlspec.new(50, 5000, 'exp', 0, 1000, 'hz'),
    action = function(v) engine.cutoff(v) end }
  params:add{ type = 'control', id = 'release', name = 'release',
    controlspec = controlspec.new(0.1, 3.2, 'lin', 0, 0.5, 's'),
    action = function(v) engine.release(v) end }
  params:add{ type = 'control', id = 'pw', name = 'pulse width',
    controlspec = controlspec.new(0.05, 0.95, 'lin', 0, 0.5, ''),
    action = function(v) engine.pw(v) end }
  params:add{ type = 'control', id = 'gain', name = 'gain',
    controlspec = controlspec.new(0, 4, 'lin', 0, 2, ''),
    action = function(v) engine.gain(v) end }
  local scale_names = {}
  for i = 1, #musicutil.SCALES do scale_names[i] = musicutil.SCALES[i].name end
  params:add_option('scale', 'scale', scale_names, 1)
  params:set_action('scale', build_scale)
  params:add_number('root', 'root', 36, 84, 60)
  params:set_action('root', build_scale)
  params:bang()
  engine.amp(0.5)

  walk = clock.run(function()
    while true do
      clock.sync(1 / 2)
      engine.hz(musicutil.note_num_to_freq(next_note()))
    end
  end)
end

function cleanup()
  if walk then clock.cancel(walk) end
end
