-- tabutil: norns' table helpers (lua/lib/tabutil.lua), also the global `tab`.
-- Differences from norns:
--  * tab.gather lets a custom `false` override a default (norns' `x and x or y` drops it).
--  * tab.save writes the same loadable format as norns (tables by number, shared and
--    cyclic references kept), so files saved on a norns load here and the other way round.
local tab = {}

function tab.print(t)
  for k, v in pairs(t) do print(tostring(k) .. "\t" .. tostring(v)) end
end

-- The keys, sorted (numbers and strings each among themselves; mixed keys sort by type first
-- instead of raising, which norns would do).
function tab.sort(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys
end

-- Every entry, holes and string keys included (# stops at the first nil).
function tab.count(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

-- Whether the array part holds e.
function tab.contains(t, e)
  return tab.key(t, e) ~= nil
end

-- The first array index holding e, or nil.
function tab.key(t, e)
  for i, v in ipairs(t) do
    if v == e then return i end
  end
  return nil
end

function tab.invert(t)
  local inv = {}
  for k, v in pairs(t) do inv[v] = k end
  return inv
end

-- Lines of a string, a trailing piece without newline included ("a\nb" -> {"a", "b"}).
function tab.lines(str)
  local out = {}
  local rest = str:gsub("(.-)\r?\n", function(line)
    out[#out + 1] = line
    return ""
  end)
  out[#out + 1] = rest
  return out
end

-- Pieces between runs of `sep` (a character class body; whitespace by default), empty
-- pieces dropped as on norns.
function tab.split(str, sep)
  sep = sep or "%s"
  local out = {}
  for piece in str:gmatch("([^" .. sep .. "]+)") do out[#out + 1] = piece end
  return out
end

local function literal(v)
  local t = type(v)
  if t == "string" then return string.format("%q", v) end
  if t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    if v ~= v then return "0/0" end
    if v == math.huge then return "math.huge" end
    if v == -math.huge then return "-math.huge" end
    return string.format("%.17g", v)
  end
  if t == "boolean" then return tostring(v) end
end

-- Saves a table of strings, numbers, booleans and tables (functions, userdata and
-- metatables are skipped). Each table is written once, by number, so shared and cyclic
-- references survive tab.load. Returns an error message on failure, nothing on success.
function tab.save(tbl, filename)
  local f, err = io.open(filename, "wb")
  if not f then return err end
  local tables, index = { tbl }, { [tbl] = 1 }
  local function ref(v)
    if type(v) == "table" then
      if not index[v] then
        tables[#tables + 1] = v
        index[v] = #tables
      end
      return "{" .. index[v] .. "}"
    end
    return literal(v)
  end
  local out = { "return {" }
  local n = 1
  while n <= #tables do
    local t = tables[n]
    out[#out + 1] = "-- Table: {" .. n .. "}"
    out[#out + 1] = "{"
    local done = {}
    for i, v in ipairs(t) do
      done[i] = true
      local r = ref(v)
      if r then out[#out + 1] = "   " .. r .. "," end
    end
    for k, v in pairs(t) do
      if not done[k] then
        local kr, vr = ref(k), nil
        if kr then vr = ref(v) end
        if kr and vr then out[#out + 1] = "   [" .. kr .. "]=" .. vr .. "," end
      end
    end
    out[#out + 1] = "},"
    n = n + 1
  end
  out[#out + 1] = "}"
  f:write(table.concat(out, "\n"))
  f:close()
end

-- Loads what tab.save wrote. Returns the table, or nil and an error message.
function tab.load(filename)
  local chunk, err = loadfile(filename)
  if not chunk then return nil, err end
  local ok, tables = pcall(chunk)
  if not ok then return nil, tables end
  if type(tables) ~= "table" then return nil end
  -- {n} placeholders, as keys and values, become the tables they number.
  local function real(v)
    if type(v) == "table" and type(v[1]) == "number" and tables[v[1]] then return tables[v[1]] end
    return v
  end
  for _, t in ipairs(tables) do
    local moves = {}
    for k, v in pairs(t) do
      if type(v) == "table" then t[k] = real(v) end
      if type(k) == "table" then moves[#moves + 1] = k end
    end
    for _, k in ipairs(moves) do
      local v = t[k]
      t[k] = nil
      t[real(k)] = v
    end
  end
  return tables[1]
end

-- A read-only view: args.table is the table, args.except the keys that may be assigned,
-- args.expose (optional) the only keys that show.
function tab.readonly(args)
  local t = args.table
  local except = args.except or {}
  local expose = args.expose
  local function shown(k) return expose == nil or tab.contains(expose, k) end
  return setmetatable({}, {
    __index = function(_, k)
      if shown(k) then return t[k] end
    end,
    __newindex = function(_, k, v)
      if tab.contains(except, k) then
        t[k] = v
      else
        error("'" .. tostring(k) .. "', a read-only key, cannot be re-assigned.", 2)
      end
    end,
    __pairs = function()
      local function iter(_, k)
        local nk, nv = next(t, k)
        while nk ~= nil and not shown(nk) do nk, nv = next(t, nk) end
        return nk, nv
      end
      return iter, t, nil
    end,
    __len = function() return #t end,
  })
end

-- A new table with default_values' keys, each taken from custom_values where it has one.
function tab.gather(default_values, custom_values)
  local out = {}
  for k, v in pairs(default_values) do
    local c = custom_values[k]
    if c == nil then out[k] = v else out[k] = c end
  end
  return out
end

-- Copies updated_values into table_to_mutate (new keys too) and returns it.
function tab.update(table_to_mutate, updated_values)
  for k, v in pairs(updated_values) do table_to_mutate[k] = v end
  return table_to_mutate
end

-- The entries for which condition(value, key) is true, under their own keys.
function tab.select_values(tbl, condition)
  local out = {}
  for k, v in pairs(tbl) do
    if condition(v, k) then out[k] = v end
  end
  return out
end

return tab
