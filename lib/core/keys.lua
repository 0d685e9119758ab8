-- keys: norns' three keys. A press (z 1) and a release (z 0) reach the script's key(n, z).
-- On norns a short press of K1 opens the menu and only a held K1 reaches the script; wyrd
-- has no menu on the device, so K1 goes to the script like K2 and K3.
local hooks = require "core/hooks"

hooks.on("key", function(n, z)
  -- norns wakes a sleeping screen on any key.
  if screen and screen.ping then screen.ping() end
  local f = rawget(_G, "key")
  if type(f) == "function" then f(n, z) end
end)

return {}
