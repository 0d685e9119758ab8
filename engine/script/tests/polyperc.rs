//! norns' PolyPerc from scripts: `engine.name = 'PolyPerc'` selects its commands, the example
//! script renders offline at the pitches it plays, and an engine wyrd lacks fails the load.

mod common;

use std::path::PathBuf;

use common::*;
use wyrd_analysis::pitch::{track, PitchConfig};
use wyrd_script::render::{render_script, ScriptRender};

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/perc/perc.lua")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn the_perc_example_plays_its_scale_at_the_expected_pitches() {
    // 60 bpm: a note every half beat, 24000 frames, each nearly silent (−60 dB at 0.5 s)
    // before the next.
    let mut spec = ScriptRender::new(&example(), 5.0);
    spec.bpm = 60.0;
    let (audio, report) = render_script(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.error_count, 0, "{:?}", report.errors);
    assert_eq!(report.late_commands, 0);
    let first = audio.left.iter().position(|&x| x != 0.0).expect("sound");
    let step = 24_000;
    // The first note is on a half-beat boundary (the sample after: the pulse starts at 0).
    assert!(first % step <= 2, "first sound at frame {first}");
    let start = first - first % step;
    // C major from middle C, up and back down.
    let expected = [60, 62, 64, 65, 67, 69, 71, 72, 71];
    let notes = (audio.left.len() - start) / step;
    assert!(notes >= expected.len(), "{notes} notes");
    let cfg = PitchConfig::new(spec.sample_rate);
    for (k, &note) in expected.iter().enumerate() {
        let at = start + k * step;
        // 50..300 ms into the note.
        let window = &audio.left[at + 2400..at + 14_400];
        let hz: Vec<f64> = track(window, &cfg)
            .unwrap()
            .into_iter()
            .filter(|e| e.is_voiced())
            .map(|e| e.hz)
            .collect();
        assert!(hz.len() >= 3, "note {k}: {} voiced estimates", hz.len());
        let got = median(hz);
        let want = 440.0 * 2f64.powf((f64::from(note) - 69.0) / 12.0);
        let cents = 1200.0 * (got / want).log2();
        eprintln!(
            "note {k}: midi {note} expected {want:.2} Hz, tracked {got:.2} Hz ({cents:+.1} cents)"
        );
        assert!(cents.abs() < 10.0, "note {k}: {got} Hz, expected {want} Hz");
        // Both sides sound (pan 0).
        let r = &audio.right[at + 2400..at + 14_400];
        assert_eq!(r, window, "centre pan: left and right equal");
    }
}

#[test]
fn the_perc_params_shape_the_notes_after_them() {
    // The cutoff param darkens the notes played after it is set.
    let s = Script::new(
        "dark",
        &format!(
            "{}\nclock.run(function() clock.sleep(1.9) params:set('cutoff', 80) end)\n",
            std::fs::read_to_string(example()).unwrap()
        ),
    );
    let mut spec = ScriptRender::new(&s.file, 4.0);
    spec.bpm = 60.0;
    let (audio, report) = render_script(&spec).unwrap();
    assert_eq!(report.error_count, 0, "{:?}", report.errors);
    let energy = |a: usize| -> f64 {
        audio.left[a..a + 12_000]
            .iter()
            .map(|&x| f64::from(x).powi(2))
            .sum()
    };
    // Notes at 1.5 s (bright) and 2.5 s (cutoff 80 Hz: far quieter).
    let (bright, dark) = (energy(72_000), energy(120_000));
    assert!(dark < 0.1 * bright, "bright {bright} dark {dark}");
}

#[test]
fn polyperc_commands_replace_amsynths_in_the_listing_but_amsynth_still_plays() {
    let s = Script::new("pp", "engine.name = 'PolyPerc'\nfunction init() end\n");
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    assert_eq!(b.eval("engine.name"), "\"PolyPerc\"");
    // The REPL shows what list_commands prints, then what it returns.
    let list = b.eval("table.concat(engine.list_commands(), ' ')");
    assert!(list.starts_with("___ engine commands ___\nhz "), "{list}");
    assert!(list.contains("\ncutoff "), "{list}");
    assert!(
        list.ends_with("\n\"hz amp pw release cutoff gain pan\""),
        "{list}"
    );
    // Values are clamped to the engine's ranges and returned.
    assert_eq!(b.eval("engine.cutoff(1e6)"), "20000");
    assert_eq!(b.eval("engine.gain(-1)"), "0");
    assert_eq!(b.eval("engine.amp(0.25)"), "0.25");
    assert_eq!(
        b.eval("table.concat(engine.names, ' ')"),
        "\"amsynth PolyPerc\""
    );
    // The amSynth voice stays reachable (MIDI, OSC and its params use it too).
    assert_eq!(b.eval("engine.note_on(60, 100)"), "true");
    assert_eq!(b.eval("engine.filter_cutoff(0.5)"), "0.5");
    let r = b.runtime.repl("engine.nope(1)", at(0));
    assert!(
        !r.ok && r.output.contains("no command 'nope'"),
        "{}",
        r.output
    );
    let r = b.runtime.repl("engine.hz(0/0)", at(0));
    assert!(!r.ok && r.output.contains("finite"), "{}", r.output);

    // nil and 'amsynth' keep amSynth's commands.
    for name in ["nil", "'amsynth'"] {
        let s = Script::new(
            "am",
            &format!("engine.name = {name}\nfunction init() end\n"),
        );
        b.load(&s.file).unwrap();
        let list = b.eval("table.concat(engine.list_commands(), ' ')");
        let names = list.lines().last().unwrap();
        assert!(names.starts_with("\"note_on note_off"), "{list}");
        assert!(!names.contains(" hz "), "{list}");
    }
}

#[test]
fn an_engine_wyrd_lacks_fails_the_load_naming_the_engines() {
    let s = Script::new("nope", "engine.name = 'Nope'\n\nfunction init() end\n");
    let mut b = Bench::start();
    let err = b.load(&s.file).unwrap_err();
    assert!(err.contains("nope.lua:1:"), "{err}");
    assert!(
        err.contains("missing engine") && err.contains("'Nope'"),
        "{err}"
    );
    assert!(err.contains("amsynth, PolyPerc"), "{err}");
    // Offline the same: the render is refused.
    let spec = ScriptRender::new(&s.file, 0.1);
    let e = render_script(&spec).unwrap_err();
    assert!(e.0.contains("missing engine"), "{}", e.0);
}
