-- softcut: norns' six-voice sample looper (norns lua/core/softcut.lua). Not in wyrd yet: every
-- function exists and does nothing, so a script that records or loops still loads and plays
-- its other parts, and the first call prints one warning per script load. softcut.defaults()
-- and softcut.params() give norns' tables, for scripts that build params from them.
local controlspec = require "controlspec"

local SC = { VOICE_COUNT = 6, BUFFER_SIZE = 16777216 / 48000 }

local warned = false
local function unavailable()
  if not warned then
    warned = true
    print("softcut is not in wyrd yet; its calls do nothing")
  end
end

-- The voice setters (softcut.rate(voice, r) ...) and the buffer and poll functions.
for _, name in ipairs {
  "level", "pan", "level_input_cut", "level_cut_cut", "play", "rate", "loop_start", "loop_end",
  "loop", "fade_time", "rec_level", "pre_level", "rec", "rec_offset", "position", "buffer",
  "voice_sync", "pre_filter_fc", "pre_filter_fc_mod", "pre_filter_rq", "pre_filter_lp",
  "pre_filter_hp", "pre_filter_bp", "pre_filter_br", "pre_filter_dry", "filter_fc",
  "filter_fc_mod", "filter_rq", "filter_lp", "filter_hp", "filter_bp", "filter_br",
  "filter_dry", "post_filter_fc", "post_filter_rq", "post_filter_lp", "post_filter_hp",
  "post_filter_bp", "post_filter_br", "post_filter_dry", "level_slew_time", "pan_slew_time",
  "recpre_slew_time", "rate_slew_time", "phase_quant", "phase_offset", "poll_start_phase",
  "poll_stop_phase", "enable", "buffer_clear", "buffer_clear_channel", "buffer_clear_region",
  "buffer_clear_region_channel", "buffer_copy_mono", "buffer_copy_stereo", "buffer_read_mono",
  "buffer_read_stereo", "buffer_write_mono", "buffer_write_stereo", "render_buffer",
  "query_position", "event_phase", "event_render", "event_position",
} do
  SC[name] = unavailable
end

-- Called by norns between scripts; nothing to reset, and no warning for a script that never
-- touched softcut.
function SC.reset() end

-- norns' initial state of each voice, keyed by setter name.
function SC.defaults()
  local state = {}
  for i = 1, SC.VOICE_COUNT do
    local zeros = {}
    for j = 1, SC.VOICE_COUNT do zeros[j] = 0 end
    state[i] = {
      enable = 0, play = 0, record = 0, buffer = i % 2 + 1, level = 0, pan = 0,
      level_input_cut = { 0, 0 }, level_cut_cut = zeros, rate = 1,
      loop_start = (i - 1) * 2, loop_end = (i - 1) * 2 + 1, loop = 1, fade_time = 0.0005,
      rec_level = 0, pre_level = 0, rec = 0, rec_offset = -0.00015, position = 0,
      pre_filter_fc = 16000, pre_filter_dry = 0, pre_filter_lp = 1, pre_filter_hp = 0,
      pre_filter_bp = 0, pre_filter_br = 0, pre_filter_fc_mod = 1, post_filter_fc = 12000,
      post_filter_dry = 0, post_filter_lp = 0, post_filter_hp = 0, post_filter_bp = 0,
      post_filter_br = 0, level_slew_time = 0.001, rate_slew_time = 0.001, phase_quant = 1,
      phase_offset = 0,
    }
  end
  return state
end

-- Param definitions per voice ({ type, controlspec or min/max/default, id, name, action }),
-- as norns gives them for params:add; their actions call the (inert) setters.
function SC.params()
  local function ctl(min, max, warp, step, default, units)
    return { type = "control", controlspec = controlspec.new(min, max, warp, step, default, units) }
  end
  local function num(min, max, default) return { type = "number", min = min, max = max, default = default } end
  local specs = {}
  for v = 1, SC.VOICE_COUNT do
    local s = {
      enable = num(0, 1, 0), level = ctl(0, 0, "lin", 0, 0.25, ""), pan = ctl(-1, 1, "lin", 0, 0, ""),
      level_input_cut = ctl(0, 1, "lin", 0, 0.5, ""), level_cut_cut = ctl(0, 1, "lin", 0, 0, ""),
      rate = ctl(-8, 8, "lin", 0, 0, ""),
      loop_start = ctl(0, SC.BUFFER_SIZE, "lin", 0, v * 2.5, "sec"),
      loop_end = ctl(0, SC.BUFFER_SIZE, "lin", 0, v * 2.5 + 2, "sec"), loop = num(0, 1, 1),
      fade_time = ctl(0, 1, "lin", 0, 0, ""), rec_level = ctl(0, 1, "lin", 0, 0, ""),
      pre_level = ctl(0, 1, "lin", 0, 0, ""), play = num(0, 1, 1), rec = num(0, 1, 1),
      rec_offset = num(-100, 100, -8), position = ctl(0, SC.BUFFER_SIZE, "lin", 0, v * 2.5, "sec"),
      pre_filter_fc = ctl(10, 12000, "exp", 1, 12000, "Hz"), pre_filter_fc_mod = ctl(0, 1, "lin", 0, 1, ""),
      pre_filter_rq = ctl(0.0005, 8, "exp", 0, 2, ""), pre_filter_lp = ctl(0, 1, "lin", 0, 1, ""),
      pre_filter_hp = ctl(0, 1, "lin", 0, 0, ""), pre_filter_bp = ctl(0, 1, "lin", 0, 0, ""),
      pre_filter_br = ctl(0, 1, "lin", 0, 0, ""), pre_filter_dry = ctl(0, 1, "lin", 0, 0, ""),
      post_filter_fc = ctl(10, 12000, "exp", 1, 12000, "Hz"), post_filter_rq = ctl(0.0005, 8, "exp", 0, 2, ""),
      post_filter_lp = ctl(0, 1, "lin", 0, 1, ""), post_filter_hp = ctl(0, 1, "lin", 0, 0, ""),
      post_filter_bp = ctl(0, 1, "lin", 0, 0, ""), post_filter_br = ctl(0, 1, "lin", 0, 0, ""),
      post_filter_dry = ctl(0, 1, "lin", 0, 0, ""), level_slew_time = ctl(0, 8, "lin", 0, 0, ""),
      rate_slew_time = ctl(0, 8, "lin", 0, 0, ""), phase_quant = ctl(0, 8, "lin", 0, 0.125, ""),
    }
    for k, spec in pairs(s) do
      spec.id, spec.name = k, "cut" .. v .. k
      local set = SC[k]
      spec.action = function(x) set(v, x) end
    end
    specs[v] = s
  end
  return specs
end

return SC
