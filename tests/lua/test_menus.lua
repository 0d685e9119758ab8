-- Tests for lib/textentry.lua, listselect.lua and fileselect.lua: wyrd has no menu screen,
-- so they accept their calls, show nothing, and call back only on exit, as a cancelled
-- entry does on norns.
local function quietly(f)
  local saved = print
  print = function() end
  local ok, err = pcall(f)
  print = saved
  if not ok then error(err, 0) end
end

test("textentry: enter shows nothing; exit calls back with nil", function()
  local te = require "textentry"
  local got = "unset"
  quietly(function() te.enter(function(txt) got = txt end, "name", "pset name") end)
  expect.eq(got, "unset")
  te.key(3, 1)
  te.enc(2, 1)
  te.redraw()
  te.exit()
  expect.eq(got, nil)
end)

test("listselect and fileselect: exit calls back with 'cancel'", function()
  local ls = require "listselect"
  local fs = require "fileselect"
  local a, b
  quietly(function()
    ls.enter({ "one", "two" }, function(x) a = x end)
    fs.enter("/tmp/", function(x) b = x end, "wav")
  end)
  ls.exit()
  fs.exit()
  expect.eq(a, "cancel")
  expect.eq(b, "cancel")
  expect.eq(type(fs.getlist()), "table")
end)
