-- lattice: many sprockets (patterns at their own divisions) on one fast clock (norns
-- lua/lib/lattice.lua, v2).
--
--   local l = lattice:new{ ppqn = 96 }
--   local s = l:new_sprocket{ division = 1/8, action = function(t) ... end, swing = 50,
--     delay = 0, order = 3, enabled = true }
--   l:start()  l:stop()  l:toggle()  l:hard_restart()  l:destroy()
--
-- Timing as on norns: the lattice pulses ppqn times a quarter note with clock.sync(1/ppqn),
-- and a sprocket fires every division * 4 * ppqn pulses (division 1/4 = one beat), its first
-- time on the first pulse after start. In wyrd the pulses land on the exact frames of their
-- beats, so sprocket actions (and the notes they send) are sample-accurate. A sprocket's
-- action gets the lattice's pulse count (`transport`).
local util = require "util"

local Lattice, Sprocket = {}, {}
Lattice.__index = Lattice
Sprocket.__index = Sprocket

local ORDERS = 5

-- Pulses per whole note ("division 1" is four beats).
local function ppc(l) return l.ppqn * 4 end

function Lattice:new(args)
  args = args or {}
  local l = setmetatable({}, Lattice)
  l.auto = args.auto == nil and true or args.auto
  l.ppqn = args.ppqn or 96
  l.enabled = false
  l.transport = 0
  l.superclock_id = nil
  l.sprocket_id_counter = 100
  l.sprockets = {}
  l.sprocket_ordering = {}
  for i = 1, ORDERS do l.sprocket_ordering[i] = {} end
  return l
end

-- The pulse loop run by clock.run when auto: one pulse now, then one per 1/ppqn beat.
function Lattice.auto_pulse(l)
  while true do
    l:pulse()
    clock.sync(1 / l.ppqn)
  end
end

function Lattice:start()
  self.enabled = true
  if self.auto and self.superclock_id == nil then
    self.superclock_id = clock.run(Lattice.auto_pulse, self)
  end
end

function Lattice:stop() self.enabled = false end
function Lattice:toggle() self.enabled = not self.enabled end

-- Stops the pulse clock and rewinds every sprocket (the next start fires them all at once),
-- and resets the clock as norns does (the clock_reset param).
function Lattice:reset()
  self:stop()
  if self.superclock_id ~= nil then
    clock.cancel(self.superclock_id)
    self.superclock_id = nil
  end
  for _, s in pairs(self.sprockets) do
    s.phase = s.division * ppc(self) * (1 - s.delay)
    s.downbeat = false
  end
  self.transport = 0
  if params and params.lookup and params.lookup.clock_reset then params:set("clock_reset", 1) end
end

function Lattice:hard_restart()
  self:reset()
  self:start()
end

function Lattice:destroy()
  self:stop()
  if self.superclock_id ~= nil then
    clock.cancel(self.superclock_id)
    self.superclock_id = nil
  end
  self.sprockets = {}
  self.sprocket_ordering = {}
  for i = 1, ORDERS do self.sprocket_ordering[i] = {} end
end

function Lattice:set_meter() print("lattice: meter is deprecated") end

-- One pulse: every enabled sprocket advances, by order (1 first) then creation; the ones
-- whose phase passes their division fire. Call it yourself with auto = false.
function Lattice:pulse()
  if not self.enabled then return end
  local whole = ppc(self)
  local removed = false
  for o = 1, ORDERS do
    for _, id in ipairs(self.sprocket_ordering[o] or {}) do
      local s = self.sprockets[id]
      if s and s.enabled then
        s.phase = s.phase + 1
        -- Swing stretches every other step (the downbeats) by swing/50 and shortens the rest.
        local stretch = s.downbeat and (2 * s.swing / 100) or 1
        local length = s.division * whole
        if s.phase > length * stretch then
          s.phase = s.phase - length
          if s.delay_new ~= nil then
            s.phase = s.phase - length * (1 - (s.delay - s.delay_new))
            s.delay = s.delay_new
            s.delay_new = nil
          end
          s.action(self.transport)
          s.downbeat = not s.downbeat
        end
      elseif s and s.flag then
        self.sprockets[id] = nil
        removed = true
      end
    end
  end
  if removed then self:order_sprockets() end
  self.transport = self.transport + 1
end

function Lattice:new_sprocket(args)
  args = args or {}
  self.sprocket_id_counter = self.sprocket_id_counter + 1
  local s = setmetatable({}, Sprocket)
  s.id = self.sprocket_id_counter
  s.order = args.order == nil and 3 or util.clamp(args.order, 1, ORDERS)
  s.action = args.action or function() end
  s.division = args.division or 1 / 4
  s.enabled = args.enabled == nil and true or args.enabled
  s.swing = args.swing == nil and 50 or util.clamp(args.swing, 0, 100)
  s.delay = args.delay == nil and 0 or util.clamp(args.delay, 0, 1)
  s.flag = false
  s.downbeat = false
  -- Starting full makes the first pulse fire it; a delay holds it back that part of a step.
  s.phase = s.division * ppc(self) * (1 - s.delay)
  self.sprockets[s.id] = s
  self:order_sprockets()
  return s
end

function Lattice:new_pattern(args)
  print("lattice: 'new_pattern' is deprecated; use 'new_sprocket' instead.")
  return self:new_sprocket(args)
end

function Lattice:order_sprockets()
  self.sprocket_ordering = {}
  for i = 1, ORDERS do self.sprocket_ordering[i] = {} end
  for id, s in pairs(self.sprockets) do table.insert(self.sprocket_ordering[s.order], id) end
  for i = 1, ORDERS do table.sort(self.sprocket_ordering[i]) end
end

function Sprocket:start() self.enabled = true end
function Sprocket:stop() self.enabled = false end
function Sprocket:toggle() self.enabled = not self.enabled end

-- Removed at the lattice's next pulse.
function Sprocket:destroy()
  self.enabled = false
  self.flag = true
end

function Sprocket:set_division(n) self.division = n end
function Sprocket:set_action(fn) self.action = fn end
function Sprocket:set_swing(swing) self.swing = util.clamp(swing, 0, 100) end
-- Takes effect at the sprocket's next step.
function Sprocket:set_delay(delay) self.delay_new = util.clamp(delay, 0, 1) end

return Lattice
