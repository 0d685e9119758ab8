-- osc: OSC in and out (norns lua/core/osc.lua).
--
-- Define osc.event(path, args, from) to receive every message (args: integers, numbers,
-- strings, booleans; from = {host, port}). wyrd calls the script's osc.event first, then
-- its built-in paths (/param/<id>, /note_on, ...), as norns does.
local osc = {}

--- osc.send({host, port}, path, {args}) sends one message over UDP.
function osc.send(to, path, args)
  if type(to) ~= "table" or to[1] == nil or to[2] == nil then
    error("osc.send: expected {host, port} as the destination", 2)
  end
  if type(path) ~= "string" or path:sub(1, 1) ~= "/" then
    error("osc.send: the path must be a string starting with '/'", 2)
  end
  local port = tonumber(to[2])
  if not port then error("osc.send: port must be a number", 2) end
  _wyrd.osc_send(tostring(to[1]), math.tointeger(port) or port, path, args or {})
end

-- For the host: one message in.
function osc._receive(path, args, from)
  if osc.event then osc.event(path, args, from) end
end

return osc
