-- formatters: how params show their values (norns lua/lib/formatters.lua). Each takes the
-- param (`formatter = formatters.percentage`) and returns its display string; the *_raw ones
-- take a number. Strings match norns' so a script's screens read the same.
local util = require "util"
local controlspec = require "controlspec"

local F = {}

-- value and units: the given ones, else the param's controlspec's (none for a number param,
-- where norns would raise).
local function with_units(param, value, units)
  if units == nil then units = param.controlspec and param.controlspec.units or "" end
  return value .. " " .. units
end

function F.format_freq_raw(freq)
  if freq < 0.1 then return util.round(freq, 0.001) .. " Hz" end
  if freq < 100 then return util.round(freq, 0.01) .. " Hz" end
  if util.round(freq, 1) < 1000 then return util.round(freq, 1) .. " Hz" end
  return util.round(freq / 1000, 0.01) .. " kHz"
end

function F.format_secs_raw(secs)
  if secs > 3600 then return util.round(secs / 3600, 0.1) .. " h" end
  if secs >= 120 then return util.round(secs / 60, 0.1) .. " min" end
  if secs >= 60 then return util.round(secs) .. " s" end
  if util.round(secs, 0.01) >= 1 then return util.round(secs, 0.1) .. " s" end
  -- Under a second: two decimals, padded so 0.5 reads "0.50 s".
  local s = tostring(util.round(secs, 0.01))
  if #s < 4 then s = s .. "0" end
  return s .. " s"
end

-- round(precision) -> a formatter showing the value rounded to precision, with units.
function F.round(precision)
  return function(param)
    return with_units(param, util.round(param:get(), precision))
  end
end

function F.default(param) return F.round(0.01)(param) end

local function percent(param) return with_units(param, util.round(param:get() * 100), "%") end
F.percentage = percent
F.unipolar_as_percentage = percent
F.bipolar_as_percentage = percent

function F.secs_as_ms(param)
  return with_units(param, util.round(param:get() * 1000), "ms")
end

function F.unipolar_as_true_false(param)
  return with_units(param, param:get() == 1 and "true" or "false")
end

function F.unipolar_as_enabled_disabled(param)
  return with_units(param, param:get() == 1 and "enabled" or "disabled")
end

-- "L50 |.....|...............|": a pan position drawn in dots either side of the middle.
function F.bipolar_as_pan_widget(param)
  local side = 10
  local v = param:get()
  local amount = math.abs(v)
  local pct = util.round(amount * 100)
  local left, right, label = side, side, nil
  if v > 0 then
    left, right = side + util.round(amount * side), util.round((1 - amount) * side)
    if pct >= 1 then label = "R" .. pct end
  elseif v < 0 then
    left, right = util.round((1 - amount) * side), side + util.round(amount * side)
    if pct >= 1 then label = "L" .. pct end
  end
  local widget = "|" .. string.rep(".", left) .. "|" .. string.rep(".", right) .. "|"
  return with_units(param, (label or "MID") .. " " .. widget, "")
end

-- A 0..1 value as a multimode filter: below the middle low-pass, above it high-pass.
function F.unipolar_as_multimode_filter_freq(param)
  local chars = 20
  local v = controlspec.BIPOLAR:map(param:get())
  local pct = util.round(math.abs(v) * 100)
  local widget, label
  -- Fractional counts round down each on its own, as norns' loops do.
  local function rep(s, n) return string.rep(s, math.floor(n)) end
  if v > 0 then
    local clear = v * chars
    widget = "|" .. rep(".", clear) .. rep("|", chars - clear + 1)
    if pct >= 1 then label = "HP" .. pct end
  elseif v < 0 then
    local fill = (v + 1) * chars
    widget = rep("|", fill + 1) .. rep(".", chars - fill) .. "|"
    if pct >= 1 then label = "LP" .. (100 - pct) end
  else
    widget = string.rep("|", chars + 2)
  end
  return with_units(param, widget .. " " .. (label or "OFF"), "")
end

function F.format_freq(param) return F.format_freq_raw(param:get()) end
function F.format_secs(param) return F.format_secs_raw(param:get()) end

return F
