-- screen_demo: norns' screen, drawn as community scripts draw it
--
-- A step sequencer's face: a title bar, sixteen steps as rectangles (the playing one lit,
-- the others at their notes' levels), a pitch line, a circle breathing with the tempo, an
-- arc for progress and a level meter. A clock plays the steps; a metro redraws at 15 fps.
--
-- offline: wyrd render scripts/screen_demo/screen_demo.lua --seconds 8 -o /tmp/demo.wav \
--            --screen /tmp/demo_frames [--screen-fps 15 --screen-scale 4]
-- live:    wyrd run scripts/screen_demo/screen_demo.lua

local NOTES = { 0, 3, 7, 10, 12, 10, 7, 3, 0, 5, 8, 12, 15, 12, 8, 5 }
local ROOT = 48

local step = 0
local playing = nil
local frames = 0

local function tick()
  while true do
    clock.sync(1 / 4)
    step = step % #NOTES + 1
    if playing then engine.note_off(playing) end
    playing = ROOT + NOTES[step]
    engine.note_on(playing, 90)
  end
end

function init()
  clock.run(tick)
  local m = metro.init(function()
    frames = frames + 1
    redraw()
  end, 1 / 15)
  m:start()
end

local function title()
  screen.level(15)
  screen.rect(0, 0, 128, 9)
  screen.fill()
  screen.level(0)
  screen.move(2, 7)
  screen.text("SCREEN DEMO")
  screen.move(126, 7)
  screen.text_right(string.format("%d BPM", math.floor(clock.get_tempo() + 0.5)))
end

local function steps()
  for i = 1, #NOTES do
    local x = 2 + (i - 1) * 8
    local h = 2 + NOTES[i] // 2
    if i == step then
      screen.level(15)
    else
      screen.level(2 + NOTES[i] // 3)
    end
    screen.rect(x, 40 - h, 6, h)
    screen.fill()
  end
  -- the pitch line through the steps' tops
  screen.level(8)
  screen.line_width(1)
  for i = 1, #NOTES do
    local x = 5 + (i - 1) * 8
    local y = 40 - (2 + NOTES[i] // 2) - 2.5
    if i == 1 then screen.move(x, y) else screen.line(x, y) end
  end
  screen.stroke()
end

local function footer()
  local beat = clock.get_beats()
  -- a circle breathing on the beat
  local r = 3 + 3 * (1 - (beat % 1))
  screen.level(15)
  screen.circle(10, 54, r)
  screen.stroke()
  -- progress through the pattern as an arc
  screen.level(6)
  screen.line_width(2)
  screen.arc(30, 54, 6, -math.pi / 2, -math.pi / 2 + 2 * math.pi * step / #NOTES)
  screen.stroke()
  screen.line_width(1)
  -- the note playing
  screen.level(15)
  screen.move(44, 57)
  screen.text(playing and musicutil.note_num_to_name(playing, true) or "--")
  -- a level meter: sixteen pixels, brighter to the right
  for i = 0, 15 do
    screen.level(i)
    screen.pixel(64 + i * 3, 56)
    screen.pixel(65 + i * 3, 56)
    screen.fill()
  end
  screen.level(4)
  screen.move(127, 63)
  screen.text_right("frame " .. frames)
end

function redraw()
  screen.clear()
  title()
  steps()
  footer()
  screen.update()
end

function cleanup()
  if playing then engine.note_off(playing) end
end
