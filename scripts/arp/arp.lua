-- arp: a MIDI arpeggiator in the norns way.
-- Hold notes on a MIDI keyboard; they play up, down or up-and-down over 1..4 octaves on the
-- clock, on the synth and out of MIDI (channel 2).
--
-- K2: latch (notes keep playing after release)   K3: clear
-- E1: tempo   E2: division   E3: octaves

local divisions = { 1 / 2, 1 / 3, 1 / 4, 1 / 6, 1 / 8, 1 / 16 }
local division_names = { "1/2", "1/3", "1/4", "1/6", "1/8", "1/16" }

local m
local held = {}   -- notes down on the keyboard, in the order pressed
local latched = {}
local latch = false
local step = 0
local playing = nil

local function pool()
  local src = latch and latched or held
  local notes = {}
  for _, n in ipairs(src) do notes[#notes + 1] = n end
  table.sort(notes)
  local out = {}
  for o = 0, params:get("octaves") - 1 do
    for _, n in ipairs(notes) do out[#out + 1] = n + 12 * o end
  end
  if params:get("pattern") == 2 then
    local rev = {}
    for i = #out, 1, -1 do rev[#rev + 1] = out[i] end
    out = rev
  elseif params:get("pattern") == 3 and #out > 2 then
    for i = #out - 1, 2, -1 do out[#out + 1] = out[i] end
  end
  return out
end

local function release()
  if playing then
    engine.note_off(playing)
    m:note_off(playing, 0, 2)
    playing = nil
  end
end

local function tick()
  while true do
    clock.sync(divisions[params:get("division")])
    release()
    local notes = pool()
    if #notes > 0 then
      step = step % #notes + 1
      playing = notes[step]
      engine.note_on(playing, params:get("velocity"))
      m:note_on(playing, params:get("velocity"), 2)
    else
      step = 0
    end
    redraw()
  end
end

local function remove(list, note)
  for i = #list, 1, -1 do
    if list[i] == note then table.remove(list, i) end
  end
end

function init()
  params:add_separator("arp", "arp")
  params:add_option("division", "division", division_names, 5)
  params:add_number("octaves", "octaves", 1, 4, 1)
  params:add_option("pattern", "pattern", { "up", "down", "up-down" }, 1)
  params:add_number("velocity", "velocity", 1, 127, 100)
  m = midi.connect(1)
  -- The keyboard plays the arpeggio, not the synth directly.
  midi.synth_thru(false)
  m.event = function(data)
    local msg = midi.to_msg(data)
    if msg.type == "note_on" then
      held[#held + 1] = msg.note
      if latch then
        if #held == 1 then latched = {} end
        latched[#latched + 1] = msg.note
      end
    elseif msg.type == "note_off" then
      remove(held, msg.note)
    end
    redraw()
  end
  clock.run(tick)
end

function key(n, z)
  if z == 0 then return end
  if n == 2 then
    latch = not latch
    latched = {}
    for _, note in ipairs(held) do latched[#latched + 1] = note end
  elseif n == 3 then
    held, latched = {}, {}
    release()
  end
  redraw()
end

function enc(n, d)
  if n == 1 then
    params:set("clock_tempo", util.clamp(clock.get_tempo() + d, 20, 300))
  elseif n == 2 then
    params:delta("division", d)
  elseif n == 3 then
    params:delta("octaves", d)
  end
  redraw()
end

function redraw()
  screen.clear()
  screen.level(15)
  screen.move(0, 10)
  screen.text("arp " .. division_names[params:get("division")] .. "  x" .. params:get("octaves"))
  screen.move(128, 10)
  screen.text_right(string.format("%d bpm", math.floor(clock.get_tempo() + 0.5)))
  screen.move(0, 24)
  screen.level(latch and 15 or 3)
  screen.text(latch and "latch" or "hold")
  local notes = pool()
  for i, n in ipairs(notes) do
    if i > 16 then break end
    screen.level(n == playing and 15 or 4)
    screen.rect((i - 1) * 8, 60 - (n % 24), 6, 2)
    screen.fill()
  end
  screen.update()
end

function cleanup()
  release()
end
