-- util: mirrors norns' lua/lib/util.lua (the parts scripts use most).
-- Differences from norns:
--  * util.time() reads wyrd's logical clock (_wyrd.time) when present, so it
--    follows virtual time during offline renders.
--  * range mappers clamp to the input range whichever way round it is given.
--  * wrap/wrap_max use modular arithmetic, so non-integer input cannot loop.
local util = {}

-- Clamp f into the input range [lo, hi] (in either order) before mapping:
-- norns returns the output end for inputs outside the range.
local function clamp_in(lo, hi, f)
  if lo <= hi then
    if f < lo then return lo elseif f > hi then return hi end
  else
    if f > lo then return lo elseif f < hi then return hi end
  end
  return f
end

function util.clamp(n, min, max)
  return math.min(max, math.max(n, min))
end

function util.linlin(slo, shi, dlo, dhi, f)
  if slo == shi then return dlo end
  f = clamp_in(slo, shi, f)
  return (f - slo) / (shi - slo) * (dhi - dlo) + dlo
end

function util.linexp(slo, shi, dlo, dhi, f)
  if slo == shi then return dlo end
  f = clamp_in(slo, shi, f)
  return (dhi / dlo) ^ ((f - slo) / (shi - slo)) * dlo
end

function util.explin(slo, shi, dlo, dhi, f)
  if slo == shi then return dlo end
  f = clamp_in(slo, shi, f)
  return math.log(f / slo) / math.log(shi / slo) * (dhi - dlo) + dlo
end

function util.expexp(slo, shi, dlo, dhi, f)
  if slo == shi then return dlo end
  f = clamp_in(slo, shi, f)
  return (dhi / dlo) ^ (math.log(f / slo) / math.log(shi / slo)) * dlo
end

-- Like norns: floor(n/q + 0.5) * q, so halves round up (2.5 -> 3, -2.5 -> -2).
-- quant 0 returns n untouched.
function util.round(n, quant)
  quant = quant or 1
  if quant == 0 then return n end
  return math.floor(n / quant + 0.5) * quant
end

function util.round_up(n, quant)
  quant = quant or 1
  if quant == 0 then return n end
  return math.ceil(n / quant) * quant
end

-- Integer wrap with both ends included: wrap(6, 1, 5) == 1, wrap(0, 1, 5) == 5.
function util.wrap(n, min, max)
  if max < min then min, max = max, min end
  return min + (n - min) % (max - min + 1)
end

-- Wrap into [min, max): max itself maps to min (for phases and the like).
function util.wrap_max(n, min, max)
  if max < min then min, max = max, min end
  if max == min then return min end
  return min + (n - min) % (max - min)
end

function util.dbamp(db)
  return 10 ^ (db / 20)
end

function util.ampdb(amp)
  return 20 * math.log(amp, 10)
end

-- Seconds. wyrd's clock when the host provides it (virtual in offline renders),
-- else wall-clock seconds since the epoch.
function util.time()
  local w = _wyrd
  if type(w) == "table" and type(w.time) == "function" then return w.time() end
  return os.time()
end

function util.file_exists(path)
  local f = io.open(path, "r")
  if f then f:close() return true end
  return false
end

local function shell_quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
util.shell_quote = shell_quote

-- Names in dir, sorted by ls; directories end in "/" like norns. {} when the
-- folder is missing or the host offers no io.popen.
function util.scandir(dir)
  local out = {}
  if type(io.popen) ~= "function" then return out end
  local ok, pipe = pcall(io.popen, "ls -1pL " .. shell_quote(dir) .. " 2>/dev/null")
  if not ok or not pipe then return out end
  for line in pipe:lines() do
    if line ~= "" then out[#out + 1] = line end
  end
  pipe:close()
  return out
end

-- 3725 -> "1:02:05"
function util.s_to_hms(s)
  s = math.floor(s)
  local h, m = s // 3600, (s % 3600) // 60
  return string.format("%d:%02d:%02d", h, m, s % 60)
end

function util.string_starts(s, start)
  return s:sub(1, #start) == start
end

function util.string_ends(s, ending)
  return ending == "" or s:sub(-#ending) == ending
end

-- Bytes in a file; raises when there is none (as norns).
function util.file_size(path)
  if path == nil then error("util.file_size requires a path", 2) end
  local f = io.open(path, "r")
  if not f then error("no file found at " .. path, 2) end
  local size = f:seek("end")
  f:close()
  return size
end

-- Makes a folder and its parents (the path is quoted, unlike norns, so spaces work).
function util.make_dir(path)
  if type(os.execute) == "function" then os.execute("mkdir -p " .. shell_quote(path)) end
end

-- A shell command's output: raw, or trimmed with newlines folded into spaces.
function util.os_capture(cmd, raw)
  local f = assert(io.popen(cmd, "r"))
  local s = assert(f:read("a"))
  f:close()
  if raw then return s end
  return (s:gsub("^%s+", ""):gsub("%s+$", ""):gsub("[\n\r]+", " "))
end

-- s cut to fit `width` pixels of the screen's current font, ending in "..." when cut.
function util.trim_string_to_width(s, width)
  local function w(x) return (screen.text_extents(x)) end
  if w(s) <= width then return s end
  -- drop whole UTF-8 characters until the ellipsis fits
  while s ~= "" and w(s .. "...") > width do
    s = s:gsub("[^\128-\191][\128-\191]*$", "")
  end
  return s .. "..."
end

function util.degs_to_rads(d) return d * (math.pi / 180) end
function util.rads_to_degs(r) return r * (180 / math.pi) end

-- Words with a lowercase letter shrink to their first letter; all-caps words stay:
-- "USB MIDI Interface" -> "USBMIDII", "Moog Sub 37" -> "MS3" (digits are not capitals).
function util.acronym(name)
  local out = name:gsub("[%w']+", function(word)
    if not word:find("%U") then return word end
    return word:sub(1, 1)
  end)
  return (out:gsub("%s+", ""))
end

return util
