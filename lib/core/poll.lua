-- poll: values reported periodically (norns lua/core/poll.lua).
--
-- Names: amp_in_l, amp_in_r (input amplitude), pitch_in_l, pitch_in_r (Hz, -1 when unsure),
-- cpu_avg, cpu_peak (DSP load, %), xruns, and mfcc_in (a table: the newest MFCC frame of the
-- input, from the live analysis thread). Offline renders report silence.
local poll = {}

local polls = {} -- id -> poll
local last_id = 0

local Poll = {}
Poll.__index = Poll

local function known(name)
  for _, n in ipairs(_wyrd.poll_names()) do
    if n == name then return true end
  end
  return false
end

--- poll.set(name, callback): a poll object; `p.time` (seconds, default 0.25), `p:start()`.
function poll.set(name, callback)
  if not known(name) then
    error("poll: no poll named '" .. tostring(name) .. "' (poll.list_names() lists them)", 2)
  end
  last_id = last_id + 1
  local p = setmetatable({ id = last_id, name = name, time = 0.25, callback = callback }, Poll)
  polls[last_id] = p
  return p
end

function Poll:start()
  self.is_running = true
  _wyrd.poll_start(self.id, self.name, self.time)
end

function Poll:stop()
  self.is_running = false
  _wyrd.poll_stop(self.id)
end

--- Reports the current value once, now.
function Poll:update()
  if self.callback then self.callback(_wyrd.poll_value(self.name)) end
end

function poll.list_names()
  local names = _wyrd.poll_names()
  for _, n in ipairs(names) do print(n) end
  return names
end

function poll.clear_all()
  for _, p in pairs(polls) do p:stop() end
  polls = {}
end

-- For the host: poll `id` reports `value`.
function poll._report(id, value)
  local p = polls[id]
  if p and p.callback then p.callback(value) end
end

return poll
