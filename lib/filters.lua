-- filters: smoothing for control values (norns lua/lib/filters.lua).
--
--   local filters = require 'filters'
--   local m = filters.mean.new(16)      m:next(x) -> running mean of the last 16 values
--   local d = filters.median.new(17)    d:next(x) -> running median (odd sizes)
--   local s = filters.smoother.new(0.1, 100)   -- time to settle (s), rate of next() calls (Hz)
--   s:set_target(x)  s:next() / s:next(x)  s:set_value(x)  s:set_time(t)  s:set_sr(sr)
local F = {}

local Base = {}
Base.__index = Base

function Base:clear()
  for i = 1, self.bufsize do self.buf[i] = 0 end
end

function Base:__tostring()
  local parts = {}
  for i = 1, self.bufsize do parts[i] = tostring(self.buf[i]) .. ", " end
  return table.concat(parts)
end

local function class()
  local c = setmetatable({}, { __index = Base })
  c.__index = c
  c.__tostring = Base.__tostring
  return c
end

local function next_pos(pos, size) return pos % size + 1 end

local Mean = class()

function Mean.new(bufsize)
  bufsize = bufsize or 16
  local m = setmetatable({ buf = {}, bufsize = bufsize, scale = 1 / bufsize, pos = 1, sum = 0 }, Mean)
  m:clear()
  return m
end

function Mean:next(x)
  local a = x * self.scale
  self.sum = self.sum + a - self.buf[self.pos]
  self.buf[self.pos] = a
  self.pos = next_pos(self.pos, self.bufsize)
  return self.sum
end

-- The median moves only when more than half the window lies beyond it, so each step costs one
-- pass over the window at most.
local Median = class()

function Median.new(bufsize)
  bufsize = bufsize or 17
  if bufsize % 2 == 0 then bufsize = bufsize + 1 end
  local m = setmetatable({ buf = {}, bufsize = bufsize, midpoint = (bufsize - 1) / 2, value = 0, pos = 1 },
    Median)
  m:clear()
  return m
end

function Median:count_below()
  local n, max = 0, -math.huge
  for i = 1, self.bufsize do
    local x = self.buf[i]
    if x < self.value then n = n + 1 end
    if x > max then max = x end
  end
  return n, max
end

function Median:count_above()
  local n, min = 0, math.huge
  for i = 1, self.bufsize do
    local x = self.buf[i]
    if x > self.value then n = n + 1 end
    if x < min then min = x end
  end
  return n, min
end

function Median:next(x)
  local old = self.buf[self.pos]
  self.buf[self.pos] = x
  self.pos = next_pos(self.pos, self.bufsize)
  if x > self.value and old <= self.value then
    local n, min = self:count_above()
    if n > self.midpoint then self.value = min end
  end
  if x < self.value and old >= self.value then
    local n, max = self:count_below()
    if n > self.midpoint then self.value = max end
  end
  return self.value
end

-- One-pole smoothing toward a target: within 0.1 % (-60 dB) of it after `time` seconds at
-- `sr` calls of next() per second.
local Smoother = class()
Smoother.EPSILON = 1e-8

function Smoother.new(time, sr)
  local s = setmetatable({ buf = {}, bufsize = 1, x = 0, a = 1, sr = sr, t = time, pos = 1 }, Smoother)
  s:clear()
  s:calc_coeff()
  return s
end

function Smoother:calc_coeff() self.a = 1 - math.exp(-6.9 / (self.t * self.sr)) end
function Smoother:set_time(t) self.t = t self:calc_coeff() end
function Smoother:set_sr(sr) self.sr = sr self:calc_coeff() end
function Smoother:set_value(x) self.buf[1] = x end
function Smoother:set_target(x) self.x = x end

function Smoother:next(x)
  if x == nil then x = self.x else self.x = x end
  local d = x - self.buf[1]
  if math.abs(d) < Smoother.EPSILON then
    self.buf[1] = x
  else
    self.buf[1] = self.buf[1] + self.a * d
  end
  return self.buf[1]
end

F.mean = Mean
F.median = Median
F.smoother = Smoother

return F
