-- control: a value shaped by a controlspec; raw is the 0..1 knob position.
local controlspec = require "controlspec"
local base = require "core/params/base"

local Control = base.class()

function Control.new(o, lvl)
  local p = base.new(Control, base.T.tCONTROL, o, lvl + 1)
  local spec = o.controlspec
  if spec == nil then
    if o.min ~= nil or o.max ~= nil then
      local ok, s = pcall(controlspec.def, o)
      if not ok then base.fail((tostring(s):gsub("^.-controlspec", "controlspec")), lvl) end
      spec = s
    else
      spec = controlspec.UNIPOLAR
    end
  elseif type(spec) ~= "table" or type(spec.map) ~= "function" or type(spec.unmap) ~= "function" then
    base.fail("control '" .. p.id .. "' needs a controlspec", lvl)
  end
  p.controlspec = spec
  p.default = spec:constrain(spec.default or spec.minval)
  p.value = p.default
  p.raw = spec:unmap(p.value)
  return p
end

function Control:set(v, silent)
  v = self.controlspec:constrain(v)
  self.raw = self.controlspec:unmap(v)
  self:store(v, silent)
end
function Control:get_raw() return self.raw end
function Control:set_raw(r, silent)
  self.raw = base.clamp01(r)
  self:store(self.controlspec:map(self.raw), silent)
end
function Control:delta(d)
  local r = self.raw + d * (self.controlspec.quantum or 0.01)
  if self.controlspec.wrap then r = r % 1 end
  self:set_raw(r)
end
function Control:get_range() return { self.controlspec.minval, self.controlspec.maxval } end
function Control:string()
  if self.formatter then return self.formatter(self) end
  return base.with_units(base.fmt_value(self.value), self.controlspec.units)
end

return Control
