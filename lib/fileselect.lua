-- fileselect: norns' on-screen file browser (lua/lib/fileselect.lua). wyrd has no menu screen,
-- so fileselect.enter(folder, callback, filter) is accepted, prints a note and shows nothing;
-- the callback is called only by fileselect.exit(), with "cancel" as when a norns user backs
-- out. fileselect.getlist() lists the folder (filtered by extension) for scripts that read it.
local util = require "util"

local fs = {}

function fs.enter(folder, callback, filter)
  fs.folder, fs.callback, fs.filter, fs.path = folder, callback, filter or "all", nil
  print("fileselect: wyrd has no menu screen; '" .. tostring(folder) .. "' is not shown")
end

function fs.exit()
  local cb = fs.callback
  fs.callback = nil
  if cb then cb(fs.path or "cancel") end
end

-- The folder's entries (folders end in "/"), those with the filter's extension or folders.
function fs.getlist()
  local out = {}
  for _, name in ipairs(util.scandir(fs.folder or "")) do
    local ext = name:match("%.([^./]+)$")
    if fs.filter == "all" or name:sub(-1) == "/" or (ext and ext:lower() == tostring(fs.filter):lower()) then
      out[#out + 1] = name
    end
  end
  return out
end

function fs.key() end
function fs.enc() end
function fs.redraw() end
function fs.refresh() end

return fs
