-- number: clamped (or wrapped, integer-style) between min and max.
local util = require "util"
local base = require "core/params/base"

local Number = base.class()

function Number.new(o, lvl)
  local p = base.new(Number, base.T.tNUMBER, o, lvl + 1)
  base.check_number(o.min, "min", lvl + 1)
  base.check_number(o.max, "max", lvl + 1)
  base.check_number(o.default, "default", lvl + 1)
  p.min, p.max, p.wrap = o.min or 0, o.max or 1, o.wrap or false
  p.default = p:constrain(o.default or p.min)
  p.value = p.default
  return p
end

function Number:constrain(v)
  local lo, hi = math.min(self.min, self.max), math.max(self.min, self.max)
  if self.wrap then return util.wrap(v, lo, hi) end
  return util.clamp(v, lo, hi)
end
function Number:set(v, silent) self:store(self:constrain(v), silent) end
function Number:get_raw()
  if self.max == self.min then return 0 end
  return (self.value - self.min) / (self.max - self.min)
end
function Number:set_raw(r, silent)
  self:set(util.round(self.min + base.clamp01(r) * (self.max - self.min)), silent)
end
function Number:delta(d) self:set(self.value + d) end
function Number:get_range() return { self.min, self.max } end

return Number
