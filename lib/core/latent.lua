-- latent: a preset VAE's latent space as an instrument (wyrd's own; norns has none).
--
--   local m = latent.new{model = model.load("preset_vae8"), rate = 200}
--   m:set(i, v)        -- dimension i (from 1) to v, in raw latent units
--   m:get(i)           -- the value of dimension i
--   m:set_all{...}     -- the first #t dimensions at once
--   m:values()         -- every dimension, as a table
--   m:dim()            -- how many dimensions (8 for preset_vae8)
--   m:from_preset(bank, n)  -- move to where preset n (from 0) of a bank encodes (a name in the
--                           -- banks folder like "amsynth_factory.bank", or a path); returns its name
--   m:to_preset(path [, name])  -- write the current patch as an amSynth preset file
--   m:activate()       -- make it the mapper OSC /latent reaches (the newest is, by default)
--   m:patch()          -- the patch last decoded (a table in schema order), or nil
--   m:driver(i)        -- a function(v) setting dimension i: an lfo's or env's action
--   latent.active()    -- the mapper OSC /latent reaches, or nil
--
-- `model` may also be a name ("preset_vae8", "vae4", a path). Values are raw latent units: the
-- prior is N(0, 1), so -3..3 covers nearly every preset; faders typically send -3..3.
--
-- Setting a dimension costs nothing: the mapper decodes its point into a patch at most `rate`
-- times a second (default 200), on the exact frame of the logical time it was set at (like a
-- clock), and sends it to the synth, which ramps to it. Many sets between two decodes cost one
-- decode, so an lfo or env may drive any dimension on every tick:
--
--   local wob = lfo:add{min = -2, max = 2, period = 4, action = function(v) m:set(1, v) end}
--   local swell = env.new{levels = {0, 2.5, 0}, times = {0.2, 1.5}, action = m:driver(2)}
--
-- Continuous parameters follow the point smoothly; categorical ones (waveforms, filter type)
-- switch with hysteresis: an option changes only when another is clearly more probable, so a
-- slow sweep across a boundary switches once, and a drone's timbre keeps moving.
-- OSC: /latent/<i> v sets dimension i of the active mapper, /latent v1 ... vn the first n,
-- /latent/<i>/get answers /latent/<i> v to the sender.
local latent = {}

local Mapper = {}
Mapper.__index = Mapper

local mappers = {} -- id -> mapper (for latent.active); they live as long as the script

-- The primitives answer true, results... or false, why: raised here at the caller's line
-- (methods return `(call(...))`, not a tail call, so that line is still on the stack).
local function call(f, ...)
  local r = table.pack(f(...))
  if not r[1] then error(r[2], 3) end
  return table.unpack(r, 2, r.n)
end

local function check_self(self, what)
  if getmetatable(self) ~= Mapper then
    error("latent:" .. what .. ": call it with a colon (m:" .. what .. "(...))", 3)
  end
end

local function check_number(what, name, v)
  if type(v) ~= "number" then
    error("latent:" .. what .. ": " .. name .. " must be a number, got " .. type(v), 3)
  end
end

--- latent.new{model = m, rate = 200} -> a mapper at the origin (every dimension 0).
function latent.new(opts)
  if type(opts) ~= "table" then
    error("latent.new: expects a table, as in latent.new{model = model.load('preset_vae8')}", 2)
  end
  for k in pairs(opts) do
    if k ~= "model" and k ~= "rate" then
      error("latent.new: unknown option '" .. tostring(k) .. "' (model, rate)", 2)
    end
  end
  local m = opts.model
  local source
  if type(m) == "string" then
    source = m
  elseif type(m) == "table" and type(m.path) == "string" then
    source = m.path
  else
    error("latent.new: model must be a model (model.load) or a model name, got " .. type(m), 2)
  end
  if opts.rate ~= nil and type(opts.rate) ~= "number" then
    error("latent.new: rate must be a number (decodes per second), got " .. type(opts.rate), 2)
  end
  local id, dim, name = call(_wyrd.latent_new, source, opts.rate)
  local self = setmetatable({ id = id, name = name, rate = opts.rate or 200,
    model = type(m) == "table" and m or nil, _dim = dim }, Mapper)
  mappers[id] = self
  return self
end

--- latent.active() -> the mapper OSC /latent reaches, or nil.
function latent.active()
  local id = _wyrd.latent_active()
  return id and mappers[id] or nil
end

function Mapper:__tostring()
  return string.format("latent mapper %d (%s, %d dimensions)", self.id, self.name, self._dim)
end

function Mapper:dim()
  check_self(self, "dim")
  return self._dim
end

function Mapper:set(i, v)
  check_self(self, "set")
  check_number("set", "index", i)
  check_number("set", "value", v)
  call(_wyrd.latent_set, self.id, math.floor(i), v)
end

function Mapper:get(i)
  check_self(self, "get")
  check_number("get", "index", i)
  return (call(_wyrd.latent_get, self.id, math.floor(i)))
end

function Mapper:set_all(values)
  check_self(self, "set_all")
  if type(values) ~= "table" then
    error("latent:set_all: expects a table of numbers, got " .. type(values), 2)
  end
  call(_wyrd.latent_set_all, self.id, values)
end

function Mapper:values()
  check_self(self, "values")
  return (call(_wyrd.latent_values, self.id))
end

function Mapper:from_preset(bank, n)
  check_self(self, "from_preset")
  if type(bank) ~= "string" then
    error("latent:from_preset: bank must be a name or path, got " .. type(bank), 2)
  end
  check_number("from_preset", "preset number", n)
  return (call(_wyrd.latent_from_preset, self.id, bank, math.floor(n)))
end

function Mapper:to_preset(path, name)
  check_self(self, "to_preset")
  if type(path) ~= "string" then
    error("latent:to_preset: path must be a string, got " .. type(path), 2)
  end
  if name ~= nil and type(name) ~= "string" then
    error("latent:to_preset: name must be a string, got " .. type(name), 2)
  end
  return (call(_wyrd.latent_to_preset, self.id, path, name))
end

function Mapper:activate()
  check_self(self, "activate")
  call(_wyrd.latent_activate, self.id)
  return self
end

function Mapper:patch()
  check_self(self, "patch")
  return (call(_wyrd.latent_patch, self.id))
end

--- m:driver(i) -> function(v) m:set(i, v) end, for an lfo's or env's action.
function Mapper:driver(i)
  check_self(self, "driver")
  check_number("driver", "index", i)
  if i < 1 or i > self._dim then
    error(string.format("latent:driver: index %s is outside 1..%d", tostring(i), self._dim), 2)
  end
  return function(v) self:set(i, v) end
end

return latent
