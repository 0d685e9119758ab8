-- musicutil: scales, chords, names, frequencies, snapping.
local mu = require "musicutil"

test("every listed scale exists and ends with the octave", function()
  local names = {
    "Major", "Natural Minor", "Harmonic Minor", "Melodic Minor", "Dorian", "Phrygian", "Lydian",
    "Mixolydian", "Locrian", "Whole Tone", "Major Pentatonic", "Minor Pentatonic", "Major Bebop",
    "Altered Scale", "Dorian Bebop", "Mixolydian Bebop", "Blues Scale", "Diminished Whole Half",
    "Diminished Half Whole", "Neapolitan Major", "Hungarian Major", "Harmonic Major", "Hungarian Minor",
    "Lydian Minor", "Neapolitan Minor", "Major Locrian", "Leading Whole Tone", "Six Tone Symmetrical",
    "Balinese", "Persian", "East Indian Purvi", "Oriental", "Double Harmonic", "Enigmatic", "Overtone",
    "Eight Tone Spanish", "Prometheus", "Gagaku Rittsu Sen Pou", "In Sen Pou", "Okinawa", "Chromatic",
  }
  expect.eq(#mu.SCALES, #names)
  for i, name in ipairs(names) do
    local s = mu.SCALES[i]
    expect.eq(s.name, name)
    expect.eq(s.intervals[1], 0, name)
    expect.eq(s.intervals[#s.intervals], 12, name)
    for j = 2, #s.intervals do expect.truthy(s.intervals[j] > s.intervals[j - 1], name .. " ascends") end
  end
end)

test("generate_scale: C major from 60, by name, alt name, case and index", function()
  local c_major = { 60, 62, 64, 65, 67, 69, 71, 72 }
  expect.list(mu.generate_scale(60, "Major"), c_major)
  expect.list(mu.generate_scale(60, "ionian"), c_major)
  expect.list(mu.generate_scale(60, "major"), c_major)
  expect.list(mu.generate_scale(60, 1), c_major)
  expect.list(mu.generate_scale(57, "minor", 2), { 57, 59, 60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79, 81 })
  expect.list(mu.generate_scale(0, "Minor Pentatonic"), { 0, 3, 5, 7, 10, 12 })
  expect.eq(#mu.generate_scale(0, "Chromatic", 3), 37)
end)

test("generate_scale stops at 127 and clamps the root", function()
  expect.list(mu.generate_scale(120, "Major"), { 120, 122, 124, 125, 127 })
  expect.list(mu.generate_scale(130, "Major Pentatonic"), { 127 })
  expect.eq(mu.generate_scale(-5, "Major")[1], 0)
end)

test("generate_scale_of_length", function()
  expect.list(mu.generate_scale_of_length(60, "Major Pentatonic", 8), { 60, 62, 64, 67, 69, 72, 74, 76 })
  expect.list(mu.generate_scale_of_length(48, "Whole Tone", 3), { 48, 50, 52 })
end)

test("unknown scale and chord names are clear errors", function()
  expect.error(function() mu.generate_scale(60, "xyz") end, "musicutil: unknown scale 'xyz'")
  expect.error(function() mu.generate_scale(60, 99) end, "unknown scale '99'")
  expect.error(function() mu.generate_chord(60, "Major 42") end, "musicutil: unknown chord 'Major 42'")
  local ok, err = pcall(function() mu.generate_scale_of_length(60, "nope", 4) end)
  expect.falsy(ok)
  expect.truthy(tostring(err):find("test_musicutil.lua", 1, true), "error points at the caller: " .. tostring(err))
end)

test("generate_chord and inversions", function()
  expect.list(mu.generate_chord(60, "Major"), { 60, 64, 67 })
  expect.list(mu.generate_chord(60, "Minor 7"), { 60, 63, 67, 70 })
  expect.list(mu.generate_chord(60, "dom7"), { 60, 64, 67, 70 })
  expect.list(mu.generate_chord(62, "Sus2"), { 62, 64, 69 })
  expect.list(mu.generate_chord(60, "Diminished"), { 60, 63, 66 })
  expect.list(mu.generate_chord(60, "Augmented"), { 60, 64, 68 })
  expect.list(mu.generate_chord(60, "Major", 1), { 64, 67, 72 })
  expect.list(mu.generate_chord(60, "Major", 2), { 67, 72, 76 })
  expect.list(mu.generate_chord(60, "Major", 3), { 72, 76, 79 })
  expect.list(mu.generate_chord(120, "Major 7"), { 120, 124, 127 })
end)

test("note <-> frequency", function()
  expect.eq(mu.note_num_to_freq(69), 440)
  expect.near(mu.note_num_to_freq(60), 261.6255653005986, 1e-9)
  expect.eq(mu.note_num_to_freq(81), 880)
  expect.eq(mu.freq_to_note_num(440), 69)
  expect.eq(mu.freq_to_note_num(261.63), 60)
  expect.eq(mu.freq_to_note_num(452), 69)
  expect.eq(mu.freq_to_note_num(454), 70)
  expect.eq(mu.freq_to_note_num(1), 0)
  expect.eq(mu.freq_to_note_num(1e6), 127)
  for n = 0, 127 do expect.eq(mu.freq_to_note_num(mu.note_num_to_freq(n)), n) end
  expect.list(mu.note_nums_to_freqs { 57, 69 }, { 220, 440 })
  expect.list(mu.freqs_to_note_nums { 220, 880 }, { 57, 81 })
end)

test("note names", function()
  expect.eq(mu.note_num_to_name(60, true), "C4")
  expect.eq(mu.note_num_to_name(60), "C")
  expect.eq(mu.note_num_to_name(61, true), "C#4")
  expect.eq(mu.note_num_to_name(69, true), "A4")
  expect.eq(mu.note_num_to_name(0, true), "C-1")
  expect.eq(mu.note_num_to_name(127, true), "G9")
  expect.list(mu.note_nums_to_names({ 60, 64, 67 }, true), { "C4", "E4", "G4" })
  expect.eq(mu.note_name_to_num("C4"), 60)
  expect.eq(mu.note_name_to_num("Db4"), 61)
  expect.eq(mu.note_name_to_num("a#3"), 58)
  expect.eq(mu.note_name_to_num("C-1"), 0)
  expect.eq(mu.note_name_to_num("H2"), nil)
  for n = 0, 127 do expect.eq(mu.note_name_to_num(mu.note_num_to_name(n, true)), n) end
end)

test("snap_note_to_array: nearest, ties go low", function()
  local arr = { 60, 62, 64, 65, 67 }
  expect.eq(mu.snap_note_to_array(61, arr), 60)
  expect.eq(mu.snap_note_to_array(63, arr), 62)
  expect.eq(mu.snap_note_to_array(63.6, arr), 64)
  expect.eq(mu.snap_note_to_array(66, arr), 65)
  expect.eq(mu.snap_note_to_array(100, arr), 67)
  expect.eq(mu.snap_note_to_array(10, arr), 60)
  expect.eq(mu.snap_note_to_array(61, { 62, 60 }), 60, "unsorted arrays work")
  expect.list(mu.snap_notes_to_array({ 61, 66 }, arr), { 60, 65 })
end)

test("interval <-> ratio", function()
  expect.eq(mu.interval_to_ratio(12), 2)
  expect.eq(mu.interval_to_ratio(-12), 0.5)
  expect.near(mu.interval_to_ratio(7), 1.4983070768766815, 1e-12)
  expect.near(mu.ratio_to_interval(1.5), 7.019550008653874, 1e-12)
  expect.eq(mu.ratio_to_interval(4), 24)
  expect.list(mu.intervals_to_ratios { 0, 12 }, { 1, 2 })
  expect.list(mu.ratios_to_intervals { 1, 2 }, { 0, 12 })
end)
