-- Tests for lib/ui.lua: widget state, and that redraw() draws with norns' screen calls at
-- norns' positions (a recording screen stands in for the real one).
local UI = require "ui"

-- Runs f with a global `screen` that records its calls; returns the calls as strings.
local function drawn(f)
  local calls = {}
  local rec = setmetatable({}, {
    __index = function(_, name)
      return function(...)
        local args = { ... }
        for i, a in ipairs(args) do args[i] = type(a) == "number" and string.format("%g", a) or tostring(a) end
        calls[#calls + 1] = name .. "(" .. table.concat(args, ",") .. ")"
      end
    end,
  })
  local saved = rawget(_G, "screen")
  rawset(_G, "screen", rec)
  local ok, err = pcall(f)
  rawset(_G, "screen", saved)
  if not ok then error(err, 0) end
  return calls
end

local function has(calls, call)
  for _, c in ipairs(calls) do if c == call then return true end end
  return false
end

test("Pages and Tabs select with clamping or wrapping", function()
  local p = UI.Pages.new(1, 3)
  p:set_index_delta(5)
  expect.eq(p.index, 3)
  p:set_index_delta(1, true)
  expect.eq(p.index, 1)
  p:set_index_delta(-1, true)
  expect.eq(p.index, 3)
  local t = UI.Tabs.new(1, { "A", "B" })
  t:set_index(0)
  expect.eq(t.index, 1)
end)

test("Pages draws a dot per page down the right edge, the current one brighter", function()
  local calls = drawn(function() UI.Pages.new(2, 3):redraw() end)
  expect.list(calls, { "level(1)", "rect(127,24,1,4)", "fill()", "level(5)", "rect(127,30,1,4)", "fill()",
    "level(1)", "rect(127,36,1,4)", "fill()" })
end)

test("Tabs, List and Message write their text at norns' positions", function()
  local calls = drawn(function() UI.Tabs.new(2, { "one", "two" }):redraw() end)
  expect.truthy(has(calls, "move(32.5,6)") and has(calls, "move(95.5,6)"), table.concat(calls, " "))
  expect.truthy(has(calls, "text_center(two)"))
  calls = drawn(function()
    local l = UI.List.new(10, 20, 2, { "a", "b" })
    l:redraw()
  end)
  expect.list(calls, { "level(3)", "move(10,25)", "text(a)", "level(15)", "move(10,36)", "text(b)", "fill()" })
  calls = drawn(function() UI.Message.new { "hello", "world" }:redraw() end)
  expect.truthy(has(calls, "move(64,29)") and has(calls, "move(64,40)"), table.concat(calls, " "))
end)

test("ScrollingList shows num_visible entries around the selection", function()
  local entries = {}
  for i = 1, 10 do entries[i] = "e" .. i end
  local l = UI.ScrollingList.new(0, 0, 6, entries)
  local calls = drawn(function() l:redraw() end)
  local texts = {}
  for _, c in ipairs(calls) do
    local t = c:match("^text%((.*)%)$")
    if t then texts[#texts + 1] = t end
  end
  expect.list(texts, { "e5", "e6", "e7", "e8", "e9" })
  expect.truthy(has(calls, "level(15)"))
end)

test("Slider, Dial and PlaybackIcon draw and clamp", function()
  local s = UI.Slider.new(0, 0, 3, 36, 0.5, 0, 1, { 0.25 }, "up")
  s:set_value_delta(2)
  expect.eq(s.value, 1)
  local calls = drawn(function() s:redraw() end)
  expect.truthy(has(calls, "rect(0,0,3,36)"), table.concat(calls, " "))
  local d = UI.Dial.new(10, 10, 22, 0.5, 0, 1, 0.01, 0, { 0.5 }, "Hz")
  d:set_value(2)
  expect.eq(d.value, 1)
  calls = drawn(function() d:redraw() end)
  expect.truthy(has(calls, "text_center(1.0 Hz)"), table.concat(calls, " "))
  expect.truthy(has(calls, "line_width(2.5)"))
  calls = drawn(function() UI.PlaybackIcon.new(0, 0, 6, 3):redraw() end)
  expect.list(calls, { "level(15)", "rect(0,0,2,6)", "rect(4,0,2,6)", "fill()" })
end)
