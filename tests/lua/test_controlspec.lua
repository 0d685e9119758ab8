-- controlspec: warps, constrain, presets.
local controlspec = require "controlspec"

test("new keeps norns' fields and defaults", function()
  local s = controlspec.new(0, 10)
  expect.eq(s.minval, 0)
  expect.eq(s.maxval, 10)
  expect.eq(s.warp, "lin")
  expect.eq(s.step, 0)
  expect.eq(s.default, 0)
  expect.eq(s.units, "")
  expect.eq(s.quantum, 0.01)
  expect.eq(s.wrap, false)
  local t = controlspec.new(1, 8, "exp", 0.5, 2, "x", 0.05, true)
  expect.eq(t.warp, "exp")
  expect.eq(t.step, 0.5)
  expect.eq(t.default, 2)
  expect.eq(t.units, "x")
  expect.eq(t.quantum, 0.05)
  expect.eq(t.wrap, true)
end)

test("lin map/unmap", function()
  local s = controlspec.new(-10, 30, "lin")
  expect.eq(s:map(0), -10)
  expect.eq(s:map(1), 30)
  expect.eq(s:map(0.25), 0)
  expect.eq(s:unmap(10), 0.5)
  expect.eq(s:map(2), 30, "input clamps to 0..1")
  expect.eq(s:unmap(100), 1)
end)

test("exp map: 20..20000 midpoint is the geometric mean", function()
  local s = controlspec.new(20, 20000, "exp")
  expect.near(s:map(0.5), 632.4555320336759, 1e-9)
  expect.near(s:map(0), 20, 1e-12)
  expect.near(s:map(1), 20000, 1e-9)
  expect.near(s:unmap(200), 1 / 3, 1e-12)
  local neg = controlspec.new(-1, -100, "exp")
  expect.near(neg:map(0.5), -10, 1e-12)
end)

test("map/unmap round trips for every warp", function()
  local specs = {
    controlspec.new(-5, 5, "lin"),
    controlspec.new(0.1, 20000, "exp"),
    controlspec.new(-60, 0, "db"),
    controlspec.new(-math.huge, 6, "db"),
    controlspec.new(0, -40, "db"),
  }
  for _, s in ipairs(specs) do
    for i = 0, 100 do
      local x = i / 100
      local v = s:map(x)
      expect.near(s:unmap(v), x, 1e-9, tostring(s) .. " at " .. x)
      if v > -math.huge then expect.near(s:map(s:unmap(v)), v, 1e-9 * math.max(1, math.abs(v))) end
    end
  end
end)

test("db warp follows SuperCollider's DbFaderWarp", function()
  local s = controlspec.new(-math.huge, 0, "db")
  expect.eq(s:map(0), -math.huge)
  expect.eq(s:map(1), 0)
  expect.near(s:map(0.5), 20 * math.log(0.25, 10), 1e-12, "amplitude is the square of the position")
  expect.eq(s:unmap(-math.huge), 0)
  local t = controlspec.new(-60, 0, "db")
  local lo = 10 ^ (-60 / 20)
  expect.near(t:map(0.5), 20 * math.log(0.25 * (1 - lo) + lo, 10), 1e-12)
  for i = 1, 100 do expect.truthy(t:map(i / 100) > t:map((i - 1) / 100), "monotonic") end
end)

test("constrain clamps then quantises to step from minval", function()
  local s = controlspec.new(0, 10, "lin", 0.5)
  expect.eq(s:constrain(3.3), 3.5)
  expect.eq(s:constrain(3.2), 3)
  expect.eq(s:constrain(-4), 0)
  expect.eq(s:constrain(12), 10)
  expect.eq(s:map(0.33), 3.5)
  local odd = controlspec.new(1, 10, "lin", 2)
  expect.eq(odd:constrain(4), 5, "steps count from minval (1, 3, 5, ...)")
  expect.eq(odd:constrain(9.9), 9)
  expect.eq(odd:constrain(10), 10, "max stays reachable")
  local midi = controlspec.MIDINOTE
  expect.eq(midi:map(0.5), 64)
  expect.eq(midi:constrain(60.4), 60)
  local rev = controlspec.new(10, 0)
  expect.eq(rev:constrain(-1), 0)
  expect.eq(rev:map(0.25), 7.5)
end)

test("bad specs are clear errors", function()
  expect.error(function() controlspec.new(0, 100, "exp") end, "exp warp needs min and max of the same sign and non-zero")
  expect.error(function() controlspec.new(-1, 1, "exp") end, "same sign")
  expect.error(function() controlspec.new(0, 1, "log") end, "controlspec: unknown warp 'log'")
  expect.error(function() controlspec.new("a", 1) end, "min and max must be numbers")
  expect.error(function() controlspec.new(-math.huge, 0, "lin") end, "must be finite")
  expect.error(function() controlspec.def { min = 0, max = 1, warp = "exp" } end, "same sign")
  local ok, err = pcall(function() controlspec.new(0, 1, "exp") end)
  expect.falsy(ok)
  expect.truthy(tostring(err):find("test_controlspec.lua", 1, true), "error points at the caller: " .. tostring(err))
end)

test("def table form", function()
  local s = controlspec.def { min = 50, max = 5000, warp = "exp", default = 500, units = "Hz", quantum = 0.02 }
  expect.eq(s.minval, 50)
  expect.eq(s.maxval, 5000)
  expect.eq(s.default, 500)
  expect.eq(s.units, "Hz")
  expect.eq(s.quantum, 0.02)
  expect.near(s:map(0.5), 500, 1e-9)
end)

test("copy is independent; tostring describes the spec", function()
  local s = controlspec.new(0, 1, "lin", 0, 0.5, "x")
  local c = s:copy()
  c.maxval = 2
  expect.eq(s.maxval, 1)
  expect.eq(c:map(1), 2)
  expect.eq(getmetatable(c), getmetatable(s))
  local text = tostring(controlspec.FREQ)
  expect.truthy(text:find("warp: exp", 1, true), text)
  expect.truthy(text:find("Hz", 1, true), text)
end)

test("presets have norns' ranges and are fresh copies", function()
  local f = controlspec.FREQ
  expect.eq(f.minval, 20)
  expect.eq(f.maxval, 20000)
  expect.eq(f.warp, "exp")
  expect.eq(f.default, 440)
  expect.eq(f.units, "Hz")
  f.maxval = 100
  expect.eq(controlspec.FREQ.maxval, 20000, "changing one copy leaves the preset alone")
  expect.truthy(controlspec.FREQ ~= controlspec.FREQ)
  local want = {
    UNIPOLAR = { 0, 1, 0 }, BIPOLAR = { -1, 1, 0 }, LOFREQ = { 0.1, 100, 6 }, MIDFREQ = { 25, 4200, 440 },
    WIDEFREQ = { 0.1, 20000, 440 }, PHASE = { 0, math.pi, 0 }, RQ = { 0.001, 2, 0.707 },
    MIDI = { 0, 127, 64 }, MIDINOTE = { 0, 127, 60 }, MIDIVELOCITY = { 1, 127, 64 },
    DB = { -math.huge, 0, 0 }, AMP = { 0, 1, 0 }, BOOSTCUT = { -20, 20, 0 }, PAN = { -1, 1, 0 },
    DETUNE = { -20, 20, 0 }, RATE = { 0.125, 8, 1 }, BEATS = { 0, 20, 0 }, DELAY = { 0.0001, 1, 0.3 },
  }
  for name, w in pairs(want) do
    local s = controlspec[name]
    expect.truthy(s, name)
    expect.eq(s.minval, w[1], name .. " min")
    expect.eq(s.maxval, w[2], name .. " max")
    expect.near(s.default, w[3], 1e-12, name .. " default")
  end
  expect.eq(controlspec.DB.warp, "db")
  expect.eq(controlspec.RATE:map(0.5), 1)
  expect.eq(controlspec.NOPE, nil)
end)
