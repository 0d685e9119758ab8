//! `wyrd dataset` end to end: the split check, and a tiny rendered dataset read back with
//! ndarray-npy (shapes, patches, encoding, features, meta.json), sharding, resuming and damage.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ndarray::{s, Array1, Array2, Array3, Array4};
use ndarray_npy::NpzReader;
use wyrd_analysis::MfccAnalyzer;
use wyrd_dataset::{random_patch, Encoding, ItemSpec, SplitName, Splits, Variation};

fn wyrd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(args)
        .output()
        .expect("wyrd runs")
}

fn ok(out: Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{err}\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    err
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wyrd-ds-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn banks() -> Option<PathBuf> {
    let dir = wyrd_bank::banks_dir();
    if dir
        .as_deref()
        .is_none_or(|d| wyrd_bank::debian_bank_files(d).is_empty())
    {
        eprintln!("note: no amSynth banks found (run ./setup.sh banks); dataset CLI tests skipped");
        return None;
    }
    dir
}

/// A splits folder whose train split is the first three committed train keys.
fn tiny_splits(dir: &Path) -> Splits {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/splits/train.txt");
    let keys: String = std::fs::read_to_string(committed)
        .unwrap()
        .lines()
        .take(3)
        .map(|k| format!("{k}\n"))
        .collect();
    std::fs::write(dir.join("train.txt"), keys).unwrap();
    std::fs::write(dir.join("validation.txt"), "").unwrap();
    std::fs::write(dir.join("test.txt"), "").unwrap();
    Splits::load(dir, &banks().unwrap()).unwrap()
}

struct Data {
    item: Array1<i64>,
    params: Array2<f32>,
    x: Array2<f32>,
    note: Array1<i32>,
    preset: Array1<i32>,
    mfcc: Array3<f32>,
    live: Array4<f32>,
    peak_db: Array1<f32>,
}

fn read_npz(path: &Path) -> Data {
    let mut z = NpzReader::new(std::fs::File::open(path).unwrap()).unwrap();
    Data {
        item: z.by_name("item").unwrap(),
        params: z.by_name("params").unwrap(),
        x: z.by_name("x").unwrap(),
        note: z.by_name("note").unwrap(),
        preset: z.by_name("preset").unwrap(),
        mfcc: z.by_name("mfcc").unwrap(),
        live: z.by_name("live").unwrap(),
        peak_db: z.by_name("peak_db").unwrap(),
    }
}

fn parts(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "npz"))
        .collect();
    v.sort();
    v
}

fn bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    parts(dir)
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn render(splits: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "dataset",
        "render",
        "--splits",
        splits.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    wyrd(&args)
}

const TINY: [&str; 8] = [
    "--split",
    "train",
    "--source",
    "presets",
    "--notes",
    "48,60",
    "--part-size",
    "4",
];

#[test]
fn split_check_accepts_the_committed_lists_and_refuses_others() {
    let Some(_) = banks() else { return };
    let err = ok(wyrd(&["dataset", "split", "--check"]));
    let _ = err;
    let dir = tmp("split");
    let out = wyrd(&["dataset", "split", "--out", dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    ok(out);
    assert!(text.contains("3303 presets kept"), "{text}");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/splits");
    for f in ["train.txt", "validation.txt", "test.txt"] {
        assert_eq!(
            std::fs::read(dir.join(f)).unwrap(),
            std::fs::read(committed.join(f)).unwrap(),
            "{f}"
        );
    }
    std::fs::write(dir.join("test.txt"), "BriansBank01.amSynth.bank#2\n").unwrap();
    let out = wyrd(&[
        "dataset",
        "split",
        "--check",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("test.txt: 1 keys, expected 314"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_tiny_dataset_reads_back_as_documented() {
    let Some(_) = banks() else { return };
    let root = tmp("tiny");
    let splits_dir = root.join("splits");
    std::fs::create_dir_all(&splits_dir).unwrap();
    let splits = tiny_splits(&splits_dir);
    let presets = splits.get(SplitName::Train);
    let full = root.join("full");
    let err = ok(render(&splits_dir, &full, &TINY));
    assert!(err.contains("6 items in 2 parts rendered"), "{err}");

    let files = parts(&full);
    let names: Vec<_> = files.iter().map(|p| p.file_name().unwrap()).collect();
    assert_eq!(names, ["shard-0-of-1-0000.npz", "shard-0-of-1-0001.npz"]);
    let a = read_npz(&files[0]);
    let b = read_npz(&files[1]);
    assert_eq!(a.params.shape(), [4, 41]);
    assert_eq!(b.params.shape(), [2, 41]);

    let enc = Encoding::new();
    let spec = ItemSpec::default();
    let mut analyzer = MfccAnalyzer::new(spec.mfcc_config()).unwrap();
    for (d, first) in [(&a, 0usize), (&b, 4)] {
        let n = d.item.len();
        assert_eq!(d.x.shape(), [n, enc.width()]);
        assert_eq!(d.mfcc.shape(), [n, 141, 20]);
        assert_eq!(d.live.shape(), [n, 4, 10, 20]);
        assert_eq!(d.note.len(), n);
        assert_eq!(d.preset.len(), n);
        assert_eq!(d.peak_db.len(), n);
        for r in 0..n {
            let id = first + r;
            assert_eq!(d.item[r], id as i64);
            let (p, note) = (id / 2, [48, 60][id % 2]);
            assert_eq!(d.preset[r], p as i32);
            assert_eq!(d.note[r], note);
            let patch = &presets[p].patch;
            assert_eq!(d.params.row(r).to_vec(), patch.values().to_vec());
            assert_eq!(d.x.row(r).to_vec(), enc.encode(patch));
            let f = spec
                .features(&mut analyzer, &spec.render(patch, note as u8))
                .unwrap();
            assert_eq!(
                d.mfcc
                    .slice(s![r, .., ..])
                    .iter()
                    .copied()
                    .collect::<Vec<_>>(),
                f.mfcc
            );
            assert_eq!(
                d.live
                    .slice(s![r, .., .., ..])
                    .iter()
                    .copied()
                    .collect::<Vec<_>>(),
                f.live
            );
            assert_eq!(d.peak_db[r], f.peak_db);
        }
    }

    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(full.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["format"], 1);
    assert_eq!(meta["schema"], wyrd_schema::to_json());
    assert_eq!(meta["schema_hash"], wyrd_schema::schema_hash());
    assert_eq!(meta["features"], wyrd_dataset::features_json(&spec));
    assert_eq!(meta["features"]["top_db"], serde_json::Value::Null);
    assert_eq!(
        meta["render"]["notes"],
        serde_json::json!([48, 60]),
        "{meta:#}"
    );
    assert_eq!(meta["render"]["velocity"], 100);
    assert_eq!(meta["render"]["hold"], 1.0);
    assert_eq!(meta["render"]["tail"], 0.5);
    assert_eq!(meta["render"]["seed"], 1);
    assert_eq!(meta["split"], "train");
    assert_eq!(meta["source"], "presets");
    assert_eq!(meta["items"], 6);
    assert_eq!(meta["split_keys"]["count"], 3);
    assert_eq!(meta["sharding"]["count"], 1);
    assert_eq!(meta["sharding"]["part_size"], 4);
    assert_eq!(meta["encoding"]["width"], enc.width());

    // Shards 0/2 and 1/2 in one folder are the unsharded dataset.
    let sharded = root.join("sharded");
    for shard in ["0/2", "1/2"] {
        let mut args = TINY.to_vec();
        args.extend(["--shard", shard]);
        ok(render(&splits_dir, &sharded, &args));
    }
    let (_, whole) = wyrd_dataset::render::read_dataset(&full).unwrap();
    let (smeta, union) = wyrd_dataset::render::read_dataset(&sharded).unwrap();
    assert_eq!(smeta["sharding"]["count"], 2);
    assert_eq!(parts(&sharded).len(), 2);
    assert_eq!(whole, union);

    // Resume: a deleted part is rendered again, the others are kept untouched.
    let before = bytes(&full);
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let kept_mtime = mtime(&files[0]);
    std::fs::remove_file(&files[1]).unwrap();
    let err = ok(render(&splits_dir, &full, &TINY));
    assert!(err.contains("shard-0-of-1-0000.npz: skipped"), "{err}");
    assert!(
        err.contains("shard-0-of-1-0001.npz: rendered 2 items"),
        "{err}"
    );
    assert_eq!(mtime(&files[0]), kept_mtime);
    assert_eq!(bytes(&full), before);

    // A truncated part is found damaged and rendered again.
    let len = std::fs::metadata(&files[0]).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&files[0])
        .unwrap();
    f.set_len(len / 2).unwrap();
    drop(f);
    let err = ok(render(&splits_dir, &full, &TINY));
    assert!(err.contains("shard-0-of-1-0000.npz: damaged"), "{err}");
    assert!(err.contains("shard-0-of-1-0001.npz: skipped"), "{err}");
    assert_eq!(bytes(&full), before);

    // Another configuration in the same folder is refused.
    let mut other = TINY.to_vec();
    other[5] = "48";
    let out = render(&splits_dir, &full, &other);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("describes another dataset"), "{err}");
    assert!(err.contains("render"), "{err}");
    assert_eq!(bytes(&full), before);

    // One thread or many, the same bytes.
    let single = root.join("single");
    let out = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .env("RAYON_NUM_THREADS", "1")
        .args([
            "dataset",
            "render",
            "--splits",
            splits_dir.to_str().unwrap(),
        ])
        .args(["--out", single.to_str().unwrap()])
        .args(TINY)
        .output()
        .unwrap();
    ok(out);
    assert_eq!(bytes(&single), before);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn variations_and_random_patches_are_the_sampler_s() {
    let Some(_) = banks() else { return };
    let root = tmp("sampled");
    let splits_dir = root.join("splits");
    std::fs::create_dir_all(&splits_dir).unwrap();
    let splits = tiny_splits(&splits_dir);
    let presets = splits.get(SplitName::Train);

    let dir = root.join("var");
    ok(render(
        &splits_dir,
        &dir,
        &[
            "--split",
            "train",
            "--source",
            "variations",
            "--notes",
            "60",
            "--per-preset",
            "2",
            "--sigma",
            "0.1",
            "--p-cat",
            "0.5",
            "--seed",
            "7",
        ],
    ));
    let (meta, d) = wyrd_dataset::render::read_dataset(&dir).unwrap();
    assert_eq!(meta["source"], "variations");
    assert_eq!(meta["sampling"]["per_preset"], 2);
    assert_eq!(meta["sampling"]["sigma"], 0.1);
    assert_eq!(meta["sampling"]["p_cat"], 0.5);
    assert_eq!(meta["items"], 6);
    let v = Variation {
        per_preset: 2,
        sigma: 0.1,
        p_cat: 0.5,
        seed: 7,
    };
    for id in 0..6 {
        let (p, k) = (id / 2, id % 2);
        let want = v.variant(&presets[p].patch, p, k);
        assert_eq!(
            d.params.row(id).to_vec(),
            want.values().to_vec(),
            "item {id}"
        );
        assert_ne!(want.values(), presets[p].patch.values());
        assert_eq!(d.preset[id], p as i32);
        assert_eq!(d.note[id], 60);
    }

    let dir = root.join("random");
    ok(render(
        &splits_dir,
        &dir,
        &[
            "--source", "random", "--count", "3", "--notes", "48,72", "--seed", "5",
        ],
    ));
    let (meta, d) = wyrd_dataset::render::read_dataset(&dir).unwrap();
    assert_eq!(meta["source"], "random");
    assert_eq!(meta["split"], serde_json::Value::Null);
    assert_eq!(meta["items"], 6);
    for id in 0..6 {
        let want = random_patch(5, id / 2);
        assert_eq!(
            d.params.row(id).to_vec(),
            want.values().to_vec(),
            "item {id}"
        );
        assert_eq!(d.preset[id], -1);
        assert_eq!(d.note[id], [48, 72][id % 2]);
    }
    std::fs::remove_dir_all(&root).unwrap();
}
