-- Tests for lib/tabutil.lua (norns' tab): results as norns gives them.
local tab = require "tabutil"

local function tmpname()
  local n = os.tmpname()
  os.remove(n)
  return n
end

test("count, contains, key, invert, sort", function()
  expect.eq(tab.count { 1, 2, nil, 4, x = 5 }, 4)
  expect.truthy(tab.contains({ "a", "b" }, "b"))
  expect.falsy(tab.contains({ "a", "b" }, "c"))
  expect.eq(tab.key({ "a", "b", "c" }, "c"), 3)
  expect.eq(tab.key({ "a" }, "z"), nil)
  local inv = tab.invert { "x", "y" }
  expect.eq(inv.x, 1)
  expect.eq(inv.y, 2)
  expect.list(tab.sort { c = 1, a = 2, b = 3 }, { "a", "b", "c" })
  expect.list(tab.sort { 30, 10, 20 }, { 1, 2, 3 })
end)

test("split and lines", function()
  expect.list(tab.split("a b  c"), { "a", "b", "c" })
  expect.list(tab.split("1,2,,3", ","), { "1", "2", "3" })
  expect.list(tab.lines("one\ntwo\r\nthree"), { "one", "two", "three" })
end)

test("gather, update, select_values", function()
  local g = tab.gather({ a = 1, b = 2 }, { b = 20, c = 30 })
  expect.eq(g.a, 1)
  expect.eq(g.b, 20)
  expect.eq(g.c, nil, "keys only in the custom table are left out")
  local t = { a = 1 }
  expect.eq(tab.update(t, { a = 2, b = 3 }), t)
  expect.eq(t.a, 2)
  expect.eq(t.b, 3)
  local odd = tab.select_values({ 1, 2, 3, 4 }, function(v) return v % 2 == 1 end)
  expect.eq(odd[1], 1)
  expect.eq(odd[3], 3)
  expect.eq(odd[2], nil)
  expect.eq(tab.count(odd), 2)
end)

test("print writes key<tab>value lines", function()
  local lines = {}
  local saved = print
  print = function(s) lines[#lines + 1] = s end
  local ok, err = pcall(tab.print, { 5 })
  print = saved
  assert(ok, err)
  expect.list(lines, { "1\t5" })
end)

test("save and load round-trip nested, shared and cyclic tables", function()
  local shared = { "s" }
  local t = { 1, 2.5, "three", true, nested = { x = 1, y = { "deep" } }, a = shared, b = shared,
    [10] = "ten", ["key with spaces"] = -1 / 3 }
  t.self = t
  local path = tmpname()
  expect.eq(tab.save(t, path), nil)
  local back = assert(tab.load(path))
  os.remove(path)
  expect.eq(back[1], 1)
  expect.eq(back[2], 2.5)
  expect.eq(back[3], "three")
  expect.eq(back[4], true)
  expect.eq(back.nested.y[1], "deep")
  expect.eq(back.a, back.b, "a shared table stays shared")
  expect.eq(back.self, back, "a cycle survives")
  expect.eq(back[10], "ten")
  expect.eq(back["key with spaces"], -1 / 3)
end)

test("load of a missing file returns nil and a message", function()
  local v, err = tab.load("/nonexistent/wyrd/tab.lua")
  expect.eq(v, nil)
  expect.truthy(err)
end)

test("readonly exposes, refuses writes except the allowed keys", function()
  local src = { a = 1, b = 2, name = "x" }
  local ro = tab.readonly { table = src, except = { "name" }, expose = { "a", "name" } }
  expect.eq(ro.a, 1)
  expect.eq(ro.b, nil, "not exposed")
  ro.name = "y"
  expect.eq(src.name, "y")
  expect.error(function() ro.a = 5 end, "read-only")
  local keys = {}
  for k in pairs(ro) do keys[#keys + 1] = k end
  table.sort(keys)
  expect.list(keys, { "a", "name" })
end)
