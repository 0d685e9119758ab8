//! Captures from the real amSynth. Opt-in, because they need jackd2 and amsynth installed:
//! `WYRD_FIDELITY=1 cargo test -p wyrd-fidelity --test amsynth_capture`.

use std::io::Write;
use std::path::{Path, PathBuf};

use wyrd_fidelity::rig::{NoteSpec, Rig, RigOptions, Take};
use wyrd_render::Stereo;
use wyrd_testrig::TempDir;
use wyrd_testrig::{Job, MidiEvent};

fn enabled(test: &str) -> bool {
    let on = std::env::var("WYRD_FIDELITY").is_ok_and(|v| v == "1");
    if !on {
        // Straight to the stderr handle: libtest swallows eprintln! from passing tests, and a
        // skip must be visible.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: set WYRD_FIDELITY=1 to run the amSynth capture tests (needs jackd2 and amsynth)"
        );
    }
    on
}

/// A test preset whose output is easy to reason about: a 50 % square from osc 1 alone, no
/// filter, no reverb, no velocity response, shortest attack and release (0.5 ms), full sustain.
const SQUARE_BANK: &str = "amSynth\n<preset> <name> square\n\
<parameter> amp_attack 0\n<parameter> amp_decay 0\n<parameter> amp_sustain 1\n<parameter> amp_release 0\n\
<parameter> osc1_waveform 1\n<parameter> osc1_pulsewidth 0\n<parameter> osc_mix -1\n<parameter> filter_type 4\n\
<parameter> reverb_wet 0\n<parameter> master_vol 0.3\n<parameter> amp_vel_sens 0\n<parameter> filter_vel_sens 0\nEOF\n";

/// |x| maximum over ±2 samples: the level of the square regardless of its band-limited edges.
fn envelope(x: &[f32]) -> Vec<f32> {
    (0..x.len())
        .map(|i| {
            x[i.saturating_sub(2)..(i + 3).min(x.len())]
                .iter()
                .fold(0f32, |m, v| m.max(v.abs()))
        })
        .collect()
}

fn first_nonzero(x: &[f32]) -> Option<usize> {
    x.iter().position(|v| *v != 0.0)
}

fn real_bank() -> PathBuf {
    let dir = wyrd_bank::banks_dir().expect("no amSynth banks; run ./setup.sh banks");
    dir.join("BriansBank01.amSynth.bank")
}

fn assert_usable(s: &Stereo, what: &str) {
    assert!(
        s.left.iter().chain(&s.right).all(|v| v.is_finite()),
        "{what}: non-finite output"
    );
    let peak = s.left.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(peak > 1e-3, "{what}: silent (peak {peak})");
}

#[test]
fn capture_is_sample_aligned_deterministic_and_cleaned_up() {
    if !enabled("capture_is_sample_aligned_deterministic_and_cleaned_up") {
        return;
    }
    let dir = TempDir::new("wyrd-fidelity-test").unwrap();
    let square = dir.path().join("square.bank");
    std::fs::write(&square, SQUARE_BANK).unwrap();
    let mut rig = Rig::start(RigOptions::default()).unwrap();
    let jackd = rig.jackd_pid().unwrap();
    let hold = 4800u32;
    let spec = NoteSpec {
        note: 60,
        velocity: 100,
        hold_frames: hold,
        tail_frames: 4800,
    };

    // Note-on: sample 0 is the note-on frame. Every gain in amSynth starts from 0, so sample 0
    // itself is exactly 0 and sound starts at sample 1; a capture that started early would show
    // leading zeros, one that started late a nonzero sample 0.
    let s = rig.capture(&square, 0, &spec, Take::Fresh).unwrap();
    assert_usable(&s, "square");
    assert_eq!(first_nonzero(&s.left), Some(1), "head {:?}", &s.left[..4]);
    // Note-off after exactly `hold` frames: full level up to it, half level within 1 ms
    // (0.5 ms linear release plus the VCA's ~0.16 ms smoothing).
    let env = envelope(&s.left);
    let level = env[hold as usize / 2];
    assert!((0.17..0.19).contains(&level), "sustain level {level}");
    assert!(
        env[1000..hold as usize].iter().all(|&e| e > 0.95 * level),
        "level dropped before the note-off"
    );
    let off = (hold as usize..env.len())
        .find(|&i| env[i] < 0.5 * level)
        .unwrap();
    assert!(
        off < hold as usize + 48,
        "release reached half level at {off}, note-off was at {hold}"
    );
    assert!(
        env[hold as usize + 200..].iter().all(|&e| e < 1e-3),
        "silent after the release"
    );

    // A note-on in the middle of a JACK period lands on its exact frame too.
    let p = rig.preroll();
    for offset in [1, 100, 255] {
        let on = p + offset;
        let job = Job::new(
            vec![
                MidiEvent::note_on(on, 60, 100),
                MidiEvent::note_off(on + hold, 60),
            ],
            on,
            spec.frames(),
        );
        let t = rig.run_job(&square, 0, &job).unwrap();
        assert_eq!(first_nonzero(&t.left), Some(1), "offset {offset}");
        let e = envelope(&t.left);
        let t_off = (hold as usize..e.len())
            .find(|&i| e[i] < 0.5 * level)
            .unwrap();
        assert!(
            t_off.abs_diff(off) <= 20,
            "offset {offset}: note-off response at {t_off}, aligned one at {off}"
        );
        // The attack (before any oscillator edge) is sample for sample the same.
        assert_eq!(&t.left[..40], &s.left[..40], "offset {offset}");
    }

    // A real preset: usable output, and a fresh amSynth renders it bit for bit the same again.
    let bank = real_bank();
    let real = NoteSpec {
        note: 48,
        velocity: 100,
        hold_frames: 24_000,
        tail_frames: 12_000,
    };
    let a = rig.capture(&bank, 3, &real, Take::Fresh).unwrap();
    let b = rig.capture(&bank, 3, &real, Take::Repeat).unwrap();
    assert_usable(&a, "BriansBank01#3");
    assert!(a == b, "two fresh amSynth renders differ");

    drop(rig);
    assert!(
        !Path::new(&format!("/proc/{jackd}")).exists(),
        "jackd outlived the rig"
    );
}

#[test]
fn missing_bank_is_a_clear_error() {
    if !enabled("missing_bank_is_a_clear_error") {
        return;
    }
    let mut rig = Rig::start(RigOptions::default()).unwrap();
    let spec = NoteSpec {
        note: 60,
        velocity: 100,
        hold_frames: 480,
        tail_frames: 480,
    };
    let err = rig
        .capture(Path::new("/nonexistent/x.bank"), 0, &spec, Take::Fresh)
        .unwrap_err();
    assert!(format!("{err:#}").contains("x.bank"), "{err:#}");
}
