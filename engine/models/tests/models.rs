//! The fixture models (tests/fixtures, made by make_fixtures.py) through the real ONNX
//! Runtime, bad models refused with clear errors, and every shipped `models/*.onnx`.

use std::path::{Path, PathBuf};

use wyrd_dataset::{Encoding, ItemSpec};
use wyrd_models::check::{check_path, verify};
use wyrd_models::{runtime, Decoder, Encoder, LiveMatcher, Model, ModelKind, NoteMatcher};
use wyrd_schema::{defaults, Patch, PARAMS};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn open_err(path: &Path) -> String {
    let e = Model::open(path).unwrap_err().to_string();
    assert!(e.contains(&path.display().to_string()), "no path in {e}");
    e
}

/// ONNX Runtime comes from `./setup.sh ort`; without it these tests say so and pass.
fn have_runtime() -> bool {
    match runtime::library_path() {
        Ok(p) if p.is_file() => true,
        _ => {
            eprintln!("note: ONNX Runtime not found (run ./setup.sh ort); model tests skipped");
            false
        }
    }
}

fn close(a: &Patch, b: &Patch) {
    for (i, spec) in PARAMS.iter().enumerate() {
        let tol = 1e-4 * (spec.max - spec.min).abs();
        assert!(
            (a.get(i) - b.get(i)).abs() <= tol,
            "{}: {} vs {}",
            spec.id,
            a.get(i),
            b.get(i)
        );
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wyrd-models-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn every_fixture_opens_and_matches_its_check_file() {
    if !have_runtime() {
        return;
    }
    for (name, kind) in [
        ("vae_decoder_latent4", ModelKind::VaeDecoder),
        ("vae_encoder_latent4", ModelKind::VaeEncoder),
        ("note_matcher_vae", ModelKind::NoteMatcher),
        ("note_matcher_direct", ModelKind::NoteMatcher),
        ("live_matcher", ModelKind::LiveMatcher),
    ] {
        let m = Model::open(&fixture(&format!("{name}.onnx"))).unwrap();
        assert_eq!(m.kind(), kind);
        assert_eq!(m.meta().training_commit.as_deref(), Some("fixture"));
        let report = verify(&m, &check_path(&m)).unwrap();
        assert!(report.worst() <= 1e-4, "{name}: {report:?}");
        assert!(!report.max_abs_diff.is_empty());
    }
}

#[test]
fn a_check_file_that_disagrees_fails() {
    if !have_runtime() {
        return;
    }
    let m = Model::open(&fixture("vae_encoder_latent4.onnx")).unwrap();
    let text = std::fs::read_to_string(fixture("vae_encoder_latent4.check.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let x = v["outputs"]["z_mean"]["data"][0].as_f64().unwrap();
    v["outputs"]["z_mean"]["data"][0] = (x + 0.01).into();
    let path = tmp("bad.check.json");
    std::fs::write(&path, v.to_string()).unwrap();
    let e = verify(&m, &path).unwrap_err().to_string();
    assert!(e.contains("z_mean") && e.contains("differs"), "{e}");
}

#[test]
fn decoder_and_encoder_give_patches_and_latents() {
    if !have_runtime() {
        return;
    }
    let dec = Decoder::open(&fixture("vae_decoder_latent4.onnx")).unwrap();
    assert_eq!(dec.latent_dim(), 4);
    let z = vec![vec![0.0; 4], vec![1.0, -1.0, 0.5, 2.0], vec![f32::NAN; 4]];
    let patches = dec.decode(&z).unwrap();
    assert_eq!(patches.len(), 3);
    for p in &patches {
        for (i, spec) in PARAMS.iter().enumerate() {
            assert_eq!(spec.sanitize(p.get(i)), p.get(i), "{}", spec.id);
        }
    }
    // The raw outputs decode to the same patch as the schema's encoding would.
    let (cont, cat) = dec.decode_raw(&z[1..2]).unwrap();
    let e = Encoding::new();
    let base = Patch::from_values("b", defaults());
    assert_eq!(patches[1].values(), e.decode(&cont, &cat, &base).values());
    assert!(dec.decode(&[]).unwrap().is_empty());
    assert!(dec.decode(&[vec![0.0; 3]]).is_err());

    let enc = Encoder::open(&fixture("vae_encoder_latent4.onnx")).unwrap();
    let zs = enc.encode(&patches).unwrap();
    assert_eq!(zs.len(), 3);
    assert!(zs
        .iter()
        .all(|z| z.len() == 4 && z.iter().all(|v| v.is_finite())));
    // Batching is invisible: one at a time gives the same.
    let single = enc.encode(&patches[1..2]).unwrap();
    assert!(single[0]
        .iter()
        .zip(&zs[1])
        .all(|(a, b)| (a - b).abs() < 1e-5));
}

#[test]
fn matchers_predict_from_rendered_features() {
    if !have_runtime() {
        return;
    }
    let spec = ItemSpec::default();
    let mut an = wyrd_analysis::MfccAnalyzer::new(spec.mfcc_config()).unwrap();
    let patch = Patch::from_values("d", defaults());
    let f = spec.features(&mut an, &spec.render(&patch, 60)).unwrap();

    for name in ["note_matcher_vae.onnx", "note_matcher_direct.onnx"] {
        let m = NoteMatcher::open(&fixture(name)).unwrap();
        let one = m.predict(&f.mfcc, 60).unwrap();
        let mut two = f.mfcc.clone();
        two.extend_from_slice(&f.mfcc);
        let batch = m.predict_batch(&two, &[60.0, 60.0]).unwrap();
        // Batched runs may round differently (other kernels), never more than that.
        close(&batch[0], &one);
        close(&batch[1], &one);
        assert!(m.predict_batch(&f.mfcc, &[60.0, 61.0]).is_err());
    }

    let live = LiveMatcher::open(&fixture("live_matcher.onnx")).unwrap();
    let outs = live.outputs();
    assert_eq!(outs.len(), 7);
    let mut base = patch.clone();
    base.set_by_id("amp_release", 1.25);
    base.set_by_id("reverb_wet", 0.75);
    let p = live.predict(&f.live[..200], 60, &base).unwrap();
    for (i, spec) in PARAMS.iter().enumerate() {
        if !outs.contains(&i) {
            assert_eq!(p.get(i), base.get(i), "{} must keep base", spec.id);
        }
    }
}

#[test]
fn bad_models_are_refused_with_clear_errors() {
    if !have_runtime() {
        return;
    }
    let garbage = tmp("garbage.onnx");
    std::fs::write(&garbage, b"this is not an onnx model \x00\x01\x02").unwrap();
    let e = open_err(&garbage);
    assert!(e.contains("cannot open as an ONNX model"), "{e}");

    let e = open_err(&tmp("does-not-exist.onnx"));
    assert!(e.contains("No such file"), "{e}");

    let bad = fixture("bad");
    let e = open_err(&bad.join("wrong_schema_hash.onnx"));
    assert!(
        e.contains("wyrd.schema_hash") && e.contains("0123456789abcdef"),
        "{e}"
    );
    let e = open_err(&bad.join("missing_metadata.onnx"));
    assert!(e.contains("wyrd.kind: missing"), "{e}");
    let e = open_err(&bad.join("wrong_options.onnx"));
    assert!(
        e.contains("wyrd.categorical_groups") && e.contains("differ"),
        "{e}"
    );
    let e = open_err(&bad.join("wrong_input_name.onnx"));
    assert!(e.contains("inputs are [\"latent\"]"), "{e}");
    let e = open_err(&bad.join("wrong_input_shape.onnx"));
    assert!(e.contains("input mfcc has shape [-1, 100, 20]"), "{e}");

    // A model of the wrong kind for its wrapper.
    let e = NoteMatcher::open(&fixture("vae_decoder_latent4.onnx"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("is vae_decoder, expected note_matcher"), "{e}");
}

#[test]
fn a_missing_runtime_library_is_an_error_naming_the_path() {
    let path = Path::new("/nonexistent/onnxruntime/libonnxruntime.so.1.31.1");
    let e = runtime::init_at(path).unwrap_err().to_string();
    assert!(e.contains(&path.display().to_string()), "{e}");
    assert!(e.contains("run ./setup.sh ort"), "{e}");
}

/// Every shipped model: metadata valid, ONNX Runtime equal to PyTorch on its check file.
#[test]
fn every_shipped_model_is_valid() {
    // The shipped models are the product: without the runtime this test fails rather than skips
    // (`./test.sh` fetches it).
    assert!(
        have_runtime(),
        "ONNX Runtime 1.31.1 not found: run ./setup.sh ort"
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let mut models: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "onnx"))
        .collect();
    models.sort();
    let names: Vec<String> = models
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for d in [2, 4, 8, 16] {
        for part in ["decoder", "encoder"] {
            let name = format!("preset_vae{d}_{part}.onnx");
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
    }
    for name in [
        "note_matcher_direct.onnx",
        "note_matcher_vae.onnx",
        "live_matcher.onnx",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from {names:?}"
        );
    }
    for path in &models {
        let size = std::fs::metadata(path).unwrap().len();
        assert!(size <= 5 << 20, "{}: {size} bytes", path.display());
    }
    for path in models {
        let m = Model::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let check = check_path(&m);
        let report = verify(&m, &check).unwrap_or_else(|e| panic!("{e}"));
        eprintln!("{}: max diff {:e}", path.display(), report.worst());
    }
}
