-- Tests for lib/sequins.lua: the sequences norns' sequins gives (its reference docs and
-- behaviour), nested sequins and every flow modifier.
local sequins = require "sequins"

local function take(s, n)
  local out = {}
  for i = 1, n do out[i] = s() end
  return out
end

test("a sequins cycles its values, a string its characters", function()
  expect.list(take(sequins { 1, 2, 3 }, 7), { 1, 2, 3, 1, 2, 3, 1 })
  expect.list(take(sequins "abc", 4), { "a", "b", "c", "a" })
  expect.eq(#sequins { 5, 6, 7 }, 3)
  expect.truthy(sequins.is_sequins(sequins { 1 }))
  expect.falsy(sequins.is_sequins({ 1 }))
end)

test("a nested sequins gives one value each time its parent reaches it", function()
  expect.list(take(sequins { 1, 2, sequins { 3, 4 } }, 9), { 1, 2, 3, 1, 2, 4, 1, 2, 3 })
  expect.list(take(sequins { sequins { 1, 2 }, sequins { 10, 20, 30 } }, 6), { 1, 10, 2, 20, 1, 30 })
end)

test("step moves by n, and may itself be a sequins", function()
  expect.list(take(sequins { 1, 2, 3, 4 }:step(2), 5), { 1, 3, 1, 3, 1 })
  expect.list(take(sequins { 1, 2, 3, 4, 5 }:step(-1), 5), { 1, 5, 4, 3, 2 })
  expect.list(take(sequins { 1, 2, 3 }:step(sequins { 1, 2 }), 6), { 1, 2, 1, 2, 1, 2 })
end)

test("every(n): a nested sequins answers only every nth time its parent asks", function()
  expect.list(take(sequins { 1, sequins { 2, 3 }:every(2), 4 }, 12), { 1, 4, 1, 2, 4, 1, 4, 1, 3, 4, 1, 4 })
end)

test("times(n): a nested sequins answers its first n times, then is skipped", function()
  expect.list(take(sequins { 1, sequins { 2, 3 }:times(2), 4 }, 12), { 1, 2, 4, 1, 3, 4, 1, 4, 1, 4, 1, 4 })
end)

test("count(n) and all(): the parent stays on a nested sequins for n values", function()
  expect.list(take(sequins { 1, sequins { 2, 3, 4 }:count(2), 5 }, 12), { 1, 2, 3, 5, 1, 4, 2, 5, 1, 3, 4, 5 })
  expect.list(take(sequins { 1, sequins { 2, 3, 4 }:all(), 5 }, 10), { 1, 2, 3, 4, 5, 1, 2, 3, 4, 5 })
  expect.list(take(sequins { 1, sequins { 2, 3 }:every(2):count(2), 5 }, 14),
    { 1, 5, 1, 2, 3, 5, 1, 5, 1, 2, 3, 5, 1, 5 })
end)

test("select, reset and peek", function()
  local s = sequins { 1, 2, 3, 4 }
  s()
  s()
  s:select(4)
  expect.list(take(s, 3), { 4, 1, 2 })
  expect.eq(s:peek(), 2)
  expect.eq(s.ix, 2)
  s:reset()
  expect.list(take(s, 3), { 1, 2, 3 })
  -- reset reaches nested sequins and flow counters
  local inner = sequins { 7, 8, 9 }
  local outer = sequins { 1, inner }:every(1)
  take(outer, 3)
  outer:reset()
  expect.list(take(outer, 4), { 1, 7, 1, 8 })
end)

test("settable swaps the data in place, keeping position and nested sequins' state", function()
  local n = sequins { 5, 6 }
  local t = sequins { 1, n, 3 }
  take(t, 3) -- 1, 5, 3
  t:settable { 7, sequins { 8, 9 }, 10, 11 }
  expect.eq(#t, 4)
  -- position carries on from index 3; the nested one carries on from its own index
  expect.list(take(t, 6), { 11, 7, 9, 10, 11, 7 })
end)

test("map and arithmetic transform the values; data indexes and tostring", function()
  expect.list(take(sequins { 1, 2, 3 } + 10, 4), { 11, 12, 13, 11 })
  expect.list(take(sequins { 1, 2, 3 } * sequins { 1, 2 }, 6), { 1, 4, 3, 2, 2, 6 })
  expect.list(take(sequins { 1, 2 }:map(function(v, k) return v * k end, 3), 2), { 3, 6 })
  local s = sequins { 1, 2 }
  expect.eq(s[2], 2)
  s[2] = 20
  expect.list(take(s, 2), { 1, 20 })
  expect.eq(tostring(sequins { 1, 2 }:every(3)), "s[1]{1,2}:e[0](3)")
end)

test("bake and copy", function()
  local s = sequins { 1, 2, 3 }
  local b = s:bake(5)
  expect.list(take(b, 5), { 1, 2, 3, 1, 2 })
  local c = s:copy()
  expect.list(take(c, 2), take(s, 2))
end)
