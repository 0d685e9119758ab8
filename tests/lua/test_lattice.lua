-- Tests for lib/lattice.lua. Pulse counting runs everywhere (auto = false, pulsed by hand);
-- the clock-driven tests use the virtual clock under plain lua5.4 and are skipped inside wyrd,
-- where engine/script/tests/norns_globals.rs drives a lattice on wyrd's own clock.
local lattice = require "lattice"
local with_clock = require("virtual_clock").with_clock

-- The pulses (0-based transport) on which each sprocket fired, pulsing by hand.
local function fired(l, sprockets, pulses)
  local log = {}
  for name, s in pairs(sprockets) do
    log[name] = {}
    s:set_action(function(t) table.insert(log[name], t) end)
  end
  for _ = 1, pulses do l:pulse() end
  return log
end

test("a sprocket fires on the first pulse, then every division * 4 * ppqn pulses", function()
  local l = lattice:new { auto = false, ppqn = 4 }
  local q = l:new_sprocket { division = 1 / 4 }
  local e = l:new_sprocket { division = 1 / 8 }
  local w = l:new_sprocket { division = 1 }
  l:start()
  local log = fired(l, { q = q, e = e, w = w }, 17)
  expect.list(log.q, { 0, 4, 8, 12, 16 })
  expect.list(log.e, { 0, 2, 4, 6, 8, 10, 12, 14, 16 })
  expect.list(log.w, { 0, 16 })
end)

test("nothing fires while the lattice or a sprocket is stopped", function()
  local l = lattice:new { auto = false, ppqn = 4 }
  local s = l:new_sprocket { division = 1 / 4 }
  local log = fired(l, { s = s }, 4)
  expect.eq(#log.s, 0, "not started")
  l:start()
  s:stop()
  l:pulse()
  expect.eq(#log.s, 0, "sprocket stopped")
  s:start()
  l:pulse()
  expect.eq(#log.s, 1)
  l:toggle()
  expect.falsy(l.enabled)
end)

test("delay holds a sprocket back part of its step; swing lengthens the downbeats", function()
  local l = lattice:new { auto = false, ppqn = 4 }
  local d = l:new_sprocket { division = 1 / 4, delay = 0.5 }
  local sw = l:new_sprocket { division = 1 / 4, swing = 75 }
  l:start()
  local log = fired(l, { d = d, sw = sw }, 16)
  expect.list(log.d, { 2, 6, 10, 14 })
  -- 75 % swing: 4 * 1.5 = 6 pulses after a downbeat, 2 after an upbeat
  expect.list(log.sw, { 0, 6, 8, 14 })
end)

test("order: lower orders run first within a pulse; destroyed sprockets go", function()
  local l = lattice:new { auto = false, ppqn = 1 }
  local seen = {}
  l:new_sprocket { division = 1 / 4, order = 5, action = function() seen[#seen + 1] = "late" end }
  local early = l:new_sprocket { division = 1 / 4, order = 1, action = function() seen[#seen + 1] = "early" end }
  l:start()
  l:pulse()
  expect.list(seen, { "early", "late" })
  early:destroy()
  l:pulse()
  expect.eq(l.sprockets[early.id], nil)
  expect.list(seen, { "early", "late", "late" })
end)

test("new_pattern is new_sprocket; set_division takes effect", function()
  local l = lattice:new { auto = false, ppqn = 2 }
  local saved = print
  print = function() end
  local p = l:new_pattern { division = 1 / 4 }
  print = saved
  l:start()
  local log = fired(l, { p = p }, 3)
  expect.list(log.p, { 0, 2 })
  p:set_division(1 / 8)
  l:pulse()
  l:pulse()
  expect.list(log.p, { 0, 2, 3, 4 })
end)

test("on the clock: sprocket actions fall on their beats", function()
  with_clock(120, function(F)
    local beats = {}
    local l = lattice:new {}
    l:new_sprocket { division = 1 / 4, action = function() beats[#beats + 1] = clock.get_beats() end }
    l:new_sprocket { division = 1 / 16, action = function() end }
    l:start()
    F.advance(2.0) -- 4 beats at 120 bpm
    expect.list(beats, { 0, 1, 2, 3, 4 }, 1e-6)
    l:destroy()
    F.advance(4.0)
    expect.eq(#beats, 5)
  end)
end)
