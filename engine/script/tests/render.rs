//! Scripts rendered offline on the virtual clock: the audio shows when and what they played.

mod common;

use common::*;
use wyrd_analysis::spectral::spectral_centroid;
use wyrd_analysis::spectral::SpectralConfig;

/// Where a note struck at frame 0 first sounds (the oscillators' band-limiting delay).
fn onset_delay() -> usize {
    let s = Script::new("one", "function init() engine.note_on(69, 100) end");
    let (audio, _) = render(&s.file, 0.1, sine_patch());
    audio.left.iter().position(|&x| x != 0.0).unwrap()
}

#[test]
fn clock_sync_notes_start_on_their_exact_samples() {
    // 120 bpm: a half beat is 12000 frames. Each note is short and ends in silence.
    let s = Script::new(
        "steps",
        r#"
        function init()
          clock.run(function()
            for i = 1, 6 do
              clock.sync(1/2)
              engine.note_on(60 + i, 100)
              clock.sleep(0.02)
              engine.note_off(60 + i)
            end
          end)
        end"#,
    );
    let (audio, report) = render(&s.file, 4.0, sine_patch());
    assert_eq!(report.error_count, 0, "{:?}", report.errors);
    assert_eq!(report.late_commands, 0);
    let d = onset_delay();
    let expected: Vec<usize> = (1..=6).map(|k| k * 12_000 + d).collect();
    assert_eq!(onsets(&audio.left, 2000), expected);
}

#[test]
fn metro_ticks_and_tempo_changes_land_on_exact_frames() {
    // A metro every 0.1 s (4800 frames); from beat 2 at 60 bpm, syncs on whole beats.
    let s = Script::new(
        "tick",
        r#"
        function init()
          m = metro.init(function(stage)
            engine.note_on(72, 100)
            clock.run(function() clock.sleep(0.01) engine.note_off(72) end)
          end, 0.1, 3)
          m:start()
          clock.run(function()
            clock.sync(2)           -- beat 2 at 120 bpm: frame 48000
            clock.set_tempo(60)
            for i = 1, 2 do
              clock.sync(1)         -- beats 3 and 4 at 60 bpm: 96000, 144000
              engine.note_on(60, 100)
              clock.sleep(0.01)
              engine.note_off(60)
            end
          end)
        end"#,
    );
    let (audio, report) = render(&s.file, 3.5, sine_patch());
    assert_eq!(report.error_count, 0, "{:?}", report.errors);
    let d = onset_delay();
    let expected: Vec<usize> = [4800, 9600, 14400, 96_000, 144_000]
        .iter()
        .map(|f| f + d)
        .collect();
    assert_eq!(onsets(&audio.left, 1000), expected);
}

#[test]
fn a_swept_cutoff_shows_in_the_spectrum() {
    // An envelope sweeps the low-pass from closed to open over 3 s on a held saw.
    let s = Script::new(
        "sweep",
        r#"
        function init()
          engine.filter_cutoff(-0.3)
          engine.note_on(48, 100)
          sweep = env.new{ levels = {0, 1}, times = {3}, curves = {'lin'},
            min = -0.3, max = 1.2, action = function(v) engine.filter_cutoff(v) end }
          sweep:trigger()
        end"#,
    );
    let (audio, report) = render(&s.file, 4.0, saw_patch());
    assert_eq!(report.error_count, 0, "{:?}", report.errors);
    let mono = audio.mono();
    let cfg = SpectralConfig::new(SR);
    let centroid = |a: usize, b: usize| {
        let c = spectral_centroid(&mono[a..b], &cfg).unwrap();
        let mut v: Vec<f64> = c.into_iter().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let start = centroid(4800, 24_000);
    let end = centroid(3 * 48_000 + 4800, 4 * 48_000 - 4800);
    assert!(end > 4.0 * start, "centroid {start:.0} Hz -> {end:.0} Hz");
}

#[test]
fn two_renders_are_bit_identical() {
    // Randomness, LFOs, metros and polls all run on the virtual clock.
    let s = Script::new(
        "random",
        r#"
        function init()
          wob = lfo:add{ shape = 'random', min = 0.2, max = 1.0, period = 0.5, mode = 'free',
            action = function(v) engine.filter_cutoff(v) end }
          wob:start()
          p = poll.set('amp_in_l', function(v) engine.osc2_detune(v) end)
          p.time = 0.05
          p:start()
          clock.run(function()
            while true do
              clock.sync(1/4)
              local n = 48 + math.random(0, 24)
              engine.note_on(n, math.random(40, 127))
              clock.sleep(math.random() * 0.2)
              engine.note_off(n)
            end
          end)
        end"#,
    );
    let (a, ra) = render(&s.file, 3.0, saw_patch());
    let (b, _) = render(&s.file, 3.0, saw_patch());
    assert_eq!(ra.error_count, 0, "{:?}", ra.errors);
    assert!(a.left.iter().any(|&x| x.abs() > 0.01));
    assert!(a == b, "renders differ");
}

#[test]
fn a_runtime_error_is_reported_with_its_line_and_the_music_goes_on() {
    let s = Script::new(
        "oops",
        r#"
        function init()
          clock.run(function()
            while true do
              clock.sync(1/2)
              engine.note_on(60, 100)
              clock.sleep(0.02)
              engine.note_off(60)
            end
          end)
          clock.run(function()
            clock.sleep(1)
            local t = nil
            print(t.field) -- line 14
          end)
          m = metro.init(function(stage) if stage == 2 then error('metro says no') end end, 0.5, 4)
          m:start()
        end"#,
    );
    let (audio, report) = render(&s.file, 4.0, sine_patch());
    assert_eq!(report.error_count, 2, "{:?}", report.errors);
    assert!(
        report.errors[0].contains("oops.lua:14:"),
        "{}",
        report.errors[0]
    );
    assert!(
        report.errors[0].contains("stack traceback"),
        "{}",
        report.errors[0]
    );
    assert!(
        report.errors[1].contains("metro says no"),
        "{}",
        report.errors[1]
    );
    // The sequencer kept playing after both errors: all 15 notes are there.
    assert_eq!(onsets(&audio.left, 2000).len(), 15);
}

#[test]
fn a_runaway_callback_is_interrupted_and_the_render_finishes() {
    let s = Script::new(
        "spin",
        r#"
        function init()
          clock.run(function()
            while true do
              clock.sync(1/2)
              engine.note_on(60, 100)
              clock.sleep(0.02)
              engine.note_off(60)
            end
          end)
          clock.run(function()
            clock.sleep(1)
            while true do end
          end)
        end"#,
    );
    let (audio, report) = render(&s.file, 4.0, sine_patch());
    assert!(report.runaways >= 1);
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.contains("runaway") && e.contains("spin.lua:13")),
        "{:?}",
        report.errors
    );
    assert_eq!(onsets(&audio.left, 2000).len(), 15);
}

#[test]
fn a_pset_round_trip_sounds_the_same() {
    // Script A sets synth and script params, saves pset 1 and plays; script B only reads pset 1
    // and plays. The renders must be identical, and so must the param values.
    let a = Script::new(
        "psa",
        r#"
        function init()
          params:add_number('root', 'root', 24, 96, 48)
          params:add_control('cut', 'cut', controlspec.new(-0.5, 1.5, 'lin', 0, 0.5))
          params:set_action('cut', function(v) engine.filter_cutoff(v) end)
          params:set('root', 55)
          params:set('cut', 0.123456789)
          params:set('osc1_waveform', 3)   -- an option param: 1-based
          params:set('amp_release', 0.3)
          params:write(1, 'take one')
          engine.note_on(params:get('root'), 100)
        end"#,
    );
    let b_file = a.sibling(
        "psb",
        r#"
        function init()
          params:add_number('root', 'root', 24, 96, 48)
          params:add_control('cut', 'cut', controlspec.new(-0.5, 1.5, 'lin', 0, 0.5))
          params:set_action('cut', function(v) engine.filter_cutoff(v) end)
          params.script_name = 'psa'
          params.data_dir = params.data_dir:gsub('psb$', 'psa')
          params:read(1)
          engine.note_on(params:get('root'), 100)
        end"#,
    );
    let data = a.dir.path().join("data");
    let mut spec_a = wyrd_script::render::ScriptRender::new(&a.file, 1.0);
    spec_a.patch = saw_patch();
    spec_a.data_root = Some(data.clone());
    let mut spec_b = spec_a.clone();
    spec_b.script = b_file;
    let (audio_a, ra) = wyrd_script::render::render_script(&spec_a).unwrap();
    assert_eq!(ra.error_count, 0, "{:?}", ra.errors);
    let pset = std::fs::read_to_string(data.join("psa/psa-01.pset")).unwrap();
    assert!(pset.starts_with("-- take one"), "{pset}");
    assert!(pset.contains("\"cut\": 0.123456789"), "{pset}");
    let (audio_b, rb) = wyrd_script::render::render_script(&spec_b).unwrap();
    assert_eq!(rb.error_count, 0, "{:?}", rb.errors);
    assert!(audio_a.left.iter().any(|&x| x != 0.0));
    assert!(audio_a == audio_b, "the pset did not restore the sound");
}

/// The shipped example scripts (`scripts/<name>/<name>.lua`).
fn examples() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts");
    let mut found: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|d| {
            let name = d.file_name()?.to_string_lossy().into_owned();
            let f = d.join(format!("{name}.lua"));
            f.is_file().then_some(f)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn the_example_scripts_play_without_errors_and_render_identically() {
    let files = examples();
    assert!(files.len() >= 4, "{files:?}");
    for file in files {
        let data = wyrd_testrig::TempDir::new("wyrd-example-data").unwrap();
        let mut spec = wyrd_script::render::ScriptRender::new(&file, 6.0);
        spec.data_root = Some(data.path().to_path_buf());
        if file.ends_with("arp/arp.lua") {
            // It plays what a keyboard holds.
            spec.events = wyrd_script::parse_events(
                "0.1 midi note_on 60 100\n0.1 midi note_on 67 100\n4 midi note_off 60\n",
                "events",
                spec.sample_rate,
                spec.bpm,
            )
            .unwrap();
        }
        if file.ends_with("resynth/resynth.lua") {
            // It plays what it hears: a held note of the default patch in its input.
            let note = wyrd_render::NoteRender {
                notes: vec![57],
                hold: 3.0,
                tail: 0.5,
                sample_rate: spec.sample_rate,
                ..wyrd_render::NoteRender::default()
            };
            spec.input = Some(wyrd_render::render_notes(
                &wyrd_schema::Patch::default(),
                &note,
            ));
        }
        let (a, report) = wyrd_script::render::render_script(&spec).unwrap();
        assert_eq!(
            report.error_count,
            0,
            "{}: {:?}",
            file.display(),
            report.errors
        );
        assert_eq!(report.runaways, 0);
        let peak = a
            .left
            .iter()
            .chain(&a.right)
            .fold(0f32, |m, x| m.max(x.abs()));
        assert!(
            peak > 0.05 && peak <= 1.0,
            "{}: peak {peak}",
            file.display()
        );
        // A second render in a fresh data folder (a pset written by the first must not
        // change the second).
        let data2 = wyrd_testrig::TempDir::new("wyrd-example-data").unwrap();
        spec.data_root = Some(data2.path().to_path_buf());
        let (b, _) = wyrd_script::render::render_script(&spec).unwrap();
        assert!(a == b, "{}: renders differ", file.display());
    }
}
