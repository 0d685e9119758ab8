-- Tests for lib/formatters.lua: the strings norns' formatters give.
local fmt = require "formatters"
local controlspec = require "controlspec"
local paramset = require "paramset"

-- A param holding v, with the given controlspec units.
local function control(v, units, min, max)
  local ps = paramset.new("t", "t")
  ps:add_control("c", "c", controlspec.new(min or -1, max or 20000, "lin", 0, 0, units or ""))
  ps:set("c", v)
  return ps:lookup_param("c")
end

test("raw frequency and seconds", function()
  expect.eq(fmt.format_freq_raw(0.05), "0.05 Hz")
  expect.eq(fmt.format_freq_raw(440), "440 Hz")
  expect.eq(fmt.format_freq_raw(12.345), "12.35 Hz")
  expect.eq(fmt.format_freq_raw(1500), "1.5 kHz")
  expect.eq(fmt.format_secs_raw(0.5), "0.50 s")
  expect.eq(fmt.format_secs_raw(0.25), "0.25 s")
  expect.eq(fmt.format_secs_raw(1.25), "1.3 s")
  expect.eq(fmt.format_secs_raw(90), "90 s")
  expect.eq(fmt.format_secs_raw(150), "2.5 min")
  expect.eq(fmt.format_secs_raw(7200), "2.0 h")
end)

test("percentages and ms", function()
  expect.eq(fmt.percentage(control(0.5)), "50 %")
  expect.eq(fmt.unipolar_as_percentage(control(0.255)), "26 %")
  expect.eq(fmt.bipolar_as_percentage(control(-0.5)), "-50 %")
  expect.eq(fmt.secs_as_ms(control(0.25)), "250 ms")
end)

test("round(n) and default keep the controlspec's units", function()
  expect.eq(fmt.round(0.1)(control(3.14159, "Hz")), "3.1 Hz")
  expect.eq(fmt.round(1)(control(2.6, "dB")), "3 dB")
  expect.eq(fmt.default(control(0.123, "")), "0.12 ")
  expect.eq(fmt.format_freq(control(440, "Hz")), "440 Hz")
  expect.eq(fmt.format_secs(control(0.5, "s")), "0.50 s")
end)

test("true/false and enabled/disabled", function()
  expect.eq(fmt.unipolar_as_true_false(control(1)), "true ")
  expect.eq(fmt.unipolar_as_enabled_disabled(control(0)), "disabled ")
end)

test("pan widget", function()
  expect.eq(fmt.bipolar_as_pan_widget(control(0)), "MID |..........|..........| ")
  expect.eq(fmt.bipolar_as_pan_widget(control(-0.5)), "L50 |.....|...............| ")
  expect.eq(fmt.bipolar_as_pan_widget(control(1)), "R100 |....................|| ")
end)

test("multimode filter widget", function()
  local p = control(0.5, "", 0, 1)
  expect.eq(fmt.unipolar_as_multimode_filter_freq(p), string.rep("|", 22) .. " OFF ")
  p = control(0.75, "", 0, 1)
  expect.eq(fmt.unipolar_as_multimode_filter_freq(p), "|" .. string.rep(".", 10) .. string.rep("|", 11) .. " HP50 ")
  p = control(0.25, "", 0, 1)
  expect.eq(fmt.unipolar_as_multimode_filter_freq(p), string.rep("|", 11) .. string.rep(".", 10) .. "|" .. " LP50 ")
end)

test("a formatter on a param shows through params:string", function()
  local ps = paramset.new("t", "t")
  ps:add_control("pan", "pan", controlspec.new(-1, 1, "lin", 0, 0, ""), fmt.bipolar_as_pan_widget)
  ps:set("pan", 0.3)
  expect.eq(ps:string("pan"), "R30 |.............|.......| ")
end)
