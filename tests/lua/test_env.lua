-- Tests for lib/env.lua. The math runs everywhere; the driven tests install a small virtual clock
-- when there is no real one (plain lua5.4) and are skipped inside wyrd, whose own integration
-- tests drive envelopes with its real clock.
local env = require "env"

local with_clock = require("virtual_clock").with_clock
local HAS_REAL_CLOCK = rawget(_G, "clock") ~= nil

-- Records every action call with the logical time it happened at.
local function recorder()
  local r = { calls = {} }
  function r.action(value, level)
    r.calls[#r.calls + 1] = { t = _wyrd.time(), value = value, level = level }
  end
  function r.last() return r.calls[#r.calls] end
  function r.at(t) -- the call made at time t
    for _, c in ipairs(r.calls) do
      if math.abs(c.t - t) < 1e-6 then return c end
    end
  end
  return r
end

test("linear segments hit every breakpoint exactly", function()
  local e = env.new { levels = { 0, 1, 0.25, 0 }, times = { 0.5, 0.25, 1 } }
  expect.eq(e:value_at(0), 0)
  expect.eq(e:value_at(0.25), 0.5)
  expect.eq(e:value_at(0.5), 1)
  expect.eq(e:value_at(0.75), 0.25)
  expect.eq(e:value_at(1.25), 0.125)
  local level, finished = e:value_at(1.75)
  expect.eq(level, 0)
  expect.truthy(finished, "finished at the end")
  expect.falsy(select(2, e:value_at(1.7)), "not finished before the end")
  expect.eq(e:value_at(99), 0, "stays at the last level")
  expect.eq(e:duration(), 1.75)
  -- durations that are not binary fractions still land on the levels
  local f = env.new { levels = { 0, 1, 0.3, 0 }, times = { 0.01, 0.2, 1.5 } }
  expect.near(f:value_at(0.01), 1, 1e-12)
  expect.near(f:value_at(0.21), 0.3, 1e-12)
  expect.near(f:value_at(0.11), 0.65, 1e-12)
end)

test("curves: SC curve formula, exp geometric mean, sine, step, hold, squared, cubed", function()
  local function mid(curve, a, b, pos)
    local e = env.new { levels = { a or 0, b or 1 }, times = { 1 }, curves = curve }
    return e:value_at(pos or 0.5)
  end
  expect.near(mid(-4), (1 - math.exp(-2)) / (1 - math.exp(-4)), 1e-12, "curve -4")
  expect.near(mid(4), (1 - math.exp(2)) / (1 - math.exp(4)), 1e-12, "curve 4")
  expect.truthy(mid(-4) > 0.5 and mid(4) < 0.5, "negative curves rise fast, positive ones slow")
  expect.near(mid(-4, 1, 0), 1 - (1 - math.exp(-2)) / (1 - math.exp(-4)), 1e-12, "falling curve -4")
  expect.near(mid("exp", 100, 400), 200, 1e-9, "exp midpoint is the geometric mean")
  expect.near(mid("exp", 100, 400, 0.25), 100 * 4 ^ 0.25, 1e-9)
  expect.near(mid("exp", -1, -4), -2, 1e-12, "exp works for negative levels")
  expect.near(mid("sine"), 0.5, 1e-12, "sine midpoint")
  expect.near(mid("sine", 0, 1, 0.25), 0.5 - 0.5 * math.cos(math.pi / 4), 1e-12)
  expect.eq(mid("step", 0, 1, 0), 1, "step jumps at the start")
  expect.eq(mid("hold", 0, 1, 0.99), 0, "hold waits")
  expect.eq(mid("hold", 0, 1, 1), 1, "then jumps at the end")
  expect.near(mid("squared"), 0.25, 1e-12)
  expect.near(mid("cubed"), 0.125, 1e-12)
  expect.near(mid(0.0001), 0.5, 1e-12, "tiny curves are linear, as SC")
  expect.eq(mid("lin"), 0.5)
  expect.eq(mid("linear"), 0.5)
  -- every curve lands exactly on its end levels
  for _, c in ipairs { -4, 4, "exp", "sine", "squared", "cubed", "lin" } do
    local e = env.new { levels = { 0.3, 0.9, 0.6 }, times = { 0.5, 0.5 }, curves = c }
    expect.eq(e:value_at(0.5), 0.9, tostring(c) .. " peak")
    expect.eq(e:value_at(1), 0.6, tostring(c) .. " end")
  end
  -- one curve per segment
  local e = env.new { levels = { 0, 1, 0 }, times = { 1, 1 }, curves = { "lin", -4 } }
  expect.eq(e:value_at(0.5), 0.5)
  expect.near(e:value_at(1.5), 1 - (1 - math.exp(-2)) / (1 - math.exp(-4)), 1e-12)
  expect.near(env.interpolate(200, 800, 0.5, "exp"), 400, 1e-9)
end)

test("release_node holds while gated and releases from the held level", function()
  local e = env.adsr { a = 0.25, d = 0.25, s = 0.5, r = 0.5, curve = "lin" }
  expect.eq(e:value_at(0.25), 1, "peak")
  expect.eq(e:value_at(0.5), 0.5, "sustain level")
  local level, finished = e:value_at(1000)
  expect.eq(level, 0.5, "held while gated")
  expect.falsy(finished)
  expect.eq(e:value_at(10.25, 10), 0.25, "half way through the release")
  level, finished = e:value_at(10.5, 10)
  expect.eq(level, 0, "released")
  expect.truthy(finished)
  -- released during the attack: the release segment starts from where the envelope is (SC)
  expect.eq(e:value_at(0.125, 0.125), 0.5, "at release")
  expect.eq(e:value_at(0.375, 0.125), 0.25, "release from 0.5, not from the sustain level")
  expect.truthy(select(2, e:value_at(0.625, 0.125)), "done after r")
end)

test("loop_node repeats loop_node..release_node-1 while gated, each repeat from the release level", function()
  -- nodes: 0 -> 0.2 -> 1 -> 0.6 -> 0 ; loop 2..3 while gated, release node 4
  local e = env.new { levels = { 0, 0.2, 1, 0.6, 0 }, times = { 1, 1, 1, 1 }, loop_node = 2, release_node = 4 }
  expect.near(e:value_at(1.5), 0.6, 1e-12, "first pass: 0.2 -> 1")
  expect.eq(e:value_at(3), 0.6, "arrives at the release node")
  expect.near(e:value_at(3.5), 0.8, 1e-12, "repeat: 0.6 -> 1 (SC starts the loop from the current level)")
  expect.eq(e:value_at(4), 1)
  expect.near(e:value_at(4.5), 0.8, 1e-12)
  expect.near(e:value_at(5.5), 0.8, 1e-12, "loop period is times[2] + times[3]")
  expect.near(e:value_at(203.5), 0.8, 1e-9, "still looping much later")
  expect.falsy(select(2, e:value_at(1000)))
  -- released in the loop: the release segment starts from the loop's current level
  expect.near(e:value_at(4.5, 4.5), 0.8, 1e-12)
  expect.near(e:value_at(5, 4.5), 0.4, 1e-12)
  local level, finished = e:value_at(5.5, 4.5)
  expect.eq(level, 0)
  expect.truthy(finished)
end)

test("loop=true repeats the whole envelope; release finishes the current cycle", function()
  local e = env.new { levels = { 0, 1 }, times = { 0.5 }, loop = true }
  expect.eq(e:value_at(0.25), 0.5)
  expect.eq(e:value_at(0.75), 0.5)
  expect.eq(e:value_at(1), 0, "each cycle starts again at levels[1]")
  expect.falsy(select(2, e:value_at(100.25)))
  expect.near(e:value_at(100.25), 0.5, 1e-12)
  expect.near(e:value_at(0.9, 0.6), 0.8, 1e-12, "released at 0.6, still in its cycle")
  local level, finished = e:value_at(1, 0.6)
  expect.eq(level, 1, "ends on the last level at the cycle's end")
  expect.truthy(finished)
  -- the first cycle starts from the retrigger level, later ones from levels[1]
  expect.eq(e:value_at(0, nil, 0.5), 0.5)
  expect.eq(e:value_at(0.25, nil, 0.5), 0.75)
  expect.eq(e:value_at(0.75, nil, 0.5), 0.5)
end)

test("a plain one-shot ignores the gate, as EnvGen does", function()
  local e = env.perc { a = 0.5, r = 0.5, curve = "lin" }
  expect.eq(e:value_at(0.75, 0.1), 0.5)
  expect.eq(e:value_at(0.75), 0.5)
end)

test("retrigger starts from the given level (no click)", function()
  local e = env.perc { a = 0.5, r = 0.5, curve = "lin" }
  expect.eq(e:value_at(0, nil, 0.7), 0.7)
  expect.near(e:value_at(0.25, nil, 0.7), 0.85, 1e-12)
  expect.eq(e:value_at(0.5, nil, 0.7), 1)
  -- an exp segment cannot start from 0: it falls back to linear instead of NaN
  local x = env.new { levels = { 1, 2 }, times = { 1 }, curves = "exp" }
  expect.eq(x:value_at(0.5, nil, 0), 1)
end)

test("adsr, asr, perc build SC's shapes", function()
  local a = env.adsr {}
  expect.list(a.levels, { 0, 1, 0.7, 0 })
  expect.list(a.times, { 0.01, 0.1, 0.5 })
  expect.list(a.curves, { -4, -4, -4 })
  expect.eq(a.release_node, 3)
  local b = env.adsr { attack = 1, decay = 2, sustain = 0.5, release = 3, peak = 0.8, curve = "lin" }
  expect.list(b.levels, { 0, 0.8, 0.4, 0 }, 1e-12)
  expect.list(b.times, { 1, 2, 3 })
  expect.list(b.curves, { "lin", "lin", "lin" })
  local s = env.asr { a = 0.1, r = 2, s = 0.5 }
  expect.list(s.levels, { 0, 0.5, 0 })
  expect.eq(s.release_node, 2)
  expect.eq(s:value_at(50), 0.5, "asr holds")
  expect.eq(env.ar, env.asr)
  local p = env.perc { a = 0.25, r = 0.75, level = 0.5 }
  expect.list(p.levels, { 0, 0.5, 0 })
  expect.list(p.times, { 0.25, 0.75 })
  expect.eq(p.release_node, nil)
  expect.eq(p:value_at(0.25), 0.5)
  expect.truthy(select(2, p:value_at(1)))
  local d = env.perc {}
  expect.list(d.times, { 0.01, 1 })
  expect.eq(d.curves[1], -4)
  -- other env.new options pass through
  local called = false
  local q = env.adsr { min = 200, max = 800, action = function() called = true end, sync = true }
  expect.eq(q.min, 200)
  expect.truthy(q.sync)
  expect.eq(q.rate, 96, "sync defaults to 96 updates per beat")
  expect.error(function() env.adsr { levels = { 0, 1 } } end, "sets levels itself")
  expect.error(function() env.adsr { a = "slow" } end, "a must be a number")
  expect.error(function() env.adsr { curve = "exp" } end, "'exp' curve from 0")
  expect.error(function() env.perc { speed = 2 } end, "unknown option 'speed'")
  expect.error(function() env.adsr { a = "slow" } end, "test_env")
end)

test("breakpoints take absolute (time, level) points", function()
  local e = env.breakpoints { { 0, 0 }, { 0.5, 1 }, { 2, 0.25 } }
  expect.list(e.times, { 0.5, 1.5 })
  expect.eq(e:value_at(0.5), 1)
  expect.eq(e:value_at(1.25), 0.625)
  local level, finished = e:value_at(2)
  expect.eq(level, 0.25)
  expect.truthy(finished)
  -- a first point after 0 holds its level until then; node numbers still name the points
  local h = env.breakpoints { { 1, 0.5 }, { 2, 1 }, { 3, 0.25 }, release_node = 2, curves = { "lin", "exp" } }
  expect.eq(h:value_at(0.5), 0.5)
  expect.eq(h:value_at(1.5), 0.75)
  expect.eq(h:value_at(100), 1, "held at point 2")
  expect.eq(h.release_node, 3)
  expect.eq(h.curves[3], "exp")
end)

test("breakpoints check their points", function()
  expect.error(function() env.breakpoints { { 0, 0 }, { 1, 1 }, { 0.5, 0 } } end, "times must not decrease")
  expect.error(function() env.breakpoints { { 0, 0 } } end, "at least 2")
  expect.error(function() env.breakpoints { { 0, 0 }, { 1 } } end, "point 2 must be")
  expect.error(function() env.breakpoints { { -1, 0 }, { 1, 1 } } end, "negative")
end)

test("gesture sweeps each target from -> to along its own curve", function()
  local e = env.gesture { duration = 8, targets = { { function() end, 200, 800, "exp" }, { f = function() end, from = 1, to = 0 } } }
  expect.list(e.levels, { 0, 1 })
  expect.list(e.times, { 8 })
  expect.eq(e:value_at(4), 0.5, "progress")
  expect.eq(#e.targets, 2)
  expect.eq(e.targets[1].curve, "exp")
  expect.eq(e.targets[2].min, 1)
  expect.eq(e.targets[2].max, 0)
  expect.error(function() env.gesture { targets = {} } end, "duration")
  expect.error(function() env.gesture { duration = 1, targets = { { function() end, 0, 1, "exp" } } } end, "'exp' curve from 0 to 1")
  expect.error(function() env.gesture { duration = 1, targets = { { 3, 0, 1 } } } end, "needs a function")
end)

test("env.new reports bad input clearly, pointing at the script line", function()
  expect.error(function() env.new { levels = { 0, 1, 0.3, 0 }, times = { 0.01, 0.2 } } end, "times needs #levels - 1 = 3 durations, got 2")
  expect.error(function() env.new { levels = { 0, 1 }, times = { 1 }, curves = "exp" } end, "segment 1 has an 'exp' curve from 0 to 1")
  expect.error(function() env.new { levels = { 1, -1 }, times = { 1 }, curves = "exp" } end, "same sign")
  expect.error(function() env.new { levels = { 0, 1, 0 }, times = { 1, -1 } } end, "times[2] is negative")
  expect.error(function() env.new { levels = { 0 }, times = {} } end, "at least 2")
  expect.error(function() env.new { levels = { 0, "x" }, times = { 1 } } end, "levels[2] is not a number")
  expect.error(function() env.new { levels = { 0, 1 }, times = { 1 }, curves = "wiggle" } end, "unknown curve wiggle")
  expect.error(function() env.new { levels = { 0, 1, 0 }, times = { 1, 1 }, curves = { -4 } } end, "one curve per segment")
  expect.error(function() env.new { levels = { 0, 1, 0 }, times = { 1, 1 }, loop_node = 1 } end, "loop_node needs a release_node")
  expect.error(function() env.new { levels = { 0, 1, 0 }, times = { 1, 1 }, loop_node = 2, release_node = 2 } end, "before release_node")
  expect.error(function() env.new { levels = { 0, 1, 0 }, times = { 1, 1 }, release_node = 4 } end, "release_node must be a node number 1..3")
  expect.error(function() env.new { levels = { 0, 1, 0 }, times = { 1, 1 }, release_node = 2, loop = true } end, "use loop_node")
  expect.error(function() env.new { levels = { 0, 1 }, times = { 0 }, loop = true } end, "nonzero total time")
  expect.error(function() env.new { levels = { 0, 1, 1 }, times = { 1, 0 }, loop_node = 2, release_node = 3 } end, "takes no time")
  expect.error(function() env.new { levels = { 0, 1 }, times = { 1 }, releas_node = 2 } end, "unknown option 'releas_node'")
  expect.error(function() env.new { levels = { 0, 1 }, times = { 1 }, retrigger = "again" } end, "retrigger")
  expect.error(function() env.new { levels = { 0, 1 }, times = { 1 }, rate = 0 } end, "rate")
  expect.error(function() env.new { levels = { 0, 1 }, times = { 1 }, action = "f" } end, "action must be a function")
  expect.error(function() env.new { levels = { 0, 1 }, times = { 1, 2 } } end, "test_env")
end)

if not HAS_REAL_CLOCK then
  test("trigger needs a clock in plain lua", function()
    expect.error(function() env.perc {}:trigger() end, "needs wyrd's clock")
  end)
end

test("a triggered envelope calls its action on every breakpoint exactly, then done once", function()
  with_clock(120, function(F)
    local r, done = recorder(), 0
    local e = env.new { levels = { 0, 1, 0.3, 0 }, times = { 0.01, 0.2, 1.5 }, curves = { "lin", -4, -2 },
      min = 100, max = 200, action = r.action, done = function() done = done + 1 end }
    F.advance(0.5)
    e:trigger()
    expect.truthy(e:is_running())
    F.advance(3)
    expect.eq(r.calls[1].level, 0, "starts at levels[1]")
    expect.eq(r.calls[1].value, 100)
    expect.eq(r.at(0.51).level, 1, "the peak is sent exactly, on time")
    expect.eq(r.at(0.51).value, 200)
    expect.eq(r.at(0.71).level, 0.3, "the second breakpoint too")
    expect.eq(r.last().level, 0, "the final call is the exact final level")
    expect.eq(r.last().value, 100)
    expect.near(r.last().t, 2.21, 1e-9, "on time")
    expect.eq(done, 1)
    expect.falsy(e:is_running())
    for i = 2, #r.calls do expect.truthy(r.calls[i].t > r.calls[i - 1].t, "time moves on") end
    expect.truthy(#r.calls >= 170 and #r.calls <= 175, "about 100 updates a second: " .. #r.calls)
    for _, c in ipairs(r.calls) do
      expect.near(c.level, (e:value_at(c.t - 0.5)), 1e-9, "runner agrees with value_at")
    end
  end)
end)

test("a gated envelope sleeps while sustaining and finishes after release", function()
  with_clock(120, function(F)
    local r, done = recorder(), 0
    local e = env.adsr { a = 0.25, d = 0.25, s = 0.5, r = 0.5, curve = "lin", action = r.action, done = function() done = done + 1 end }
    e:trigger()
    F.advance(2)
    local n = #r.calls
    expect.eq(r.last().level, 0.5, "holds the sustain level")
    expect.near(r.last().t, 0.5, 1e-9, "reached at a + d")
    F.advance(5)
    expect.eq(#r.calls, n, "no updates while sustaining")
    expect.truthy(e:is_running(), "still running while held")
    e:release()
    F.advance(7)
    expect.eq(r.at(5).level, 0.5, "release starts from the held level")
    expect.near(r.at(5.25).level, 0.25, 1e-9)
    expect.eq(r.last().level, 0)
    expect.near(r.last().t, 5.5, 1e-9)
    expect.eq(done, 1)
    expect.falsy(e:is_running())
    e:release() -- after the end: nothing happens
    expect.eq(done, 1)
  end)
end)

test("retriggering continues from the current level; retrigger='reset' jumps", function()
  with_clock(120, function(F)
    local r = recorder()
    local e = env.perc { a = 0.5, r = 0.5, curve = "lin", action = r.action }
    e:trigger()
    F.advance(0.75) -- level 0.5, falling
    local before = r.last().level
    e:trigger()
    expect.eq(r.last().level, before, "no jump on retrigger")
    F.advance(1)
    expect.near(r.last().level, 0.75, 1e-9, "rises from 0.5 towards the peak")
    local x = recorder()
    local f = env.perc { a = 0.5, r = 0.5, curve = "lin", action = x.action, retrigger = "reset" }
    f:trigger()
    F.advance(1.5)
    f:trigger()
    expect.eq(x.last().level, 0, "reset starts from levels[1]")
    e:stop()
    f:stop()
  end)
end)

test("stop cancels without finishing; actions may stop or retrigger their own envelope", function()
  with_clock(120, function(F)
    local r, done = recorder(), 0
    local e = env.perc { a = 1, r = 1, action = r.action, done = function() done = done + 1 end }
    e:trigger()
    F.advance(0.5)
    e:stop()
    local n = #r.calls
    F.advance(5)
    expect.eq(#r.calls, n, "no calls after stop")
    expect.eq(done, 0, "no done after stop")
    expect.falsy(e:is_running())
    local calls = 0
    local g
    g = env.perc { a = 1, r = 1, action = function(_, level) calls = calls + 1; if level >= 0.5 then g:stop() end end }
    g:trigger()
    F.advance(10)
    expect.falsy(g:is_running())
    local after = calls
    F.advance(12)
    expect.eq(calls, after, "stopped from inside its own action")
    -- done may retrigger: a self-repeating gesture
    local count = 0
    local h
    h = env.perc { a = 0.25, r = 0.25, done = function() count = count + 1; if count < 3 then h:trigger() end end }
    h:trigger()
    F.advance(20)
    expect.eq(count, 3)
  end)
end)

test("loop=true runs until released, then ends at the cycle's end", function()
  with_clock(120, function(F)
    local r, done = recorder(), 0
    local e = env.new { levels = { 0, 1 }, times = { 0.5 }, loop = true, action = r.action, done = function() done = done + 1 end }
    F.advance(20)
    e:trigger()
    F.advance(21.6)
    expect.truthy(e:is_running())
    expect.eq(r.at(21).level, 0, "cycle restarts at levels[1]")
    e:release()
    F.advance(30)
    expect.eq(done, 1)
    expect.eq(r.last().level, 1)
    expect.near(r.last().t, 22, 1e-9, "ends with the cycle it was in")
  end)
end)

test("sync envelopes count beats and follow the tempo", function()
  with_clock(120, function(F)
    local r, ended = recorder(), nil
    local e = env.new { levels = { 0, 1 }, times = { 2 }, sync = true, rate = 4, action = r.action, done = function() ended = _wyrd.time() end }
    e:trigger()
    F.advance(5)
    expect.near(ended, 1, 1e-9, "2 beats at 120 bpm last 1 s")
    expect.eq(#r.calls, 9, "4 updates per beat, plus the start")
    expect.eq(r.at(0.5).level, 0.5)
    F.set_tempo(60)
    local start = F.now
    e:trigger()
    F.advance(10)
    expect.near(ended - start, 2, 1e-9, "and 2 s at 60 bpm")
  end)
end)

test("targets drive several functions with their own ranges and curves", function()
  with_clock(120, function(F)
    local a, b = recorder(), recorder()
    local e = env.gesture { duration = 4, targets = { { a.action, 200, 800, "exp" }, { b.action, 1, 0 } } }
    e:trigger()
    F.advance(5)
    expect.near(a.at(2).value, 400, 1e-9, "exp target at half way: geometric mean")
    expect.near(b.at(2).value, 0.5, 1e-12)
    expect.eq(a.last().value, 800, "exact end")
    expect.eq(b.last().value, 0)
    expect.eq(a.last().level, 1)
  end)
end)

test("gate(z) is trigger on 1 and release on 0", function()
  with_clock(120, function(F)
    local e = env.asr { a = 0.1, r = 0.1 }
    e:gate(1)
    F.advance(1)
    expect.truthy(e:is_running())
    e:gate(0)
    F.advance(2)
    expect.falsy(e:is_running())
  end)
end)
