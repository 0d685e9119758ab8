-- Tests for lib/lfo.lua. The math runs everywhere; the driven tests install a small virtual clock
-- when there is no real one (plain lua5.4) and are skipped inside wyrd, whose own integration
-- tests drive LFOs with its real clock.
local lfo = require "lfo"
local shape = lfo.shape_value

local with_clock = require("virtual_clock").with_clock
local HAS_REAL_CLOCK = rawget(_G, "clock") ~= nil

test("lfo shapes at quarter phases follow norns' formulas", function()
  local expected = {
    sine = { 0.5, 1, 0.5, 0 },
    tri = { 0, 0.5, 1, 0.5 },
    up = { 0, 0.25, 0.5, 0.75 },
    down = { 1, 0.75, 0.5, 0.25 },
    square = { 1, 1, 0, 0 },
  }
  for name, values in pairs(expected) do
    local got = {}
    for i, p in ipairs { 0, 0.25, 0.5, 0.75 } do got[i] = shape(name, p) end
    expect.list(got, values, 1e-12)
  end
  expect.near(shape("sine", 0.125), 0.5 + 0.5 * math.sin(math.pi / 4), 1e-12, "sine at 1/8")
  expect.near(shape("tri", 0.1), 0.2, 1e-12, "tri rising")
  expect.near(shape("tri", 0.9), 0.2, 1e-12, "tri falling")
end)

test("lfo shapes repeat every cycle, for negative phases too", function()
  for _, name in ipairs { "sine", "tri", "up", "down", "square" } do
    expect.near(shape(name, 3.25), shape(name, 0.25), 1e-12, name .. " at 3.25")
    expect.near(shape(name, -0.75), shape(name, 0.25), 1e-12, name .. " at -0.75")
  end
  expect.near(shape("up", -1e-17), 0, 1e-12, "a phase just below 0 wraps to 0, not 1")
  expect.error(function() shape("saw", 0) end, "unknown shape")
end)

test("random is held for a cycle, reproducible, seeded and in range", function()
  expect.eq(shape("random", 3.0, 7), shape("random", 3.5, 7), "held within a cycle")
  expect.eq(shape("random", 3.0, 7), shape("random", 3.999, 7), "held to the cycle's end")
  expect.eq(shape("random", 3.2, 7), shape("random", 3.2, 7), "same seed, same value")
  expect.truthy(shape("random", 3.0, 7) ~= shape("random", 4.0, 7), "next cycle, new value")
  expect.truthy(shape("random", 3.0, 7) ~= shape("random", 3.0, 8), "other seed, other value")
  local sum, lo, hi, distinct = 0, 1, 0, {}
  for n = 0, 1999 do
    local v = shape("random", n + 0.5, 1)
    expect.truthy(v >= 0 and v < 1, "value in [0, 1): " .. v)
    sum, lo, hi = sum + v, math.min(lo, v), math.max(hi, v)
    distinct[v] = true
  end
  expect.near(sum / 2000, 0.5, 0.03, "mean")
  expect.truthy(lo < 0.01 and hi > 0.99, "covers the range")
  local count = 0
  for _ in pairs(distinct) do count = count + 1 end
  expect.truthy(count > 1990, "values do not repeat")
end)

test("an lfo starts at its floor, as norns' reset target 'floor'", function()
  local l = lfo:add { shape = "sine", min = 0, max = 1, period = 4 }
  expect.near(l:value_at(0), 0, 1e-12, "floor at start")
  expect.near(l:value_at(1), 0.5, 1e-12, "mid a quarter later")
  expect.near(l:value_at(2), 1, 1e-12, "ceiling half a period later")
  expect.near(l:value_at(4), 0, 1e-12, "floor again after a period")
  local _, raw = l:value_at(2)
  expect.near(raw, 1, 1e-12, "raw is the shape's 0..1 value")
  for _, s in ipairs { "tri", "square", "up" } do
    l:set("shape", s)
    local _, r = l:value_at(0)
    expect.near(r, 0, 1e-12, s .. " starts at its floor")
  end
end)

test("reset targets put each shape where they say", function()
  local function raw_at_start(s, target)
    local l = lfo:add { shape = s, reset_target = target }
    local _, raw = l:value_at(0)
    local _, soon = l:value_at(0.01)
    return raw, soon
  end
  for _, s in ipairs { "sine", "tri" } do
    expect.near(raw_at_start(s, "ceiling"), 1, 1e-12, s .. " ceiling")
    local mid, soon = raw_at_start(s, "mid: rising")
    expect.near(mid, 0.5, 1e-12, s .. " mid")
    expect.truthy(soon > mid, s .. " rising")
    mid, soon = raw_at_start(s, "mid: falling")
    expect.near(mid, 0.5, 1e-12, s .. " mid")
    expect.truthy(soon < mid, s .. " falling")
  end
  expect.eq(raw_at_start("square", "ceiling"), 1)
  expect.eq(raw_at_start("square", "floor"), 0)
end)

test("period is in beats when clocked and seconds when free; phase shifts the cycle", function()
  local l = lfo.new("up", 0, 1, 1, "free", 2)
  expect.eq(l:get("mode"), "free")
  expect.near(l:value_at(0.5), 0.25, 1e-12)
  expect.near(l:value_at(1.5), 0.75, 1e-12)
  l:set("phase", 0.5)
  expect.near(l:value_at(0), 0.5, 1e-12, "phase 0.5 starts half way")
  expect.near(l:value_at(1.5), 0.25, 1e-12, "and wraps")
end)

test("depth and baseline map raw into min..max as norns does", function()
  local function range(baseline, depth)
    local l = lfo:add { shape = "tri", min = 100, max = 200, depth = depth, baseline = baseline, period = 1 }
    local lo, hi = math.huge, -math.huge
    for i = 0, 1000 do
      local v = l:value_at(i / 1000)
      lo, hi = math.min(lo, v), math.max(hi, v)
    end
    return lo, hi, l
  end
  local lo, hi = range("min", 1)
  expect.near(lo, 100, 1e-9, "full depth min")
  expect.near(hi, 200, 1e-9, "full depth max")
  lo, hi = range("min", 0.5)
  expect.list({ lo, hi }, { 100, 150 }, 1e-9)
  lo, hi = range("center", 0.5)
  expect.list({ lo, hi }, { 125, 175 }, 1e-9)
  local l
  lo, hi, l = range("max", 0.5)
  expect.list({ lo, hi }, { 150, 200 }, 1e-9)
  expect.near(l:value_at(0), 200, 1e-9, "baseline max: raw 0 rests at max (norns)")
  expect.near(l:value_at(0.5), 150, 1e-9, "and raw 1 reaches down by depth")
  lo, hi = range("center", 0)
  expect.list({ lo, hi }, { 150, 150 }, 1e-9)
  lo, hi = range("min", 2)
  expect.list({ lo, hi }, { 100, 200 }, 1e-9) -- depth above 1 is clamped into min..max
end)

test("offset shifts the scaled value by a fraction of max - min", function()
  local l = lfo:add { shape = "up", min = 0, max = 10, offset = 0.1, period = 1 }
  expect.near(l:value_at(0), 1, 1e-12)
  expect.near(l:value_at(0.5), 6, 1e-12)
end)

test("set and get check keys and values", function()
  local l = lfo:add { period = 2 }
  expect.eq(l:get("period"), 2)
  expect.eq(l:get("enabled"), 0)
  expect.eq(l.enabled, 0)
  l:set("depth", 0.5)
  expect.eq(l:get("depth"), 0.5)
  l:set("baseline", "center")
  expect.eq(l:get("baseline"), "center")
  expect.error(function() l:set("speed", 1) end, "unknown key 'speed'")
  expect.error(function() l:set("shape", "saw") end, "expects one of sine, tri")
  expect.error(function() l:set("period", 0) end, "positive")
  expect.error(function() l:set("mode", "synced") end, "'clocked', 'free'")
  expect.error(function() l:set("action", 3) end, "expects a function")
  expect.error(function() l:get("speed") end, "unknown key")
  expect.error(function() lfo:add { shape = "sine", perod = 4 } end, "unknown option 'perod'")
  expect.error(function() lfo.new("squiggle") end, "shape expects one of")
  -- errors point at the script line that made the mistake, not into the library
  expect.error(function() l:set("speed", 1) end, "test_lfo")
  expect.error(function() lfo:add { perod = 4 } end, "test_lfo")
end)

test("lfo.new takes norns' positional arguments; lfo.add works with a dot too", function()
  local calls = 0
  local l = lfo.new("tri", 2, 4, 0.5, "free", 8, function() calls = calls + 1 end, 0.25, "center")
  expect.list({ l.shape, l.min, l.max, l.depth, l.mode, l.period, l.phase, l.baseline },
    { "tri", 2, 4, 0.5, "free", 8, 0.25, "center" })
  local d = lfo.add { shape = "down" }
  expect.eq(d:get("shape"), "down")
  expect.eq(d:get("mode"), "clocked")
  expect.eq(d:get("ppqn"), 96)
end)

test("each lfo gets its own reproducible random seed", function()
  local a = lfo:add { shape = "random", period = 1 }
  local b = lfo:add { shape = "random", period = 1 }
  expect.truthy(a.seed ~= b.seed, "distinct seeds")
  expect.eq(a:value_at(3.5), a:value_at(3.1), "held")
  local c = lfo:add { shape = "random", period = 1, seed = a.seed }
  for t = 0, 20 do expect.eq(c:value_at(t + 0.5), a:value_at(t + 0.5)) end
  expect.error(function() lfo:add { seed = 1.5 } end, "integer")
end)

if not HAS_REAL_CLOCK then
  test("start needs a clock in plain lua", function()
    expect.error(function() lfo:add {}:start() end, "needs wyrd's clock")
  end)
end

test("a clocked lfo ticks ppqn times per beat with values from beats since start", function()
  with_clock(120, function(F)
    local seen = {}
    local l = lfo:add { shape = "tri", period = 2, ppqn = 4, action = function(s, r) seen[#seen + 1] = { clock.get_beats(), s, r } end }
    F.advance(0.3) -- start off the grid: beat 0.6
    l:start()
    expect.eq(l:get("enabled"), 1)
    F.advance(2.3) -- 4 more beats
    expect.eq(#seen, 17, "first call at start, then every quarter beat")
    expect.near(seen[1][2], 0, 1e-12, "starts at the floor")
    for _, s in ipairs(seen) do
      expect.near(s[2], (l:value_at(s[1] - 0.6)), 1e-9, "value at beat " .. s[1])
    end
    expect.near(seen[2][1], 0.75, 1e-9, "then follows the beat grid")
    l:stop()
    local n = #seen
    F.advance(5)
    expect.eq(#seen, n, "no calls after stop")
    expect.eq(l:get("enabled"), 0)
    l:start()
    expect.eq(#seen, n + 1, "restart calls at once")
    l:stop()
  end)
end)

test("a free lfo ticks at rate Hz and follows tempo-free seconds", function()
  with_clock(120, function(F)
    local seen = {}
    local l = lfo:add { shape = "up", mode = "free", period = 1, rate = 10, action = function(s) seen[#seen + 1] = s end }
    l:start()
    F.set_tempo(90) -- must not matter in free mode
    F.advance(1)
    expect.eq(#seen, 11)
    expect.near(seen[6], 0.5, 1e-9, "half way after half a second")
    l:stop()
  end)
end)

test("changing period while running keeps the phase continuous", function()
  with_clock(120, function(F)
    local seen = {}
    local l = lfo:add { shape = "tri", mode = "free", period = 4, rate = 100, action = function(s) seen[#seen + 1] = s end }
    l:start()
    F.advance(1) -- raw 0.5, rising
    local before = seen[#seen]
    l:set("period", 1)
    F.advance(1.01)
    expect.near(seen[#seen], before + 0.02, 1e-6, "continues from the same phase, four times faster")
    l:stop()
  end)
end)

test("depth 0 leaves the target alone", function()
  with_clock(120, function(F)
    local calls = 0
    local l = lfo:add { depth = 0, mode = "free", action = function() calls = calls + 1 end }
    l:start()
    F.advance(1)
    expect.eq(calls, 0)
    l:set("depth", 1)
    F.advance(1.5)
    expect.truthy(calls >= 49, "calls resume with depth")
    l:stop()
  end)
end)

test("an lfo may stop itself from its action, and start again", function()
  with_clock(120, function(F)
    local calls = 0
    local l
    l = lfo:add { mode = "free", rate = 10, action = function() calls = calls + 1; if calls == 5 then l:stop() end end }
    l:start()
    F.advance(3)
    expect.eq(calls, 5)
    expect.eq(l:get("enabled"), 0)
    l:start()
    F.advance(3.5)
    expect.eq(calls, 5 + 1 + 5, "runs again after a restart")
    l:stop()
  end)
end)

test("an lfo whose action fails stops and reports the error", function()
  with_clock(120, function(F)
    local l = lfo:add { mode = "free", action = function() error("boom") end }
    expect.error(function() l:start() end, "boom")
    expect.eq(l:get("enabled"), 0)
  end)
end)

test("set('enabled', 1 or 0) starts and stops, as norns' params menu does", function()
  local l = lfo:add {}
  expect.error(function() l:set("enabled", "yes") end, "expects 1 or 0")
  with_clock(120, function(F)
    l:set("enabled", 1)
    expect.eq(l:get("enabled"), 1)
    F.advance(1)
    l:set("enabled", 0)
    expect.eq(l:get("enabled"), 0)
  end)
end)
