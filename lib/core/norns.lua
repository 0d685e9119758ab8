-- norns: the system table scripts read (norns lua/core/norns.lua, state.lua, script.lua),
-- plus `_path` (config.lua) and `_menu`, mapped onto wyrd's folders. startup.lua calls
-- norns._init with the script's data folder, name and package.path, then sets the globals.
--
-- Folders: a script lives at <scripts root>/<name>/<name>.lua, so
--   _path.code           <scripts root>/          (norns: ~/dust/code/)
--   _path.dust           the scripts root's parent (norns: ~/dust/)
--   _path.audio, .tape   <dust>/audio/, <dust>/audio/tape/ (wyrd plays no sound files yet)
--   _path.data           the folder holding the script's data folder (norns: ~/dust/data/)
--   norns.state.path     the script's folder, norns.state.lib its lib/, norns.state.data its
--                        data folder (where psets go), each with a trailing slash as on norns.
-- norns.enc (encoder settings) and norns.encoders belong to core/encoders.lua.
local norns = {}

local function slash(dir)
  if dir == "" or dir:sub(-1) == "/" then return dir end
  return dir .. "/"
end

local function parent(dir)
  local p = dir:gsub("/+$", ""):match("^(.*)/[^/]*$")
  if p == nil then return "" end
  if p == "" then return "/" end
  return p
end

local function basename(dir) return dir:gsub("/+$", ""):match("([^/]*)$") end

function norns.none() end
-- norns clears the screen; here the script's redraw default does nothing at all.
function norns.blank() end

norns.battery_percent = 0
norns.battery_current = 0
norns.powerpresent = 1
norns.disk = 0
norns.temp = 0
norns.cpu_avg = 0
norns.cpu = { 0, 0, 0, 0 }
-- norns' platform codes: 0 unknown, 1 other, 2 norns (CM3), 3 shield. wyrd is "other".
norns.platform = 1
norns.is_norns = false
norns.is_shield = false

-- The norns release whose Lua API wyrd follows (norns writes YYMMDD; scripts compare strings).
norns.version = { update = "260102", wyrd = true }

function norns.scripterror(msg) print(msg) end

function norns.try(f, msg)
  local ok, err = xpcall(f, function(e) return tostring(e) .. "\n" .. debug.traceback() end)
  if not ok then
    norns.scripterror(msg)
    print(err)
  end
  return ok
end

-- Shell commands run at once (norns queues them); the output goes to the callback or print.
function norns.system_cmd(cmd, callback)
  local out = ""
  if type(io.popen) == "function" then
    local pipe = io.popen(cmd)
    if pipe then
      out = pipe:read("a") or ""
      pipe:close()
    end
  end
  if callback then callback(out) else print(out) end
end

function norns.system_glob(pattern)
  local out = {}
  if type(io.popen) ~= "function" then return out end
  local pipe = io.popen("ls -1d " .. pattern .. " 2>/dev/null")
  if not pipe then return out end
  for line in pipe:lines() do out[#out + 1] = line end
  pipe:close()
  return out
end

-- Power and system commands have no meaning for a program on a computer.
function norns.shutdown() print("norns.shutdown: not in wyrd; stop wyrd instead") end
function norns.rerun() print("norns.rerun: reload the script from wyrd (its command line or OSC)") end
function norns.expand_filesystem() end

-- What wyrd can do of norns' script loader: only report that a script cannot load another.
norns.script = {
  load = function(path)
    print("norns.script.load: wyrd loads scripts from its command line or OSC, not from a " ..
      "script; '" .. tostring(path) .. "' not loaded")
  end,
  clear = function() print("norns.script.clear: not in wyrd; the next script load clears") end,
  run = function() end,
  init = function() end,
  metadata = function(filename)
    local meta = {}
    local f = io.open(filename, "r")
    if not f then return meta end
    for line in f:lines() do
      if line:sub(1, 2) ~= "--" then break end
      meta[#meta + 1] = (line:sub(4):gsub("\r$", ""))
    end
    f:close()
    if #meta == 0 then meta[1] = "no script information" end
    return meta
  end,
  nointerface = false,
}

-- The system mixer and clock state norns keeps (state.lua), read by some scripts; wyrd's
-- system params (startup.lua) start from these and keep them up to date.
local function new_state()
  return {
    script = "", name = "", shortname = "", path = "", lib = "", data = "",
    clean_shutdown = true, battery_warning = 0, pset_last = 1, out = 64,
    mix = {
      output = 0, input = 0, monitor = 0, engine = 0, cut = 0, tape = 0, monitor_mode = 1,
      headphone_gain = 40, aux = 2, ins = 1, rev_eng_input = -9, rev_cut_input = -9,
      rev_monitor_input = -math.huge, rev_tape_input = -math.huge, rev_return_level = 0,
      rev_pre_delay = 60, rev_lf_fc = 200, rev_low_time = 6, rev_mid_time = 6,
      rev_hf_damping = 6000, comp_mix = 1, comp_ratio = 4, comp_threshold = -18,
      comp_attack = 5, comp_release = 50, comp_pre_gain = 0, comp_post_gain = 9,
      cut_input_adc = 0, cut_input_eng = 0, cut_input_tape = -math.huge,
    },
    clock = {
      source = 1, tempo = 90, link_quantum = 4, link_start_stop_sync = 1, midi_out = {},
      midi_in = 1, crow_out = 1, crow_out_div = 4, crow_in_div = 4,
    },
    -- norns saves and resumes these across reboots; wyrd keeps no system state.
    save = function() end,
    resume = function() end,
  }
end
norns.state = new_state()

-- The menu system: wyrd has no on-screen menu, so every call is accepted and `mode` stays false
-- (a script's own screen is always shown).
local function menu()
  local m = {
    mode = false, page = "HOME", panel = 3, panels = { "MIX", "TAPE", "HOME", "PARAMS" }, alt = false,
    locked = false, scripterror = false, errormsg = "", shownav = false, showstats = false,
    previewfile = "", binarystates = { triggered = {}, on = {} },
  }
  for _, name in ipairs { "rebuild_params", "redraw", "set_mode", "set_page", "keycode",
    "keychar", "key", "enc", "init", "push", "pop", "set_panel", "draw_panel", "lock", "unlock",
    "refresh", "penc" } do
    m[name] = function() end
  end
  return m
end

-- norns.menu: what scripts ask of the menu. status() is false: the script's screen is up.
local function menu_api(m)
  return {
    init = function() end,
    status = function() return m.mode end,
    set = function() end,
    get_enc = function() return m.penc end,
    get_key = function() return m.key end,
    get_redraw = function() return m.redraw end,
    get_refresh = function() return m.refresh end,
    toggle = function() end,
  }
end

-- The script's folder from package.path, whose first entry startup gets from modules.rs as
-- "<script folder>/?.lua".
local function script_folder(package_path)
  return (package_path or ""):match("^([^;]*)/%?%.lua") or ""
end

function norns._init(data_dir, script_name, package_path)
  local dir = script_folder(package_path)
  local home = os.getenv("HOME") or ""
  local code, dust
  if dir ~= "" then
    code = slash(parent(dir))
    dust = slash(parent(code))
  else
    code = slash(os.getenv("PWD") or ".")
    dust = code
  end
  local data_root = data_dir ~= "" and slash(parent(data_dir)) or dust .. "data/"

  local p = {
    home = home,
    dust = dust,
    code = code,
    extn = code,
    audio = dust .. "audio/",
    tape = dust .. "audio/tape/",
    data = data_root,
    favorites = data_root .. "system.favorites",
    enabled_mods = data_root .. "system.mods",
    keyboard_layout = data_root .. "system.kbd_layout",
    display_settings = data_root .. "system.display",
  }

  local st = norns.state
  if dir ~= "" then
    local folder = basename(dir)
    -- norns names a script by its folder under code/, adding the file's name when the two
    -- differ (we/study/study1).
    st.name = folder == script_name and script_name or (folder .. "/" .. script_name)
    st.shortname = script_name
    st.script = slash(dir) .. script_name .. ".lua"
    st.path = slash(dir)
    st.lib = slash(dir) .. "lib/"
    st.data = data_dir ~= "" and slash(data_dir) or (p.data .. st.name .. "/")
  else
    st.name, st.shortname, st.script = "none", "none", ""
    st.path, st.lib, st.data = dust, dust, p.data
  end

  local tab = require "tabutil"
  p.this = tab.readonly { table = st, expose = { "data", "path", "lib" } }
  norns._path = p
  norns._paths = tab.readonly { table = p }
  norns._menu = menu()
  norns.menu = menu_api(norns._menu)
end

return norns
