-- paramset: mirrors norns' lua/core/paramset.lua and its param types
-- (separator, group, number, option, control, taper, trigger, binary, text, file).
-- wyrd creates the global `params` with paramset.new() and sets
-- params.data_dir and params.script_name for psets.
-- Differences from norns:
--  * every id-taking method raises "params: unknown id 'x'" (norns prints for set);
--    duplicate ids are an error too.
--  * controls and tapers keep their raw 0..1 position, so small deltas on a
--    stepped control accumulate instead of snapping back.
--  * only 'toggle' binaries are saved in psets (a held momentary or a trigger
--    has no state worth restoring).
--  * psets are written to a temporary file and renamed, so a crash never leaves
--    half a pset; numbers are written so that reading gives back the same number.
--  * an error in one action during bang() or read() does not stop the others:
--    every value is still set, then the first error is raised.
local util = require "util"
local controlspec = require "controlspec"

local M = {}

local T = {
  tSEPARATOR = 0, tNUMBER = 1, tOPTION = 2, tCONTROL = 3, tFILE = 4,
  tTAPER = 5, tTRIGGER = 6, tGROUP = 7, tTEXT = 8, tBINARY = 9,
}
for k, v in pairs(T) do M[k] = v end

local function noop() end

-- `lvl` is the caller's level as seen from the function calling fail.
local function fail(msg, lvl)
  error("params: " .. msg, lvl + 1)
end

local function clamp01(x)
  if x < 0 then return 0 elseif x > 1 then return 1 end
  return x
end

-- Values shown to musicians: two decimals at most, no trailing zeros.
local function fmt_value(v)
  if math.type(v) ~= "float" or v ~= v or math.abs(v) == math.huge then return tostring(v) end
  local s = string.format("%.2f", v):gsub("%.?0+$", "")
  if s == "-0" then return "0" end
  return s
end

local function with_units(s, units)
  if units and units ~= "" then return s .. " " .. units end
  return s
end

------------------------------------------------------------------------------
-- Param types. Each constructor takes an options table and the caller's level
-- (for errors that point at the script line that added the param).

local Param = {}
Param.__index = Param

function Param:get() return self.value end
function Param:get_raw() return nil end
function Param:set_raw() end
function Param:delta() end
function Param:get_range() return nil end
function Param:string()
  if self.formatter then return self.formatter(self) end
  return fmt_value(self:get())
end
function Param:bang() self.action(self:get()) end
function Param:set_default()
  if self.default ~= nil then self:set(self.default) end
end
function Param:check(v)
  if type(v) ~= "number" then
    return "'" .. tostring(self.id) .. "' expects a number, got " .. type(v)
  end
end
-- Stores an already constrained value and tells the action unless silent.
function Param:store(v, silent)
  self.value = v
  if not silent then self.action(v) end
end

local function class()
  local c = setmetatable({}, { __index = Param })
  c.__index = c
  return c
end

local function base(cls, t, o, lvl)
  local id = o.id
  if type(id) ~= "string" or id == "" then
    fail("param id must be a non-empty string, got " .. (id == "" and "''" or tostring(id)), lvl)
  end
  local name = o.name
  if name == nil then name = id end
  return setmetatable({
    id = id, name = tostring(name), t = t, action = o.action or noop,
    save = true, hidden = o.hidden or false, formatter = o.formatter,
    allow_pmap = o.allow_pmap ~= false,
  }, cls)
end

local function check_number(v, what, lvl)
  if v ~= nil and type(v) ~= "number" then
    fail(what .. " must be a number, got " .. type(v), lvl)
  end
end

-- separator / group: labels only; their id is optional (one-argument forms
-- use the name, and do not clash with an existing id).
local Separator = class()
local Group = class()

local function new_label(cls, t, o)
  return setmetatable({
    id = o.id, name = tostring(o.name or o.id or ""), t = t, action = noop, save = false,
    hidden = o.hidden or false, implicit_id = o.implicit_id,
  }, cls)
end

function Separator:get() return nil end
function Separator:set() end
function Separator:string() return "" end
function Separator:bang() end
function Separator:check() return "'" .. tostring(self.id) .. "' is a separator and has no value" end

function Group:get() return self.n end
function Group:set() end
function Group:string() return "" end
function Group:bang() end
function Group:check() return "'" .. tostring(self.id) .. "' is a group and has no value" end

local function new_separator(o)
  return new_label(Separator, T.tSEPARATOR, o)
end

local function new_group(o, lvl)
  check_number(o.n, "group size", lvl + 1)
  local p = new_label(Group, T.tGROUP, o)
  p.n = o.n or 0
  return p
end

-- number: clamped (or wrapped, integer-style) between min and max.
local Number = class()

local function new_number(o, lvl)
  local p = base(Number, T.tNUMBER, o, lvl + 1)
  check_number(o.min, "min", lvl + 1)
  check_number(o.max, "max", lvl + 1)
  check_number(o.default, "default", lvl + 1)
  p.min, p.max, p.wrap = o.min or 0, o.max or 1, o.wrap or false
  p.default = p:constrain(o.default or p.min)
  p.value = p.default
  return p
end

function Number:constrain(v)
  local lo, hi = math.min(self.min, self.max), math.max(self.min, self.max)
  if self.wrap then return util.wrap(v, lo, hi) end
  return util.clamp(v, lo, hi)
end
function Number:set(v, silent) self:store(self:constrain(v), silent) end
function Number:get_raw()
  if self.max == self.min then return 0 end
  return (self.value - self.min) / (self.max - self.min)
end
function Number:set_raw(r, silent)
  self:set(util.round(self.min + clamp01(r) * (self.max - self.min)), silent)
end
function Number:delta(d) self:set(self.value + d) end
function Number:get_range() return { self.min, self.max } end

-- option: the value is a 1-based index into options.
local Option = class()

local function new_option(o, lvl)
  local p = base(Option, T.tOPTION, o, lvl + 1)
  if type(o.options) ~= "table" or #o.options == 0 then
    fail("option '" .. p.id .. "' needs a non-empty list of options", lvl)
  end
  check_number(o.default, "default", lvl + 1)
  p.options, p.count = o.options, #o.options
  p.default = p:constrain(o.default or 1)
  p.value = p.default
  return p
end

function Option:constrain(v)
  return util.clamp(math.floor(v + 0.5), 1, self.count)
end
function Option:set(v, silent) self:store(self:constrain(v), silent) end
function Option:get_raw()
  if self.count < 2 then return 0 end
  return (self.value - 1) / (self.count - 1)
end
function Option:set_raw(r, silent)
  self:set(1 + util.round(clamp01(r) * (self.count - 1)), silent)
end
function Option:delta(d) self:set(self.value + d) end
function Option:get_range() return { 1, self.count } end
function Option:string()
  if self.formatter then return self.formatter(self) end
  return tostring(self.options[self.value])
end

-- control: a value shaped by a controlspec; raw is the 0..1 knob position.
local Control = class()

local function new_control(o, lvl)
  local p = base(Control, T.tCONTROL, o, lvl + 1)
  local spec = o.controlspec
  if spec == nil then
    if o.min ~= nil or o.max ~= nil then
      local ok, s = pcall(controlspec.def, o)
      if not ok then fail((tostring(s):gsub("^.-controlspec", "controlspec")), lvl) end
      spec = s
    else
      spec = controlspec.UNIPOLAR
    end
  elseif type(spec) ~= "table" or type(spec.map) ~= "function" or type(spec.unmap) ~= "function" then
    fail("control '" .. p.id .. "' needs a controlspec", lvl)
  end
  p.controlspec = spec
  p.default = spec:constrain(spec.default or spec.minval)
  p.value = p.default
  p.raw = spec:unmap(p.value)
  return p
end

function Control:set(v, silent)
  v = self.controlspec:constrain(v)
  self.raw = self.controlspec:unmap(v)
  self:store(v, silent)
end
function Control:get_raw() return self.raw end
function Control:set_raw(r, silent)
  self.raw = clamp01(r)
  self:store(self.controlspec:map(self.raw), silent)
end
function Control:delta(d)
  local r = self.raw + d * (self.controlspec.quantum or 0.01)
  if self.controlspec.wrap then r = r % 1 end
  self:set_raw(r)
end
function Control:get_range() return { self.controlspec.minval, self.controlspec.maxval } end
function Control:string()
  if self.formatter then return self.formatter(self) end
  return with_units(fmt_value(self.value), self.controlspec.units)
end

-- taper: min + (max-min) * (e^(k*raw) - 1) / (e^k - 1); k = 0 is linear.
local Taper = class()

local function new_taper(o, lvl)
  local p = base(Taper, T.tTAPER, o, lvl + 1)
  for _, key in ipairs { "min", "max", "default", "k" } do check_number(o[key], key, lvl + 1) end
  p.min, p.max, p.k, p.units = o.min or 0, o.max or 1, o.k or 0, o.units or ""
  p.quantum = o.quantum or 0.01
  p.default = p:constrain(o.default or p.min)
  p.value = p.default
  p.raw = p:unmap(p.value)
  return p
end

function Taper:constrain(v)
  return util.clamp(v, math.min(self.min, self.max), math.max(self.min, self.max))
end
function Taper:map(r)
  local shape = r
  if self.k ~= 0 then shape = (math.exp(self.k * r) - 1) / (math.exp(self.k) - 1) end
  return self:constrain(self.min + (self.max - self.min) * shape)
end
function Taper:unmap(v)
  if self.max == self.min then return 0 end
  local frac = (self:constrain(v) - self.min) / (self.max - self.min)
  if self.k == 0 then return frac end
  return clamp01(math.log(frac * (math.exp(self.k) - 1) + 1) / self.k)
end
function Taper:set(v, silent)
  v = self:constrain(v)
  self.raw = self:unmap(v)
  self:store(v, silent)
end
function Taper:get_raw() return self.raw end
function Taper:set_raw(r, silent)
  self.raw = clamp01(r)
  self:store(self:map(self.raw), silent)
end
function Taper:delta(d) self:set_raw(self.raw + d * self.quantum) end
function Taper:get_range() return { self.min, self.max } end
function Taper:string()
  if self.formatter then return self.formatter(self) end
  return with_units(fmt_value(self.value), self.units)
end

-- trigger: no value; set, bang and delta fire the action with 1. Never saved.
local Trigger = class()

local function new_trigger(o, lvl)
  local p = base(Trigger, T.tTRIGGER, o, lvl + 1)
  p.save = false
  return p
end

function Trigger:get() return nil end
function Trigger:check() end
function Trigger:set(_, silent)
  if not silent then self.action(1) end
end
function Trigger:set_raw(_, silent) self:set(1, silent) end
function Trigger:delta(d)
  if d ~= 0 then self:set(1) end
end
function Trigger:bang() self.action(1) end
function Trigger:string() return "" end

-- binary: 0/1. 'toggle' flips on any non-zero delta (a key press), 'momentary'
-- follows the key (delta 1 down, 0 up), 'trigger' fires the action with 1.
local Binary = class()
local BEHAVIORS = { toggle = true, momentary = true, trigger = true }

local function to01(v)
  if v == true then return 1 elseif v == false or v == nil then return 0 end
  return v ~= 0 and 1 or 0
end

local function new_binary(o, lvl)
  local p = base(Binary, T.tBINARY, o, lvl + 1)
  local behavior = o.behavior or "toggle"
  if not BEHAVIORS[behavior] then
    fail("binary '" .. p.id .. "': behavior must be 'toggle', 'momentary' or 'trigger', got '"
      .. tostring(behavior) .. "'", lvl)
  end
  p.behavior = behavior
  p.save = behavior == "toggle"
  p.default = behavior == "trigger" and 0 or to01(o.default)
  p.value = p.default
  return p
end

function Binary:check(v)
  if type(v) ~= "number" and type(v) ~= "boolean" then
    return "'" .. self.id .. "' expects 0/1 or a boolean, got " .. type(v)
  end
end
function Binary:set(v, silent)
  v = to01(v)
  if self.behavior == "trigger" then
    if v == 1 and not silent then self.action(1) end
    return
  end
  self:store(v, silent)
end
function Binary:get_raw() return self.value end
function Binary:set_raw(r, silent) self:set(r >= 0.5 and 1 or 0, silent) end
function Binary:delta(d)
  if self.behavior == "toggle" then
    if d ~= 0 then self:set(1 - self.value) end
  elseif self.behavior == "momentary" then
    self:set(d > 0 and 1 or 0)
  elseif d > 0 then
    self:set(1)
  end
end
function Binary:get_range() return { 0, 1 } end
function Binary:string()
  if self.formatter then return self.formatter(self) end
  if self.behavior == "trigger" then return "" end
  return self.value == 1 and "on" or "off"
end

-- text and file: string values.
local Text = class()
local File = class()

local function new_text(o, lvl)
  local p = base(Text, T.tTEXT, o, lvl + 1)
  p.default = tostring(o.text or o.default or "")
  p.value = p.default
  return p
end

local function new_file(o, lvl)
  local p = base(File, T.tFILE, o, lvl + 1)
  p.default = tostring(o.path or o.default or "")
  p.value = p.default
  return p
end

local function check_string(self, v)
  if type(v) ~= "string" and type(v) ~= "number" then
    return "'" .. self.id .. "' expects a string, got " .. type(v)
  end
end
Text.check, File.check = check_string, check_string
function Text:set(v, silent) self:store(tostring(v), silent) end
function File:set(v, silent) self:store(tostring(v), silent) end
function Text:string()
  if self.formatter then return self.formatter(self) end
  return self.value
end
-- Show the file name, as norns does.
function File:string()
  if self.formatter then return self.formatter(self) end
  return self.value:match("[^/]*$")
end

local MAKERS = {
  separator = new_separator, group = new_group, number = new_number, option = new_option,
  control = new_control, taper = new_taper, trigger = new_trigger, binary = new_binary,
  text = new_text, file = new_file,
}

------------------------------------------------------------------------------
-- ParamSet

local ParamSet = {}
ParamSet.__index = ParamSet
for k, v in pairs(T) do ParamSet[k] = v end

function M.new(id, name)
  return setmetatable({ id = id or "", name = name or "", params = {}, count = 0, lookup = {} }, ParamSet)
end

-- The param for an id (or index). Errors point two levels up: at whoever
-- called the ParamSet method that called find.
local function find(self, id)
  local i = id
  if type(id) ~= "number" then i = self.lookup[id] end
  local p = i and self.params[i]
  if not p then fail("unknown id '" .. tostring(id) .. "'", 3) end
  return p, i
end

local function register(self, p)
  if p.id ~= nil then
    if self.lookup[p.id] then
      if not p.implicit_id then fail("duplicate id '" .. tostring(p.id) .. "'", 3) end
    else
      self.lookup[p.id] = self.count + 1
    end
  end
  self.count = self.count + 1
  self.params[self.count] = p
  return p
end

function ParamSet:add_separator(id, name)
  local p = new_separator { id = id, name = name, implicit_id = name == nil }
  register(self, p)
  return p
end

function ParamSet:add_group(id, name, n)
  local implicit = n == nil and type(name) == "number"
  if implicit then name, n = nil, name end
  local p = new_group({ id = id, name = name, n = n, implicit_id = implicit }, 3)
  register(self, p)
  return p
end

function ParamSet:add_number(id, name, min, max, default, formatter, wrap)
  local p = new_number({ id = id, name = name, min = min, max = max, default = default,
    formatter = formatter, wrap = wrap }, 3)
  register(self, p)
  return p
end

function ParamSet:add_option(id, name, options, default)
  local p = new_option({ id = id, name = name, options = options, default = default }, 3)
  register(self, p)
  return p
end

function ParamSet:add_control(id, name, spec, formatter)
  local p = new_control({ id = id, name = name, controlspec = spec, formatter = formatter }, 3)
  register(self, p)
  return p
end

function ParamSet:add_taper(id, name, min, max, default, k, units)
  local p = new_taper({ id = id, name = name, min = min, max = max, default = default, k = k, units = units }, 3)
  register(self, p)
  return p
end

function ParamSet:add_trigger(id, name)
  local p = new_trigger({ id = id, name = name }, 3)
  register(self, p)
  return p
end

function ParamSet:add_binary(id, name, behavior, default)
  local p = new_binary({ id = id, name = name, behavior = behavior, default = default }, 3)
  register(self, p)
  return p
end

function ParamSet:add_text(id, name, text)
  local p = new_text({ id = id, name = name, text = text }, 3)
  register(self, p)
  return p
end

function ParamSet:add_file(id, name, path)
  local p = new_file({ id = id, name = name, path = path }, 3)
  register(self, p)
  return p
end

-- Table form: params:add{type='control', id=, name=, controlspec=, action=, ...}
-- or params:add{param=<a param object>}.
function ParamSet:add(o)
  if type(o) ~= "table" then fail("add expects a table", 2) end
  local p = o.param
  if p == nil then
    local make = MAKERS[o.type]
    if not make then
      fail("unknown param type '" .. tostring(o.type) .. "' (use separator, group, number, option, "
        .. "control, taper, trigger, binary, text or file)", 2)
    end
    p = make(o, 3)
    if o.action ~= nil then p.action = o.action end
  end
  register(self, p)
  return p
end

function ParamSet:lookup_param(id)
  local p = find(self, id)
  return p
end

function ParamSet:t(id)
  local p = find(self, id)
  return p.t
end

function ParamSet:get_id(index)
  local p = find(self, index)
  return p.id
end

function ParamSet:get(id)
  local p = find(self, id)
  return p:get()
end

function ParamSet:set(id, v, silent)
  local p = find(self, id)
  local bad = p:check(v)
  if bad then fail(bad, 2) end
  p:set(v, silent)
end

function ParamSet:get_raw(id)
  local p = find(self, id)
  return p:get_raw()
end

function ParamSet:set_raw(id, r, silent)
  local p = find(self, id)
  if type(r) ~= "number" then fail("set_raw of '" .. tostring(id) .. "' expects a number, got " .. type(r), 2) end
  p:set_raw(r, silent)
end

function ParamSet:delta(id, d)
  local p = find(self, id)
  if type(d) ~= "number" then fail("delta of '" .. tostring(id) .. "' expects a number, got " .. type(d), 2) end
  p:delta(d)
end

function ParamSet:string(id)
  local p = find(self, id)
  return p:string()
end

function ParamSet:set_action(id, f)
  local p = find(self, id)
  if f ~= nil and type(f) ~= "function" then fail("action must be a function", 2) end
  p.action = f or noop
end

function ParamSet:set_save(id, state)
  local p = find(self, id)
  p.save = state and true or false
end

function ParamSet:get_range(id)
  local p = find(self, id)
  return p:get_range()
end

function ParamSet:hide(id)
  local p = find(self, id)
  p.hidden = true
end

function ParamSet:show(id)
  local p = find(self, id)
  p.hidden = false
end

function ParamSet:visible(id)
  local p = find(self, id)
  return not p.hidden
end

-- Runs f(p) for every param, carrying on past errors; the first one is
-- raised at the end (with its traceback) once everything else has run.
local function each_guarded(list, f)
  local first
  for _, p in ipairs(list) do
    local ok, err = xpcall(f, debug.traceback, p)
    if not ok and not first then first = err end
  end
  if first then error(first, 0) end
end

-- Calls every saved param's action with its value, in the order they were added.
function ParamSet:bang()
  local saved = {}
  for _, p in ipairs(self.params) do
    if p.save then saved[#saved + 1] = p end
  end
  each_guarded(saved, function(p) p:bang() end)
end

-- Forgets every param and the script's pset hooks (used on reload).
function ParamSet:clear()
  self.params, self.lookup, self.count = {}, {}, 0
  self.action_write, self.action_read, self.action_delete = nil, nil, nil
end

local TYPE_NAMES = {
  [0] = "separator", "number", "option", "control", "file", "taper", "trigger", "group", "text", "binary",
}

function ParamSet:list()
  for _, p in ipairs(self.params) do
    if p.id ~= nil then print(p.id) end
  end
end

function ParamSet:print()
  for i, p in ipairs(self.params) do
    print(string.format("%3d %-9s %-20s %s", i, TYPE_NAMES[p.t] or "?", tostring(p.id or ""), p:string()))
  end
end

------------------------------------------------------------------------------
-- psets

local function join(dir, name)
  if dir:sub(-1) == "/" then return dir .. name end
  return dir .. "/" .. name
end

-- (path, number or nil) for a pset number or a path; relative paths live in data_dir.
local function pset_path(self, target)
  if target == nil then target = 1 end
  if type(target) == "number" then
    if type(self.data_dir) ~= "string" then fail("params.data_dir is not set", 3) end
    if type(self.script_name) ~= "string" then fail("params.script_name is not set", 3) end
    local n = math.floor(target)
    return join(self.data_dir, string.format("%s-%02d.pset", self.script_name, n)), n
  elseif type(target) == "string" then
    local path = target
    if path:sub(1, 1) ~= "/" and type(self.data_dir) == "string" then path = join(self.data_dir, path) end
    -- a numbered file of this script still counts as that number
    local n
    if type(self.script_name) == "string" then
      local base, prefix = path:match("[^/]*$"), self.script_name .. "-"
      if base:sub(1, #prefix) == prefix then n = tonumber(base:sub(#prefix + 1):match("^(%d+)%.pset$")) end
    end
    return path, n
  end
  fail("pset must be a number or a path, got " .. type(target), 3)
end

local function last_path(self)
  if type(self.data_dir) == "string" then return join(self.data_dir, "pset-last.txt") end
end

local function remember_last(self, n)
  local path = last_path(self)
  if not (n and path) then return end
  local f = io.open(path, "w")
  if f then
    f:write(string.format("%d\n", n))
    f:close()
  end
end

-- The number of the pset last written or read, or nil.
function ParamSet:last_pset()
  local path = last_path(self)
  local f = path and io.open(path, "r")
  if not f then return nil end
  local n = tonumber(f:read("l") or "")
  f:close()
  return n and math.floor(n)
end

local function quote(s)
  local escaped = s:gsub('[%c"\\]', function(c)
    if c == "\n" then return "\\n" elseif c == "\r" then return "\\r" elseif c == "\t" then return "\\t"
    elseif c == '"' or c == "\\" then return "\\" .. c end
    return string.format("\\%03d", c:byte())
  end)
  return '"' .. escaped .. '"'
end

-- Reads a quoted string starting at s[i] == '"'; returns the text and the
-- index after the closing quote, or nil.
local ESCAPES = { n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\" }
local function unquote(s, i)
  local buf = {}
  i = i + 1
  while i <= #s do
    local c = s:sub(i, i)
    if c == '"' then return table.concat(buf), i + 1 end
    if c == "\\" then
      local e = s:sub(i + 1, i + 1)
      local digits = s:match("^%d%d?%d?", i + 1)
      if ESCAPES[e] then
        buf[#buf + 1], i = ESCAPES[e], i + 2
      elseif digits and tonumber(digits) < 256 then
        buf[#buf + 1], i = string.char(tonumber(digits)), i + 1 + #digits
      else
        return nil
      end
    else
      buf[#buf + 1], i = c, i + 1
    end
  end
  return nil
end

-- The shortest text that reads back as exactly v (floats keep a '.').
local function encode_number(v)
  if math.type(v) == "integer" then return string.format("%d", v) end
  if v ~= v then return "nan" end
  if v == math.huge then return "inf" elseif v == -math.huge then return "-inf" end
  local s
  for digits = 15, 17 do
    s = string.format("%." .. digits .. "g", v)
    if tonumber(s) == v then break end
  end
  if not s:find("[%.eEn]") then s = s .. ".0" end
  return s
end

local SPECIAL = { inf = math.huge, ["+inf"] = math.huge, ["-inf"] = -math.huge, nan = 0 / 0, ["-nan"] = 0 / 0 }
local function decode_number(s)
  return tonumber(s) or SPECIAL[s:lower()]
end

local function encode(v)
  if type(v) == "number" then return encode_number(v) end
  if type(v) == "boolean" then return v and "1" or "0" end
  return quote(tostring(v))
end

-- Parses one `"id": value` line into id, value; or nil, problem.
local function parse_line(line)
  local id, rest
  local start = line:match("^%s*()")
  if line:sub(start, start) == '"' then
    local stop
    id, stop = unquote(line, start)
    if not id then return nil, "bad quoted id" end
    rest = line:sub(stop)
  else
    id, rest = line:match("^%s*([^%s:\"]+)(.*)$")
    if not id then return nil, "expected \"id\": value" end
  end
  local vtext = rest:match("^%s*:%s*(.-)%s*$")
  if not vtext or vtext == "" then return nil, "expected \"id\": value" end
  if vtext:sub(1, 1) == '"' then
    local s, stop = unquote(vtext, 1)
    if not s or stop <= #vtext then return nil, "bad quoted value" end
    return id, s
  end
  local n = decode_number(vtext)
  if n == nil then return nil, "bad value '" .. vtext .. "'" end
  return id, n
end

-- Writes every saved param to a pset. target: number (-> <script>-NN.pset in
-- data_dir) or path; name goes on the first line.
function ParamSet:write(target, name)
  local path, number = pset_path(self, target)
  local lines = { "-- " .. tostring(name or ""):gsub("[\r\n]", " ") }
  for _, p in ipairs(self.params) do
    if p.save and p.id ~= nil and p:get() ~= nil then
      lines[#lines + 1] = quote(p.id) .. ": " .. encode(p:get())
    end
  end
  local tmp = path .. ".tmp"
  local f = io.open(tmp, "w")
  if not f then
    local dir = path:match("^(.*)/[^/]*$")
    if dir and dir ~= "" and type(os.execute) == "function" then
      os.execute("mkdir -p " .. util.shell_quote(dir))
    end
    f = io.open(tmp, "w")
  end
  if not f then fail("cannot write pset '" .. path .. "'", 2) end
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
  local ok, err = os.rename(tmp, path)
  if not ok then
    os.remove(tmp)
    fail("cannot write pset '" .. path .. "': " .. tostring(err), 2)
  end
  remember_last(self, number)
  if self.action_write then self.action_write(path, name, number) end
  return path
end

-- Restores a pset. Unknown ids and bad lines are skipped with a printed
-- report. Returns true when every line applied, false when some were skipped
-- or the file is missing (printed, not raised, as on norns, so the usual
-- `params:read()` in init works on a script's first run), and the pset's name.
function ParamSet:read(target, silent)
  local path, number = pset_path(self, target)
  local f = io.open(path, "r")
  if not f then
    print("pset: no pset file '" .. path .. "'; nothing read")
    return false
  end
  local text = f:read("a")
  f:close()
  local clean, pset_name, updates = true, nil, {}
  local lineno = 0
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    lineno = lineno + 1
    local problem
    if lineno == 1 and line:sub(1, 3) == "-- " then
      pset_name = line:sub(4)
    elseif line:match("^%s*$") or line:match("^%s*%-%-") then
      problem = nil
    else
      local id, value = parse_line(line)
      if id == nil then
        problem = value
      else
        local i = self.lookup[id]
        local p = i and self.params[i]
        if not p then
          problem = "unknown id '" .. id .. "'"
        elseif not p.save then
          problem = "'" .. id .. "' is not saved in psets"
        else
          problem = p:check(value)
          if not problem then updates[#updates + 1] = { p, value } end
        end
      end
    end
    if problem then
      clean = false
      print(string.format("pset %s:%d: %s", path, lineno, problem))
    end
  end
  local ok, err = pcall(each_guarded, updates, function(u) u[1]:set(u[2], silent) end)
  remember_last(self, number)
  if self.action_read then self.action_read(path, silent, number) end
  if not ok then error(err, 0) end
  return clean, pset_name
end

function ParamSet:delete(target, name)
  local path, number = pset_path(self, target)
  local ok, err = os.remove(path)
  if not ok then fail("cannot delete pset '" .. path .. "': " .. tostring(err), 2) end
  if number and self:last_pset() == number then os.remove(last_path(self)) end
  if self.action_delete then self.action_delete(path, name, number) end
  return true
end

-- Reads the pset last written or read, if there is one. Returns true when it did.
function ParamSet:default()
  -- norns: read the last pset if there is one, then bang every param.
  local n, read = self:last_pset(), false
  if n and type(self.script_name) == "string" and util.file_exists((pset_path(self, n))) then
    read = self:read(n, true)
  end
  self:bang()
  return read
end

M.ParamSet = ParamSet
return M
