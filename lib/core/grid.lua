-- grid: monome grids as on a norns with none plugged in (norns lua/core/grid.lua).
-- wyrd has no grid support yet, so there are never devices: grid.connect(n) gives one of the
-- four virtual ports, whose :led, :all, :refresh, :intensity, :rotation and :tilt_enable do
-- nothing (as norns' ports do while empty), whose cols and rows are 0, and whose key / tilt
-- callbacks a script may set; they are simply never called. grid.add / grid.remove may be
-- assigned too. A script that checks `g.cols > 0` before drawing therefore draws nothing.
local Grid = { devices = {}, vports = {}, list = {} }

-- Calls the port's device's method when a device is attached (never, for now).
local function forward(method)
  return function(port, ...)
    local dev = port.device
    if dev then return dev[method](dev, ...) end
  end
end

for i = 1, 4 do
  Grid.vports[i] = {
    name = "none",
    device = nil,
    key = nil,
    tilt = nil,
    cols = 0,
    rows = 0,
    led = forward("led"),
    all = forward("all"),
    refresh = forward("refresh"),
    rotation = forward("rotation"),
    intensity = forward("intensity"),
    tilt_enable = forward("tilt_enable"),
  }
end

local function default_add(dev) print("grid added:", dev.id, dev.name, dev.serial) end
local function default_remove() end
Grid.add = default_add
Grid.remove = default_remove

function Grid.connect(n)
  return Grid.vports[n or 1]
end

-- The script's callbacks go when it is unloaded (each load builds a fresh module anyway).
function Grid.cleanup()
  for _, port in ipairs(Grid.vports) do
    port.key, port.tilt = nil, nil
  end
  Grid.add, Grid.remove = default_add, default_remove
end

function Grid.update_devices() end

return Grid
