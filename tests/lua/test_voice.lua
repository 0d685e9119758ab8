-- Tests for lib/voice.lua: norns' slot allocation.
local Voice = require "voice"

local function ids(pool, n)
  local out = {}
  for i = 1, n do out[i] = pool:get().id end
  return out
end

test("rotate cycles through the slots", function()
  expect.list(ids(Voice.new(3, Voice.MODE_ROTATE), 7), { 1, 2, 3, 1, 2, 3, 1 })
end)

test("LRU takes free slots first, then steals the oldest", function()
  local pool = Voice.new(3, Voice.MODE_LRU)
  local a, b, c = pool:get(), pool:get(), pool:get()
  expect.list({ a.id, b.id, c.id }, { 1, 2, 3 })
  b:release()
  expect.eq(pool:get().id, 2, "the free slot")
  local stolen = {}
  pool.will_steal = function(s) stolen[#stolen + 1] = s.id end
  expect.eq(pool:get().id, 1, "all busy: the least recently used")
  expect.list(stolen, { 1 })
end)

test("random picks a slot of the pool", function()
  local pool = Voice.new(4, Voice.MODE_RANDOM)
  for _ = 1, 20 do
    local id = pool:get().id
    expect.truthy(id >= 1 and id <= 4)
  end
end)

test("push and pop pair keys with slots; stealing forgets the pairing", function()
  local pool = Voice.new(1, Voice.MODE_LRU)
  local released = {}
  local s = pool:get()
  s.on_release = function(slot) released[#released + 1] = slot.id end
  pool:push(60, s)
  expect.eq(pool:get(), s, "stolen")
  expect.list(released, { 1 }, nil)
  expect.eq(pool:pop(60), nil, "the stolen slot's pairing is gone")
  pool:push(62, s)
  expect.eq(pool:pop(62), s)
  s:release()
  expect.falsy(s.active)
end)
