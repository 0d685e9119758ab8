-- hooks: how the host's events reach the modules that handle them (keys, encoders, MIDI,
-- devices, the screen's redraw...). A module says which kinds it takes with hooks.on(kind, fn);
-- the host calls hooks.dispatch(kind, ...) through the dispatch table startup.lua returns.
-- One table per script load, so a reload leaves no handler of the old script behind.
local M = {}

local handlers = {}

function M.on(kind, fn)
  handlers[kind] = fn
end

function M.dispatch(kind, ...)
  local h = handlers[kind]
  if h then return h(...) end
end

return M
