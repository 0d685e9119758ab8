-- ui: norns' screen widgets (lua/lib/ui.lua): Pages, Tabs, List, ScrollingList, Message,
-- Slider, Dial, PlaybackIcon. Each has new(...), setters, and redraw(), which draws with
-- norns' screen calls at norns' positions on the 128x64 screen, so a script's layout looks
-- the same.
local util = require "util"

local UI = {}
UI.__index = UI

-- A widget class whose instances fall back to the class, then to UI.
local function widget()
  local c = setmetatable({}, { __index = UI })
  c.__index = c
  return c
end

-- Index helpers shared by the widgets that select one of `count(self)` things.
local function indexed(cls, count)
  function cls:set_index(i) self.index = util.clamp(i, 1, count(self)) end
  function cls:set_index_delta(delta, wrap)
    local i, n = self.index + delta, count(self)
    if wrap and n > 0 then i = (i - 1) % n + 1 end
    self:set_index(i)
  end
end

local function set_active(cls)
  function cls:set_active(state) self.active = state end
end

local function aligned_text(align, s)
  if align == "center" then
    screen.text_center(s)
  elseif align == "right" then
    screen.text_right(s)
  else
    screen.text(s)
  end
end

-- Pages: dots down the right edge, the current page brighter.
UI.Pages = widget()
indexed(UI.Pages, function(p) return p.num_pages end)

function UI.Pages.new(index, num_pages)
  return setmetatable({ index = index or 1, num_pages = num_pages or 3 }, UI.Pages)
end

function UI.Pages:redraw()
  local n = self.num_pages
  local h = util.clamp(util.round(64 / n - 2), 1, 4)
  local gap = util.round(util.linlin(1, 4, 1, 2, h))
  local y = util.round((64 - n * h - (n - 1) * gap) * 0.5)
  for i = 1, n do
    screen.level(i == self.index and 5 or 1)
    screen.rect(127, y, 1, h)
    screen.fill()
    y = y + h + gap
  end
end

-- Tabs: titles across the top line, the current one bright.
UI.Tabs = widget()
indexed(UI.Tabs, function(t) return #t.titles end)

function UI.Tabs.new(index, titles)
  return setmetatable({ index = index or 1, titles = titles or {} }, UI.Tabs)
end

function UI.Tabs:redraw()
  local margin, gutter, n = 8, 14, #self.titles
  local w = (128 - margin * 2 - gutter * (n - 1)) / n
  for i = 1, n do
    screen.level(i == self.index and 15 or 3)
    screen.move(margin + w * 0.5 + (w + gutter) * (i - 1), 6)
    screen.text_center(self.titles[i])
  end
  screen.fill()
end

-- List: entries 11 px apart from (x, y), the selected one bright while active.
UI.List = widget()
indexed(UI.List, function(l) return #l.entries end)
set_active(UI.List)

function UI.List.new(x, y, index, entries)
  return setmetatable({ x = x or 0, y = y or 0, index = index or 1, entries = entries or {},
    text_align = "left", active = true }, UI.List)
end

function UI.List:redraw()
  for i = 1, #self.entries do
    screen.level((self.active and i == self.index) and 15 or 3)
    screen.move(self.x, self.y + 5 + (i - 1) * 11)
    aligned_text(self.text_align, self.entries[i] or "")
  end
  screen.fill()
end

-- ScrollingList: num_visible entries of a longer list, scrolled to keep the selection in view
-- with num_above_selected entries above it (fewer at the ends).
UI.ScrollingList = widget()
indexed(UI.ScrollingList, function(l) return #l.entries end)
set_active(UI.ScrollingList)

function UI.ScrollingList.new(x, y, index, entries)
  return setmetatable({ x = x or 0, y = y or 0, index = index or 1, entries = entries or {},
    num_visible = 5, num_above_selected = 1, text_align = "left", active = true }, UI.ScrollingList)
end

function UI.ScrollingList:redraw()
  local n, above = #self.entries, self.num_above_selected
  local offset = self.index - 1 - math.max(self.index - (n - 2), 0)
  offset = offset - util.linlin(n - above, n, above, 0, self.index - 1)
  for i = 1, self.num_visible do
    screen.level((self.active and self.index == i + offset) and 15 or 3)
    screen.move(self.x, self.y + 5 + (i - 1) * 11)
    aligned_text(self.text_align, self.entries[i + offset] or "")
  end
  screen.fill()
end

-- Message: lines centred on the screen.
UI.Message = widget()
set_active(UI.Message)

function UI.Message.new(text_array)
  return setmetatable({ text = text_array or {}, active = true }, UI.Message)
end

function UI.Message:redraw()
  local line = 11
  local y = util.round(34 - line * (#self.text - 1) * 0.5)
  for i = 1, #self.text do
    screen.level(self.active and 15 or 3)
    screen.move(64, y)
    screen.text_center(self.text[i])
    y = y + line
  end
  screen.fill()
end

-- Slider: an outlined bar filled to its value, growing up, down, left or right, with markers.
UI.Slider = widget()
set_active(UI.Slider)

local DIRECTIONS = { up = true, down = true, left = true, right = true }

function UI.Slider.new(x, y, width, height, value, min_value, max_value, markers, direction)
  return setmetatable({ x = x or 0, y = y or 0, width = width or 3, height = height or 36,
    value = value or 0, min_value = min_value or 0, max_value = max_value or 1, markers = markers or {},
    active = true, direction = DIRECTIONS[direction] and direction or "up" }, UI.Slider)
end

function UI.Slider:set_value(v) self.value = util.clamp(v, self.min_value, self.max_value) end
function UI.Slider:set_value_delta(d) self:set_value(self.value + d) end
function UI.Slider:set_marker_position(id, v)
  self.markers[id] = util.clamp(v, self.min_value, self.max_value)
end

function UI.Slider:redraw()
  local x, y, w, h, lo, hi = self.x, self.y, self.width, self.height, self.min_value, self.max_value
  local dir = self.direction
  screen.level(3)
  screen.rect(x + 0.5, y + 0.5, w - 1, h - 1)
  screen.stroke()
  for _, v in pairs(self.markers) do
    if dir == "up" then
      screen.rect(x - 2, util.round(y + util.linlin(lo, hi, h - 1, 0, v)), w + 4, 1)
    elseif dir == "down" then
      screen.rect(x - 2, util.round(y + util.linlin(lo, hi, 0, h - 1, v)), w + 4, 1)
    elseif dir == "left" then
      screen.rect(util.round(x + util.linlin(lo, hi, w - 1, 0, v)), y - 2, 1, h + 4)
    else
      screen.rect(util.round(x + util.linlin(lo, hi, 0, w - 1, v)), y - 2, 1, h + 4)
    end
  end
  screen.fill()
  if dir == "up" or dir == "down" then
    local filled = util.round(util.linlin(lo, hi, 0, h, self.value))
    screen.rect(x, dir == "up" and (y + h - filled) or y, w, filled)
  else
    local filled = util.round(util.linlin(lo, hi, 0, w, self.value))
    screen.rect(dir == "left" and (x + w - filled) or x, y, filled, h)
  end
  screen.level(self.active and 15 or 5)
  screen.fill()
end

-- Dial: an arc from 0.7 pi to 2.3 pi, filled from start_value to the value, the value (or
-- title) written under it.
UI.Dial = widget()
set_active(UI.Dial)

function UI.Dial.new(x, y, size, value, min_value, max_value, rounding, start_value, markers, units, title)
  min_value = min_value or 0
  local d = setmetatable({ x = x or 0, y = y or 0, size = size or 22, value = value or 0,
    min_value = min_value, max_value = max_value or 1, rounding = rounding or 0.01,
    start_value = start_value or min_value, units = units, title = title, active = true,
    _start_angle = math.pi * 0.7, _end_angle = math.pi * 2.3, _markers = {}, _marker_points = {} }, UI.Dial)
  for k, v in pairs(markers or {}) do d:set_marker_position(k, v) end
  return d
end

function UI.Dial:set_value(v) self.value = util.clamp(v, self.min_value, self.max_value) end
function UI.Dial:set_value_delta(d) self:set_value(self.value + d) end

local function angle(d, v)
  return util.linlin(d.min_value, d.max_value, d._start_angle, d._end_angle, v)
end

-- A marker is a short tick across the arc, 3 px either side.
function UI.Dial:set_marker_position(id, v)
  v = util.clamp(v, self.min_value, self.max_value)
  self._markers[id] = v
  local r = self.size * 0.5
  local a = angle(self, v)
  local cx, cy = self.x + r, self.y + r
  self._marker_points[id] = {
    x1 = cx + math.cos(a) * (r - 3), y1 = cy + math.sin(a) * (r - 3),
    x2 = cx + math.cos(a) * (r + 3), y2 = cy + math.sin(a) * (r + 3),
  }
end

function UI.Dial:redraw()
  local r = self.size * 0.5
  local a0, a1 = angle(self, self.start_value), angle(self, self.value)
  if a1 < a0 then a0, a1 = a1, a0 end
  screen.level(5)
  screen.arc(self.x + r, self.y + r, r - 0.5, self._start_angle, self._end_angle)
  screen.stroke()
  for _, m in pairs(self._marker_points) do
    screen.move(m.x1, m.y1)
    screen.line(m.x2, m.y2)
    screen.stroke()
  end
  screen.level(15)
  screen.line_width(2.5)
  screen.arc(self.x + r, self.y + r, r - 0.5, a0, a1)
  screen.stroke()
  screen.line_width(1)
  local title = self.title
  if not title then
    title = util.round(self.value, self.rounding)
    if self.units then title = title .. " " .. self.units end
  end
  screen.level(self.active and 15 or 3)
  screen.move(self.x + r, self.y + self.size + 6)
  screen.text_center(title)
  screen.fill()
end

-- PlaybackIcon: status 1 play, 2 reverse play, 3 pause, anything else stop.
UI.PlaybackIcon = widget()
set_active(UI.PlaybackIcon)

function UI.PlaybackIcon.new(x, y, size, status)
  return setmetatable({ x = x or 0, y = y or 0, size = size or 6, status = status or 1, active = true },
    UI.PlaybackIcon)
end

function UI.PlaybackIcon:set_status(status) self.status = status end

function UI.PlaybackIcon:redraw()
  local x, y, s = self.x, self.y, self.size
  screen.level(self.active and 15 or 3)
  if self.status == 1 then
    screen.move(x, y)
    screen.line(x + s, y + s * 0.5)
    screen.line(x, y + s)
    screen.close()
  elseif self.status == 2 then
    screen.move(x + s, y)
    screen.line(x, y + s * 0.5)
    screen.line(x + s, y + s)
    screen.close()
  elseif self.status == 3 then
    screen.rect(x, y, util.round(s * 0.4), s)
    screen.rect(x + util.round(s * 0.6), y, util.round(s * 0.4), s)
  else
    screen.rect(x, y, s, s)
  end
  screen.fill()
end

return UI
