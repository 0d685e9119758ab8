//! A dataset folder (`models/FORMAT.md`, "Dataset") in the layout evaluation works on.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use wyrd_dataset::render::read_dataset;
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

/// Load `dir` (through `wyrd_dataset`'s reader, items in id order). The dataset must have been
/// made with this build's schema.
pub fn load(dir: &Path) -> Result<Dataset> {
    let meta_path = dir.join("meta.json");
    let (meta, part) = read_dataset(dir).with_context(|| format!("{}", dir.display()))?;
    let ours = wyrd_schema::schema_hash();
    match meta.get("schema_hash").and_then(|h| h.as_str()) {
        Some(h) if h == ours => {}
        other => bail!(
            "{}: schema_hash {other:?} is not this build's schema {ours}; re-render the dataset",
            meta_path.display()
        ),
    }
    let n = part.params.nrows();
    if n == 0 {
        bail!("{}: no items", dir.display());
    }
    if part.params.ncols() != NUM_PARAMS || part.x.ncols() != Encoding::new().width() {
        bail!(
            "{}: params/x have {}/{} columns, not this build's {NUM_PARAMS}/{}",
            dir.display(),
            part.params.ncols(),
            part.x.ncols(),
            Encoding::new().width()
        );
    }
    let (live_shape, mfcc_shape) = (part.live.shape(), part.mfcc.shape());
    Ok(Dataset {
        dir: dir.to_owned(),
        meta,
        params: part
            .params
            .rows()
            .into_iter()
            .map(|r| std::array::from_fn(|j| r[j]))
            .collect(),
        x: part.x.rows().into_iter().map(|r| r.to_vec()).collect(),
        note: part.note.to_vec(),
        preset: part.preset.to_vec(),
        mfcc: part.mfcc.iter().copied().collect(),
        live: part.live.iter().copied().collect(),
        frames: mfcc_shape[1],
        n_mfcc: mfcc_shape[2],
        windows: live_shape[1],
        window: live_shape[2],
    })
}
