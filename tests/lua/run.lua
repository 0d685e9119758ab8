-- Standalone runner: `lua5.4 tests/lua/run.lua tests/lua/test_util.lua ...` from the repository root.
-- Inside wyrd the same files run through engine/script/tests/lua_libs.rs.
package.path = "lib/?.lua;lib/core/?.lua;tests/lua/?.lua;" .. package.path
local harness = require "harness"
for _, file in ipairs(arg) do
  harness.set_file(file)
  local chunk, err = loadfile(file)
  if not chunk then
    test("load " .. file, function() error(err) end)
  else
    local ok, e = xpcall(chunk, debug.traceback)
    if not ok then test("run " .. file, function() error(e) end) end
  end
end
local passed, failed, report = harness.summary()
if failed > 0 then print(report) end
print(string.format("lua tests: %d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
