-- engine: the synth's commands (norns: the engine's commands as Lua functions).
--
-- wyrd has two engines. The amSynth-compatible voice (engine.name nil or 'amsynth'): commands
-- note_on(note, vel), note_off(note), all_off(), load_preset(bank, n), list_commands(), and
-- one function per synth parameter in its own units (engine.filter_cutoff(0.7)). Every
-- parameter is also a param (params:set('filter_cutoff', 0.7)), and the two stay in step: a
-- command updates the param's value silently, a param's action sends the command.
--
-- norns' PolyPerc (engine.name = 'PolyPerc', at the top of the script as on norns): hz(f)
-- starts a note, and amp, pw, release, cutoff (Hz), gain, pan set the values the notes after
-- them take. The amSynth voice keeps playing beside it (MIDI, OSC, its params, and its
-- commands, which stay reachable under their own names). An engine wyrd does not have fails
-- the script's load, naming the engines it has.
--
-- Inside a clock or metro, a command lands on the exact frame of the clock's logical time.
local engine = {}

local amsynth = { commands = {}, order = {} } -- name -> { fn, args (for list_commands), doc }
local polyperc = { commands = {}, order = {} }
local current, current_name = amsynth, nil
local schema = _wyrd.schema()
local engine_names = _wyrd.engines()

local function command_of(e, name, args, doc, fn)
  e.commands[name] = { fn = fn, args = args, doc = doc }
  e.order[#e.order + 1] = name
end

local function command(name, args, doc, fn) command_of(amsynth, name, args, doc, fn) end

local function number_arg(cmd, i, v)
  if type(v) ~= "number" then
    error("engine." .. cmd .. ": argument " .. i .. " must be a number, got " .. type(v), 3)
  end
  return v
end

-- Keeps the param (if registered) showing what the engine now plays.
local function reflect(p, value)
  if params and params.lookup and params.lookup[p.id] then
    params:set(p.id, p.kind.options and (value + 1) or value, true)
  end
end

command("note_on", "note, vel", "note 0..127, velocity 1..127 (default 100; 0 is note off)",
  function(note, vel)
    number_arg("note_on", 1, note)
    if vel ~= nil then number_arg("note_on", 2, vel) end
    return _wyrd.note_on(note, vel)
  end)
command("note_off", "note", "note 0..127", function(note)
  return _wyrd.note_off(number_arg("note_off", 1, note))
end)
command("all_off", "", "release every note", function() return _wyrd.all_off() end)
command("load_preset", "bank, n", "bank name or path, preset number from 0", function(bank, n)
  if type(bank) ~= "string" then error("engine.load_preset: bank must be a name or path", 2) end
  number_arg("load_preset", 2, n)
  local values, name = _wyrd.load_preset(bank, math.floor(n))
  for i, p in ipairs(schema) do reflect(p, values[i]) end
  return name
end)

for _, p in ipairs(schema) do
  local range = p.kind.options and table.concat(p.kind.options, "|") or (p.min .. ".." .. p.max)
  command(p.id, "v", p.label .. " " .. range .. (p.unit ~= "" and (" (" .. p.unit .. ")") or ""),
    function(v)
      number_arg(p.id, 1, v)
      local stored = _wyrd.set_param(p.index, v)
      reflect(p, stored)
      return stored
    end)
end

-- PolyPerc's commands, in norns' order: hz, then its parameters.
command_of(polyperc, "hz", "f", "start a note at f Hz", function(f)
  return _wyrd.perc_hz(number_arg("hz", 1, f))
end)
for _, p in ipairs(_wyrd.perc_schema()) do
  local index = p.index
  command_of(polyperc, p.id, "f", p.label .. " " .. p.min .. ".." .. p.max ..
    (p.unit ~= "" and (" (" .. p.unit .. ")") or "") .. ", for the next notes",
    function(v) return _wyrd.perc_set(index, number_arg(p.id, 1, v)) end)
end

--- Prints the current engine's commands with their arguments, as norns does; returns their
--- names.
function engine.list_commands()
  print("___ engine commands ___")
  for _, name in ipairs(current.order) do
    local c = current.commands[name]
    print(string.format("%-22s (%s)  %s", name, c.args, c.doc))
  end
  return current.order
end

-- Registers every synth parameter as a param, starting from the patch now playing.
function engine._add_params(ps)
  local controlspec = require "controlspec"
  local patch = _wyrd.patch()
  ps:add_group("synth", "synth", #schema)
  for i, p in ipairs(schema) do
    local index = p.index
    if p.kind.options then
      ps:add{ type = "option", id = p.id, name = p.label, options = p.kind.options,
        default = math.floor(p.default) + 1,
        action = function(v) _wyrd.set_param(index, v - 1) end }
      ps:set(p.id, math.floor(patch[i] + 0.5) + 1, true)
    else
      ps:add{ type = "control", id = p.id, name = p.label,
        controlspec = controlspec.new(p.min, p.max, "lin", p.step, p.default, p.unit),
        action = function(v) _wyrd.set_param(index, v) end }
      ps:set(p.id, patch[i], true)
    end
  end
end

local amsynth_names = { wyrd = true, amsynth = true, amSynth = true, Amsynth = true }

--- The engines wyrd has (norns: engine.names).
engine.names = engine_names

return setmetatable(engine, {
  __index = function(_, k)
    local c = current.commands[k] or amsynth.commands[k]
    if c then return c.fn end
    if k == "name" then return current_name end
    error("engine: no command '" .. tostring(k) .. "' (engine.list_commands() lists them)", 2)
  end,
  __newindex = function(_, k, v)
    if k == "name" then
      if v == nil or amsynth_names[v] then
        current = amsynth
      elseif v == "PolyPerc" then
        current = polyperc
      else
        error("missing engine: wyrd has no engine '" .. tostring(v) .. "' (it has " ..
          table.concat(engine_names, ", ") .. ")", 2)
      end
      current_name = v
    else
      error("engine: cannot set '" .. tostring(k) .. "'", 2)
    end
  end,
})
