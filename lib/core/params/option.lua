-- option: the value is a 1-based index into options.
local util = require "util"
local base = require "core/params/base"

local Option = base.class()

function Option.new(o, lvl)
  local p = base.new(Option, base.T.tOPTION, o, lvl + 1)
  -- An empty list is allowed, as on norns (scripts list files that may not be there yet):
  -- the value stays 1 and shows as "".
  if type(o.options) ~= "table" then
    base.fail("option '" .. p.id .. "' needs a list of options", lvl)
  end
  base.check_number(o.default, "default", lvl + 1)
  p.options, p.count = o.options, #o.options
  p.default = p:constrain(o.default or 1)
  p.value = p.default
  return p
end

function Option:constrain(v)
  if self.count == 0 then return 1 end
  return util.clamp(math.floor(v + 0.5), 1, self.count)
end
function Option:set(v, silent) self:store(self:constrain(v), silent) end
function Option:get_raw()
  if self.count < 2 then return 0 end
  return (self.value - 1) / (self.count - 1)
end
function Option:set_raw(r, silent)
  self:set(1 + util.round(base.clamp01(r) * (self.count - 1)), silent)
end
function Option:delta(d) self:set(self.value + d) end
function Option:get_range() return { 1, self.count } end
function Option:string()
  if self.formatter then return self.formatter(self) end
  local s = self.options[self.value]
  return s == nil and "" or tostring(s)
end

return Option
