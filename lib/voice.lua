-- voice: a pool of voice slots for polyphonic scripts (norns lua/lib/voice.lua).
--
--   local Voice = require 'voice'
--   local pool = Voice.new(4, Voice.MODE_LRU)   -- MODE_ROTATE, MODE_LRU (default), MODE_RANDOM
--   local slot = pool:get()          -- a free slot, or an active one stolen
--   pool:push(note, slot)  local s = pool:pop(note)  s:release()
--   pool.will_steal, pool.will_release, slot.on_steal, slot.on_release: optional callbacks
--
-- Choosing a slot as norns does: rotate cycles 1..n; random picks any; LRU takes the free
-- slot used longest ago, else steals the active slot used longest ago.
local Slot = {}
Slot.__index = Slot

function Slot.new(pool, id)
  return setmetatable({ pool = pool, id = id, active = false, n = 0 }, Slot)
end

function Slot:release() self.pool:release(self) end

local styles = {}

styles.rotate = function(slots)
  local last = 0
  return function()
    last = last % #slots + 1
    return slots[last]
  end
end

styles.random = function(slots)
  return function() return slots[math.random(#slots)] end
end

styles.lru = function(slots)
  local count = 0
  return function()
    count = count + 1
    local free, oldest
    for _, s in ipairs(slots) do
      if not s.active then
        if free == nil or s.n < free.n then free = s end
      elseif oldest == nil or s.n < oldest.n then
        oldest = s
      end
    end
    local pick = free or oldest
    pick.n = count
    return pick
  end
end

local Voice = { MODE_ROTATE = 1, MODE_LRU = 2, MODE_RANDOM = 3 }
Voice.__index = Voice

function Voice.new(polyphony, mode)
  local v = setmetatable({ polyphony = polyphony, mode = mode, pairings = {} }, Voice)
  local slots = {}
  for id = 1, polyphony do slots[id] = Slot.new(v, id) end
  v.slots = slots
  local style = mode == Voice.MODE_ROTATE and styles.rotate or mode == Voice.MODE_RANDOM and styles.random
    or styles.lru
  v.next_slot = style(slots)
  return v
end

-- A slot to play on; an active one is stolen (will_steal, then its on_steal or on_release).
function Voice:get()
  local slot = self.next_slot()
  if slot.active then
    if self.will_steal then self.will_steal(slot) end
    for key, s in pairs(self.pairings) do
      if s == slot then
        self.pairings[key] = nil
        break
      end
    end
    if slot.on_steal then
      slot.on_steal(slot)
    elseif slot.on_release then
      slot.on_release(slot)
    end
  end
  slot.active = true
  return slot
end

-- Remembers which slot plays `key` (a note number, say) until pop(key).
function Voice:push(key, slot) self.pairings[key] = slot end

function Voice:pop(key)
  local slot = self.pairings[key]
  self.pairings[key] = nil
  return slot
end

function Voice:release(slot)
  if slot.pool ~= self then
    print("voice slot: ", slot, "does not belong to pool: ", self)
    return
  end
  if self.will_release then self.will_release(slot) end
  if slot.on_release then slot.on_release(slot) end
  slot.active = false
end

return Voice
