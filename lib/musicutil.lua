-- musicutil: mirrors norns' lua/lib/musicutil.lua (scales, chords, note names,
-- frequency conversion). Differences from norns:
--  * unknown scale/chord names raise a clear error instead of returning nil.
--  * snap_note_to_array works on unsorted arrays too (nearest; ties go low).
--  * note_name_to_num is an addition ("C4" -> 60, flats accepted).
local util = require "util"

local M = {}

M.NOTE_NAMES = { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" }

-- Intervals in semitones from the root, ending with the octave (12) as in norns.
M.SCALES = {
  { name = "Major", alt_names = { "Ionian" }, intervals = { 0, 2, 4, 5, 7, 9, 11, 12 } },
  { name = "Natural Minor", alt_names = { "Minor", "Aeolian" }, intervals = { 0, 2, 3, 5, 7, 8, 10, 12 } },
  { name = "Harmonic Minor", intervals = { 0, 2, 3, 5, 7, 8, 11, 12 } },
  { name = "Melodic Minor", intervals = { 0, 2, 3, 5, 7, 9, 11, 12 } },
  { name = "Dorian", intervals = { 0, 2, 3, 5, 7, 9, 10, 12 } },
  { name = "Phrygian", intervals = { 0, 1, 3, 5, 7, 8, 10, 12 } },
  { name = "Lydian", intervals = { 0, 2, 4, 6, 7, 9, 11, 12 } },
  { name = "Mixolydian", intervals = { 0, 2, 4, 5, 7, 9, 10, 12 } },
  { name = "Locrian", intervals = { 0, 1, 3, 5, 6, 8, 10, 12 } },
  { name = "Whole Tone", intervals = { 0, 2, 4, 6, 8, 10, 12 } },
  { name = "Major Pentatonic", alt_names = { "Gagaku Ryo Sen Pou" }, intervals = { 0, 2, 4, 7, 9, 12 } },
  { name = "Minor Pentatonic", alt_names = { "Zokugaku Yo Sen Pou" }, intervals = { 0, 3, 5, 7, 10, 12 } },
  { name = "Major Bebop", intervals = { 0, 2, 4, 5, 7, 8, 9, 11, 12 } },
  { name = "Altered Scale", alt_names = { "Super Locrian" }, intervals = { 0, 1, 3, 4, 6, 8, 10, 12 } },
  { name = "Dorian Bebop", intervals = { 0, 2, 3, 4, 5, 7, 9, 10, 12 } },
  { name = "Mixolydian Bebop", intervals = { 0, 2, 4, 5, 7, 9, 10, 11, 12 } },
  { name = "Blues Scale", alt_names = { "Blues" }, intervals = { 0, 3, 5, 6, 7, 10, 12 } },
  { name = "Diminished Whole Half", intervals = { 0, 2, 3, 5, 6, 8, 9, 11, 12 } },
  { name = "Diminished Half Whole", intervals = { 0, 1, 3, 4, 6, 7, 9, 10, 12 } },
  { name = "Neapolitan Major", intervals = { 0, 1, 3, 5, 7, 9, 11, 12 } },
  { name = "Hungarian Major", intervals = { 0, 3, 4, 6, 7, 9, 10, 12 } },
  { name = "Harmonic Major", intervals = { 0, 2, 4, 5, 7, 8, 11, 12 } },
  { name = "Hungarian Minor", intervals = { 0, 2, 3, 6, 7, 8, 11, 12 } },
  { name = "Lydian Minor", intervals = { 0, 2, 4, 6, 7, 8, 10, 12 } },
  { name = "Neapolitan Minor", alt_names = { "Byzantine" }, intervals = { 0, 1, 3, 5, 7, 8, 11, 12 } },
  { name = "Major Locrian", alt_names = { "Arabian" }, intervals = { 0, 2, 4, 5, 6, 8, 10, 12 } },
  { name = "Leading Whole Tone", intervals = { 0, 2, 4, 6, 8, 10, 11, 12 } },
  { name = "Six Tone Symmetrical", intervals = { 0, 1, 4, 5, 8, 9, 12 } },
  { name = "Balinese", intervals = { 0, 1, 3, 7, 8, 12 } },
  { name = "Persian", intervals = { 0, 1, 4, 5, 6, 8, 11, 12 } },
  { name = "East Indian Purvi", intervals = { 0, 1, 4, 6, 7, 8, 11, 12 } },
  { name = "Oriental", intervals = { 0, 1, 4, 5, 6, 9, 10, 12 } },
  { name = "Double Harmonic", alt_names = { "Gypsy Major" }, intervals = { 0, 1, 4, 5, 7, 8, 11, 12 } },
  { name = "Enigmatic", intervals = { 0, 1, 4, 6, 8, 10, 11, 12 } },
  { name = "Overtone", alt_names = { "Lydian Dominant", "Acoustic" }, intervals = { 0, 2, 4, 6, 7, 9, 10, 12 } },
  { name = "Eight Tone Spanish", intervals = { 0, 1, 3, 4, 5, 6, 8, 10, 12 } },
  { name = "Prometheus", intervals = { 0, 2, 4, 6, 9, 10, 12 } },
  { name = "Gagaku Rittsu Sen Pou", intervals = { 0, 2, 5, 7, 9, 10, 12 } },
  { name = "In Sen Pou", intervals = { 0, 1, 5, 7, 10, 12 } },
  { name = "Okinawa", intervals = { 0, 4, 5, 7, 11, 12 } },
  { name = "Chromatic", intervals = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 } },
}

-- Intervals from the root, lowest first.
M.CHORDS = {
  { name = "Major", alt_names = { "Maj" }, intervals = { 0, 4, 7 } },
  { name = "Major 6", alt_names = { "Maj6" }, intervals = { 0, 4, 7, 9 } },
  { name = "Major 7", alt_names = { "Maj7" }, intervals = { 0, 4, 7, 11 } },
  { name = "Major 69", alt_names = { "Maj69" }, intervals = { 0, 4, 7, 9, 14 } },
  { name = "Major 9", alt_names = { "Maj9" }, intervals = { 0, 4, 7, 11, 14 } },
  { name = "Major 11", alt_names = { "Maj11" }, intervals = { 0, 4, 7, 11, 14, 17 } },
  { name = "Major 13", alt_names = { "Maj13" }, intervals = { 0, 4, 7, 11, 14, 21 } },
  { name = "Dominant 7", alt_names = { "Dom7", "Seventh" }, intervals = { 0, 4, 7, 10 } },
  { name = "Ninth", alt_names = { "Dom9" }, intervals = { 0, 4, 7, 10, 14 } },
  { name = "Eleventh", alt_names = { "Dom11" }, intervals = { 0, 4, 7, 10, 14, 17 } },
  { name = "Thirteenth", alt_names = { "Dom13" }, intervals = { 0, 4, 7, 10, 14, 21 } },
  { name = "Augmented", alt_names = { "Aug" }, intervals = { 0, 4, 8 } },
  { name = "Augmented 7", alt_names = { "Aug7" }, intervals = { 0, 4, 8, 10 } },
  { name = "Sus4", intervals = { 0, 5, 7 } },
  { name = "Sus2", intervals = { 0, 2, 7 } },
  { name = "Seventh sus4", alt_names = { "7sus4" }, intervals = { 0, 5, 7, 10 } },
  { name = "Minor Major 7", alt_names = { "MinMaj7" }, intervals = { 0, 3, 7, 11 } },
  { name = "Minor", alt_names = { "Min" }, intervals = { 0, 3, 7 } },
  { name = "Minor 6", alt_names = { "Min6" }, intervals = { 0, 3, 7, 9 } },
  { name = "Minor 7", alt_names = { "Min7" }, intervals = { 0, 3, 7, 10 } },
  { name = "Minor 69", alt_names = { "Min69" }, intervals = { 0, 3, 7, 9, 14 } },
  { name = "Minor 9", alt_names = { "Min9" }, intervals = { 0, 3, 7, 10, 14 } },
  { name = "Minor 11", alt_names = { "Min11" }, intervals = { 0, 3, 7, 10, 14, 17 } },
  { name = "Minor 13", alt_names = { "Min13" }, intervals = { 0, 3, 7, 10, 14, 21 } },
  { name = "Diminished", alt_names = { "Dim" }, intervals = { 0, 3, 6 } },
  { name = "Diminished 7", alt_names = { "Dim7" }, intervals = { 0, 3, 6, 9 } },
  { name = "Half Diminished 7", alt_names = { "Min7b5" }, intervals = { 0, 3, 6, 10 } },
}

-- Find an entry by index, exact name, or case-insensitive name/alt name.
local function find(list, key, what)
  if type(key) == "number" then
    local e = list[key]
    if e then return e end
  elseif type(key) == "string" then
    local lower = key:lower()
    for _, e in ipairs(list) do
      if e.name == key then return e end
    end
    for _, e in ipairs(list) do
      if e.name:lower() == lower then return e end
      for _, alt in ipairs(e.alt_names or {}) do
        if alt:lower() == lower then return e end
      end
    end
  end
  error("musicutil: unknown " .. what .. " '" .. tostring(key) .. "'", 3)
end

-- Notes above 127 are dropped (the list stops), as in norns.
function M.generate_scale_of_length(root_num, scale_type, length)
  local scale = find(M.SCALES, scale_type, "scale")
  local steps = #scale.intervals - 1 -- the trailing 12 is the next octave's root
  root_num = util.clamp(root_num, 0, 127)
  local out = {}
  for i = 0, (length or 8) - 1 do
    local note = root_num + 12 * (i // steps) + scale.intervals[i % steps + 1]
    if note > 127 then break end
    out[#out + 1] = note
  end
  return out
end

function M.generate_scale(root_num, scale_type, octaves)
  local scale = find(M.SCALES, scale_type, "scale")
  octaves = octaves or 1
  return M.generate_scale_of_length(root_num, scale.name, (#scale.intervals - 1) * octaves + 1)
end

-- inversion n moves the lowest note up an octave, n times (3 on a triad = all up an octave).
function M.generate_chord(root_num, chord_type, inversion)
  local chord = find(M.CHORDS, chord_type or 1, "chord")
  root_num = util.clamp(root_num, 0, 127)
  local notes = {}
  for i, iv in ipairs(chord.intervals) do notes[i] = root_num + iv end
  for _ = 1, inversion or 0 do
    table.insert(notes, table.remove(notes, 1) + 12)
  end
  local out = {}
  for _, n in ipairs(notes) do
    if n <= 127 then out[#out + 1] = n end
  end
  return out
end

function M.note_num_to_freq(note_num)
  return 440 * 2 ^ ((note_num - 69) / 12)
end

function M.freq_to_note_num(freq)
  return util.clamp(math.floor(12 * math.log(freq / 440, 2) + 69.5), 0, 127)
end

function M.note_nums_to_freqs(list)
  local out = {}
  for i, n in ipairs(list) do out[i] = M.note_num_to_freq(n) end
  return out
end

function M.freqs_to_note_nums(list)
  local out = {}
  for i, f in ipairs(list) do out[i] = M.freq_to_note_num(f) end
  return out
end

-- 60 -> "C" or "C4" (middle C is C4; note 0 is C-1).
function M.note_num_to_name(note_num, include_octave)
  local n = math.floor(note_num + 0.5)
  local name = M.NOTE_NAMES[n % 12 + 1]
  if include_octave then name = name .. (n // 12 - 1) end
  return name
end

function M.note_nums_to_names(list, include_octave)
  local out = {}
  for i, n in ipairs(list) do out[i] = M.note_num_to_name(n, include_octave) end
  return out
end

local PITCH_CLASS = { c = 0, d = 2, e = 4, f = 5, g = 7, a = 9, b = 11 }

-- "C4" -> 60, "Db3" -> 49, "a#" -> 10 (octave -1 when omitted). nil when unparseable.
function M.note_name_to_num(name)
  local letter, accidentals, octave = tostring(name):match("^%s*([A-Ga-g])([#b]*)(%-?%d*)%s*$")
  if not letter then return nil end
  local n = PITCH_CLASS[letter:lower()]
  for c in accidentals:gmatch(".") do n = n + (c == "#" and 1 or -1) end
  return n + 12 * ((tonumber(octave) or -1) + 1)
end

-- The array value nearest to note_num; on a tie the lower value wins.
function M.snap_note_to_array(note_num, snap_array)
  local best, best_d
  for _, v in ipairs(snap_array) do
    local d = math.abs(note_num - v)
    if not best or d < best_d or (d == best_d and v < best) then best, best_d = v, d end
  end
  return best
end

function M.snap_notes_to_array(note_nums, snap_array)
  local out = {}
  for i, n in ipairs(note_nums) do out[i] = M.snap_note_to_array(n, snap_array) end
  return out
end

function M.interval_to_ratio(interval)
  return 2 ^ (interval / 12)
end

function M.ratio_to_interval(ratio)
  return 12 * math.log(ratio, 2)
end

function M.intervals_to_ratios(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = M.interval_to_ratio(v) end
  return out
end

function M.ratios_to_intervals(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = M.ratio_to_interval(v) end
  return out
end

return M
