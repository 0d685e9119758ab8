-- Builds a script's world, fresh for every load (norns lua/core/startup.lua and script.lua):
-- the globals a norns script expects, the synth's params, and the functions the host calls.
-- Returns a function(data_dir, script_name) -> dispatch table.
-- wyrd's built-in OSC paths, run by the host after the script's osc.event (norns order). The
-- host has already checked their arguments; what only Lua knows (the script's own param ids,
-- what a value means to a param) is checked here. Each returns true[, value], or false and why
-- (bad input: counted and logged by the host); a script's failing param action is an error.
-- params and engine are captured here so a script that reuses those names cannot break them.
local function osc_builtin(ps, eng)
  local synth = {}
  for _, p in ipairs(_wyrd.schema()) do synth[p.id] = p end
  local builtin = {}

  -- true and the script's param (nil for a synth param), or false and why.
  local function check_param(id, v, norm)
    if synth[id] then
      if type(v) ~= "number" then return false, "'" .. id .. "' takes a number" end
      return true
    end
    local sp = ps.lookup[id] and ps:lookup_param(id)
    if not sp then return false, "no param '" .. id .. "'" end
    if not norm then
      local why = sp:check(v)
      if why then return false, why end
    end
    return true, sp
  end

  -- What builtin.param would refuse, without setting anything: the host sheds changes while
  -- the engine is congested, and a bad one among them is still bad input.
  function builtin.param_check(id, v, norm)
    local ok, why = check_param(id, v, norm)
    if ok then return true end
    return false, why
  end

  function builtin.param(id, v, norm)
    local ok, sp = check_param(id, v, norm)
    if not ok then return false, sp end
    if not sp then
      if norm then v = _wyrd.denormalize(synth[id].index, v) end
      eng[id](v)
    elseif norm then
      sp:set_raw(v)
    else
      sp:set(v)
    end
    return true
  end

  function builtin.param_get(id)
    local p = synth[id]
    if p then return true, _wyrd.patch()[p.index + 1] end
    local sp = ps.lookup[id] and ps:lookup_param(id)
    if not sp then return false, "no param '" .. id .. "'" end
    local v = sp:get()
    if v == nil then return false, "param '" .. id .. "' has no value" end
    return true, v
  end

  function builtin.note_on(note, vel) eng.note_on(note, vel) return true end
  function builtin.note_off(note) eng.note_off(note) return true end
  function builtin.all_off() eng.all_off() return true end

  function builtin.preset(bank, n)
    local ok, why = pcall(eng.load_preset, bank, n)
    if ok then return true end
    return false, (tostring(why):gsub("^[^:]*:%d+: ", ""))
  end

  return function(name, ...) return builtin[name](...) end
end

return function(data_dir, script_name)
  -- The core modules come from wyrd's library even when the script's folder has a file of the
  -- same name (scripts/resynth/resynth.lua must not become `require "resynth"`); the libraries
  -- (util, musicutil, lfo, env) may be the script's own, as on norns.
  local script_path = package.path
  local hooks = require "core/hooks"
  util = require "util"
  package.path = ""
  controlspec = require "controlspec"
  paramset = require "paramset"
  clock = require "clock"
  metro = require "metro"
  poll = require "poll"
  osc = require "osc"
  engine = require "engine"
  model = require "model"
  latent = require "latent"
  resynth = require "resynth"
  -- norns' hardware, device and system modules, each its own file in lib/core.
  tab = require "tabutil"
  norns = require "core/norns"
  norns._init(data_dir, script_name, script_path)
  _path = norns._path
  paths = norns._paths
  _menu = norns._menu
  screen = require "core/screen"
  encoders = require "core/encoders"
  require "core/keys"
  midi = require "core/midi"
  grid = require "core/grid"
  arc = require "core/arc"
  hid = require "core/hid"
  keyboard = require "core/keyboard"
  audio = require "core/audio"
  crow = require "core/crow"
  softcut = require "core/softcut"
  norns.crow = crow._system
  inf = math.huge
  package.path = script_path
  params = paramset.new("wyrd", "wyrd")
  params.data_dir = data_dir ~= "" and data_dir or nil
  params.script_name = script_name ~= "" and script_name or nil
  -- norns' system params come first in every script's params (norns script.lua: audio, then
  -- clock), ahead of the synth's and the script's own.
  audio.add_params(params)
  clock.add_params(params)
  musicutil = require "musicutil"
  lfo = require "lfo"
  env = require "env"
  engine._add_params(params)
  -- MIDI mappings saved for this script (norns' <script>.pmap).
  norns.pmap = require "core/pmap"
  if params.data_dir and params.script_name then norns.pmap.read() end

  local function cleanup()
    -- The script's own cleanup first (it may still want its clocks), then everything else.
    local ok, err = true, nil
    local user_cleanup = rawget(_G, "cleanup")
    if type(user_cleanup) == "function" then
      ok, err = xpcall(user_cleanup, debug.traceback)
    end
    clock.cleanup()
    metro.free_all()
    poll.clear_all()
    if not ok then error(err, 0) end
  end

  return {
    osc_builtin = osc_builtin(params, engine),
    clock = clock._resume,
    metro = metro._tick,
    poll = poll._report,
    osc = osc._receive,
    event = hooks.dispatch,
    cleanup = cleanup,
  }
end
