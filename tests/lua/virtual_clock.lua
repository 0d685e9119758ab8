-- A virtual clock with wyrd's clock API for the library tests under plain lua5.4:
-- coroutines wake in time order, exactly when asked. Inside wyrd the real clock exists and
-- the driven tests are skipped (wyrd's integration tests drive the libraries instead).
local M = {}

function M.fake_clock(tempo)
  local F = { now = 0, tempo = tempo or 120, beat0 = 0, time0 = 0, wake = {}, co = {}, seq = 0 }
  local api = {}
  local function beats() return F.beat0 + (F.now - F.time0) * F.tempo / 60 end
  local function resume(id, ...)
    local outer = F.current
    F.current = id
    local ok, kind, a, b = coroutine.resume(F.co[id], ...)
    F.current = outer
    if not ok then error(kind, 0) end
    if coroutine.status(F.co[id]) == "dead" or F.co[id] == nil then
      F.co[id], F.wake[id] = nil, nil
    elseif kind == "sleep" then
      F.wake[id] = F.now + a
    elseif kind == "sync" then
      local now_b, off = beats(), b or 0
      local nb = (math.floor((now_b - off) / a + 1e-9) + 1) * a + off
      F.wake[id] = F.now + (nb - now_b) * 60 / F.tempo
    end
  end
  function api.run(f, ...)
    F.seq = F.seq + 1
    local id = F.seq
    F.co[id] = coroutine.create(f)
    resume(id, ...)
    return id
  end
  function api.sleep(s) coroutine.yield("sleep", s) end
  function api.sync(b, off) coroutine.yield("sync", b, off) end
  -- strict, so the libraries are shown not to lean on a lenient host
  function api.cancel(id)
    if F.co[id] == nil then error("fake clock: cancel of a clock that is not running: " .. tostring(id), 2) end
    if id == F.current then error("fake clock: a clock cancelled itself", 2) end
    F.co[id], F.wake[id] = nil, nil
  end
  function api.get_beats() return beats() end
  function api.get_tempo() return F.tempo end
  function api.get_beat_sec() return 60 / F.tempo end
  function F.set_tempo(bpm) F.beat0, F.time0, F.tempo = beats(), F.now, bpm end
  -- Runs every wake-up up to time T (inclusive), then sets the clock to T.
  function F.advance(T)
    while true do
      local best, bid
      for id, w in pairs(F.wake) do
        if w <= T + 1e-9 and (best == nil or w < best or (w == best and id < bid)) then best, bid = w, id end
      end
      if not best then break end
      F.now = math.max(F.now, best)
      F.wake[bid] = nil
      resume(bid)
    end
    F.now = math.max(F.now, T)
  end
  function F.install()
    F.saved = { clock = rawget(_G, "clock"), wyrd = rawget(_G, "_wyrd") }
    rawset(_G, "clock", api)
    rawset(_G, "_wyrd", { time = function() return F.now end })
  end
  function F.uninstall()
    rawset(_G, "clock", F.saved.clock)
    rawset(_G, "_wyrd", F.saved.wyrd)
  end
  return F
end

local HAS_REAL_CLOCK = rawget(_G, "clock") ~= nil

-- Runs fn(F) with the virtual clock installed, always uninstalling it.
function M.with_clock(tempo, fn)
  if HAS_REAL_CLOCK then return end
  local F = M.fake_clock(tempo)
  F.install()
  local ok, err = pcall(fn, F)
  F.uninstall()
  if not ok then error(err, 0) end
end

return M
