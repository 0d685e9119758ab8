//! `wyrd match` and `wyrd index` end to end: a recorded note (a factory preset the index has
//! never seen) becomes a preset that sounds closer than any proposal and plays in tune; the
//! search is deterministic; several notes fit one patch; bad input is a clear error.
//!
//! A small index (two banks) keeps the tests fast; `wyrd index` builds it once per run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use wyrd_render::{render_notes, write_wav, NoteRender, Stereo};
use wyrd_schema::Patch;
use wyrd_testrig::{median_pitch, TempDir};

fn wyrd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(args)
        .output()
        .expect("run wyrd")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A folder for the whole test binary: the small index and the recordings.
fn dir() -> &'static Path {
    static DIR: OnceLock<TempDir> = OnceLock::new();
    DIR.get_or_init(|| TempDir::new("wyrd-match-test").unwrap())
        .path()
}

/// An index of the train-split presets of two banks, built by `wyrd index`.
fn index() -> &'static str {
    static INDEX: OnceLock<PathBuf> = OnceLock::new();
    let path = INDEX.get_or_init(|| {
        let banks = dir().join("banks");
        std::fs::create_dir_all(&banks).unwrap();
        for name in ["BriansBank01.amSynth.bank", "BriansBank02.amSynth.bank"] {
            let from = wyrd_bank::find_bank(Path::new(name)).expect("banks (./setup.sh banks)");
            std::fs::copy(from, banks.join(name)).unwrap();
        }
        let out = dir().join("small.idx");
        let o = wyrd(&["index", "--banks", s(&banks), "-o", s(&out)]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("presets x 3 notes"), "{}", text(&o));
        let o = wyrd(&["index", "--check", "-o", s(&out)]);
        assert!(o.status.success(), "{}", text(&o));
        out
    });
    s(path)
}

/// "Electric Organ 1" of amSynth's factory bank: sustained, pitched, in neither index bank.
fn organ() -> Patch {
    let path = wyrd_bank::find_bank(Path::new("amsynth_factory.bank")).expect("the factory bank");
    wyrd_bank::read_bank(&path).unwrap().presets[7].clone()
}

/// `patch` playing `note`, after 0.2 s of silence, at `sample_rate`.
fn recording(patch: &Patch, note: u8, sample_rate: u32, hold: f64) -> Stereo {
    let mut a = render_notes(
        patch,
        &NoteRender {
            notes: vec![note],
            hold,
            tail: 0.4,
            sample_rate,
            max_voices: 1,
            ..NoteRender::default()
        },
    );
    let pad = (0.2 * f64::from(sample_rate)) as usize;
    a.left.splice(0..0, std::iter::repeat_n(0.0, pad));
    a.right.splice(0..0, std::iter::repeat_n(0.0, pad));
    a
}

fn wav(name: &str, audio: &Stereo) -> PathBuf {
    let path = dir().join(name);
    write_wav(&path, audio).unwrap();
    path
}

/// (best proposal's mel-LSD, the match's mel-LSD, its pitch error in cents) from the summary
/// line: "...; best of N proposals X dB (...); after M renders Y dB mel-LSD, Z cents off; ...".
fn summary(out: &str) -> (f64, f64, f64) {
    let num = |s: &str, after: &str, before: &str| -> f64 {
        let from = s
            .find(after)
            .unwrap_or_else(|| panic!("{after:?} in {out}"))
            + after.len();
        let rest = &s[from..];
        rest[..rest.find(before).unwrap()].trim().parse().unwrap()
    };
    let best = num(out, " proposals ", " dB");
    let after = &out[out.find(" renders ").unwrap()..];
    (
        best,
        num(after, " renders ", " dB"),
        num(after, "mel-LSD, ", " cents"),
    )
}

#[test]
fn a_44k_recording_becomes_a_closer_preset_that_plays_in_tune() {
    let note = wav("organ57-44k.wav", &recording(&organ(), 57, 44_100, 1.2));
    let preset = dir().join("organ.amSynth1.0preset");
    let render = dir().join("organ-match.wav");
    let report = dir().join("report");
    let o = wyrd(&[
        "match",
        s(&note),
        "-o",
        s(&preset),
        "--render",
        s(&render),
        "--report",
        s(&report),
        "--index",
        index(),
        "--no-models",
        "--evaluations",
        "300",
        "-q",
    ]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    // The pitch was detected (note 57, A3) from a 44.1 kHz file.
    assert!(out.contains("notes [57]"), "{out}");
    let (proposal, matched, cents) = summary(&out);
    assert!(matched < proposal, "the search improved nothing: {out}");
    assert!(cents <= 10.0, "{out}");
    let p = wyrd_bank::read_preset(&preset).unwrap();
    assert!(p.name.starts_with("match organ57"), "{}", p.name);
    // The render plays A3 in tune: within 10 cents of 220 Hz.
    let r = wyrd_render::read_wav(&render).unwrap();
    assert_eq!((r.sample_rate, r.frames()), (48_000, 72_000));
    let hz = median_pitch(&r.left[12_000..48_000], 48_000);
    assert!((1200.0 * (hz / 220.0).log2()).abs() <= 10.0, "{hz} Hz");
    // The report: the spectrograms, and a best distance that never gets worse.
    assert!(report.join("note1-57.png").is_file());
    let history = std::fs::read_to_string(report.join("history.csv")).unwrap();
    let scores: Vec<f64> = history
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(
        scores.len() > 5 && scores.windows(2).all(|w| w[1] <= w[0]),
        "{history}"
    );
    assert!(std::fs::read_to_string(report.join("proposals.csv"))
        .unwrap()
        .contains("index: "));

    // --note overrides detection.
    let o = wyrd(&[
        "match",
        s(&note),
        "--note",
        "57",
        "-o",
        s(&preset),
        "--index",
        index(),
        "--no-models",
        "--evaluations",
        "100",
        "-q",
    ]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("notes [57]"), "{out}");
    assert!(summary(&out).2 <= 10.0, "out of tune with --note: {out}");
}

#[test]
fn the_same_input_and_seed_give_the_same_preset_on_any_number_of_threads() {
    let note = wav("organ60.wav", &recording(&organ(), 60, 48_000, 1.0));
    let run = |out: &str, extra: &[&str]| -> Vec<u8> {
        let preset = dir().join(out);
        let mut args = vec![
            "match",
            s(&note),
            "-o",
            s(&preset),
            "--index",
            index(),
            "--no-models",
            "--evaluations",
            "150",
            "-q",
        ];
        args.extend_from_slice(extra);
        let o = wyrd(&args);
        assert!(o.status.success(), "{}", text(&o));
        std::fs::read(&preset).unwrap()
    };
    let a = run("a.amSynth1.0preset", &["--jobs", "1"]);
    let b = run("b.amSynth1.0preset", &["--jobs", "2"]);
    assert_eq!(a, b);
    let c = run("c.amSynth1.0preset", &["--seed", "7"]);
    assert!(!c.is_empty());
}

#[test]
fn three_notes_fit_one_patch() {
    let files: Vec<PathBuf> = [45u8, 57, 69]
        .iter()
        .map(|&n| {
            wav(
                &format!("organ{n}.wav"),
                &recording(&organ(), n, 48_000, 1.0),
            )
        })
        .collect();
    let preset = dir().join("organ3.amSynth1.0preset");
    let mut args = vec!["match"];
    args.extend(files.iter().map(|f| s(f)));
    args.extend([
        "--notes",
        "45,57,69",
        "--velocities",
        "100,100,100",
        "-o",
        s(&preset),
        "--index",
        index(),
        "--no-models",
        "--evaluations",
        "200",
        "-q",
    ]);
    let o = wyrd(&args);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("notes [45, 57, 69]"), "{out}");
    let (proposal, matched, cents) = summary(&out);
    assert!(matched <= proposal && cents <= 10.0, "{out}");
}

#[test]
fn bad_inputs_are_clear_errors() {
    let preset = dir().join("x.amSynth1.0preset");
    let fails = |inputs: &[&Path], extra: &[&str], says: &[&str]| {
        let mut args = vec!["match"];
        args.extend(inputs.iter().map(|p| s(p)));
        args.extend(["-o", s(&preset), "--index", index(), "--no-models", "-q"]);
        args.extend_from_slice(extra);
        let o = wyrd(&args);
        let out = text(&o);
        assert!(!o.status.success(), "{args:?} succeeded: {out}");
        for t in says {
            assert!(out.contains(t), "{args:?}: {out}");
        }
    };
    let zeros = vec![0.0; 48_000];
    let silent = wav(
        "silent.wav",
        &Stereo {
            left: zeros.clone(),
            right: zeros,
            sample_rate: 48_000,
        },
    );
    fails(&[&silent], &[], &["silent.wav", "silent"]);

    let mut a = recording(&organ(), 57, 48_000, 0.05);
    a.left.truncate(9_600 + 4_800);
    a.right.truncate(9_600 + 4_800);
    let short = wav("short.wav", &a);
    fails(&[&short], &[], &["short.wav", "too short"]);

    fails(&[&dir().join("missing.wav")], &[], &["missing.wav"]);

    // White noise (a xorshift generator): no pitch to detect.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<f32> = (0..72_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 40) as f32 / (1u64 << 24) as f32 * 0.6 - 0.3
        })
        .collect();
    let noise = wav(
        "noise.wav",
        &Stereo {
            left: noise.clone(),
            right: noise,
            sample_rate: 48_000,
        },
    );
    fails(&[&noise], &[], &["noise.wav", "give --note"]);

    let ok = wav("ok.wav", &recording(&organ(), 57, 48_000, 1.0));
    fails(&[&ok, &ok], &["--notes", "57"], &["2 files but 1 notes"]);
    fails(
        &[&ok],
        &["--velocities", "100,90"],
        &["1 files but 2 velocities"],
    );
    fails(
        &[&ok, &ok],
        &["--note", "57"],
        &["--note is for one recording"],
    );
    fails(&[&ok], &["--budget", "0"], &["--budget"]);
    fails(
        &[&ok],
        &["--models", "/nonexistent/models"],
        &["/nonexistent/models"],
    );

    // An index built with another schema is refused, naming the file and what differs.
    let bytes = std::fs::read(index()).unwrap();
    let hash = wyrd_schema::schema_hash();
    let at = bytes
        .windows(hash.len())
        .position(|w| w == hash.as_bytes())
        .expect("the schema hash in the header");
    let mut other = bytes.clone();
    other[at..at + hash.len()].copy_from_slice(b"0123456789abcdef");
    let stale = dir().join("stale.idx");
    std::fs::write(&stale, other).unwrap();
    let o = wyrd(&[
        "match",
        s(&ok),
        "-o",
        s(&preset),
        "--index",
        s(&stale),
        "--no-models",
    ]);
    assert!(!o.status.success());
    let out = text(&o);
    assert!(
        out.contains("stale.idx") && out.contains("schema_hash"),
        "{out}"
    );
}

#[test]
fn without_onnx_runtime_the_index_alone_proposes() {
    let ok = wav("ok2.wav", &recording(&organ(), 57, 48_000, 1.0));
    let preset = dir().join("no-ort.amSynth1.0preset");
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let o = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args([
            "match",
            s(&ok),
            "-o",
            s(&preset),
            "--index",
            index(),
            "--models",
            s(&models),
            "--evaluations",
            "100",
            "-q",
        ])
        .env("WYRD_ORT_LIB", "/nonexistent/libonnxruntime.so.1.31.1")
        .output()
        .unwrap();
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("no note matcher proposals") && out.contains("/nonexistent/libonnxruntime"),
        "{out}"
    );
    assert!(wyrd_bank::read_preset(&preset).is_ok());
}
