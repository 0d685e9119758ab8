-- pmap: params mapped to MIDI controllers (norns lua/core/pmap.lua, "MIDI learn").
--
-- A mapping takes CC `cc` on channel `ch` of MIDI vport `dev`, clamps its value to
-- in_lo..in_hi and scales it onto out_lo..out_hi: a control or taper gets it as its raw
-- 0..1 position, a number or option rounded as its value, a binary as a press. `accum`
-- reads relative encoders (values above 64 count up). Mappings live in
-- <data dir>/<script>.pmap in norns' own format, so a norns user's mapping files load, and
-- they are read when the script starts.
--
-- norns assigns mappings in its PARAMETERS > MAP menu; wyrd has no menu on the device, so
-- scripts (and the REPL) call pmap.learn(id) (the next CC that arrives is mapped to it) or
-- pmap.assign(id, dev, ch, cc).
local util = require "util"

local pmap = { data = {}, rev = {} }
pmap.__index = pmap

local learning = nil

-- Where a fresh mapping scales to: the whole of the param's range.
local function out_range(id)
  local ps = rawget(_G, "params")
  local p = ps and ps.lookup and ps.lookup[id] and ps:lookup_param(id)
  if not p then return 0, 1 end
  if p.t == ps.tNUMBER then return p.min or 0, p.max or 1 end
  if p.t == ps.tOPTION then return 1, p.count or (p.options and #p.options) or 1 end
  return 0, 1
end

function pmap.new(id)
  local p = setmetatable({
    cc = 100, ch = 1, dev = 1, in_lo = 0, in_hi = 127, accum = false, echo = false, value = 0,
  }, pmap)
  p.out_lo, p.out_hi = out_range(id)
  pmap.data[id] = p
  return p
end

function pmap.remove(id)
  local p = pmap.data[id]
  if p and pmap.rev[p.dev] and pmap.rev[p.dev][p.ch] then pmap.rev[p.dev][p.ch][p.cc] = nil end
  pmap.data[id] = nil
end

local function check(what, v, lo, hi)
  if math.type(v) ~= "integer" and not (type(v) == "number" and v == math.floor(v)) then
    error("pmap.assign: " .. what .. " must be a whole number, got " .. tostring(v), 3)
  end
  if v < lo or v > hi then error("pmap.assign: " .. what .. " " .. v .. " is outside " .. lo .. ".." .. hi, 3) end
end

--- Maps CC `cc` on channel `ch` of vport `dev` to param `id` (replacing what it mapped).
function pmap.assign(id, dev, ch, cc)
  check("vport", dev, 1, 16); check("channel", ch, 1, 16); check("cc", cc, 0, 127)
  local ps = rawget(_G, "params")
  if ps and ps.lookup and not ps.lookup[id] then error("pmap.assign: no param '" .. tostring(id) .. "'", 2) end
  local prev = pmap.rev[dev][ch][cc]
  if prev and prev ~= id then pmap.remove(prev) end
  local p = pmap.data[id] or pmap.new(id)
  pmap.rev[p.dev][p.ch][p.cc] = nil
  p.dev, p.ch, p.cc = dev, ch, cc
  pmap.rev[dev][ch][cc] = id
end

--- wyrd: the next CC to arrive, on any vport, is mapped to param `id`.
function pmap.learn(id)
  local ps = rawget(_G, "params")
  if ps and ps.lookup and not ps.lookup[id] then error("pmap.learn: no param '" .. tostring(id) .. "'", 2) end
  learning = id
end

function pmap.refresh()
  for id, p in pairs(pmap.data) do pmap.rev[p.dev][p.ch][p.cc] = id end
end

function pmap.clear()
  pmap.data, pmap.rev, learning = {}, {}, nil
  for dev = 1, 16 do
    pmap.rev[dev] = {}
    for ch = 1, 16 do pmap.rev[dev][ch] = {} end
  end
end

local function file()
  local ps = rawget(_G, "params")
  if not (ps and type(ps.data_dir) == "string" and type(ps.script_name) == "string") then return nil end
  return ps.data_dir .. "/" .. ps.script_name .. ".pmap"
end

-- norns' format: one line per mapping, `"id":"{cc=1, ch=1, ...}"`.
function pmap.write()
  local path = file()
  if not path then error("pmap.write: no script data folder", 2) end
  os.execute(string.format("mkdir -p %q", path:match("^(.*)/")))
  local lines = {}
  for id, p in pairs(pmap.data) do
    local fields = {}
    for k, v in pairs(p) do fields[#fields + 1] = k .. "=" .. tostring(v) end
    table.sort(fields)
    lines[#lines + 1] = string.format('"%s":"{%s}"', tostring(id):gsub('"', '\\"'), table.concat(fields, ", "))
  end
  table.sort(lines)
  local fd, err = io.open(path, "w")
  if not fd then error("pmap.write: " .. tostring(err), 2) end
  fd:write(table.concat(lines, "\n"), #lines > 0 and "\n" or "")
  fd:close()
end

-- A mapping's fields, read as data (numbers and booleans only, never code).
local function parse_fields(text)
  local body = text:match("^%s*{(.*)}%s*$")
  if not body then return nil end
  local p = {}
  for k, v in body:gmatch("([%a_]+)%s*=%s*([^,]+)") do
    v = v:match("^%s*(.-)%s*$")
    if v == "true" then p[k] = true
    elseif v == "false" then p[k] = false
    else p[k] = tonumber(v) end
  end
  return p
end

function pmap.read()
  local path = file()
  local fd = path and io.open(path, "r")
  if not fd then return false end
  for line in fd:lines() do
    local id, value = line:match('^"(.-)"%s*:%s*"(.*)"%s*$')
    local p = value and parse_fields(value)
    if id and p and p.cc and p.ch and p.dev then
      if p.echo == nil then p.echo = false end
      pmap.data[id:gsub('\\"', '"')] = setmetatable(p, pmap)
    elseif line:match("%S") then
      print("pmap: " .. path .. ": skipped a line that is not a mapping: " .. line)
    end
  end
  fd:close()
  pmap.refresh()
  return true
end

--- A MIDI message from vport `port`: a CC that is mapped moves its param.
function pmap.handle(data, port)
  local status = data[1]
  if type(status) ~= "number" or status & 0xf0 ~= 0xb0 or not port then return end
  local ch, cc, v = (status & 0x0f) + 1, data[2], data[3]
  if type(cc) ~= "number" or type(v) ~= "number" then return end
  if learning then
    local id = learning
    learning = nil
    pmap.assign(id, port, ch, cc)
    return
  end
  local id = pmap.rev[port] and pmap.rev[port][ch][cc]
  if not id then return end
  local ps = rawget(_G, "params")
  if not (ps and ps.lookup and ps.lookup[id]) then return end
  local d = pmap.data[id]
  if d.accum then
    d.value = util.clamp(d.value + ((v > 64) and 1 or -1), d.in_lo, d.in_hi)
    v = d.value
  end
  local s = util.linlin(d.in_lo, d.in_hi, d.out_lo, d.out_hi, util.clamp(v, d.in_lo, d.in_hi))
  local t = ps:t(id)
  if t == ps.tCONTROL or t == ps.tTAPER then
    ps:set_raw(id, s)
  elseif t == ps.tNUMBER or t == ps.tOPTION then
    ps:set(id, util.round(s))
  elseif t == ps.tBINARY then
    ps:delta(id, s)
  end
end

pmap.clear()

return pmap
