-- arc: monome arcs as on a norns with none plugged in (norns lua/core/arc.lua).
-- wyrd has no arc support yet: arc.connect(n) gives one of four virtual ports whose :led,
-- :all, :segment, :refresh and :intensity do nothing (as norns' empty ports), and whose
-- delta / key callbacks a script may set; they are never called. arc.add / arc.remove may be
-- assigned.
local Arc = { devices = {}, vports = {}, list = {} }

local function forward(method)
  return function(port, ...)
    local dev = port.device
    if dev then return dev[method](dev, ...) end
  end
end

for i = 1, 4 do
  Arc.vports[i] = {
    name = "none",
    device = nil,
    delta = nil,
    key = nil,
    led = forward("led"),
    all = forward("all"),
    refresh = forward("refresh"),
    segment = forward("segment"),
    intensity = forward("intensity"),
  }
end

local function default_add(dev) print("arc added:", dev.id, dev.name, dev.serial) end
local function default_remove() end
Arc.add = default_add
Arc.remove = default_remove

function Arc.connect(n)
  return Arc.vports[n or 1]
end

function Arc.cleanup()
  for _, port in ipairs(Arc.vports) do
    port.delta, port.key = nil, nil
  end
  Arc.add, Arc.remove = default_add, default_remove
end

function Arc.update_devices() end

return Arc
