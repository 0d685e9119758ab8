-- listselect: norns' on-screen list chooser (lua/lib/listselect.lua). wyrd has no menu screen,
-- so listselect.enter(list, callback) is accepted, prints a note and shows nothing; the
-- callback is called only by listselect.exit(), with "cancel" as when a norns user backs out.
local ls = {}

function ls.enter(list, callback)
  ls.list, ls.callback, ls.selection = list, callback, nil
  print("listselect: wyrd has no menu screen; the list is not shown")
end

function ls.exit()
  local cb = ls.callback
  ls.callback = nil
  if cb then cb(ls.selection or "cancel") end
end

function ls.key() end
function ls.enc() end
function ls.redraw() end
function ls.refresh() end

return ls
