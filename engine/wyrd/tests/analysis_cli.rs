//! `wyrd analyze` and `wyrd compare` against librosa's numbers (the analysis crate's fixtures,
//! made by engine/analysis/tools/make_fixtures.py).

use std::path::{Path, PathBuf};
use std::process::Command;

use ndarray::{Array1, Array2};
use ndarray_npy::read_npy;
use wyrd_testrig::TempDir;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../analysis/tests/fixtures")
}

fn names() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("names.txt"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The fixture signal as a mono float WAV at 48 kHz.
fn signal_wav(dir: &TempDir, name: &str) -> PathBuf {
    let signal: Array1<f32> = read_npy(fixtures().join(format!("signal_{name}.npy"))).unwrap();
    let path = dir.path().join(format!("{name}.wav"));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 48_000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for &s in &signal {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    path
}

fn wyrd(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn compare_gives_librosas_mel_lsd_and_mfcc_mae() {
    let dir = TempDir::new("wyrd-compare").unwrap();
    let names = names();
    let lsd: Array2<f64> = read_npy(fixtures().join("mel_lsd.npy")).unwrap();
    let mae: Array2<f64> = read_npy(fixtures().join("mfcc_mae.npy")).unwrap();
    let wavs: Vec<PathBuf> = names.iter().map(|n| signal_wav(&dir, n)).collect();
    let mut worst = (0.0f64, 0.0f64);
    for (i, a) in wavs.iter().enumerate() {
        for (j, b) in wavs.iter().enumerate() {
            let (ok, out, err) = wyrd(&[
                "compare",
                a.to_str().unwrap(),
                b.to_str().unwrap(),
                "--json",
            ]);
            assert!(ok, "{err}");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let got_lsd = v["mel_lsd_db"].as_f64().unwrap();
            let got_mae = v["mfcc_mae"].as_f64().unwrap();
            let (dl, dm) = ((got_lsd - lsd[[i, j]]).abs(), (got_mae - mae[[i, j]]).abs());
            assert!(
                dl < 0.01,
                "{} vs {}: mel-LSD {got_lsd} vs librosa {}",
                names[i],
                names[j],
                lsd[[i, j]]
            );
            assert!(
                dm < 1e-3 * mae[[i, j]].max(1.0),
                "{} vs {}: MFCC-MAE {got_mae} vs {}",
                names[i],
                names[j],
                mae[[i, j]]
            );
            worst = (worst.0.max(dl), worst.1.max(dm));
        }
    }
    eprintln!(
        "worst: mel-LSD {:.2e} dB, MFCC-MAE {:.2e}",
        worst.0, worst.1
    );
    // The text form says the same.
    let (ok, out, _) = wyrd(&[
        "compare",
        wavs[0].to_str().unwrap(),
        wavs[1].to_str().unwrap(),
    ]);
    assert!(ok);
    assert!(
        out.starts_with(&format!("mel-LSD   {:.4} dB", lsd[[0, 1]])),
        "{out}"
    );
}

#[test]
fn analyze_writes_librosas_mfccs_and_mel_db_as_npy() {
    let dir = TempDir::new("wyrd-analyze").unwrap();
    for name in names() {
        let wav = signal_wav(&dir, &name);
        for (flag, fixture) in [("--mfcc", "mfcc"), ("--mel", "mel_db_top80")] {
            let out = dir.path().join(format!("{name}{flag}.npy"));
            let (ok, _, err) = wyrd(&[
                "analyze",
                wav.to_str().unwrap(),
                flag,
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(ok, "{err}");
            let got: Array2<f64> = read_npy(&out).unwrap();
            let want: Array2<f32> =
                read_npy(fixtures().join(format!("{fixture}_{name}.npy"))).unwrap();
            assert_eq!(got.dim(), want.dim(), "{name} {flag}");
            for (row_g, row_w) in got.outer_iter().zip(want.outer_iter()) {
                let scale = (row_w.iter().map(|&w| f64::from(w).powi(2)).sum::<f64>()
                    / row_w.len() as f64)
                    .sqrt();
                for (&g, &w) in row_g.iter().zip(row_w.iter()) {
                    let w = f64::from(w);
                    let tol = if flag == "--mel" {
                        0.05
                    } else {
                        1e-3 * w.abs().max(scale)
                    };
                    assert!((g - w).abs() <= tol, "{name} {flag}: {g} vs {w}");
                }
            }
        }
    }
}

#[test]
fn analyze_json_and_custom_settings() {
    let dir = TempDir::new("wyrd-analyze-json").unwrap();
    let wav = signal_wav(&dir, "chirp");
    let (ok, out, err) = wyrd(&[
        "analyze",
        wav.to_str().unwrap(),
        "--mfcc",
        "--n-mfcc",
        "13",
        "--n-fft",
        "1024",
        "--hop",
        "256",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["feature"], "mfcc");
    assert_eq!(v["columns"], 13);
    assert_eq!(v["frames"], 48_000 / 256 + 1);
    assert_eq!(v["data"].as_array().unwrap().len(), 48_000 / 256 + 1);

    // Pitch of a 440 Hz sine: voiced frames at 440.
    let (ok, out, err) = wyrd(&[
        "analyze",
        signal_wav(&dir, "sine440").to_str().unwrap(),
        "--pitch",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let voiced: Vec<f64> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_f64().unwrap())
        .filter(|&hz| hz > 0.0)
        .collect();
    assert!(voiced.len() > 10);
    assert!(
        voiced
            .iter()
            .all(|hz| (1200.0 * (hz / 440.0).log2()).abs() < 10.0),
        "{voiced:?}"
    );
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = TempDir::new("wyrd-analyze-bad").unwrap();
    let missing = dir.path().join("missing.wav");
    let (ok, _, err) = wyrd(&[
        "compare",
        missing.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.contains("missing.wav") && err.contains("cannot open as WAV"),
        "{err}"
    );
    let text = dir.path().join("notwav.wav");
    std::fs::write(&text, "hello").unwrap();
    let (ok, _, err) = wyrd(&["analyze", text.to_str().unwrap(), "--json"]);
    assert!(!ok);
    assert!(err.contains("notwav.wav"), "{err}");
    let wav = signal_wav(&dir, "noise");
    let (ok, _, err) = wyrd(&[
        "analyze",
        wav.to_str().unwrap(),
        "--n-mfcc",
        "200",
        "--json",
    ]);
    assert!(!ok, "more MFCCs than mel bands must be refused");
    assert!(err.contains("n_mfcc"), "{err}");
}
