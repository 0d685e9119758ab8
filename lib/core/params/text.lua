-- text: a string value.
local base = require "core/params/base"

local Text = base.class()

-- Also builds files, whose value is a path.
function Text.with_value(cls, t, o, value, lvl)
  local p = base.new(cls, t, o, lvl + 1)
  p.default = tostring(value or o.default or "")
  p.value = p.default
  return p
end

function Text.new(o, lvl)
  -- Not a tail call: lvl counts this frame.
  local p = Text.with_value(Text, base.T.tTEXT, o, o.text, lvl + 1)
  return p
end

Text.check = base.check_types("string", "number", "a string")
function Text:set(v, silent) self:store(tostring(v), silent) end
function Text:string()
  if self.formatter then return self.formatter(self) end
  return self.value
end

return Text
