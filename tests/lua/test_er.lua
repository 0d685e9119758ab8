-- Tests for lib/er.lua: Euclidean patterns as norns' er.gen gives them.
local er = require "er"

local function pattern(k, n, w)
  local out = {}
  for i, v in ipairs(er.gen(k, n, w)) do out[i] = v and "x" or "." end
  return table.concat(out)
end

test("er.gen spreads k pulses over n steps, starting on a pulse", function()
  expect.eq(pattern(3, 8), "x..x..x.")
  expect.eq(pattern(5, 8), "x.x.xx.x")
  expect.eq(pattern(2, 5), "x..x.")
  expect.eq(pattern(4, 12), "x..x..x..x..")
  expect.eq(pattern(4, 16), "x...x...x...x...")
  expect.eq(pattern(7, 16), "x..x.x.x..x.x.x.")
end)

test("er.gen rotates by w steps, either way", function()
  expect.eq(pattern(3, 8, 1), ".x..x..x")
  expect.eq(pattern(3, 8, -1), "..x..x.x")
  expect.eq(pattern(3, 8, 8), pattern(3, 8, 0))
  expect.eq(pattern(5, 13, 2), "x.x..x..x.x..")
end)

test("er.gen edge cases: no pulses, all pulses, booleans", function()
  expect.eq(pattern(0, 4), "....")
  expect.eq(pattern(8, 8), "xxxxxxxx")
  expect.eq(#er.gen(3, 8), 8)
  expect.eq(er.gen(1, 4)[1], true)
  expect.eq(er.gen(1, 4)[2], false)
end)

test("requiring er also sets the global er, as on norns", function()
  expect.eq(rawget(_G, "er"), er)
end)
