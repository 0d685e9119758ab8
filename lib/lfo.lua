-- lfo: low-frequency oscillators for wyrd scripts.
--
-- The surface is norns' lib/lfo, so norns scripts and habits carry over:
--   local lfo = require 'lfo'
--   local l = lfo:add{shape='sine', min=200, max=8000, period=4, action=function(scaled, raw) ... end}
--   l:start()  l:stop()  l:set('depth', 0.5)  l:get('enabled')  l:reset_phase()
-- with norns' shapes (sine, tri, square, random, up, down), its raw shape formulas, its depth and
-- baseline mapping (baseline 'max' hangs down from max: raw 0 -> max), its offset (a fraction of
-- max - min added after mapping), its `phase` key and its reset targets (start() begins at the
-- 'floor' by default).
--
-- Where wyrd differs, on purpose:
--  * Timing is exact. norns advances a phase counter by 1/ppqn on every lattice tick, so the
--    phase depends on how many ticks ran. Here the phase is a pure function of logical time: beats
--    since start (clocked) or util.time() seconds since start (free). Ticks only decide when the
--    action is called; offline renders are bit-identical and value_at() tells what any tick sees.
--  * 'random' is sample & hold per cycle from the LFO's own seeded generator (splitmix64 of seed
--    and cycle number), not math.random: reproducible, and the same cycle always gets the same value.
--  * reset targets (floor, ceiling, mid: rising, mid: falling) use each shape's own phases, so a
--    tri or square also starts at its floor (norns uses the sine's phases for every shape);
--    ramps and random have one edge and restart there.
--  * unknown keys and bad values raise clear errors pointing at the script line.
--  * free mode ticks at `rate` Hz (default 100) instead of ppqn-per-beat.
--
-- raw is always the shape's own 0..1 value (before depth, baseline and offset).
local LFO = {}
LFO.__index = LFO

pcall(require, "util") -- util.time() is the logical clock in seconds; resolved lazily below

local SHAPES = { sine = true, tri = true, square = true, random = true, up = true, down = true }
local SHAPE_NAMES = "sine, tri, square, random, up, down"

-- Phase (in cycles) at which each shape shows each reset target. Ramps have a single edge, so
-- floor and ceiling both restart the ramp there; random restarts a held value at a cycle start.
local RESET_PHASES = {
  sine = { floor = 0.75, ceiling = 0.25, ["mid: rising"] = 0, ["mid: falling"] = 0.5 },
  tri = { floor = 0, ceiling = 0.5, ["mid: rising"] = 0.25, ["mid: falling"] = 0.75 },
  square = { floor = 0.5, ceiling = 0, ["mid: rising"] = 0, ["mid: falling"] = 0.5 },
  up = { floor = 0, ceiling = 0, ["mid: rising"] = 0.5, ["mid: falling"] = 0.5 },
  down = { floor = 0, ceiling = 0, ["mid: rising"] = 0.5, ["mid: falling"] = 0.5 },
  random = { floor = 0, ceiling = 0, ["mid: rising"] = 0, ["mid: falling"] = 0 },
}

local TAU = 2 * math.pi

-- splitmix64's finaliser: a good 64-bit mix in plain integer arithmetic (wraps, as Lua 5.4 does).
local function mix64(x)
  x = (x ~ (x >> 30)) * 0xBF58476D1CE4E5B9
  x = (x ~ (x >> 27)) * 0x94D049BB133111EB
  return x ~ (x >> 31)
end

local function to_int(x)
  if math.type(x) == "integer" then return x end
  return math.tointeger(math.floor(x)) or 0
end

-- The held value of cycle n: stateless, so any cycle can be asked for in any order.
local function random_value(seed, n)
  local x = mix64(mix64(to_int(seed) + 0x632BE59BD9B4E019) + to_int(n) * 0x9E3779B97F4A7C15)
  return (x >> 11) * 2.0 ^ -53
end

--- The raw 0..1 value of a shape at `phase` (in cycles, any real number).
-- sine (sin(2 pi p)+1)/2; tri 0 -> 1 at 0.5 -> 0; up p; down 1-p; square 1 for the first half;
-- random: a value in [0,1) held for the whole cycle, from `seed` (an integer, default 0).
function LFO.shape_value(shape, phase, seed)
  local cycle = math.floor(phase)
  local p = phase - cycle
  if p >= 1 then p = 0 end -- tiny negative phases round up to exactly 1
  if shape == "sine" then
    return 0.5 + 0.5 * math.sin(TAU * p)
  elseif shape == "tri" then
    return p < 0.5 and 2 * p or 2 - 2 * p
  elseif shape == "up" then
    return p
  elseif shape == "down" then
    return 1 - p
  elseif shape == "square" then
    return p < 0.5 and 1 or 0
  elseif shape == "random" then
    return random_value(seed or 0, cycle)
  end
  error("lfo: unknown shape " .. tostring(shape) .. " (shapes: " .. SHAPE_NAMES .. ")", 2)
end

-- Validators return an error message, or nil when the value is fine.
local function is_number(v) if type(v) ~= "number" then return "expects a number, got " .. type(v) end end
local function is_positive(v)
  if type(v) ~= "number" or not (v > 0) or v == math.huge then return "expects a positive number, got " .. tostring(v) end
end
local function one_of(list)
  local set = {}
  for _, k in ipairs(list) do set[k] = true end
  local names = "'" .. table.concat(list, "', '") .. "'"
  return function(v) if not set[v] then return "expects one of " .. names .. ", got " .. tostring(v) end end
end

local VALIDATORS = {
  shape = function(v) if not SHAPES[v] then return "expects one of " .. SHAPE_NAMES .. ", got " .. tostring(v) end end,
  min = is_number,
  max = is_number,
  depth = is_number,
  offset = is_number,
  phase = is_number,
  mode = one_of { "clocked", "free" },
  period = is_positive,
  baseline = one_of { "min", "center", "max" },
  reset_target = one_of { "floor", "ceiling", "mid: rising", "mid: falling" },
  ppqn = is_positive,
  rate = is_positive,
  seed = function(v) if math.type(v) ~= "integer" then return "expects an integer, got " .. tostring(v) end end,
  action = function(v) if type(v) ~= "function" then return "expects a function, got " .. type(v) end end,
}
local READ_ONLY = { enabled = true, scaled = true, raw = true }

local function key_list()
  local keys = {}
  for k in pairs(VALIDATORS) do keys[#keys + 1] = k end
  table.sort(keys)
  return table.concat(keys, ", ")
end

local DEFAULTS = {
  shape = "sine", min = 0, max = 1, depth = 1, mode = "clocked", period = 4, phase = 0, offset = 0,
  baseline = "min", reset_target = "floor", ppqn = 96, rate = 100,
}

-- Seeds count up per LFO made, so a script's LFOs are the same in every run and render.
local seed_counter = 0

local function now_seconds()
  local util = package.loaded.util
  if type(util) == "table" and util.time then return util.time() end
  local w = _wyrd
  if type(w) == "table" and w.time then return w.time() end
  return os.time()
end

local function need_clock(what)
  local c = clock
  if type(c) ~= "table" then error("lfo:" .. what .. "() needs wyrd's clock (not available in plain Lua)", 3) end
  return c
end

-- Logical now in the LFO's unit: beats when clocked, seconds when free.
local function now_units(self)
  if self.mode == "clocked" then return need_clock("start").get_beats() end
  return now_seconds()
end

-- Builds an LFO from a table of options; returns nil and a message on bad input.
local function build(opts)
  local self = setmetatable({}, LFO)
  for k, v in pairs(opts) do
    local check = VALIDATORS[k]
    if not check then return nil, "lfo: unknown option '" .. tostring(k) .. "' (options: " .. key_list() .. ")" end
    local msg = check(v)
    if msg then return nil, "lfo: " .. k .. " " .. msg end
    self[k] = v
  end
  for k, v in pairs(DEFAULTS) do
    if self[k] == nil then self[k] = v end
  end
  if self.seed == nil then
    seed_counter = seed_counter + 1
    self.seed = seed_counter
  end
  self.action = self.action or function() end
  self.enabled = 0
  self.scaled, self.raw = 0, 0
  return self
end

--- lfo:add{shape=, min=, max=, depth=, mode=, period=, phase=, offset=, baseline=, reset_target=,
-- ppqn=, rate=, seed=, action=} -> an LFO (stopped). Also works as lfo.add{...}.
function LFO.add(self_or_opts, opts)
  if opts == nil and self_or_opts ~= LFO and getmetatable(self_or_opts) ~= LFO then opts = self_or_opts end
  if opts ~= nil and type(opts) ~= "table" then error("lfo:add expects a table of options", 2) end
  local l, err = build(opts or {})
  if not l then error(err, 2) end
  return l
end

--- lfo.new(shape, min, max, depth, mode, period, action, phase, baseline): norns' positional form.
function LFO.new(shape, min, max, depth, mode, period, action, phase, baseline)
  local l, err = build {
    shape = shape, min = min, max = max, depth = depth, mode = mode, period = period,
    action = action, phase = phase, baseline = baseline,
  }
  if not l then error(err, 2) end
  return l
end

-- Maps a raw 0..1 value through depth and baseline into min..max, then adds the offset.
local function scale(self, raw)
  local min, max = self.min, self.max
  local span = (max - min) * self.depth
  local v
  if self.baseline == "center" then
    v = (min + max) / 2 + (raw - 0.5) * span
  elseif self.baseline == "max" then
    v = max - raw * span
  else
    v = min + raw * span
  end
  local lo, hi = math.min(min, max), math.max(min, max)
  if v < lo then v = lo elseif v > hi then v = hi end -- depth > 1 must not leave the range
  return v + self.offset * (max - min)
end

function LFO:_start_phase()
  return RESET_PHASES[self.shape][self.reset_target]
end

--- Pure: scaled and raw values at `t` beats (clocked) or seconds (free) after the phase origin
-- (the last start() or reset_phase()); before any start, as if started at t = 0.
function LFO:value_at(t)
  local anchor = self._anchor or self:_start_phase()
  local raw = LFO.shape_value(self.shape, anchor + t / self.period + self.phase, self.seed)
  return scale(self, raw), raw
end

local function call_action(self, scaled, raw)
  local ok, err = xpcall(self.action, debug.traceback, scaled, raw)
  if not ok then
    self._token, self.enabled = nil, 0
    error("lfo action failed: " .. tostring(err), 0)
  end
end

local function run(self, token)
  local c = clock
  token.co = coroutine.running()
  while self._token == token do
    local scaled, raw = self:value_at(now_units(self) - self._t0)
    self.scaled, self.raw = scaled, raw
    -- depth 0 leaves the target alone (as norns), so it can be played by hand
    if self.depth ~= 0 then call_action(self, scaled, raw) end
    if self._token ~= token then return end
    if self.mode == "free" then
      c.sleep(1 / self.rate)
    else
      local before = c.get_beats()
      c.sync(1 / self.ppqn)
      -- a sync that returned on the grid point it started from must not spin at one instant
      if self._token == token and c.get_beats() <= before then c.sleep(c.get_beat_sec() / self.ppqn) end
    end
  end
end

--- start(): restart the phase at reset_target and call the action every tick until stop().
-- A running LFO ignores start(), as in norns.
function LFO:start()
  if self._token then return self end
  local c = need_clock("start")
  self._t0 = now_units(self)
  self._anchor = self:_start_phase()
  local token = {}
  self._token, self.enabled = token, 1
  token.id = c.run(run, self, token)
  return self
end

function LFO:stop()
  local token = self._token
  if not token then return self end
  self._token, self.enabled = nil, 0
  -- from inside its own action the runner ends itself once the action returns
  if token.id and token.co ~= coroutine.running() and type(clock) == "table" then clock.cancel(token.id) end
  return self
end

--- reset_phase(): the cycle restarts now at reset_target.
function LFO:reset_phase()
  self._anchor = self:_start_phase()
  if self._token then self._t0 = now_units(self) end
  return self
end

--- set(key, value): any option of lfo:add, or 'enabled' (1 starts, 0 stops). Changing period or
-- mode while running keeps the phase continuous (no jump), as norns does for period.
function LFO:set(key, value)
  if key == "enabled" then -- norns' params menu switches LFOs this way
    if value == 1 or value == true then return self:start() end
    if value == 0 or value == false then return self:stop() end
    error("lfo:set('enabled'): expects 1 or 0, got " .. tostring(value), 2)
  end
  local check = VALIDATORS[key]
  if not check then
    error("lfo:set: unknown key '" .. tostring(key) .. "' (keys: " .. key_list() .. ")", 2)
  end
  local msg = check(value)
  if msg then error("lfo:set('" .. key .. "'): " .. msg, 2) end
  if self._token and (key == "period" or key == "mode") then
    local phase = self._anchor + (now_units(self) - self._t0) / self.period
    self[key] = value
    self._anchor, self._t0 = phase, now_units(self)
  else
    self[key] = value
  end
  return self
end

--- get(key): an option, or 'enabled' (0 or 1, as norns), 'scaled' or 'raw' (the last values sent).
function LFO:get(key)
  if VALIDATORS[key] or READ_ONLY[key] then return self[key] end
  error("lfo:get: unknown key '" .. tostring(key) .. "' (keys: " .. key_list() .. ", enabled, scaled, raw)", 2)
end

return LFO
