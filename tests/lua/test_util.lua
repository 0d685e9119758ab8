-- util: mappers, rounding, wrapping, dB, files, strings.
local util = require "util"

test("linlin maps and clamps to the output ends", function()
  expect.eq(util.linlin(0, 10, 0, 100, 5), 50)
  expect.eq(util.linlin(0, 10, 0, 100, -3), 0)
  expect.eq(util.linlin(0, 10, 0, 100, 11), 100)
  expect.eq(util.linlin(0, 1, 100, 0, 0.25), 75)
  expect.eq(util.linlin(10, 0, 0, 100, 12), 0, "reversed input range clamps too")
end)

test("linexp / explin / expexp", function()
  expect.near(util.linexp(0, 1, 20, 20000, 0.5), 20 * math.sqrt(1000), 1e-9)
  expect.near(util.linexp(0, 1, 1, 100, 0.5), 10, 1e-12)
  expect.eq(util.linexp(0, 1, 1, 100, 2), 100)
  expect.near(util.explin(1, 100, 0, 1, 10), 0.5, 1e-12)
  expect.eq(util.explin(1, 100, 0, 1, 0.5), 0)
  expect.near(util.expexp(1, 100, 1, 10000, 10), 100, 1e-9)
  for i = 0, 20 do
    local x = i / 20
    expect.near(util.explin(20, 20000, 0, 1, util.linexp(0, 1, 20, 20000, x)), x, 1e-12)
  end
end)

test("clamp, round, round_up", function()
  expect.eq(util.clamp(5, 0, 3), 3)
  expect.eq(util.clamp(-1, 0, 3), 0)
  expect.eq(util.clamp(2, 0, 3), 2)
  expect.eq(util.round(2.4), 2)
  expect.eq(util.round(2.5), 3)
  expect.eq(util.round(-2.5), -2, "norns rounds halves up")
  expect.near(util.round(0.37, 0.25), 0.25, 1e-15)
  expect.eq(util.round(17, 5), 15)
  expect.eq(util.round(1.234, 0), 1.234)
  expect.eq(util.round_up(2.1), 3)
  expect.eq(util.round_up(11, 5), 15)
end)

test("wrap is integer and inclusive; wrap_max excludes max", function()
  expect.eq(util.wrap(6, 1, 5), 1)
  expect.eq(util.wrap(0, 1, 5), 5)
  expect.eq(util.wrap(5, 1, 5), 5)
  expect.eq(util.wrap(-7, 1, 5), 3)
  expect.eq(util.wrap(23, 0, 9), 3)
  expect.eq(util.wrap_max(5, 0, 5), 0)
  expect.near(util.wrap_max(7.5, 0, 5), 2.5)
  expect.near(util.wrap_max(-1, 0, 5), 4)
end)

test("dbamp / ampdb", function()
  expect.eq(util.dbamp(0), 1)
  expect.near(util.dbamp(-20), 0.1, 1e-15)
  expect.near(util.dbamp(6), 1.9952623149688795, 1e-12)
  expect.near(util.ampdb(0.5), -6.020599913279624, 1e-12)
  expect.eq(util.ampdb(0), -math.huge)
  expect.eq(util.dbamp(-math.huge), 0)
end)

test("time returns a number", function()
  local t = util.time()
  expect.eq(type(t), "number")
  expect.truthy(t >= 0)
end)

test("time follows _wyrd.time when present", function()
  if _wyrd ~= nil then -- inside wyrd: leave the host's table alone
    expect.near(util.time(), _wyrd.time(), 0.5)
    return
  end
  _wyrd = { time = function() return 12.5 end }
  local ok, t = pcall(util.time)
  _wyrd = nil
  expect.truthy(ok)
  expect.eq(t, 12.5)
end)

test("file_exists and scandir", function()
  local base = os.tmpname()
  local dir = base .. ".d"
  os.execute("mkdir -p '" .. dir .. "/sub'")
  local f = assert(io.open(dir .. "/b.txt", "w"))
  f:write("x")
  f:close()
  assert(io.open(dir .. "/a.txt", "w")):close()
  expect.truthy(util.file_exists(dir .. "/b.txt"))
  expect.falsy(util.file_exists(dir .. "/nope.txt"))
  local names = util.scandir(dir)
  if io.popen then expect.list(names, { "a.txt", "b.txt", "sub/" }) end
  expect.list(util.scandir(dir .. "/missing"), {})
  os.execute("rm -rf '" .. dir .. "'")
  os.remove(base)
  expect.falsy(util.file_exists(dir .. "/b.txt"))
end)

test("s_to_hms and string_starts/ends", function()
  expect.eq(util.s_to_hms(3725), "1:02:05")
  expect.eq(util.s_to_hms(59.9), "0:00:59")
  expect.truthy(util.string_starts("wyrd.lua", "wyrd"))
  expect.falsy(util.string_starts("wyrd.lua", "lua"))
  expect.truthy(util.string_ends("wyrd.lua", ".lua"))
  expect.falsy(util.string_ends("wyrd.lua", "wyrd"))
  expect.truthy(util.string_ends("x", ""))
end)

test("modules define no globals", function()
  if not (loadfile and package.searchpath) then return end
  for _, name in ipairs { "util", "musicutil", "controlspec", "paramset" } do
    local path = assert(package.searchpath(name, package.path))
    local env = setmetatable({}, {
      __index = _G,
      __newindex = function(_, k) error(name .. " leaks global '" .. tostring(k) .. "'", 2) end,
    })
    local chunk = assert(loadfile(path, "t", env))
    chunk()
  end
end)
