--- screen: norns' 128x64 OLED, 16 grey levels (norns lua/core/screen.lua).
-- A subset of cairo's drawing, on wyrd's canvas (engine/script/src/screen): coordinates are
-- 0-based pixels, levels 0 (off) .. 15 (white), text sits on its baseline at the current point.
-- screen.update() shows the canvas (a copy goes to the runtime's shared frame). Each script
-- starts as norns starts it: aa off, level 15, line width 1, font 1 (04B_03) at size 8; after
-- init() the screen is cleared, shown, and redraw() is called.
-- Not here: image buffers (load_png, create_image, display_image, draw_to), the screensaver's
-- 15-minute timer (screen.sleep and screen.ping work), brightness/contrast/gamma (accepted,
-- no effect: there is no panel).
local hooks = require "core/hooks"

local Screen = {}
local w = _wyrd

local sleeping = false

Screen.update_default = function() w.screen_update() end
Screen.update = Screen.update_default

--- restart the screensaver: after screen.sleep(), updates show again.
Screen.ping = function()
  if sleeping then
    sleeping = false
    Screen.update = Screen.update_default
  end
end

--- blank the screen and ignore updates until screen.ping() (norns' screensaver).
Screen.sleep = function()
  w.screen_clear()
  w.screen_update()
  sleeping = true
  Screen.update = function() end
end

Screen.update_low_battery = function()
  w.screen_rect(32, 34, 64, 16)
  w.screen_level(0)
  w.screen_fill()
  w.screen_move(64, 45)
  w.screen_level(15)
  w.screen_text_center("LOW BATTERY")
  w.screen_update()
end

Screen.aa = function(state) w.screen_aa(state) end
Screen.clear = function() w.screen_clear() end
Screen.level = function(value) w.screen_level(value) end
Screen.line_width = function(width) w.screen_line_width(width) end
Screen.line_cap = function(style) w.screen_line_cap(style) end
Screen.line_join = function(style) w.screen_line_join(style) end
Screen.miter_limit = function(limit) w.screen_miter_limit(limit) end
Screen.move = function(x, y) w.screen_move(x, y) end
Screen.move_rel = function(x, y) w.screen_move_rel(x, y) end
Screen.line = function(x, y) w.screen_line(x, y) end
Screen.line_rel = function(x, y) w.screen_line_rel(x, y) end
Screen.arc = function(x, y, r, a1, a2) w.screen_arc(x, y, r, a1, a2) end
Screen.circle = function(x, y, r) w.screen_circle(x, y, r) end
Screen.rect = function(x, y, width, height) w.screen_rect(x, y, width, height) end
Screen.curve = function(x1, y1, x2, y2, x3, y3) w.screen_curve(x1, y1, x2, y2, x3, y3) end
Screen.curve_rel = function(x1, y1, x2, y2, x3, y3) w.screen_curve_rel(x1, y1, x2, y2, x3, y3) end
Screen.close = function() w.screen_close() end
Screen.stroke = function() w.screen_stroke() end
Screen.fill = function() w.screen_fill() end
Screen.text = function(str) w.screen_text(str) end
Screen.text_trim = function(str, width) w.screen_text_trim(str, width) end
Screen.text_right = function(str) w.screen_text_right(str) end
Screen.text_center = function(str) w.screen_text_center(str) end
--- width and height of the ink of str in the current font (integers, as norns returns).
Screen.text_extents = function(str) return w.screen_text_extents(str) end
Screen.current_point = function() return w.screen_current_point() end

Screen.text_rotate = function(x, y, str, degrees)
  w.screen_save()
  w.screen_move(x, y)
  w.screen_translate(x, y)
  w.screen_rotate(math.rad(degrees))
  w.screen_text(str)
  w.screen_restore()
end

Screen.text_center_rotate = function(x, y, str, degrees)
  w.screen_save()
  w.screen_move(x, y)
  w.screen_translate(x, y)
  w.screen_rotate(math.rad(degrees))
  w.screen_text_center(str)
  w.screen_restore()
end

--- select a font face (1-based, see font_face_names). wyrd draws 1 and 69 (04B_03) and 25
-- (tom-thumb) as norns does; the others draw with 04B_03 (a note is printed once).
Screen.font_face = function(index)
  local note = w.screen_font_face(index)
  if note then print(note) end
end
Screen.font_face_names = w.screen_face_names()
Screen.font_face_count = 68
Screen.font_size = function(size) w.screen_font_size(size) end

--- a 1x1 rectangle at (x, y): fill afterwards.
Screen.pixel = function(x, y) w.screen_rect(x, y, 1, 1) end

Screen.display_png = function(filename, x, y) w.screen_display_png(filename, x, y) end

--- the canvas as a greyscale PNG (wyrd: an optional scale, 1..16).
Screen.export_png = function(filename, scale) w.screen_export_png(filename, scale) end

--- a 4x screenshot to the script's data folder (norns' adds a black border; wyrd's does not).
Screen.export_screenshot = function(filename)
  local dir = params and params.data_dir or "."
  os.execute("mkdir -p '" .. dir .. "'")
  w.screen_export_png(dir .. "/" .. filename .. ".png", 4)
end

--- levels of a rectangle, one byte (0..15) per pixel.
Screen.peek = function(x, y, width, height) return w.screen_peek(x, y, width or 1, height or 1) end
Screen.poke = function(x, y, width, height, s) w.screen_poke(x, y, width, height, s) end

Screen.rotate = function(r) w.screen_rotate(r) end
Screen.translate = function(x, y) w.screen_translate(x, y) end
Screen.save = function() w.screen_save() end
Screen.restore = function() w.screen_restore() end

Screen.BLEND_MODES = {
  ['NONE'] = 0, ['DEFAULT'] = 0, ['OVER'] = 0, ['XOR'] = 1, ['ADD'] = 2, ['MULTIPLY'] = 3,
  ['SCREEN'] = 4, ['OVERLAY'] = 5, ['DARKEN'] = 6, ['LIGHTEN'] = 7, ['COLOR_DODGE'] = 8,
  ['COLOR_BURN'] = 9, ['HARD_LIGHT'] = 10, ['SOFT_LIGHT'] = 11, ['DIFFERENCE'] = 12,
  ['EXCLUSION'] = 13, ['CLEAR'] = 14, ['SOURCE'] = 15, ['IN'] = 16, ['OUT'] = 17, ['ATOP'] = 18,
  ['DEST'] = 19, ['DEST_OVER'] = 20, ['DEST_IN'] = 21, ['DEST_OUT'] = 22, ['DEST_ATOP'] = 23,
  ['SATURATE'] = 24, ['HSL_HUE'] = 25, ['HSL_SATURATION'] = 26, ['HSL_COLOR'] = 27,
  ['HSL_LUMINOSITY'] = 28,
}

--- blending mode: an index 0..28 or a name of BLEND_MODES (any case).
Screen.blend_mode = function(index)
  if type(index) == "string" then
    local i = Screen.BLEND_MODES[string.upper(index)]
    if i ~= nil then
      w.screen_set_operator(i)
    else
      print(index .. ' is not a valid blending mode, use tab.print(screen.BLEND_MODES) to see available modes and their indexes.')
    end
  elseif type(index) == "number" then
    w.screen_set_operator(index)
  end
end

--- invert the display (a number: 0 normal, anything else inverted; or a boolean). Takes
-- effect at once, without an update.
Screen.invert = function(i)
  if type(i) == "boolean" then
    w.screen_invert(i)
  elseif type(i) == "number" then
    w.screen_invert(i == 0 and 0 or 1)
  end
end

-- The panel's own settings: no panel here.
Screen.brightness = function(_) end
Screen.contrast = function(_) end
Screen.gamma = function(_) end

-- A script without redraw draws a blank screen (norns.blank).
local function blank()
  w.screen_clear()
  w.screen_update()
end
redraw = blank

-- After init(): norns clears the screen, shows it and calls the script's redraw.
hooks.on("init_done", function()
  w.screen_clear()
  Screen.update()
  local r = rawget(_G, "redraw")
  if type(r) == "function" then r() end
end)

return Screen
