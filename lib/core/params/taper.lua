-- taper: min + (max-min) * (e^(k*raw) - 1) / (e^k - 1); k = 0 is linear.
local util = require "util"
local base = require "core/params/base"

local Taper = base.class()

function Taper.new(o, lvl)
  local p = base.new(Taper, base.T.tTAPER, o, lvl + 1)
  for _, key in ipairs { "min", "max", "default", "k" } do base.check_number(o[key], key, lvl + 1) end
  p.min, p.max, p.k, p.units = o.min or 0, o.max or 1, o.k or 0, o.units or ""
  p.quantum = o.quantum or 0.01
  p.default = p:constrain(o.default or p.min)
  p.value = p.default
  p.raw = p:unmap(p.value)
  return p
end

function Taper:constrain(v)
  return util.clamp(v, math.min(self.min, self.max), math.max(self.min, self.max))
end
function Taper:map(r)
  local shape = r
  if self.k ~= 0 then shape = (math.exp(self.k * r) - 1) / (math.exp(self.k) - 1) end
  return self:constrain(self.min + (self.max - self.min) * shape)
end
function Taper:unmap(v)
  if self.max == self.min then return 0 end
  local frac = (self:constrain(v) - self.min) / (self.max - self.min)
  if self.k == 0 then return frac end
  return base.clamp01(math.log(frac * (math.exp(self.k) - 1) + 1) / self.k)
end
function Taper:set(v, silent)
  v = self:constrain(v)
  self.raw = self:unmap(v)
  self:store(v, silent)
end
function Taper:get_raw() return self.raw end
function Taper:set_raw(r, silent)
  self.raw = base.clamp01(r)
  self:store(self:map(self.raw), silent)
end
function Taper:delta(d) self:set_raw(self.raw + d * self.quantum) end
function Taper:get_range() return { self.min, self.max } end
function Taper:string()
  if self.formatter then return self.formatter(self) end
  return base.with_units(base.fmt_value(self.value), self.units)
end

return Taper
