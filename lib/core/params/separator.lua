-- separator: a label only. Its id is optional: the one-argument form uses the
-- name, which does not clash with an existing id.
local base = require "core/params/base"

local Separator = base.class()

-- Also builds groups, the other label-only type.
function Separator.label(cls, t, o)
  return setmetatable({
    id = o.id, name = tostring(o.name or o.id or ""), t = t, action = base.noop, save = false,
    hidden = o.hidden or false, implicit_id = o.implicit_id,
  }, cls)
end

function Separator.new(o)
  return Separator.label(Separator, base.T.tSEPARATOR, o)
end

function Separator:get() return nil end
function Separator:set() end
function Separator:string() return "" end
function Separator:bang() end
function Separator:check() return "'" .. tostring(self.id) .. "' is a separator and has no value" end

return Separator
