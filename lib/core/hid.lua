-- hid: USB HID devices as on a norns with none plugged in (norns lua/core/hid.lua).
-- wyrd reads no HID devices yet: hid.connect(n) gives one of four virtual ports whose
-- `event` callback a script may set (never called); hid.add / hid.remove may be assigned.
local Hid = { devices = {}, vports = {}, list = {}, types = {}, codes = {} }

for i = 1, 4 do
  Hid.vports[i] = { name = "none", device = nil, event = nil }
end

local function default_add(dev) print("hid added:", dev.id, dev.name) end
local function default_remove() end
Hid.add = default_add
Hid.remove = default_remove

function Hid.connect(n)
  return Hid.vports[n or 1]
end

function Hid.cleanup()
  for _, port in ipairs(Hid.vports) do port.event = nil end
  Hid.add, Hid.remove = default_add, default_remove
end

function Hid.update_devices() end

return Hid
