-- What the param types in core/params/ share, so each file holds only its own type.
-- Unlike norns' Type.new(id, name, ...), a type's new(o, lvl) takes an options
-- table (the positional forms are paramset's add_* methods) and the caller's level,
-- for errors that point at the script line that added the param.
local M = {}

M.T = {
  tSEPARATOR = 0, tNUMBER = 1, tOPTION = 2, tCONTROL = 3, tFILE = 4,
  tTAPER = 5, tTRIGGER = 6, tGROUP = 7, tTEXT = 8, tBINARY = 9,
}

function M.noop() end
local noop = M.noop

-- `lvl` is the caller's level as seen from the function calling fail.
function M.fail(msg, lvl)
  error("params: " .. msg, lvl + 1)
end
local fail = M.fail

function M.clamp01(x)
  if x < 0 then return 0 elseif x > 1 then return 1 end
  return x
end

-- Values shown to musicians: two decimals at most, no trailing zeros.
function M.fmt_value(v)
  if math.type(v) ~= "float" or v ~= v or math.abs(v) == math.huge then return tostring(v) end
  local s = string.format("%.2f", v):gsub("%.?0+$", "")
  if s == "-0" then return "0" end
  return s
end

function M.with_units(s, units)
  if units and units ~= "" then return s .. " " .. units end
  return s
end

-- The methods of a param with a number value that a type does not override.
local Param = {}
Param.__index = Param

function Param:get() return self.value end
function Param:get_raw() return nil end
function Param:set_raw() end
function Param:delta() end
function Param:get_range() return nil end
function Param:string()
  if self.formatter then return self.formatter(self) end
  return M.fmt_value(self:get())
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

-- A param class; `parent` (default Param) supplies what it does not define.
function M.class(parent)
  local c = setmetatable({}, { __index = parent or Param })
  c.__index = c
  return c
end

-- The fields every param with an id has.
function M.new(cls, t, o, lvl)
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

function M.check_number(v, what, lvl)
  if v ~= nil and type(v) ~= "number" then
    fail(what .. " must be a number, got " .. type(v), lvl)
  end
end

-- A check method for values of Lua type a or b; `what` names them in the problem.
function M.check_types(a, b, what)
  return function(self, v)
    if type(v) ~= a and type(v) ~= b then
      return "'" .. self.id .. "' expects " .. what .. ", got " .. type(v)
    end
  end
end

return M
