//! Recordings at rates other than 48 kHz: `wyrd resynth` and `wyrd render SCRIPT --input`
//! resample them to 48 kHz instead of refusing them; more than two channels is still refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wyrd_render::{read_wav, render_notes, NoteRender};
use wyrd_schema::{defaults, find, Patch};
use wyrd_testrig::median_pitch;

const SR: u32 = 48_000;

fn wyrd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run wyrd")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wyrd-input-rates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(o)
    );
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

fn cents(a: f64, b: f64) -> f64 {
    1200.0 * (a / b).log2()
}

/// A saw A3 (220 Hz) rendered at `rate`: held 1 s, then 0.5 s of release.
fn saw_a3(rate: u32) -> Vec<f32> {
    let mut p = Patch::from_values("saw", defaults());
    p.set(find("osc1_waveform").unwrap().index, 2.0);
    render_notes(
        &p,
        &NoteRender {
            notes: vec![57],
            hold: 1.0,
            tail: 0.5,
            sample_rate: rate,
            max_voices: 1,
            ..NoteRender::default()
        },
    )
    .mono()
}

/// Writes `channels` (equally long) as a `bits`-bit integer WAV file at `rate`.
fn write_int(path: &Path, rate: u32, bits: u16, channels: &[Vec<f32>]) {
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: hound::SampleFormat::Int,
    };
    let full = ((1i64 << (bits - 1)) - 1) as f32;
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..channels[0].len() {
        for ch in channels {
            w.write_sample((ch[i].clamp(-1.0, 1.0) * full).round() as i32)
                .unwrap();
        }
    }
    w.finalize().unwrap();
}

/// A 44.1 kHz mono 16-bit recording of a saw A3.
fn cd_quality(name: &str) -> PathBuf {
    let path = tmp(name);
    write_int(&path, 44_100, 16, &[saw_a3(44_100)]);
    path
}

fn script() -> String {
    root()
        .join("scripts/resynth/resynth.lua")
        .display()
        .to_string()
}

#[test]
fn resynth_takes_a_44_1_khz_recording() {
    let (inp, out) = (cd_quality("cd.wav"), tmp("cd-resynth.wav"));
    let o = wyrd(&["resynth", s(&inp), "-o", s(&out)]);
    ok(&o);
    let a = read_wav(&out).unwrap();
    assert_eq!(a.sample_rate, SR);
    // 1.5 s of input at 48 kHz, and the 0.5 s tail.
    assert_eq!(a.frames(), 72_000 + 24_000);
    let m = a.mono();
    assert!(rms(&m[24_000..48_000]) > 0.01, "silent");
    // Read at its own rate, so in tune (taken as 48 kHz it would sound 147 cents sharp).
    let p = median_pitch(&m[24_000..48_000], SR);
    assert!(cents(p, 220.0).abs() < 10.0, "resynthesised at {p} Hz");
}

#[test]
fn render_plays_44_1_and_96_khz_recordings_into_a_script() {
    let render = |input: &Path, out: &Path| {
        wyrd(&[
            "render",
            &script(),
            "--seconds",
            "2",
            "--input",
            s(input),
            "-o",
            s(out),
        ])
    };
    let hi_res = tmp("hi-res.wav");
    let saw = saw_a3(96_000);
    write_int(&hi_res, 96_000, 24, &[saw.clone(), saw]);
    for (inp, out) in [
        (cd_quality("cd-render.wav"), tmp("cd-render-out.wav")),
        (hi_res, tmp("hi-res-out.wav")),
    ] {
        let o = render(&inp, &out);
        ok(&o);
        let err = stderr(&o);
        assert!(
            err.contains("0 errors") && err.contains("live-matcher runs"),
            "{err}"
        );
        let played = read_wav(&out).unwrap();
        assert_eq!(played.sample_rate, SR);
        assert_eq!(played.frames(), 2 * SR as usize);
        assert!(
            rms(&played.left[SR as usize / 2..SR as usize]) > 0.01,
            "{}: silent",
            inp.display()
        );
    }
}

#[test]
fn three_channels_are_refused_naming_the_file() {
    let inp = tmp("three.wav");
    let saw = saw_a3(44_100);
    write_int(&inp, 44_100, 16, &[saw.clone(), saw.clone(), saw]);
    let out = tmp("three-out.wav");
    for o in [
        wyrd(&["resynth", s(&inp), "-o", s(&out)]),
        wyrd(&[
            "render",
            &script(),
            "--seconds",
            "1",
            "--input",
            s(&inp),
            "-o",
            s(&out),
        ]),
    ] {
        let err = stderr(&o);
        assert!(!o.status.success(), "{err}");
        assert!(
            err.contains(s(&inp)) && err.contains("3 channels") && err.contains("mono or stereo"),
            "{err}"
        );
        assert!(!out.exists(), "an output was written");
    }
}
