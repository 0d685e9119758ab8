-- binary: 0/1. 'toggle' flips on any non-zero delta (a key press), 'momentary'
-- follows the key (delta 1 down, 0 up), 'trigger' fires the action with 1.
local base = require "core/params/base"

local Binary = base.class()
local BEHAVIORS = { toggle = true, momentary = true, trigger = true }

local function to01(v)
  if v == true then return 1 elseif v == false or v == nil then return 0 end
  return v ~= 0 and 1 or 0
end

function Binary.new(o, lvl)
  local p = base.new(Binary, base.T.tBINARY, o, lvl + 1)
  local behavior = o.behavior or "toggle"
  if not BEHAVIORS[behavior] then
    base.fail("binary '" .. p.id .. "': behavior must be 'toggle', 'momentary' or 'trigger', got '"
      .. tostring(behavior) .. "'", lvl)
  end
  p.behavior = behavior
  p.save = behavior == "toggle"
  p.default = behavior == "trigger" and 0 or to01(o.default)
  p.value = p.default
  return p
end

Binary.check = base.check_types("number", "boolean", "0/1 or a boolean")
function Binary:set(v, silent)
  v = to01(v)
  if self.behavior == "trigger" then
    if v == 1 and not silent then self.action(1) end
    return
  end
  self:store(v, silent)
end
function Binary:get_raw() return self.value end
function Binary:set_raw(r, silent) self:set(r >= 0.5 and 1 or 0, silent) end
function Binary:delta(d)
  if self.behavior == "toggle" then
    if d ~= 0 then self:set(1 - self.value) end
  elseif self.behavior == "momentary" then
    self:set(d > 0 and 1 or 0)
  elseif d > 0 then
    self:set(1)
  end
end
function Binary:get_range() return { 0, 1 } end
function Binary:string()
  if self.formatter then return self.formatter(self) end
  if self.behavior == "trigger" then return "" end
  return self.value == 1 and "on" or "off"
end

return Binary
