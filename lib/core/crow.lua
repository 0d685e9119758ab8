-- crow: as on a norns with no crow attached (norns lua/core/crow.lua).
-- On norns every crow expression (crow.output[1].volts = 5, crow.ii.jf.play_note(1, 5),
-- crow.input[1].mode('change', 1, 0.1), crow.input[1].stream = fn) becomes a line of text
-- sent to the device, and is dropped when none is connected. wyrd has no crow, so every such
-- expression is accepted and dropped the same way: reads give further expressions, calls
-- return nothing, and callbacks assigned to crow are never called. crow.connected() is false.
-- Also returns norns.crow's table (connected, send, loadscript, init, add / remove / receive
-- callbacks), which core/norns.lua installs as norns.crow.

-- An expression on crow: any field, any assignment, any call.
local expression = {}
expression.__index = function() return setmetatable({}, expression) end
expression.__newindex = function() end
expression.__call = function() end

local crow = {}

function crow.connected() return false end
function crow.version() end
function crow.identity() end
function crow.reset() end
function crow.kill() end
function crow.clear() end
function crow.send() end

setmetatable(crow, {
  __index = function() return setmetatable({}, expression) end,
  __newindex = function() end,
  __call = function() end,
})

-- norns.crow: the system side.
local system = { dev = nil, events = {} }
function system.connected() return false end
function system.send() end
function system.findscript() return nil end
function system.loadscript(file)
  print("crow.loadscript: no crow connected; '" .. tostring(file) .. "' not loaded")
end
function system.register_event(fn)
  local n = #system.events + 1
  system.events[n] = fn
  return tostring(n)
end
function system.reset_events() system.events = {} end
function system.clock_enable() end
function system.init()
  system.reset_events()
  system.add = function() end
  system.remove = function() end
  system.receive = function(...) print("crow:", ...) end
end
system.init()
system.public = setmetatable({}, expression)

rawset(crow, "_system", system)
return crow
