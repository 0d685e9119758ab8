-- paramset: mirrors norns' lua/core/paramset.lua; the param types are in
-- core/params/ (separator, group, number, option, control, taper, trigger,
-- binary, text, file), one file each as on norns.
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
local base = require "core/params/base"

local T, fail, noop = base.T, base.fail, base.noop

local M = {}
for k, v in pairs(T) do M[k] = v end

-- Constructors by norns' type names, which are also the add{type=} names.
local MAKERS = {}
for _, name in ipairs { "separator", "group", "number", "option", "control", "taper", "trigger", "binary",
  "text", "file" } do
  MAKERS[name] = require("core/params/" .. name).new
end

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
  local p = MAKERS.separator { id = id, name = name, implicit_id = name == nil }
  register(self, p)
  return p
end

function ParamSet:add_group(id, name, n)
  local implicit = n == nil and type(name) == "number"
  if implicit then name, n = nil, name end
  local p = MAKERS.group({ id = id, name = name, n = n, implicit_id = implicit }, 3)
  register(self, p)
  return p
end

function ParamSet:add_number(id, name, min, max, default, formatter, wrap)
  local p = MAKERS.number({ id = id, name = name, min = min, max = max, default = default,
    formatter = formatter, wrap = wrap }, 3)
  register(self, p)
  return p
end

function ParamSet:add_option(id, name, options, default)
  local p = MAKERS.option({ id = id, name = name, options = options, default = default }, 3)
  register(self, p)
  return p
end

function ParamSet:add_control(id, name, spec, formatter)
  local p = MAKERS.control({ id = id, name = name, controlspec = spec, formatter = formatter }, 3)
  register(self, p)
  return p
end

function ParamSet:add_taper(id, name, min, max, default, k, units)
  local p = MAKERS.taper({ id = id, name = name, min = min, max = max, default = default, k = k, units = units }, 3)
  register(self, p)
  return p
end

function ParamSet:add_trigger(id, name)
  local p = MAKERS.trigger({ id = id, name = name }, 3)
  register(self, p)
  return p
end

function ParamSet:add_binary(id, name, behavior, default)
  local p = MAKERS.binary({ id = id, name = name, behavior = behavior, default = default }, 3)
  register(self, p)
  return p
end

function ParamSet:add_text(id, name, text)
  local p = MAKERS.text({ id = id, name = name, text = text }, 3)
  register(self, p)
  return p
end

function ParamSet:add_file(id, name, path)
  local p = MAKERS.file({ id = id, name = name, path = path }, 3)
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
