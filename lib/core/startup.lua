-- Builds a script's world, fresh for every load (norns lua/core/startup.lua and script.lua):
-- the globals a norns script expects, the synth's params, and the functions the host calls.
-- Returns a function(data_dir, script_name) -> dispatch table.
return function(data_dir, script_name)
  util = require "util"
  controlspec = require "controlspec"
  paramset = require "paramset"
  params = paramset.new("wyrd", "wyrd")
  params.data_dir = data_dir ~= "" and data_dir or nil
  params.script_name = script_name ~= "" and script_name or nil
  clock = require "clock"
  metro = require "metro"
  poll = require "poll"
  osc = require "osc"
  engine = require "engine"
  musicutil = require "musicutil"
  lfo = require "lfo"
  env = require "env"
  engine._add_params(params)

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
    clock = clock._resume,
    metro = metro._tick,
    poll = poll._report,
    osc = osc._receive,
    cleanup = cleanup,
  }
end
