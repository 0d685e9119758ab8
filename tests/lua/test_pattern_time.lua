-- Tests for lib/pattern_time.lua: recording from util.time() and playing back on the clock.
-- Driven by the virtual clock under plain lua5.4 (util.time() reads its _wyrd.time); inside
-- wyrd, engine/script/tests/norns_globals.rs plays a pattern on the real clock.
local pattern_time = require "pattern_time"
local with_clock = require("virtual_clock").with_clock

local function quiet(f)
  local saved = print
  print = function() end
  local ok, err = pcall(f)
  print = saved
  if not ok then error(err, 0) end
end

test("record three events and play them back in a loop with their timing", function()
  with_clock(120, function(F)
    local pat = pattern_time.new()
    local played = {}
    pat.process = function(e) played[#played + 1] = { e, F.now } end
    quiet(function() pat:rec_start() end)
    pat:watch("a")
    F.advance(0.5)
    pat:watch("b")
    F.advance(0.75)
    pat:watch("c")
    F.advance(1.0)
    pat:rec_stop()
    expect.eq(pat.count, 3)
    expect.list(pat.time, { 0.5, 0.25, 0.25 }, 1e-9)
    pat:start()
    F.advance(3.0)
    local names, times = {}, {}
    for i, p in ipairs(played) do names[i], times[i] = p[1], p[2] end
    expect.list(names, { "a", "b", "c", "a", "b", "c", "a" })
    expect.list(times, { 1.0, 1.5, 1.75, 2.0, 2.5, 2.75, 3.0 }, 1e-9)
    pat:stop()
    F.advance(5.0)
    expect.eq(#played, 7, "stopped")
    expect.eq(pat.play, 0)
  end)
end)

test("time_factor scales playback; clear forgets everything", function()
  with_clock(120, function(F)
    local pat = pattern_time.new()
    local at = {}
    pat.process = function() at[#at + 1] = F.now end
    quiet(function() pat:rec_start() end)
    pat:watch(1)
    F.advance(1)
    pat:watch(2)
    F.advance(2)
    pat:rec_stop()
    pat:set_time_factor(0.5)
    pat:start()
    F.advance(4)
    expect.list(at, { 2, 2.5, 3, 3.5, 4 }, 1e-9)
    pat:clear()
    expect.eq(pat.count, 0)
    expect.eq(pat.play, 0)
    F.advance(6)
    expect.eq(#at, 5)
  end)
end)

test("overdub inserts an event into the playing loop", function()
  with_clock(120, function(F)
    local pat = pattern_time.new()
    local seen = {}
    pat.process = function(e) seen[#seen + 1] = e end
    quiet(function() pat:rec_start() end)
    pat:watch("a")
    F.advance(1)
    pat:watch("b")
    F.advance(2)
    pat:rec_stop() -- a at 0, b at 1, loop of 2 s
    pat:start() -- t = 2: a
    pat:set_overdub(1)
    F.advance(2.5)
    pat:watch("x") -- half way from a to b
    expect.eq(pat.count, 3)
    expect.list(pat.time, { 0.5, 0.5, 1 }, 1e-9)
    F.advance(6)
    expect.list(seen, { "a", "b", "a", "x", "b", "a" })
  end)
end)

test("without events: start does nothing, rec_stop and stop say so", function()
  local pat = pattern_time.new()
  local lines = {}
  local saved = print
  print = function(s) lines[#lines + 1] = s end
  pat:start()
  pat:rec_stop()
  pat:stop()
  print = saved
  expect.eq(pat.play, 0)
  expect.list(lines, { "pattern_time: not recording", "pattern_time: not playing" })
end)
