-- env: multi-segment envelopes that drive any function (synth parameters, a model's latent
-- dimensions, several at once). wyrd's own library; norns has none, so it follows SuperCollider's
-- Env/EnvGen, which SC users know, with norns-style callbacks:
--
--   local env = require 'env'
--   local e = env.new{levels={0, 1, 0.3, 0}, times={0.01, 0.2, 1.5}, curves=-4, release_node=3,
--                     min=200, max=8000, action=function(value, level) engine.cutoff(value) end}
--   e:trigger()  ...  e:release()
--
-- SC semantics kept: levels/times/curves (curve numbers use SC's formula; 'lin', 'exp', 'sine',
-- 'step', 'hold', 'squared', 'cubed' and their SC aliases), release_node (hold while gated, release
-- from wherever the envelope is), loop_node (segments loop_node..release_node-1 repeat while gated;
-- each repeat starts from the release node's level), retrigger from the current level, Env.adsr,
-- Env.asr, Env.perc. Nodes are numbered from 1 like Lua tables (SC counts from 0).
--
-- wyrd additions: loop=true repeats the whole envelope; sync=true counts times in beats (follows
-- tempo); targets drive several functions with their own ranges and curves; gesture and
-- breakpoints constructors; done callback.
--
-- Methods: e:trigger() e:release() e:gate(z) e:stop() e:is_running() e:value_at(t, release_time,
-- from) e:duration(); field e.level is the last level sent. Treat levels/times/curves as read-only
-- (make a new envelope to change them); action, done, min and max may be reassigned live.
--
-- Where wyrd is better: levels are computed from the exact logical time since the trigger
-- (util.time() or clock.get_beats()), never by adding increments, so a render is bit-identical
-- and e:value_at(t) is exactly what the runner sends. The runner also wakes exactly on every
-- breakpoint, so peaks, sustain levels and the final level are hit exactly, on their sample.
local Env = {}
Env.__index = Env
local M = {}

pcall(require, "util") -- util.time() is the logical clock in seconds; resolved lazily below

local SNAP = 1e-4 -- a wake this close to a breakpoint counts as on it (sample and float rounding)

local CURVE_NAMES = {
  lin = "lin", linear = "lin",
  exp = "exp", exponential = "exp",
  sine = "sine", sin = "sine",
  step = "step", hold = "hold",
  squared = "squared", sqr = "squared",
  cubed = "cubed", cub = "cubed",
}

-- Curve -> 'lin' | 'exp' | ... | a nonzero number; nil and a message when unknown.
local function normalize_curve(c)
  if c == nil then return "lin" end
  if type(c) == "number" then
    if c ~= c or c == math.huge or c == -math.huge then return nil, "curve must be finite" end
    return math.abs(c) < 0.001 and "lin" or c -- SC treats tiny curves as linear
  end
  local name = CURVE_NAMES[c]
  if name then return name end
  return nil, "unknown curve " .. tostring(c) .. " (use a number or 'lin', 'exp', 'sine', 'step', 'hold', 'squared', 'cubed')"
end

local function cbrt(x) return x < 0 and -((-x) ^ (1 / 3)) or x ^ (1 / 3) end

--- Pure: the value between a and b at position pos (0..1) of a segment shaped by curve.
-- A number c is SC's curve: a + (b-a) * (1 - exp(c*pos)) / (1 - exp(c)). 'exp' is geometric and
-- falls back to linear when a and b are not both nonzero with the same sign (a retrigger from 0).
-- Ends are exact: pos 0 gives a (b for 'step'), pos 1 gives b.
function M.interpolate(a, b, pos, curve)
  local c = normalize_curve(curve) or "lin"
  if c == "step" then return b end
  if c == "hold" then return pos >= 1 and b or a end
  if pos == 1 then return b end
  if pos == 0 or a == b then return a end
  local w
  if c == "lin" then
    w = pos
  elseif type(c) == "number" then
    w = (1 - math.exp(c * pos)) / (1 - math.exp(c))
  elseif c == "sine" then
    w = 0.5 - 0.5 * math.cos(math.pi * pos)
  elseif c == "exp" then
    if a ~= 0 and a * b > 0 then return a * (b / a) ^ pos end
    w = pos
  elseif c == "squared" then
    if a >= 0 and b >= 0 then
      local sa, sb = math.sqrt(a), math.sqrt(b)
      local s = sa + (sb - sa) * pos
      return s * s
    end
    w = pos
  elseif c == "cubed" then
    local ca, cb = cbrt(a), cbrt(b)
    local s = ca + (cb - ca) * pos
    return s * s * s
  end
  return a + (b - a) * w
end
local interpolate = M.interpolate

-- Whether curve c can join a and b (checked at construction; runtime falls back to linear).
local function curve_problem(c, a, b)
  if c == "exp" and not (a ~= 0 and a * b > 0) then
    return "an 'exp' curve from " .. a .. " to " .. b
      .. " (exp needs nonzero levels of the same sign; use a number curve such as -4)"
  end
  if c == "squared" and (a < 0 or b < 0) then
    return "a 'squared' curve from " .. a .. " to " .. b .. " (squared needs levels >= 0)"
  end
end

local function now_seconds()
  local util = package.loaded.util
  if type(util) == "table" and util.time then return util.time() end
  local w = _wyrd
  if type(w) == "table" and w.time then return w.time() end
  return os.time()
end

local function is_finite(x) return type(x) == "number" and x == x and x ~= math.huge and x ~= -math.huge end

local OPTIONS = {
  levels = true, times = true, curves = true, curve = true, release_node = true, loop_node = true,
  loop = true, sync = true, rate = true, min = true, max = true, action = true, targets = true,
  done = true, retrigger = true,
}

local function option_list()
  local keys = {}
  for k in pairs(OPTIONS) do keys[#keys + 1] = k end
  table.sort(keys)
  return table.concat(keys, ", ")
end

-- A target is {f, min, max, curve} or {f=, min=, max=, curve=} (from/to also name min/max).
local function build_target(t, i)
  if type(t) ~= "table" then return nil, "targets[" .. i .. "] must be a table {f, min, max, curve}" end
  local f = t.f or t.fn or t.action or t[1]
  local lo = t.min or t.from or t[2] or 0
  local hi = t.max or t.to or t[3] or 1
  if type(f) ~= "function" and not (getmetatable(f) or {}).__call then
    return nil, "targets[" .. i .. "] needs a function first (got " .. type(f) .. ")"
  end
  if not is_finite(lo) or not is_finite(hi) then return nil, "targets[" .. i .. "] min/max must be numbers" end
  local c, err = normalize_curve(t.curve or t[4])
  if not c then return nil, "targets[" .. i .. "]: " .. err end
  local problem = curve_problem(c, lo, hi)
  if problem then return nil, "targets[" .. i .. "] has " .. problem end
  return { f = f, min = lo, max = hi, curve = c }
end

-- Validates a spec and builds the envelope; returns nil and a message on bad input.
local function build(spec)
  if type(spec) ~= "table" then return nil, "env.new expects a table of options" end
  for k in pairs(spec) do
    if not OPTIONS[k] then return nil, "env: unknown option '" .. tostring(k) .. "' (options: " .. option_list() .. ")" end
  end
  local levels, times = spec.levels, spec.times
  if type(levels) ~= "table" or #levels < 2 then return nil, "env: levels needs at least 2 numbers" end
  local n = #levels
  if type(times) ~= "table" then return nil, "env: times must be a table of " .. (n - 1) .. " durations" end
  if #times ~= n - 1 then
    return nil, "env: times needs #levels - 1 = " .. (n - 1) .. " durations, got " .. #times
  end
  local self = setmetatable({ levels = {}, times = {}, curves = {} }, Env)
  for i = 1, n do
    if not is_finite(levels[i]) then return nil, "env: levels[" .. i .. "] is not a number (" .. tostring(levels[i]) .. ")" end
    self.levels[i] = levels[i]
  end
  self.cum = { 0 } -- cum[i] = start of segment i; cum[n] = total length
  for i = 1, n - 1 do
    local d = times[i]
    if not is_finite(d) then return nil, "env: times[" .. i .. "] is not a number (" .. tostring(d) .. ")" end
    if d < 0 then return nil, "env: times[" .. i .. "] is negative (" .. d .. ")" end
    self.times[i] = d
    self.cum[i + 1] = self.cum[i] + d
  end

  local curves = spec.curves
  if curves == nil then curves = spec.curve end
  if type(curves) == "table" and #curves ~= n - 1 then
    return nil, "env: curves needs one curve per segment (" .. (n - 1) .. "), got " .. #curves
  end
  for i = 1, n - 1 do
    local c, err = normalize_curve(type(curves) == "table" and curves[i] or curves)
    if not c then return nil, "env: segment " .. i .. ": " .. err end
    local problem = curve_problem(c, self.levels[i], self.levels[i + 1])
    if problem then return nil, "env: segment " .. i .. " has " .. problem end
    self.curves[i] = c
  end

  local r, l = spec.release_node, spec.loop_node
  if r ~= nil and (math.type(r) ~= "integer" or r < 1 or r > n) then
    return nil, "env: release_node must be a node number 1.." .. n .. ", got " .. tostring(r)
  end
  if l ~= nil then
    if r == nil then return nil, "env: loop_node needs a release_node (the loop runs loop_node..release_node while gated)" end
    if math.type(l) ~= "integer" or l < 1 or l >= r then
      return nil, "env: loop_node must be a node number 1.." .. (r - 1) .. " (before release_node), got " .. tostring(l)
    end
    if self.cum[r] - self.cum[l] <= 0 then return nil, "env: the loop from loop_node to release_node takes no time" end
  end
  if spec.loop and r ~= nil then
    return nil, "env: loop=true repeats the whole envelope; with a release_node use loop_node instead"
  end
  if spec.loop and self.cum[n] <= 0 then return nil, "env: loop=true needs a nonzero total time" end
  self.release_node, self.loop_node = r, l
  self.loop, self.sync = spec.loop and true or false, spec.sync and true or false

  self.rate = spec.rate or (self.sync and 96 or 100)
  if not is_finite(self.rate) or self.rate <= 0 then return nil, "env: rate must be a positive number" end
  self.min, self.max = spec.min or 0, spec.max or 1
  if not is_finite(self.min) or not is_finite(self.max) then return nil, "env: min and max must be numbers" end
  if spec.action ~= nil and type(spec.action) ~= "function" then return nil, "env: action must be a function" end
  if spec.done ~= nil and type(spec.done) ~= "function" then return nil, "env: done must be a function" end
  self.action, self.done = spec.action, spec.done
  self.retrigger = spec.retrigger or "continue"
  if self.retrigger ~= "continue" and self.retrigger ~= "reset" then
    return nil, "env: retrigger must be 'continue' or 'reset', got " .. tostring(self.retrigger)
  end
  self.targets = {}
  if spec.targets ~= nil then
    if type(spec.targets) ~= "table" then return nil, "env: targets must be a list of {f, min, max}" end
    for i, t in ipairs(spec.targets) do
      local target, err = build_target(t, i)
      if not target then return nil, "env: " .. err end
      self.targets[i] = target
    end
  end
  self.level = self.levels[1]
  self._running = false
  return self
end

--- env.new{levels=, times=, curves=, release_node=, loop_node=, loop=, sync=, rate=, min=, max=,
-- action=, targets=, done=, retrigger=} -> an envelope (not yet triggered).
function M.new(spec)
  local e, err = build(spec)
  if not e then error(err, 2) end
  return e
end

-- Level along segments first..last, segment `first` starting at time `base` from level a0.
-- Returns the level and the end time of the current segment (nil once past `last`).
function Env:_walk(t, first, last, base, a0)
  local L, cum = self.levels, self.cum
  for i = first, last do
    local e = base + (cum[i + 1] - cum[first])
    if t < e then
      local s = base + (cum[i] - cum[first])
      local pos = (t - s) / self.times[i]
      if pos < 0 then pos = 0 end
      return interpolate(i == first and a0 or L[i], L[i + 1], pos, self.curves[i]), e
    end
  end
  if last < first then return a0, nil end
  return L[last + 1], nil
end

-- The cycle of period P (starting at origin) that contains t, robust to rounding.
function Env:_cycle(t, origin, P, first, last, a_first, a_next)
  local k = math.floor((t - origin) / P)
  local base = origin + k * P
  if t < base then k, base = k - 1, base - P end
  local level, e = self:_walk(t, first, last, base, k == 0 and a_first or a_next)
  if e == nil then level, e = self:_walk(t, first, last, base + P, a_next) end
  return level, e
end

-- While gated: level, finished, next breakpoint time (nil while sustaining or finished).
function Env:_gated(t, from)
  local L, cum, n = self.levels, self.cum, #self.levels
  local r, l = self.release_node, self.loop_node
  if r then
    local pre = cum[r]
    if t < pre then
      local level, e = self:_walk(t, 1, r - 1, 0, from)
      return level, false, e
    end
    if l then
      local level, e = self:_cycle(t, pre, pre - cum[l], l, r - 1, L[r], L[r])
      return level, false, e
    end
    return r == 1 and from or L[r], false, nil
  end
  if self.loop then
    local level, e = self:_cycle(t, 0, cum[n], 1, n - 1, from, L[1])
    return level, false, e
  end
  if t >= cum[n] then return L[n], true, nil end
  local level, e = self:_walk(t, 1, n - 1, 0, from)
  return level, false, e
end

-- Level, finished, next breakpoint: the whole envelope as a function of time since trigger.
function Env:_eval(t, rt, from)
  if rt == nil or t < rt then return self:_gated(t, from) end
  local L, cum, n = self.levels, self.cum, #self.levels
  local r = self.release_node
  if r then
    local held = self:_gated(rt, from)
    local stop_at = rt + (cum[n] - cum[r])
    if t >= stop_at then return r == n and held or L[n], true, nil end
    local level, e = self:_walk(t, r, n - 1, rt, held)
    return level, false, e
  end
  if self.loop then
    -- a released loop finishes the cycle it is in
    local P = cum[n]
    local stop_at = math.floor(rt / P) * P + P
    if t >= stop_at then return L[n], true, nil end
    local level, _, e = self:_gated(t, from)
    return level, false, e
  end
  return self:_gated(t, from) -- a plain one-shot ignores the gate, as EnvGen does
end

--- Pure: the level at time t (seconds, or beats when sync) after the trigger, given the gate-off
-- time release_time (nil: still gated) and the level the trigger started from (default
-- levels[1]; a retrigger starts from the current level). Returns level, finished.
function Env:value_at(t, release_time, from)
  local level, finished = self:_eval(t, release_time, from or self.levels[1])
  return level, finished
end

--- Total time of one pass through all segments (seconds, or beats when sync).
function Env:duration()
  return self.cum[#self.cum]
end

local function has_clock() return type(clock) == "table" end
local NO_CLOCK = "() needs wyrd's clock (not available in plain Lua; use e:value_at to compute levels)"

-- Logical now in the envelope's unit: beats when sync, seconds otherwise.
function Env:_now()
  if self.sync then return clock.get_beats() end
  return now_seconds()
end

local function call(self, f, ...)
  local ok, err = xpcall(f, debug.traceback, ...)
  if not ok then
    self._running, self._token = false, nil
    error("env callback failed: " .. tostring(err), 0)
  end
end

function Env:_emit(level)
  self.level = level
  if self.action then
    local min, max = self.min, self.max
    call(self, self.action, level == 1 and max or min + level * (max - min), level)
  end
  for _, t in ipairs(self.targets) do
    call(self, t.f, interpolate(t.min, t.max, level, t.curve), level)
  end
end

-- One runner per (re)trigger or release: computes the level from logical time, sends it, sleeps
-- until the next tick or breakpoint, whichever is first. `token` is the runner's identity: a
-- runner whose token is no longer the envelope's stops at its next step.
local function drive(self, token)
  local c = clock
  local target -- the breakpoint the last sleep aimed at
  while true do
    local t = self:_now() - self._t0
    if target and math.abs(t - target) <= SNAP then t = target end
    local level, finished, nxt = self:_eval(t, self._rt, self._from)
    if nxt and nxt - t <= SNAP then
      -- a hair before a breakpoint: send the breakpoint rather than sleep a sliver of a sample
      t = nxt
      level, finished, nxt = self:_eval(t, self._rt, self._from)
    end
    self:_emit(level)
    if self._token ~= token then return end -- an action retriggered, released or stopped us
    if finished then
      self._running, self._token = false, nil
      if self.done then call(self, self.done) end
      return
    end
    if nxt == nil then return end -- sustaining: release() starts a new runner
    local step = 1 / self.rate
    local wait = step
    target = nil
    if nxt - t <= step then wait, target = nxt - t, nxt end
    if wait <= 0 then wait, target = step, nil end
    c.sleep(self.sync and wait * c.get_beat_sec() or wait)
    if self._token ~= token then return end
  end
end

local function run(self, token)
  token.co = coroutine.running()
  drive(self, token)
  token.ended = true
end

function Env:_spawn()
  local token = {}
  self._token = token
  self:_cancel_runner()
  local id = clock.run(run, self, token)
  if not token.ended then token.id, self._runner = id, token end
end

-- Cancels the current runner, unless it has ended or we are inside it (an action calling
-- trigger/release/stop): then the changed token ends it as soon as the action returns.
function Env:_cancel_runner()
  local runner = self._runner
  self._runner = nil
  if runner and runner.id and not runner.ended and runner.co ~= coroutine.running() then
    clock.cancel(runner.id)
  end
end

--- trigger(): gate on, (re)start from the first segment. A running envelope restarts from its
-- current level (no click) unless retrigger='reset', which jumps to levels[1].
function Env:trigger()
  if not has_clock() then error("env:trigger" .. NO_CLOCK, 2) end
  local from = self.levels[1]
  local now = self:_now()
  if self._running and self.retrigger ~= "reset" then
    from = self:_eval(now - self._t0, self._rt, self._from)
  end
  self._t0, self._rt, self._from, self._running = now, nil, from, true
  self:_spawn()
  return self
end

--- release(): gate off. Moves on from release_node (from wherever the envelope is, as SC); a
-- loop=true envelope finishes its current cycle; a plain one-shot ignores it.
function Env:release()
  if not has_clock() then error("env:release" .. NO_CLOCK, 2) end
  if not self._running or self._rt ~= nil then return self end
  if self.release_node == nil and not self.loop then return self end
  self._rt = self:_now() - self._t0
  self:_spawn()
  return self
end

--- gate(on): trigger() when on is true (or nonzero), release() otherwise: key(n, z) friendly.
function Env:gate(on)
  if on and on ~= 0 then return self:trigger() end
  return self:release()
end

--- stop(): cancel without finishing (no final value, no done).
function Env:stop()
  self._running = false
  self._token = nil
  self:_cancel_runner()
  return self
end

function Env:is_running()
  return self._running
end

-- Copies spec without the keys a constructor fills in itself; errors on a clash.
local function rest_of(spec, own, sets)
  local out = {}
  for k, v in pairs(spec) do
    if not own[k] then
      if sets[k] then return nil, "sets " .. k .. " itself" end
      out[k] = v
    end
  end
  return out
end

local function need_number(v, name, default)
  if v == nil then return default end
  if not is_finite(v) then error("env: " .. name .. " must be a number, got " .. tostring(v), 3) end
  return v
end

local SHAPE_SETS = { levels = true, times = true, curves = true, release_node = true, loop_node = true }

local function derived(kind, spec, own, levels, times, curve, release_node)
  local opts, err = rest_of(spec, own, SHAPE_SETS)
  if not opts then error("env." .. kind .. " " .. err, 3) end
  opts.levels, opts.times, opts.curves, opts.release_node = levels, times, curve, release_node
  opts.curve = nil
  local e, msg = build(opts)
  if not e then error(msg, 3) end
  return e
end

--- env.adsr{a=0.01, d=0.1, s=0.7, r=0.5, peak=1, curve=-4, ...}: SC's Env.adsr (sustain is a
-- fraction of peak; held at node 3 while gated). Long names attack/decay/sustain/release work too.
function M.adsr(spec)
  spec = spec or {}
  local own = { a = 1, d = 1, s = 1, r = 1, attack = 1, decay = 1, sustain = 1, release = 1, peak = 1, curve = 1 }
  local a = need_number(spec.a or spec.attack, "a", 0.01)
  local d = need_number(spec.d or spec.decay, "d", 0.1)
  local s = need_number(spec.s or spec.sustain, "s", 0.7)
  local r = need_number(spec.r or spec.release, "r", 0.5)
  local peak = need_number(spec.peak, "peak", 1)
  local curve = spec.curve == nil and -4 or spec.curve
  local e = derived("adsr", spec, own, { 0, peak, peak * s, 0 }, { a, d, r }, curve, 3)
  return e
end

--- env.asr{a=0.01, s=1, r=1, curve=-4, ...} (alias env.ar; `level` names s too): SC's Env.asr,
-- attack to s, hold while gated, release to 0.
function M.asr(spec)
  spec = spec or {}
  local own = { a = 1, r = 1, s = 1, level = 1, attack = 1, release = 1, sustain = 1, curve = 1 }
  local a = need_number(spec.a or spec.attack, "a", 0.01)
  local r = need_number(spec.r or spec.release, "r", 1)
  local s = need_number(spec.s or spec.sustain or spec.level, "s", 1)
  local curve = spec.curve == nil and -4 or spec.curve
  local e = derived("asr", spec, own, { 0, s, 0 }, { a, r }, curve, 2)
  return e
end
M.ar = M.asr

--- env.perc{a=0.01, r=1, level=1, curve=-4, ...}: SC's Env.perc, a one-shot that ignores the gate.
function M.perc(spec)
  spec = spec or {}
  local own = { a = 1, r = 1, level = 1, attack = 1, release = 1, curve = 1 }
  local a = need_number(spec.a or spec.attack, "a", 0.01)
  local r = need_number(spec.r or spec.release, "r", 1)
  local level = need_number(spec.level, "level", 1)
  local curve = spec.curve == nil and -4 or spec.curve
  local e = derived("perc", spec, own, { 0, level, 0 }, { a, r }, curve, nil)
  return e
end

--- env.breakpoints{{t1, l1}, {t2, l2}, ..., curve=, release_node=, ...}: absolute (time, level)
-- points, times not decreasing. Before a first time above 0 the first level is held; node numbers
-- (release_node, loop_node) and per-segment curves refer to your points.
function M.breakpoints(spec)
  if type(spec) ~= "table" or #spec < 2 then error("env.breakpoints needs at least 2 {time, level} points", 2) end
  local levels, times = {}, {}
  local prev
  for i, p in ipairs(spec) do
    if type(p) ~= "table" or not is_finite(p[1]) or not is_finite(p[2]) then
      error("env.breakpoints: point " .. i .. " must be {time, level} numbers", 2)
    end
    if prev == nil then
      if p[1] < 0 then error("env.breakpoints: point 1 has a negative time (" .. p[1] .. ")", 2) end
    elseif p[1] < prev then
      error("env.breakpoints: point " .. i .. " comes before point " .. (i - 1) .. " (times must not decrease)", 2)
    end
    levels[i] = p[2]
    if prev then times[i - 1] = p[1] - prev end
    prev = p[1]
  end
  local opts = {}
  for k, v in pairs(spec) do
    if math.type(k) ~= "integer" then opts[k] = v end
  end
  if spec[1][1] > 0 then
    -- hold the first level until the first point; shift what refers to points by one
    table.insert(levels, 1, levels[1])
    table.insert(times, 1, spec[1][1])
    local curves = opts.curves or opts.curve
    if type(curves) == "table" then
      local shifted = { "lin" }
      for i, c in ipairs(curves) do shifted[i + 1] = c end
      opts.curves, opts.curve = shifted, nil
    end
    if math.type(opts.release_node) == "integer" then opts.release_node = opts.release_node + 1 end
    if math.type(opts.loop_node) == "integer" then opts.loop_node = opts.loop_node + 1 end
  end
  if opts.levels ~= nil or opts.times ~= nil then error("env.breakpoints sets levels and times itself", 2) end
  opts.levels, opts.times = levels, times
  local e, err = build(opts)
  if not e then error(err, 2) end
  return e
end

--- env.gesture{duration=8, sync=false, curve='lin', targets={{f, from, to, curve}, ...}, ...}:
-- sweeps every target from its `from` to its `to` over one duration, each along its own curve.
-- The level passed on is the progress 0..1 (shaped by the optional overall curve).
function M.gesture(spec)
  if type(spec) ~= "table" then error("env.gesture expects a table of options", 2) end
  local duration = spec.duration
  if not is_finite(duration) or duration < 0 then
    error("env.gesture: duration must be a number >= 0, got " .. tostring(duration), 2)
  end
  local opts = {}
  for k, v in pairs(spec) do
    if k ~= "duration" then opts[k] = v end
  end
  if opts.levels ~= nil or opts.times ~= nil then error("env.gesture sets levels and times itself", 2) end
  opts.levels, opts.times = { 0, 1 }, { duration }
  local e, err = build(opts)
  if not e then error(err, 2) end
  return e
end

return M
