//! Reading a dataset folder (`models/FORMAT.md`, "Dataset"): `meta.json` and its npz shards,
//! concatenated in shard order.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use ndarray::{Array1, Array2, Array3, Array4};
use ndarray_npy::NpzReader;
use wyrd_dataset::Encoding;
use wyrd_schema::{Patch, NUM_PARAMS};

/// All items of a dataset folder, row-major.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub dir: PathBuf,
    pub meta: serde_json::Value,
    /// `[N][41]` bank units.
    pub params: Vec<[f32; NUM_PARAMS]>,
    /// `[N, width]` encodings.
    pub x: Vec<Vec<f32>>,
    pub note: Vec<i32>,
    pub preset: Vec<i32>,
    /// `[N, T, 20]` flattened.
    pub mfcc: Vec<f32>,
    /// `[N, K, W, 20]` flattened (empty when the shards have no `live`).
    pub live: Vec<f32>,
    pub frames: usize,
    pub n_mfcc: usize,
    /// `K` and `W` of `live`.
    pub windows: usize,
    pub window: usize,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.note.len()
    }

    pub fn is_empty(&self) -> bool {
        self.note.is_empty()
    }

    pub fn patch(&self, i: usize) -> Patch {
        Patch::from_values(format!("item {i}"), self.params[i])
    }

    pub fn mfcc_of(&self, i: usize) -> &[f32] {
        let n = self.frames * self.n_mfcc;
        &self.mfcc[i * n..(i + 1) * n]
    }

    /// Live window `k` of item `i` (`[W, 20]`).
    pub fn live_of(&self, i: usize, k: usize) -> &[f32] {
        let w = self.window * self.n_mfcc;
        let start = (i * self.windows + k) * w;
        &self.live[start..start + w]
    }

    pub fn note_of(&self, i: usize) -> u8 {
        self.note[i].clamp(0, 127) as u8
    }
}

/// The shard files of `dir`, ordered by shard number then part (`shard-<i>-of-<n>-<part>.npz`),
/// numerically, so shard 10 follows shard 9.
pub fn shard_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read the dataset folder", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| n.starts_with("shard-") && n.ends_with(".npz"))
        })
        .map(|p| {
            let stem = p.file_stem().unwrap_or_default().to_string_lossy();
            let key = stem
                .split(['-', '_', '.'])
                .filter_map(|s| s.parse().ok())
                .collect();
            (key, p)
        })
        .collect();
    files.sort();
    Ok(files.into_iter().map(|(_, p)| p).collect())
}

/// Load `dir`. The dataset must have been made with this build's schema.
pub fn load(dir: &Path) -> Result<Dataset> {
    let meta_path = dir.join("meta.json");
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&meta_path)
            .with_context(|| format!("{}: cannot read", meta_path.display()))?,
    )
    .with_context(|| format!("{}: not valid JSON", meta_path.display()))?;
    let ours = wyrd_schema::schema_hash();
    match meta.get("schema_hash").and_then(|h| h.as_str()) {
        Some(h) if h == ours => {}
        other => bail!(
            "{}: schema_hash {other:?} is not this build's schema {ours}; re-render the dataset",
            meta_path.display()
        ),
    }
    let shards = shard_files(dir)?;
    if shards.is_empty() {
        bail!("{}: no shard-*.npz files", dir.display());
    }
    let enc = Encoding::new();
    let mut d = Dataset {
        dir: dir.to_owned(),
        meta,
        ..Dataset::default()
    };
    for path in &shards {
        read_shard(path, &enc, &mut d).with_context(|| format!("{}", path.display()))?;
    }
    Ok(d)
}

fn read_shard(path: &Path, enc: &Encoding, d: &mut Dataset) -> Result<()> {
    let mut npz = NpzReader::new(File::open(path)?)?;
    let names = npz.names()?;
    let params: Array2<f32> = npz.by_name("params").context("params")?;
    let n = params.nrows();
    if params.ncols() != NUM_PARAMS {
        bail!(
            "params has {} columns, expected {NUM_PARAMS}",
            params.ncols()
        );
    }
    let note: Array1<i32> = npz.by_name("note").context("note")?;
    let preset: Array1<i32> = npz.by_name("preset").context("preset")?;
    let mfcc: Array3<f32> = npz.by_name("mfcc").context("mfcc")?;
    if note.len() != n || preset.len() != n || mfcc.shape()[0] != n {
        bail!("arrays disagree on the item count ({n} params rows)");
    }
    let (t, c) = (mfcc.shape()[1], mfcc.shape()[2]);
    if d.frames != 0 && (d.frames, d.n_mfcc) != (t, c) {
        bail!(
            "mfcc is [{t}, {c}] per item, earlier shards had [{}, {}]",
            d.frames,
            d.n_mfcc
        );
    }
    d.frames = t;
    d.n_mfcc = c;
    let x: Option<Array2<f32>> = if names.iter().any(|s| s == "x") {
        Some(npz.by_name("x").context("x")?)
    } else {
        None
    };
    if names.iter().any(|s| s == "live") {
        let live: Array4<f32> = npz.by_name("live").context("live")?;
        d.windows = live.shape()[1];
        d.window = live.shape()[2];
        d.live.extend(live.iter());
    }
    for r in 0..n {
        let row: [f32; NUM_PARAMS] = std::array::from_fn(|j| params[[r, j]]);
        let xr = match &x {
            Some(x) if x.ncols() == enc.width() => x.row(r).to_vec(),
            // Derived when absent or of another width, so later code has one layout.
            _ => enc.encode(&Patch::from_values("", row)),
        };
        d.params.push(row);
        d.x.push(xr);
    }
    d.note.extend(note.iter());
    d.preset.extend(preset.iter());
    d.mfcc.extend(mfcc.iter());
    Ok(())
}
