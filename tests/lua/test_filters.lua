-- Tests for lib/filters.lua (mean, median, smoother) and lib/intonation.lua.
local filters = require "filters"
local JI = require "intonation"

test("mean is the running mean of the last n values", function()
  local m = filters.mean.new(4)
  expect.near(m:next(4), 1)
  expect.near(m:next(4), 2)
  m:next(4)
  expect.near(m:next(4), 4)
  expect.near(m:next(0), 3)
end)

test("median ignores single outliers", function()
  local d = filters.median.new(5)
  local v
  for _ = 1, 5 do v = d:next(10) end
  expect.eq(v, 10)
  expect.eq(d:next(1000), 10)
  expect.eq(d:next(-1000), 10)
  expect.eq(filters.median.new(4).bufsize, 5, "sizes are odd")
end)

test("smoother settles on its target within 0.1 % after its time", function()
  local s = filters.smoother.new(0.5, 100)
  s:set_target(1)
  local v
  for _ = 1, 50 do v = s:next() end
  expect.near(v, 1, 0.0011)
  expect.truthy(v < 1)
  s:set_value(0)
  expect.near(s:next(0), 0)
end)

test("intonation tables: sizes and known ratios", function()
  local sizes = { normal = 12, ptolemy = 12, overtone = 12, undertone = 12, lamonte = 12, zarlino = 16,
    partch = 43, gamut = 168 }
  for name, n in pairs(sizes) do
    local t = JI[name]()
    expect.eq(#t, n, name)
    expect.eq(t[1], 1, name .. " starts at 1/1")
    for i = 2, n do expect.truthy(t[i] > t[i - 1] and t[i] < 2, name .. " ascends within the octave") end
  end
  expect.eq(JI.normal()[8], 3 / 2)
  expect.eq(JI.ptolemy()[11], 9 / 5)
  expect.eq(JI.overtone()[11], 7 / 4)
  expect.truthy(JI.normal() ~= JI.normal(), "a fresh table each call")
end)
