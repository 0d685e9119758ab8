-- textentry: norns' on-screen text entry (lua/lib/textentry.lua). wyrd has no menu screen to
-- type on, so textentry.enter(callback, default, heading, check) is accepted, prints a note
-- and shows nothing; the callback is called only by textentry.exit(), with nil as when a
-- norns user cancels. key / enc / redraw exist for scripts that forward them.
local te = {}

function te.enter(callback, default, heading, check)
  te.callback, te.txt, te.heading, te.check = callback, nil, heading, check
  te.default = default
  print("textentry: wyrd has no menu screen; '" .. tostring(heading or "") .. "' is not shown")
end

function te.exit()
  local cb = te.callback
  te.callback = nil
  if cb then cb(te.txt) end
end

function te.key() end
function te.enc() end
function te.redraw() end
function te.refresh() end

return te
