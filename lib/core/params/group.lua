-- group: a label over the next n params, with no value of its own; like a
-- separator, its id is optional.
local base = require "core/params/base"
local Separator = require "core/params/separator"

local Group = base.class(Separator)

function Group.new(o, lvl)
  base.check_number(o.n, "group size", lvl + 1)
  local p = Separator.label(Group, base.T.tGROUP, o)
  p.n = o.n or 0
  return p
end

function Group:get() return self.n end
function Group:check() return "'" .. tostring(self.id) .. "' is a group and has no value" end

return Group
