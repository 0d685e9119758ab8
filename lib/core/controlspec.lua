-- controlspec: mirrors norns' lua/core/controlspec.lua (itself after
-- SuperCollider's ControlSpec). Differences from norns:
--  * constrain() quantises to `step` relative to minval (norns rounds to
--    multiples of step from 0); the two agree whenever minval is a multiple of step.
--  * the presets (controlspec.FREQ, ...) hand out a fresh copy on every access,
--    so a script changing one cannot change it for anyone else.
--  * warp is kept as its name ('lin', 'exp', 'db'); an exp range must not cross
--    or touch zero, which is an error at creation instead of NaNs later.
local util = require "util"

local ControlSpec = {}
ControlSpec.__index = ControlSpec

local WARPS = {}

WARPS.lin = {
  map = function(s, x) return s.minval + x * (s.maxval - s.minval) end,
  unmap = function(s, v)
    local range = s.maxval - s.minval
    if range == 0 then return 0 end
    return (v - s.minval) / range
  end,
}

WARPS.exp = {
  map = function(s, x) return s.minval * (s.maxval / s.minval) ^ x end,
  unmap = function(s, v)
    if s.maxval == s.minval then return 0 end
    return math.log(v / s.minval) / math.log(s.maxval / s.minval)
  end,
}

-- SuperCollider's DbFaderWarp: amplitude goes with the square of the fader
-- position, so the top of the travel is fine-grained and the bottom reaches
-- minval (which may be -inf, i.e. silence).
WARPS.db = {
  map = function(s, x)
    local lo, hi = util.dbamp(s.minval), util.dbamp(s.maxval)
    local range = hi - lo
    if range >= 0 then return util.ampdb(x * x * range + lo) end
    return util.ampdb((1 - (1 - x) * (1 - x)) * range + lo)
  end,
  unmap = function(s, v)
    local lo, hi = util.dbamp(s.minval), util.dbamp(s.maxval)
    local range = hi - lo
    if range == 0 then return 0 end
    local f = (util.dbamp(v) - lo) / range
    if range > 0 then return math.sqrt(f) end
    return 1 - math.sqrt(1 - f)
  end,
}

local function clamp01(x)
  if x < 0 then return 0 elseif x > 1 then return 1 end
  return x
end

-- Builds and checks a spec; `level` points errors at the user's call.
local function build(minval, maxval, warp, step, default, units, quantum, wrap, level)
  warp = warp or "lin"
  if type(minval) ~= "number" or type(maxval) ~= "number" then
    error("controlspec: min and max must be numbers", level)
  end
  if not WARPS[warp] then
    error("controlspec: unknown warp '" .. tostring(warp) .. "' (use 'lin', 'exp' or 'db')", level)
  end
  if warp == "exp" and (minval == 0 or maxval == 0 or (minval > 0) ~= (maxval > 0)) then
    error(string.format("controlspec: exp warp needs min and max of the same sign and non-zero (got %g..%g)",
      minval, maxval), level)
  end
  if warp ~= "db" and (minval ~= minval or maxval ~= maxval
      or math.abs(minval) == math.huge or math.abs(maxval) == math.huge) then
    error("controlspec: min and max must be finite for warp '" .. warp .. "'", level)
  end
  local s = setmetatable({
    minval = minval,
    maxval = maxval,
    warp = warp,
    step = step or 0,
    units = units or "",
    quantum = quantum or 0.01,
    wrap = wrap or false,
  }, ControlSpec)
  s.default = s:constrain(default or minval)
  return s
end

local M = {}

function M.new(minval, maxval, warp, step, default, units, quantum, wrap)
  local s = build(minval, maxval, warp, step, default, units, quantum, wrap, 3)
  return s -- not a tail call, so error levels still reach the caller
end

-- Table form: controlspec.def{min=, max=, warp=, step=, default=, units=, quantum=, wrap=}
function M.def(t)
  if type(t) ~= "table" then error("controlspec.def: expected a table", 2) end
  local s = build(t.min, t.max, t.warp, t.step, t.default, t.units, t.quantum, t.wrap, 3)
  return s
end

-- Clamp to the range, then quantise to step counted from minval; the ends
-- stay reachable even when the range is not a whole number of steps.
function ControlSpec:constrain(v)
  local lo, hi = math.min(self.minval, self.maxval), math.max(self.minval, self.maxval)
  v = util.clamp(v, lo, hi)
  if self.step ~= 0 and math.abs(self.minval) ~= math.huge then
    v = util.clamp(self.minval + util.round(v - self.minval, self.step), lo, hi)
  end
  return v
end

-- 0..1 -> value (constrained, so stepped specs return steps).
function ControlSpec:map(x)
  return self:constrain(WARPS[self.warp].map(self, clamp01(x)))
end

-- value -> 0..1
function ControlSpec:unmap(v)
  return clamp01(WARPS[self.warp].unmap(self, self:constrain(v)))
end

function ControlSpec:copy()
  return setmetatable({
    minval = self.minval, maxval = self.maxval, warp = self.warp, step = self.step,
    default = self.default, units = self.units, quantum = self.quantum, wrap = self.wrap,
  }, ControlSpec)
end

function ControlSpec:__tostring()
  return string.format("ControlSpec(min: %g, max: %g, warp: %s, step: %g, default: %g, units: '%s', quantum: %g, wrap: %s)",
    self.minval, self.maxval, self.warp, self.step, self.default, self.units, self.quantum, tostring(self.wrap))
end

function ControlSpec:print()
  print(tostring(self))
end

M.is_controlspec = function(x) return getmetatable(x) == ControlSpec end

-- Preset arguments: min, max, warp, step, default, units.
local PRESETS = {
  UNIPOLAR = { 0, 1, "lin", 0, 0, "" },
  BIPOLAR = { -1, 1, "lin", 0, 0, "" },
  FREQ = { 20, 20000, "exp", 0, 440, "Hz" },
  LOFREQ = { 0.1, 100, "exp", 0, 6, "Hz" },
  MIDFREQ = { 25, 4200, "exp", 0, 440, "Hz" },
  WIDEFREQ = { 0.1, 20000, "exp", 0, 440, "Hz" },
  PHASE = { 0, math.pi, "lin", 0, 0, "" },
  RQ = { 0.001, 2, "exp", 0, 0.707, "" },
  MIDI = { 0, 127, "lin", 1, 64, "" },
  MIDINOTE = { 0, 127, "lin", 1, 60, "" },
  MIDIVELOCITY = { 1, 127, "lin", 1, 64, "" },
  DB = { -math.huge, 0, "db", 0, 0, "dB" },
  AMP = { 0, 1, "lin", 0, 0, "" },
  BOOSTCUT = { -20, 20, "lin", 0, 0, "dB" },
  PAN = { -1, 1, "lin", 0, 0, "" },
  DETUNE = { -20, 20, "lin", 0, 0, "Hz" },
  RATE = { 0.125, 8, "exp", 0, 1, "" },
  BEATS = { 0, 20, "lin", 0, 0, "beats" },
  DELAY = { 0.0001, 1, "exp", 0, 0.3, "secs" },
}
M.PRESETS = {}
for k in pairs(PRESETS) do M.PRESETS[#M.PRESETS + 1] = k end
table.sort(M.PRESETS)

-- Every access builds a fresh spec: controlspec.FREQ ~= controlspec.FREQ.
setmetatable(M, {
  __index = function(_, k)
    local a = PRESETS[k]
    if a then return build(a[1], a[2], a[3], a[4], a[5], a[6], nil, nil, 2) end
  end,
})

return M
