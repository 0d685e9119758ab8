//! `wyrd eval`'s logic end to end on tiny datasets written here (the format of
//! `models/FORMAT.md`) and the fixture models.

use std::fs::File;
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, Array3, Array4};
use ndarray_npy::NpzWriter;
use wyrd_analysis::MfccAnalyzer;
use wyrd_dataset::{Encoding, ItemSpec};
use wyrd_models::eval::{data, run, EvalConfig};
use wyrd_schema::{defaults, Patch, NUM_PARAMS};

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wyrd-eval-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn patches(n: usize, shift: f32) -> Vec<Patch> {
    (0..n)
        .map(|k| {
            let mut p = Patch::from_values(format!("p{k}"), defaults());
            p.set_by_id("filter_cutoff", (0.2 + 0.15 * k as f32 + shift).min(1.0));
            p.set_by_id("osc1_waveform", (k % 5) as f32);
            p.set_by_id("amp_release", 0.1 * k as f32);
            p
        })
        .collect()
}

/// A dataset folder of `presets` x `notes`, split into two shards.
fn write_dataset(dir: &Path, presets: &[Patch], notes: &[u8]) {
    let spec = ItemSpec::default();
    let enc = Encoding::new();
    let mut an = MfccAnalyzer::new(spec.mfcc_config()).unwrap();
    let items: Vec<(usize, u8)> = (0..presets.len())
        .flat_map(|p| notes.iter().map(move |&n| (p, n)))
        .collect();
    let (t, k, w) = (spec.mfcc_frames(), spec.windows, spec.window);
    let halves = [&items[..items.len() / 2], &items[items.len() / 2..]];
    for (s, part) in halves.iter().enumerate() {
        let n = part.len();
        let mut params = Array2::<f32>::zeros((n, NUM_PARAMS));
        let mut x = Array2::<f32>::zeros((n, enc.width()));
        let mut mfcc = Array3::<f32>::zeros((n, t, 20));
        let mut live = Array4::<f32>::zeros((n, k, w, 20));
        let mut peak = Array1::<f32>::zeros(n);
        for (r, &(p, note)) in part.iter().enumerate() {
            let f = spec
                .features(&mut an, &spec.render(&presets[p], note))
                .unwrap();
            params
                .row_mut(r)
                .assign(&Array1::from(presets[p].values().to_vec()));
            x.row_mut(r).assign(&Array1::from(enc.encode(&presets[p])));
            mfcc.as_slice_mut().unwrap()[r * t * 20..(r + 1) * t * 20].copy_from_slice(&f.mfcc);
            live.as_slice_mut().unwrap()[r * k * w * 20..(r + 1) * k * w * 20]
                .copy_from_slice(&f.live);
            peak[r] = f.peak_db;
        }
        let note = Array1::from(part.iter().map(|&(_, n)| i32::from(n)).collect::<Vec<_>>());
        let preset = Array1::from(part.iter().map(|&(p, _)| p as i32).collect::<Vec<_>>());
        let file = File::create(dir.join(format!("shard-{s}-of-2-0.npz"))).unwrap();
        let mut npz = NpzWriter::new(file);
        // Global item ids, in order: the first shard holds the first half.
        let first = if s == 0 { 0 } else { items.len() / 2 };
        let item: ndarray::Array1<i64> = (first as i64..(first + n) as i64).collect();
        npz.add_array("item", &item).unwrap();
        npz.add_array("params", &params).unwrap();
        npz.add_array("x", &x).unwrap();
        npz.add_array("note", &note).unwrap();
        npz.add_array("preset", &preset).unwrap();
        npz.add_array("mfcc", &mfcc).unwrap();
        npz.add_array("live", &live).unwrap();
        npz.add_array("peak_db", &peak).unwrap();
        npz.finish().unwrap();
    }
    let meta = serde_json::json!({
        "format": 1,
        "schema_hash": wyrd_schema::schema_hash(),
        "features": wyrd_dataset::features_json(&spec),
        "source": "presets",
        "items": items.len(),
    });
    std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
}

#[test]
fn eval_writes_its_report_for_the_fixture_models() {
    if !wyrd_models::runtime::library_path().is_ok_and(|p| p.is_file()) {
        eprintln!("note: ONNX Runtime not found (run ./setup.sh ort); eval test skipped");
        return;
    }
    let test_dir = tmp("test");
    let train_dir = tmp("train");
    let out = tmp("out");
    write_dataset(&test_dir, &patches(3, 0.05), &[48, 60]);
    write_dataset(&train_dir, &patches(4, 0.0), &[48, 60]);

    let d = data::load(&test_dir).unwrap();
    assert_eq!(d.len(), 6);
    assert_eq!((d.frames, d.n_mfcc, d.windows, d.window), (141, 20, 4, 10));
    assert_eq!(d.note, vec![48, 60, 48, 60, 48, 60]);

    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let report = run(&EvalConfig {
        test: test_dir.clone(),
        train: Some(train_dir.clone()),
        models,
        out: out.clone(),
        examples: 1,
        prior_samples: 16,
        pairs: 2,
        seed: 7,
        limit: None,
    })
    .unwrap();

    let names: Vec<&str> = report.matching.iter().map(|r| r.name.as_str()).collect();
    for want in [
        "note_matcher_direct",
        "note_matcher_vae",
        "live_matcher",
        "kNN (training renders, MFCC)",
        "mean training patch",
        "random training patch",
        "VAE latent4 reconstruction",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    for r in &report.matching {
        assert_eq!(
            r.scores.mel_lsd.n + r.scores.mel_lsd.failed,
            6,
            "{}",
            r.name
        );
        assert!(r.scores.cat_acc >= 0.0 && r.scores.cat_acc <= 1.0);
    }
    let nm = report
        .matching
        .iter()
        .find(|r| r.name == "note_matcher_vae")
        .unwrap();
    assert!(nm.goal.as_ref().unwrap().met.is_some());
    assert_eq!(report.vae.len(), 1);
    let v = &report.vae[0];
    assert_eq!((v.latent_dim, v.prior_samples, v.pairs), (4, 16, 2));
    assert!(v.smoothness_naive.is_some());
    assert_eq!(v.goals.len(), 3);

    let md = std::fs::read_to_string(out.join("eval.md")).unwrap();
    assert!(md.contains("| note_matcher_vae | note_matcher |"), "{md}");
    assert!(md.contains("uniform random patch"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("eval.json")).unwrap()).unwrap();
    assert_eq!(json["items"], 6);
    assert_eq!(report.examples.len(), report.matching.len());
    for png in &report.examples {
        let bytes = std::fs::read(png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }

    // A dataset of another schema is refused.
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(test_dir.join("meta.json")).unwrap())
            .unwrap();
    meta["schema_hash"] = "0000".into();
    std::fs::write(test_dir.join("meta.json"), meta.to_string()).unwrap();
    let e = data::load(&test_dir).unwrap_err().to_string();
    assert!(e.contains("schema_hash"), "{e}");
}
