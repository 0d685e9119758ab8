-- audio: norns' mixer and effects (norns lua/core/audio.lua), accepted and doing nothing.
-- wyrd's output is its synth alone: there is no input, monitor, tape, softcut bus, system
-- reverb or compressor to set, so every function exists for scripts that call them (often
-- in init) and is a no-op. The synth's own level and reverb are its params
-- (params:set('master_vol', ...), 'reverb_wet'). The LEVELS / REVERB / COMPRESSOR / SOFTCUT
-- params norns adds to every script exist too (startup.lua), for scripts that set them.
local Audio = {}

local function noop() end

for _, name in ipairs {
  "headphone_gain", "level_adc", "level_dac", "level_eng", "level_monitor", "monitor_mono",
  "monitor_stereo", "level_tape", "level_cut", "pitch_on", "pitch_off", "restart",
  "rev_on", "rev_off", "level_monitor_rev", "level_eng_rev", "level_tape_rev", "level_rev_dac",
  "rev_param", "comp_on", "comp_off", "comp_mix", "comp_param",
  "tape_play_open", "tape_play_start", "tape_play_pause", "tape_play_stop", "tape_play_loop",
  "tape_record_open", "tape_record_start", "tape_record_pause", "tape_record_stop",
  "level_adc_cut", "level_eng_cut", "level_tape_cut", "level_cut_rev",
  "output_level", "set_audio_level", "adjust_output_level",
} do
  Audio[name] = noop
end

-- Deprecated norns names some older scripts still use.
Audio.level_ext = noop
Audio.level_ext_cut = noop
Audio.level_ext_rev = noop
Audio.level_cut_master = noop

-- Scripts may assign it; norns calls it with input/output levels (0..63). Never called here.
function Audio.vu(_in1, _in2, _out1, _out2) end

function Audio.tape_is_recording() return false end
function Audio.tape_compute_diskfree() return 0 end

-- Channels, samples and sample rate of a sound file: wyrd does not read sound files, so a
-- norns script sees what norns reports for a file it cannot open.
function Audio.file_info(_path) return 0, 0, 0 end

Audio.tape = {
  constants = {
    TAPE_PLAY_STATE_EMPTY = 0, TAPE_PLAY_STATE_READY = 1, TAPE_PLAY_STATE_PLAYING = 2,
    TAPE_PLAY_STATE_PAUSED = 3, TAPE_REC_STATE_EMPTY = 0, TAPE_REC_STATE_READY = 1,
    TAPE_REC_STATE_RECORDING = 2, TAPE_REC_STATE_PAUSED = 3,
  },
}
function Audio.tape.get_state()
  return { play = { state = 0, pos = 0, len = 0, loop = true }, rec = { state = 0, pos = 0 } }
end
Audio.tape.subscribe = noop
Audio.tape.unsubscribe = noop

-- norns' LEVELS, REVERB, COMPRESSOR and SOFTCUT param groups, with norns' ids, ranges and
-- defaults, so a script's params:set('reverb', 1) or params:get('output_level') works. Their
-- actions record the value in norns.state.mix as norns does and call the (inert) functions
-- above. Hidden, since they change nothing in wyrd, and never saved in psets.
function Audio.add_params(ps)
  ps = ps or params
  local cs = require "controlspec"
  local util = require "util"
  local mix = norns.state.mix
  local function db(id, name, max, key, fn)
    ps:add_control(id, name, cs.new(-math.huge, max, "db", 0, mix[key], "dB"))
    ps:set_action(id, function(x)
      fn(util.dbamp(x))
      mix[key] = x
    end)
  end
  local function ctl(id, name, spec, key, fn)
    ps:add_control(id, name, spec)
    ps:set_action(id, function(x)
      fn(x)
      mix[key] = x
    end)
  end
  local first = ps.count + 1

  ps:add_group("LEVELS", "LEVELS", 9)
  db("output_level", "output", 6, "output", Audio.level_dac)
  db("input_level", "input", 6, "input", Audio.level_adc)
  db("monitor_level", "monitor", 6, "monitor", Audio.level_monitor)
  db("engine_level", "engine", 6, "engine", Audio.level_eng)
  db("softcut_level", "softcut", 6, "cut", Audio.level_cut)
  db("tape_level", "tape", 6, "tape", Audio.level_tape)
  ps:add_separator("monitoring_separator", "monitoring")
  ps:add_option("monitor_mode", "monitor mode", { "STEREO", "MONO" }, mix.monitor_mode)
  ps:set_action("monitor_mode", function(x) mix.monitor_mode = x end)
  ps:add_number("headphone_gain", "headphone gain", 0, 63, mix.headphone_gain)
  ps:set_action("headphone_gain", function(x) mix.headphone_gain = x end)

  ps:add_group("REVERB", "REVERB", 11)
  ps:add_option("reverb", "reverb", { "OFF", "ON" }, mix.aux)
  ps:set_action("reverb", function(x) mix.aux = x end)
  db("rev_eng_input", "input engine", 18, "rev_eng_input", Audio.level_eng_rev)
  db("rev_cut_input", "input softcut", 18, "rev_cut_input", Audio.level_cut_rev)
  db("rev_monitor_input", "input monitor", 18, "rev_monitor_input", Audio.level_monitor_rev)
  db("rev_tape_input", "input tape", 18, "rev_tape_input", Audio.level_tape_rev)
  db("rev_return_level", "return level", 18, "rev_return_level", Audio.level_rev_dac)
  local rp = Audio.rev_param
  ctl("rev_pre_delay", "pre delay", cs.new(20, 100, "lin", 0, mix.rev_pre_delay, "ms"), "rev_pre_delay", rp)
  ctl("rev_lf_fc", "lf fc", cs.new(50, 1000, "exp", 0, mix.rev_lf_fc, "hz"), "rev_lf_fc", rp)
  ctl("rev_low_time", "low time", cs.new(0.1, 16, "lin", 0, mix.rev_low_time, "s"), "rev_low_time", rp)
  ctl("rev_mid_time", "mid time", cs.new(0.1, 16, "lin", 0, mix.rev_mid_time, "s"), "rev_mid_time", rp)
  ctl("rev_hf_damping", "hf damping", cs.new(1500, 20000, "exp", 0, mix.rev_hf_damping, "hz"),
    "rev_hf_damping", rp)

  ps:add_group("COMPRESSOR", "COMPRESSOR", 8)
  ps:add_option("compressor", "compressor", { "OFF", "ON" }, mix.ins)
  ps:set_action("compressor", function(x) mix.ins = x end)
  local cp = Audio.comp_param
  ctl("comp_mix", "mix", cs.new(0, 1, "lin", 0, mix.comp_mix, ""), "comp_mix", Audio.comp_mix)
  ctl("comp_ratio", "ratio", cs.new(1, 20, "lin", 0, mix.comp_ratio, ""), "comp_ratio", cp)
  ctl("comp_threshold", "threshold", cs.new(-100, 10, "db", 0, mix.comp_threshold, "dB"), "comp_threshold", cp)
  ctl("comp_attack", "attack", cs.new(1, 1000, "exp", 0, mix.comp_attack, "ms"), "comp_attack", cp)
  ctl("comp_release", "release", cs.new(1, 1000, "exp", 0, mix.comp_release, "ms"), "comp_release", cp)
  ctl("comp_pre_gain", "pre gain", cs.new(-20, 60, "db", 0, mix.comp_pre_gain, "dB"), "comp_pre_gain", cp)
  ctl("comp_post_gain", "post gain", cs.new(-20, 60, "db", 0, mix.comp_post_gain, "dB"), "comp_post_gain", cp)

  ps:add_group("SOFTCUT", "SOFTCUT", 3)
  db("cut_input_adc", "input adc", 18, "cut_input_adc", Audio.level_adc_cut)
  db("cut_input_eng", "input engine", 18, "cut_input_eng", Audio.level_eng_cut)
  db("cut_input_tape", "input tape", 18, "cut_input_tape", Audio.level_tape_cut)

  for i = first, ps.count do
    local p = ps.params[i]
    p.save = false
    p.hidden = true
  end
end

return Audio
