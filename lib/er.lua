-- er: Euclidean rhythms (norns lua/lib/er.lua).
-- er.gen(k, n, w) spreads k pulses as evenly as possible over n steps, rotated by w steps,
-- with the pulse pattern norns gives (the first step always a pulse before rotation), so a
-- script's patterns sound the same here. Like norns, requiring it also sets the global `er`.
local er = {}

-- A table of n booleans.
function er.gen(k, n, w)
  w = w or 0
  local r = {}
  for i = 1, n do r[i] = false end
  if k < 1 then return r end
  -- Bresenham: each step adds k to an accumulator that starts full; a step that finds it full
  -- (>= n) is a pulse and empties it by n.
  local acc = n
  for i = 1, n do
    if acc >= n then
      acc = acc - n
      r[(i - 1 + w) % n + 1] = true
    end
    acc = acc + k
  end
  return r
end

_G.er = er
return er
