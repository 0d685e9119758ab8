-- keyboard: a computer keyboard as norns scripts see it (norns lua/core/keyboard.lua).
-- wyrd delivers no key events to it yet, so keyboard.code(code, value) and keyboard.char(ch)
-- are callbacks a script may assign and that are never called; the modifier queries answer
-- from keyboard.state, which stays empty.
local keyboard = { state = {}, selected_map = "us", keymap = {} }

function keyboard.code(_code, _value) end
function keyboard.char(_ch) end

function keyboard.clear()
  keyboard.code = function() end
  keyboard.char = function() end
end

local function held(a, b) return (keyboard.state[a] or keyboard.state[b]) and true or false end
function keyboard.shift() return held("LEFTSHIFT", "RIGHTSHIFT") end
function keyboard.alt() return held("LEFTALT", "RIGHTALT") end
function keyboard.altgr() return false end
function keyboard.ctrl() return held("LEFTCTRL", "RIGHTCTRL") end
function keyboard.meta() return held("LEFTMETA", "RIGHTMETA") end

function keyboard.set_map(m) keyboard.selected_map = m end
function keyboard.code_to_char() return nil end

return keyboard
