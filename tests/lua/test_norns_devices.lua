-- Tests for the device and system modules as on a norns with nothing attached:
-- lib/core/grid.lua, arc.lua, hid.lua, keyboard.lua, crow.lua, softcut.lua, audio.lua, norns.lua.

-- A fresh copy of a module (its own per-load state), leaving the loaded one alone.
local function fresh(name)
  local saved = package.loaded[name]
  package.loaded[name] = nil
  local m = require(name)
  package.loaded[name] = saved
  return m
end

local function printed(f)
  local lines = {}
  local saved = print
  print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    lines[#lines + 1] = table.concat(parts, "\t")
  end
  local ok, err = pcall(f)
  print = saved
  if not ok then error(err, 0) end
  return lines
end

test("grid: four empty vports; connect gives one whose calls do nothing", function()
  local grid = fresh("core/grid")
  expect.eq(#grid.vports, 4)
  local g = grid.connect()
  expect.eq(g, grid.vports[1])
  expect.eq(grid.connect(3), grid.vports[3])
  expect.eq(g.cols, 0)
  expect.eq(g.rows, 0)
  expect.eq(g.name, "none")
  g:led(1, 1, 15)
  g:all(0)
  g:refresh()
  g:intensity(10)
  g:rotation(1)
  g.key = function() end
  grid.add = function() end
  grid.remove = function() end
  grid.cleanup()
  expect.eq(g.key, nil, "cleanup drops the script's callbacks")
end)

test("arc and hid: empty vports with assignable callbacks", function()
  local arc = fresh("core/arc")
  local a = arc.connect()
  a:led(1, 1, 15)
  a:segment(1, 0, math.pi, 15)
  a:all(0)
  a:refresh()
  a.delta = function() end
  expect.eq(#arc.vports, 4)
  local hid = fresh("core/hid")
  local h = hid.connect(2)
  h.event = function() end
  expect.eq(h.name, "none")
  expect.eq(#hid.vports, 4)
end)

test("keyboard: callbacks assignable, no keys held", function()
  local keyboard = fresh("core/keyboard")
  keyboard.code = function() end
  keyboard.char = function() end
  expect.falsy(keyboard.shift())
  expect.falsy(keyboard.ctrl())
  keyboard.clear()
  keyboard.code("A", 1)
end)

test("crow: every expression is accepted and dropped; not connected", function()
  local crow = fresh("core/crow")
  expect.eq(crow.connected(), false)
  crow.output[1].volts = 5
  crow.output[2].action = "pulse(0.01, 8)"
  crow.output[2]()
  crow.output[1].slew = 0.1
  crow.ii.jf.play_note(1, 5)
  crow.ii.pullup(true)
  crow.ii.jf.event = function() end
  crow.input[1].mode("change", 1, 0.1, "rising")
  crow.input[1].stream = function() end
  crow.input[1].change = function() end
  crow.send("x = 1")
  crow.reset()
  crow("print('hi')")
  expect.eq(crow.input[1].query(), nil)
  local sys = crow._system
  expect.eq(sys.connected(), false)
  sys.add = function() end
end)

test("softcut: every function exists and warns once per load", function()
  local softcut = fresh("core/softcut")
  local lines = printed(function()
    softcut.enable(1, 1)
    softcut.buffer(1, 1)
    softcut.level(1, 1)
    softcut.rate(1, 1)
    softcut.loop_start(1, 0)
    softcut.play(1, 1)
    softcut.buffer_read_mono("/x.wav", 0, 0, -1, 1, 1)
    softcut.event_phase(function() end)
    softcut.poll_start_phase()
  end)
  expect.list(lines, { "softcut is not in wyrd yet; its calls do nothing" })
  expect.eq(softcut.VOICE_COUNT, 6)
  expect.eq(#softcut.defaults(), 6)
  expect.eq(softcut.defaults()[1].rate, 1)
  local specs = softcut.params()
  expect.eq(#specs, 6)
  expect.eq(specs[2].rate.name, "cut2rate")
  expect.eq(specs[2].rate.type, "control")
  softcut.reset()
end)

test("audio: norns' functions exist and do nothing", function()
  local audio = fresh("core/audio")
  for _, name in ipairs { "level_cut", "level_adc", "level_eng_cut", "level_adc_cut", "level_dac",
    "level_monitor", "rev_on", "rev_off", "comp_on", "comp_off", "monitor_mono", "monitor_stereo",
    "level_tape", "pitch_on", "pitch_off", "headphone_gain", "rev_param", "comp_param",
    "tape_play_open", "tape_record_start" } do
    expect.eq(type(audio[name]), "function", name)
    audio[name](1)
  end
  expect.falsy(audio.tape_is_recording())
end)

test("audio.add_params adds norns' LEVELS, REVERB, COMPRESSOR and SOFTCUT groups", function()
  local audio = fresh("core/audio")
  local paramset = require "paramset"
  local ps = paramset.new("t", "t")
  local saved = rawget(_G, "norns")
  rawset(_G, "norns", fresh("core/norns"))
  local ok, err = pcall(audio.add_params, ps)
  local mix = norns.state.mix
  if ok then ok, err = pcall(ps.set, ps, "reverb", 1) end
  rawset(_G, "norns", saved)
  assert(ok, err)
  expect.eq(ps.count, 9 + 1 + 11 + 1 + 8 + 1 + 3 + 1)
  expect.eq(ps:get("output_level"), 0)
  expect.eq(ps:get("reverb"), 1)
  expect.eq(mix.aux, 1, "norns.state.mix follows, as on norns")
  expect.eq(ps:get("rev_eng_input"), -9)
  expect.eq(ps:get("comp_ratio"), 4)
  expect.eq(ps:get("headphone_gain"), 40)
  expect.falsy(ps:lookup_param("output_level").save)
end)

test("norns: paths from the script's folder, state, none and a menu that accepts calls", function()
  local n = fresh("core/norns")
  n._init("/data/root/song", "song", "/s/root/song/?.lua;/s/root/song/lib/?.lua")
  expect.eq(n._path.code, "/s/root/")
  expect.eq(n._path.dust, "/s/")
  expect.eq(n._path.data, "/data/root/")
  expect.eq(n._path.audio, "/s/audio/")
  expect.eq(n.state.name, "song")
  expect.eq(n.state.shortname, "song")
  expect.eq(n.state.path, "/s/root/song/")
  expect.eq(n.state.lib, "/s/root/song/lib/")
  expect.eq(n.state.data, "/data/root/song/")
  expect.eq(n._path.this.data, "/data/root/song/")
  expect.eq(n._path.this.name, nil, "_path.this exposes data, path and lib only")
  expect.error(function() n._paths.code = "x" end, "read-only")
  n.none()
  n._menu.rebuild_params()
  n._menu.redraw()
  expect.eq(n._menu.mode, false)
  expect.eq(n.menu.status(), false)
  n.menu.init()
  local lines = printed(function() n.script.load("other/other.lua") end)
  expect.truthy(lines[1]:find("not loaded", 1, true))
  -- a script whose file is not named after its folder is folder/file, as on norns
  n = fresh("core/norns")
  n._init("", "study1", "/c/we/?.lua")
  expect.eq(n.state.name, "we/study1")
  expect.eq(n.state.shortname, "study1")
end)
