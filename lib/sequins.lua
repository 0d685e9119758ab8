-- sequins: sequences that can nest, with flow modifiers (norns lua/lib/sequins.lua).
--
--   local s = sequins{1, 2, sequins{3, 4}}   -- s() -> 1, 2, 3, 1, 2, 4, 1, ...
--   s:step(2)  s:every(2)  s:times(4)  s:count(2)  s:all()  s:select(3)  s:reset()
--   s:settable{...}  s:map(fn, ...)  s + 1 / s * sequins{1, 2}  s:peek()  s:bake(n)  s:copy()
--
-- Same semantics as norns (a script's sequences play the same notes): a sequins inside a
-- sequins yields one value each time its parent lands on it; `every(n)` makes it answer only
-- every nth time it is asked (the parent moves on), `times(n)` only its first n times, and
-- `count(n)` / `all()` keep the parent on it for n values in a row. Fields scripts read
-- (`data`, `ix`, `length`, `n`) are kept under norns' names.
local S = {}

-- Strings sequence their characters.
local function as_list(t)
  if type(t) ~= "string" then return t end
  local out = {}
  for c in t:gmatch(".") do out[#out + 1] = c end
  return out
end

local function is_sequins(v) return getmetatable(v) == S end

-- A value, asking a sequins for its next one (and its message to the parent).
local function value_of(v)
  if is_sequins(v) then return S.next(v) end
  return v
end

-- Runs fn on every sequins nested in v.
local function each_nested(v, fn)
  if is_sequins(v) then fn(v) end
end

function S.new(t)
  t = as_list(t)
  return setmetatable({
    data = t,
    length = #t,
    ix = 1,
    qix = 1, -- the index the next value comes from, when set (the first value is data[1])
    n = 1, -- step size; may itself be a sequins
    flw = {}, -- flow modifiers by name: { n = limit, ix = counter }
    fun = {}, -- { fn, {args} } from :map and the arithmetic operators
  }, S)
end

function S.is_sequins(v) return is_sequins(v) end

local function wrap(s, i) return (i - 1) % s.length + 1 end

local function transform(s, v)
  local fn = s.fun[1]
  if not fn then return v end
  local args = s.fun[2]
  if args and #args > 0 then return fn(v, table.unpack(args)) end
  return fn(v)
end

-- The flow modifier `name` ticks; returns what it says about this call.
local function flow(s, name)
  local f = s.flw[name]
  if not f then return nil end
  f.ix = f.ix + 1
  local limit = value_of(f.n)
  if name == "every" then return f.ix % limit ~= 0 end
  if name == "times" then return f.ix > limit end
  -- count: 'again' keeps the parent here until `limit` values have come out.
  if f.ix < limit then return "again" end
  f.ix = 0
  return nil
end

local function advance(s)
  local i = wrap(s, s.qix or (s.ix + value_of(s.n)))
  local v, msg = value_of(s.data[i])
  -- A child still counting keeps this sequins on it.
  if msg ~= "again" then
    s.ix = i
    s.qix = nil
  end
  -- A child that is skipping or spent gives way to the next element.
  if v == "skip" or v == "dead" then return S.next(s) end
  return v
end

-- The next value, and 'again' while a count() is unfinished (read by a parent sequins).
function S.next(s)
  if flow(s, "every") then return "skip" end
  if flow(s, "times") then return "dead" end
  local again = flow(s, "count")
  -- every() does not count the extra values a count() produces.
  if again and s.flw.every then s.flw.every.ix = s.flw.every.ix - 1 end
  return transform(s, advance(s)), again
end

function S:step(n) self.n = n return self end

function S:flow(name, n)
  self.flw[name] = { n = n, ix = 0 }
  return self
end
function S:every(n) return self:flow("every", n) end
function S:times(n) return self:flow("times", n) end
function S:count(n) return self:flow("count", n) end
function S:all() return self:flow("count", self.length) end

-- The next value comes from index ix (nil: carry on stepping).
function S:select(ix)
  rawset(self, "qix", ix)
  return self
end

-- Back to the start, nested sequins, flow counters and map arguments included.
function S:reset()
  self:select(1)
  for _, v in ipairs(self.data) do each_nested(v, S.reset) end
  for _, f in pairs(self.flw) do
    f.ix = 0
    each_nested(f.n, S.reset)
  end
  if self.fun[1] and self.fun[2] then
    for _, v in pairs(self.fun[2]) do each_nested(v, S.reset) end
  end
end

function S:peek() return self.data[self.ix] end

-- A new sequins of the next n values (default: as many as this one has).
function S:bake(n)
  local t = {}
  for i = 1, n or self.length do t[i] = S.next(self) end
  return S.new(t)
end

function S:copy()
  local function deep(v)
    if type(v) ~= "table" then return v end
    local c = {}
    for k, x in pairs(v) do c[k] = deep(x) end
    return setmetatable(c, getmetatable(v))
  end
  return deep(self)
end

function S:map(fn, ...)
  self.fun = { fn, { ... } }
  return self
end

-- New data in place, keeping position, counters and the nested sequins' own state (so a
-- live-coded change does not restart the pattern). A sequins may be given: its modifiers
-- and map replace this one's.
function S:settable(t)
  if is_sequins(t) then
    local mine = self.flw
    for k in pairs(mine) do
      if t.flw[k] then mine[k].n = t.flw[k].n else mine[k] = nil end
    end
    for k, f in pairs(t.flw) do
      if not mine[k] then mine[k] = { n = f.n, ix = f.ix } end
    end
    if self.fun[1] then
      self.fun[1] = t.fun[1]
      for i, v in ipairs(t.fun[2] or {}) do
        local old = self.fun[2] and self.fun[2][i]
        if is_sequins(v) and is_sequins(old) then old:settable(v) else self.fun[2][i] = v end
      end
    elseif t.fun[1] then
      self.fun = t.fun
    end
    t = t.data
  end
  t = as_list(t)
  for i = 1, #t do
    local old = self.data[i]
    if is_sequins(t[i]) and is_sequins(old) then old:settable(t[i]) else self.data[i] = t[i] end
  end
  for i = #t + 1, #self.data do self.data[i] = nil end
  self.length = #t
  self.ix = wrap(self, self.ix)
end
S.setdata = S.settable

-- Arithmetic maps the values: (s + 1)() is s() + 1; the other side may be a sequins.
local function op(f)
  return function(a, b)
    return S.map(a, function(v, x) return f(v, value_of(x)) end, b)
  end
end
S.__add = op(function(v, x) return v + x end)
S.__sub = op(function(v, x) return v - x end)
S.__mul = op(function(v, x) return v * x end)
S.__div = op(function(v, x) return v / x end)
S.__mod = op(function(v, x) return v % x end)

local methods = {
  settable = S.settable, setdata = S.settable, step = S.step, flow = S.flow, every = S.every,
  times = S.times, count = S.count, all = S.all, reset = S.reset, select = S.select,
  peek = S.peek, copy = S.copy, map = S.map, bake = S.bake, is_sequins = S.is_sequins,
}

-- s[i] reads the data; methods come from the table above (not from S, so a sequins has no
-- `new` or `next` fields a script could trip over).
S.__index = function(s, k)
  if type(k) == "number" then return s.data[k] end
  return methods[k]
end

S.__newindex = function(s, k, v)
  if type(k) == "number" then
    s.data[k] = v
  elseif k == "n" then
    rawset(s, k, v)
  end
end

S.__call = function(self, ...)
  if self == S then return S.new(...) end
  return S.next(self)
end

S.__len = function(s) return s.length end

S.__tostring = function(s)
  local items = {}
  for i = 1, s.length do items[i] = tostring(s.data[i]) end
  local out = string.format("s[%d]{%s}", s.qix or s.ix, table.concat(items, ","))
  for k, f in pairs(s.flw) do
    out = string.format("%s:%s[%d](%s)", out, k:sub(1, 1), f.ix, tostring(f.n))
  end
  if s.fun[1] then
    local args = { "fn" }
    for _, a in ipairs(s.fun[2] or {}) do args[#args + 1] = tostring(a) end
    out = out .. ":map(" .. table.concat(args, ",") .. ")"
  end
  return out
end

-- sequins{...} builds one; S itself answers to S.new and S.is_sequins.
return setmetatable(S, {
  __call = function(_, ...) return S.new(...) end,
})
