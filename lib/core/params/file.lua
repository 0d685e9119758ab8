-- file: a path, checked and set as text.
local base = require "core/params/base"
local Text = require "core/params/text"

local File = base.class(Text)

function File.new(o, lvl)
  -- Not a tail call, as in Text.new.
  local p = Text.with_value(File, base.T.tFILE, o, o.path, lvl + 1)
  return p
end

-- Show the file name, as norns does.
function File:string()
  if self.formatter then return self.formatter(self) end
  return self.value:match("[^/]*$")
end

return File
