//! `wyrd match` end to end with the fixture note matcher (engine/models/tests/fixtures). The
//! fixture is a random linear map, so only the flow is checked, not the quality of the match.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wyrd_render::{render_notes, write_wav, NoteRender, Stereo};
use wyrd_schema::{defaults, Patch};

fn wyrd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(args)
        .output()
        .expect("run wyrd")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wyrd-match-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../models/tests/fixtures/note_matcher_vae.onnx")
        .display()
        .to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A note of the default patch, after 0.2 s of silence, at `sample_rate`.
fn recording(sample_rate: u32, hold: f64) -> Stereo {
    let patch = Patch::from_values("d", defaults());
    let mut a = render_notes(
        &patch,
        &NoteRender {
            notes: vec![57],
            hold,
            tail: 0.3,
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

#[test]
fn a_recorded_note_becomes_a_preset_and_a_render() {
    if !wyrd_models::runtime::library_path().is_ok_and(|p| p.is_file()) {
        eprintln!("note: ONNX Runtime not found (run ./setup.sh ort); match test skipped");
        return;
    }
    let wav = tmp("note.wav");
    write_wav(&wav, &recording(48_000, 1.2)).unwrap();
    let preset = tmp("note.amSynth.preset");
    let out_wav = tmp("matched.wav");
    let model = fixture();
    let o = wyrd(&[
        "match",
        s(&wav),
        "-o",
        s(&preset),
        "--render",
        s(&out_wav),
        "--model",
        &model,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    // The pitch was detected (note 57, A3).
    assert!(stdout.contains("note 57"), "{stdout}");
    let p = wyrd_bank::read_preset(&preset).unwrap();
    assert!(p.name.starts_with("match note"), "{}", p.name);
    let r = wyrd_render::read_wav(&out_wav).unwrap();
    assert_eq!((r.sample_rate, r.frames()), (48_000, 72_000));

    // --note overrides detection.
    let o = wyrd(&[
        "match",
        s(&wav),
        "--note",
        "40",
        "-o",
        s(&preset),
        "--model",
        &model,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("note 40"));
}

#[test]
fn bad_inputs_are_clear_errors() {
    let model = fixture();
    let preset = tmp("x.amSynth.preset");
    let run = |wav: &Path| {
        let o = wyrd(&["match", s(wav), "-o", s(&preset), "--model", &model]);
        assert!(!o.status.success());
        stderr(&o)
    };

    let silent = tmp("silent.wav");
    let zeros = vec![0.0; 48_000];
    write_wav(
        &silent,
        &Stereo {
            left: zeros.clone(),
            right: zeros,
            sample_rate: 48_000,
        },
    )
    .unwrap();
    let e = run(&silent);
    assert!(e.contains("silent"), "{e}");

    let short = tmp("short.wav");
    write_wav(&short, &recording(48_000, 0.05)).unwrap();
    let mut a = recording(48_000, 0.05);
    // Cut the release so under 0.3 s sounds.
    a.left.truncate(9_600 + 4_800);
    a.right.truncate(9_600 + 4_800);
    write_wav(&short, &a).unwrap();
    let e = run(&short);
    assert!(e.contains("too short"), "{e}");

    let e = run(&tmp("missing.wav"));
    assert!(
        e.contains("missing.wav") && e.contains("cannot open"),
        "{e}"
    );

    let k44 = tmp("44k.wav");
    write_wav(&k44, &recording(44_100, 1.0)).unwrap();
    let e = run(&k44);
    assert!(e.contains("44100 Hz") && e.contains("48000"), "{e}");

    let wav = tmp("ok.wav");
    write_wav(&wav, &recording(48_000, 1.0)).unwrap();
    let o = wyrd(&[
        "match",
        s(&wav),
        "-o",
        s(&preset),
        "--model",
        "/nonexistent/m.onnx",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("/nonexistent/m.onnx"), "{}", stderr(&o));

    // A missing ONNX Runtime is an error naming where it looked, not a panic.
    let o = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(["match", s(&wav), "-o", s(&preset), "--model", &model])
        .env("WYRD_ORT_LIB", "/nonexistent/libonnxruntime.so.1.31.1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("/nonexistent/libonnxruntime.so.1.31.1") && e.contains("./setup.sh ort"),
        "{e}"
    );
}
