-- A small test harness for wyrd's Lua libraries. It runs in plain `lua5.4`
-- (tests/lua/run.lua) and inside wyrd (cargo test runs every tests/lua/test_*.lua).
local harness = { results = {} }

local current_file = "?"

function harness.set_file(name) current_file = name end

local function fmt(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

-- test(name, fn): runs fn under xpcall; a failed expectation or any error fails the test.
function test(name, fn)
  local ok, err = xpcall(fn, function(e) return debug.traceback(tostring(e), 2) end)
  table.insert(harness.results, { file = current_file, name = name, ok = ok, err = err })
end

expect = {}

local function fail(msg, level) error(msg, (level or 2) + 1) end

function expect.eq(actual, expected, msg)
  if actual ~= expected then
    fail((msg and (msg .. ": ") or "") .. "expected " .. fmt(expected) .. ", got " .. fmt(actual), 2)
  end
end

function expect.near(actual, expected, tol, msg)
  tol = tol or 1e-9
  if type(actual) ~= "number" or math.abs(actual - expected) > tol then
    fail((msg and (msg .. ": ") or "") .. "expected " .. fmt(expected) .. " ± " .. tol .. ", got " .. fmt(actual), 2)
  end
end

function expect.truthy(v, msg)
  if not v then fail(msg or ("expected a true value, got " .. fmt(v)), 2) end
end

function expect.falsy(v, msg)
  if v then fail(msg or ("expected a false value, got " .. fmt(v)), 2) end
end

-- expect.error(fn, pattern): fn must raise an error whose message matches pattern (plain find).
function expect.error(fn, pattern)
  local ok, err = pcall(fn)
  if ok then fail("expected an error" .. (pattern and (" matching " .. fmt(pattern)) or ""), 2) end
  if pattern and not tostring(err):find(pattern, 1, true) then
    fail("error " .. fmt(tostring(err)) .. " does not contain " .. fmt(pattern), 2)
  end
end

-- expect.list(actual, expected, tol): element-wise equality (near when tol is given).
function expect.list(actual, expected, tol)
  if type(actual) ~= "table" then fail("expected a table, got " .. fmt(actual), 2) end
  if #actual ~= #expected then fail("expected " .. #expected .. " items, got " .. #actual, 2) end
  for i = 1, #expected do
    local a, e = actual[i], expected[i]
    local bad = tol and (type(a) ~= "number" or math.abs(a - e) > tol) or (not tol and a ~= e)
    if bad then fail("item " .. i .. ": expected " .. fmt(e) .. ", got " .. fmt(a), 2) end
  end
end

-- Returns passed, failed and a report of the failures.
function harness.summary()
  local passed, failed, lines = 0, 0, {}
  for _, r in ipairs(harness.results) do
    if r.ok then
      passed = passed + 1
    else
      failed = failed + 1
      table.insert(lines, "FAIL " .. r.file .. ": " .. r.name .. "\n" .. tostring(r.err))
    end
  end
  return passed, failed, table.concat(lines, "\n\n")
end

return harness
