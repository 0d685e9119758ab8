-- presets: script params saved and restored as psets
--
-- A slow up-down arpeggio, shaped by a handful of params of every kind (number, option,
-- control, taper, binary, trigger). Their actions drive the synth, so every change is
-- heard. Pset 1 is the script's memory: init reads it back, cleanup and the 'save'
-- trigger write it, to this script's data folder (scripts/presets/data/presets-01.pset,
-- one "id": value line per param, the 41 synth params included).
--
-- live:     wyrd run scripts/presets/presets.lua
-- offline:  wyrd render scripts/presets/presets.lua --seconds 8 -o presets.wav
--           (render it twice: the second run starts from the pset the first one saved)
--
-- try in the REPL (wyrd repl):
--   params:set('cutoff', 3000); params:set('chord', 3); params:set('two_octaves', 1)
--   params:write(1, 'first')          -- or params:set('save', 1)
--   params:set('cutoff', 300)         -- wander off...
--   params:read(1)                    -- ...and come back (or params:set('load', 1))
--   params:write(2, 'dark'); params:read(2)   -- more slots: presets-02.pset, ...
--   params:print()                    -- every param and its value

local CHORDS = { 'Minor 7', 'Major 7', 'Sus4', 'Minor 9', 'Dominant 7' }
local MIDDLE_C = 261.626 -- with key tracking off, the engine's cutoff is a multiple of this

local notes = {}
local arp

local function build_notes()
  local chord = musicutil.generate_chord(params:get('root'), CHORDS[params:get('chord')])
  if params:get('two_octaves') == 1 then
    for i = 1, #chord do chord[#chord + 1] = chord[i] + 12 end
  end
  -- up, then back down without repeating the top and bottom notes
  notes = {}
  for i = 1, #chord do notes[#notes + 1] = chord[i] end
  for i = #chord - 1, 2, -1 do notes[#notes + 1] = chord[i] end
end

function init()
  engine.osc1_waveform(1)      -- pulse
  engine.osc2_waveform(2)      -- saw
  engine.osc2_detune(0.02)
  engine.amp_decay(0.7)
  engine.amp_sustain(0.5)
  engine.filter_kbd_track(0)   -- so the cutoff param below is in Hz
  engine.filter_vel_sens(0)
  engine.filter_resonance(0.4)
  engine.master_vol(0.6)

  params:add_separator('arp', 'arp')
  params:add_number('root', 'root', 36, 72, 48,
    function(p) return musicutil.note_num_to_name(p:get(), true) end)
  params:add_option('chord', 'chord', CHORDS, 1)
  params:add_binary('two_octaves', 'two octaves', 'toggle', 0)
  for _, id in ipairs { 'root', 'chord', 'two_octaves' } do params:set_action(id, build_notes) end

  params:add_separator('tone', 'tone')
  -- like controlspec.FREQ, narrowed to what the filter can reach
  params:add_control('cutoff', 'cutoff', controlspec.new(80, 12000, 'exp', 0, 1200, 'Hz'))
  params:set_action('cutoff', function(hz) engine.filter_cutoff(math.log(hz / MIDDLE_C, 16)) end)
  -- a taper spends most of its travel on short times, where the ear is fussiest
  params:add_taper('release', 'release', 0.02, 4, 0.6, 3, 's')
  -- the engine's envelope times are v^3 + 0.0005 seconds
  params:set_action('release', function(s) engine.amp_release((s - 0.0005) ^ (1 / 3)) end)
  -- the table form sets everything at once
  params:add{type = 'control', id = 'space', name = 'reverb',
    controlspec = controlspec.new(0, 1, 'lin', 0, 0.25, ''),
    action = function(x)
      engine.reverb_wet(x)
      engine.reverb_roomsize(0.3 + 0.6 * x) -- more reverb, bigger room
    end}

  params:add_separator('psets', 'psets')
  params:add_trigger('save', 'save pset 1')
  params:set_action('save', function() params:write(1, 'first') end)
  params:add_trigger('load', 'load pset 1')
  params:set_action('load', function() params:read(1) end)

  -- norns habit: params:read() then params:bang(). On the very first run there is no pset
  -- yet; read says so and returns false.
  local ok, name = params:read(1)
  if ok then print('presets: read pset 1 "' .. tostring(name) .. '"') end
  params:bang()

  arp = clock.run(function()
    local i, last = 0, nil
    while true do
      clock.sync(1 / 2)
      i = i % #notes + 1
      -- one note at a time: the release param decides how long each one rings on
      if last then engine.note_off(last) end
      last = notes[i]
      engine.note_on(last, i == 1 and 110 or 85)
    end
  end)
end

function cleanup()
  clock.cancel(arp)
  engine.all_off()
  params:write(1, 'first') -- pick up from here next time
end
