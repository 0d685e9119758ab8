-- trigger: no value; set, bang and delta fire the action with 1. Never saved.
local base = require "core/params/base"

local Trigger = base.class()

function Trigger.new(o, lvl)
  local p = base.new(Trigger, base.T.tTRIGGER, o, lvl + 1)
  p.save = false
  return p
end

function Trigger:get() return nil end
function Trigger:check() end
function Trigger:set(_, silent)
  if not silent then self.action(1) end
end
function Trigger:set_raw(_, silent) self:set(1, silent) end
function Trigger:delta(d)
  if d ~= 0 then self:set(1) end
end
function Trigger:bang() self.action(1) end
function Trigger:string() return "" end

return Trigger
