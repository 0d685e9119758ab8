//! Rendering a dataset folder (`wyrd dataset render`, `models/FORMAT.md` "Dataset").
//!
//! Items are enumerated in a fixed global order, the note index varying fastest:
//!
//! - `presets`: `id = preset * notes + note`;
//! - `variations`: `id = (preset * per_preset + variant) * notes + note`;
//! - `random`: `id = patch * notes + note`, `count` random patches each played at every note.
//!
//! Sharding and part files are described in [`crate::shard`]. A folder holds one dataset:
//! `meta.json` is written first and a rerun with another configuration is refused; parts that
//! exist and read back with the expected shapes and item ids are kept, so an interrupted run
//! resumes where it stopped.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ndarray::{Array1, Array2, Array3, Array4};
use rayon::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wyrd_analysis::MfccAnalyzer;
use wyrd_schema::{Patch, NUM_PARAMS};

use crate::sample::{random_patch, Variation};
use crate::shard::{Part, PartShape, Shard};
use crate::split::{Entry, SplitName, Splits};
use crate::{features_json, Encoding, ItemSpec};

/// Version of the dataset layout (`meta.json`'s `format`).
pub const FORMAT: u64 = 1;
/// The notes items are played at unless told otherwise.
pub const DEFAULT_NOTES: [u8; 3] = [48, 60, 72];
/// Items per part file unless told otherwise.
pub const DEFAULT_PART_SIZE: usize = 2048;

/// Where the patches come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Every preset of the split.
    Presets,
    /// `per_preset` variations of every preset of the split.
    Variations(Variation),
    /// `count` uniformly random patches.
    Random { count: usize, seed: u64 },
}

impl Source {
    pub fn name(&self) -> &'static str {
        match self {
            Source::Presets => "presets",
            Source::Variations(_) => "variations",
            Source::Random { .. } => "random",
        }
    }

    /// Patches per preset (presets and variations) or in all (random).
    fn patches_per_preset(&self) -> usize {
        match self {
            Source::Presets => 1,
            Source::Variations(v) => v.per_preset,
            Source::Random { .. } => 0,
        }
    }

    /// `meta.json`'s `sampling`.
    fn sampling_json(&self) -> Value {
        match self {
            Source::Presets => json!({
                "rule": "every preset of the split x every note",
                "order": "item id = preset * notes + note index",
            }),
            Source::Variations(v) => json!({
                "per_preset": v.per_preset,
                "sigma": v.sigma,
                "p_cat": v.p_cat,
                "seed": v.seed,
                "rule": "for each preset, per_preset variants: continuous and stepped values plus N(0, sigma^2) in the 0..1 view, then ParamSpec::denormalize (clamp, snap); each categorical resampled uniformly over its options with probability p_cat",
                "rng": "ChaCha8 per (preset, variant), 32-byte seed = le64(seed) le64(preset index) le64(variant) b\"wyrd-var\"; draws in schema order, 2 uniforms per continuous/stepped param (Box-Muller, cosine branch), 2 per categorical (coin, option)",
                "order": "item id = (preset * per_preset + variant) * notes + note index",
            }),
            Source::Random { count, seed } => json!({
                "count": count,
                "seed": seed,
                "rule": "count random patches, each at every note: continuous and stepped values uniform in the 0..1 view then ParamSpec::denormalize (snap), categoricals uniform over their options",
                "rng": "ChaCha8 per patch, 32-byte seed = le64(seed) le64(patch index) le64(0) b\"wyrd-rnd\"; draws in schema order, 1 uniform per parameter",
                "order": "item id = patch * notes + note index",
            }),
        }
    }
}

/// What to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Required for presets and variations; recorded for random.
    pub split: Option<SplitName>,
    pub source: Source,
    pub notes: Vec<u8>,
    pub spec: ItemSpec,
    pub part_size: usize,
    pub shard: Shard,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            split: Some(SplitName::Train),
            source: Source::Presets,
            notes: DEFAULT_NOTES.to_vec(),
            spec: ItemSpec::default(),
            part_size: DEFAULT_PART_SIZE,
            shard: Shard::default(),
        }
    }
}

/// Parse `48,60,72`.
pub fn parse_notes(s: &str) -> Result<Vec<u8>> {
    let notes = s
        .split(',')
        .map(|n| {
            let v: u8 = n
                .trim()
                .parse()
                .with_context(|| format!("note {n:?} is not a MIDI note number"))?;
            ensure!(v <= 127, "note {v} is above 127");
            Ok(v)
        })
        .collect::<Result<Vec<u8>>>()?;
    ensure!(!notes.is_empty(), "no notes");
    Ok(notes)
}

/// One item: the patch, the note it is played at and where the patch came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub patch: Patch,
    pub note: u8,
    /// Index into the split's key list; -1 for random patches.
    pub preset: i32,
}

/// A configuration bound to its presets: enumerates items and renders them.
#[derive(Debug, Clone)]
pub struct Plan {
    pub config: Config,
    /// The split's presets, in key-list order (empty for random).
    pub presets: Vec<Entry>,
    pub encoding: Encoding,
}

impl Plan {
    /// `splits` is needed for presets and variations.
    pub fn new(config: Config, splits: Option<&Splits>) -> Result<Plan> {
        ensure!(config.part_size > 0, "part size must be at least 1");
        ensure!(!config.notes.is_empty(), "no notes");
        let presets = match (&config.source, config.split, splits) {
            (Source::Random { .. }, _, _) => Vec::new(),
            (_, None, _) => bail!("source {} needs a split", config.source.name()),
            (_, Some(_), None) => bail!("source {} needs the splits", config.source.name()),
            (_, Some(name), Some(s)) => s.get(name).to_vec(),
        };
        if let Source::Variations(v) = &config.source {
            ensure!(v.per_preset > 0, "--per-preset must be at least 1");
            ensure!(
                v.sigma.is_finite() && v.sigma >= 0.0,
                "sigma must be finite and non-negative"
            );
            ensure!((0.0..=1.0).contains(&v.p_cat), "p_cat must lie in 0..=1");
        }
        let plan = Plan {
            config,
            presets,
            encoding: Encoding::new(),
        };
        ensure!(
            i32::try_from(plan.total()).is_ok(),
            "too many items for int32 ids"
        );
        Ok(plan)
    }

    /// Items in the whole dataset (all shards).
    pub fn total(&self) -> usize {
        let patches = match &self.config.source {
            Source::Random { count, .. } => *count,
            s => self.presets.len() * s.patches_per_preset(),
        };
        patches * self.config.notes.len()
    }

    /// Item `id` of the global order.
    pub fn item(&self, id: usize) -> Item {
        let n_notes = self.config.notes.len();
        let note = self.config.notes[id % n_notes];
        let patch_id = id / n_notes;
        match &self.config.source {
            Source::Presets => Item {
                patch: self.presets[patch_id].patch.clone(),
                note,
                preset: patch_id as i32,
            },
            Source::Variations(v) => {
                let preset = patch_id / v.per_preset;
                let variant = patch_id % v.per_preset;
                Item {
                    patch: v.variant(&self.presets[preset].patch, preset, variant),
                    note,
                    preset: preset as i32,
                }
            }
            Source::Random { seed, .. } => Item {
                patch: random_patch(*seed, patch_id),
                note,
                preset: -1,
            },
        }
    }

    pub fn shape(&self) -> PartShape {
        let spec = &self.config.spec;
        PartShape {
            width: self.encoding.width(),
            frames: spec.mfcc_frames(),
            n_mfcc: spec.n_mfcc(),
            windows: spec.windows,
            window: spec.window,
        }
    }

    /// `meta.json`: equal for every shard of one dataset, so shards can share a folder.
    pub fn meta(&self) -> Value {
        let c = &self.config;
        let spec = &c.spec;
        let shape = self.shape();
        let split_keys = match c.source {
            Source::Random { .. } => Value::Null,
            _ => {
                let text: String = self
                    .presets
                    .iter()
                    .map(|e| format!("{}\n", e.key))
                    .collect();
                json!({
                    "count": self.presets.len(),
                    "sha256": hex(&Sha256::digest(text.as_bytes())),
                })
            }
        };
        json!({
            "format": FORMAT,
            "schema": wyrd_schema::to_json(),
            "schema_hash": wyrd_schema::schema_hash(),
            "features": features_json(spec),
            "render": {
                "notes": c.notes,
                "velocity": spec.velocity,
                "hold": spec.hold,
                "tail": spec.tail,
                "seed": spec.seed,
                "sample_rate": spec.sample_rate,
                "mono": "(L+R)/2",
                "live": {
                    "window": spec.window,
                    "windows": spec.windows,
                    "from": spec.live_from,
                    "to": spec.live_to,
                    "starts": spec.window_starts(),
                },
            },
            "encoding": {
                "n_cont": self.encoding.n_cont(),
                "n_cat": self.encoding.n_cat(),
                "width": self.encoding.width(),
                "continuous_ids": self.encoding.continuous.iter().map(|&i| wyrd_schema::PARAMS[i].id).collect::<Vec<_>>(),
                "categorical_groups": self.encoding.groups_json(),
            },
            "split": c.split.map(SplitName::as_str),
            "split_keys": split_keys,
            "source": c.source.name(),
            "sampling": c.source.sampling_json(),
            "items": self.total(),
            "sharding": {
                "count": c.shard.count,
                "part_size": c.part_size,
                "rule": "shard i of n holds the item ids id with id % n == i in increasing order, cut into parts of part_size",
                "files": format!("shard-<i>-of-{}-<part:04>.npz", c.shard.count),
            },
            "arrays": {
                "item": ["N"],
                "params": ["N", NUM_PARAMS],
                "x": ["N", shape.width],
                "note": ["N"],
                "preset": ["N"],
                "mfcc": ["N", shape.frames, shape.n_mfcc],
                "live": ["N", shape.windows, shape.window, shape.n_mfcc],
                "peak_db": ["N"],
            },
        })
    }

    /// Render the given items (in parallel, in order).
    pub fn render_part(&self, ids: &[usize], progress: &ProgressBar) -> Result<Part> {
        let spec = &self.config.spec;
        let shape = self.shape();
        let outs = ids
            .par_iter()
            .map_init(
                || MfccAnalyzer::new(spec.mfcc_config()).expect("the dataset MFCC config is valid"),
                |analyzer, &id| -> Result<_> {
                    let item = self.item(id);
                    let audio = spec.render(&item.patch, item.note);
                    let features = spec.features(analyzer, &audio).with_context(|| {
                        format!(
                            "item {id} (patch {:?}, note {}): {:?}",
                            item.patch.name,
                            item.note,
                            item.patch.values()
                        )
                    })?;
                    progress.inc(1);
                    Ok((item, features))
                },
            )
            .collect::<Result<Vec<_>>>()?;
        let n = ids.len();
        let mut params = Vec::with_capacity(n * NUM_PARAMS);
        let mut x = Vec::with_capacity(n * shape.width);
        let mut mfcc = Vec::with_capacity(n * shape.frames * shape.n_mfcc);
        let mut live = Vec::with_capacity(n * shape.windows * shape.window * shape.n_mfcc);
        let mut note = Vec::with_capacity(n);
        let mut preset = Vec::with_capacity(n);
        let mut peak_db = Vec::with_capacity(n);
        for (item, f) in outs {
            params.extend_from_slice(item.patch.values());
            x.extend(self.encoding.encode(&item.patch));
            mfcc.extend(f.mfcc);
            live.extend(f.live);
            note.push(i32::from(item.note));
            preset.push(item.preset);
            peak_db.push(f.peak_db);
        }
        Ok(Part {
            item: ids.iter().map(|&i| i as i64).collect(),
            params: Array2::from_shape_vec((n, NUM_PARAMS), params)?,
            x: Array2::from_shape_vec((n, shape.width), x)?,
            note: Array1::from(note),
            preset: Array1::from(preset),
            mfcc: Array3::from_shape_vec((n, shape.frames, shape.n_mfcc), mfcc)?,
            live: Array4::from_shape_vec((n, shape.windows, shape.window, shape.n_mfcc), live)?,
            peak_db: Array1::from(peak_db),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Items of this shard.
    pub items: usize,
    /// Parts rendered now (including damaged ones rendered again).
    pub rendered: Vec<usize>,
    /// Parts that were already complete.
    pub skipped: Vec<usize>,
    /// Parts found damaged, with the reason.
    pub damaged: Vec<(usize, String)>,
    /// Items rendered now.
    pub rendered_items: usize,
    pub seconds: f64,
}

/// Options of a run that do not change the dataset.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Print a line per part on stderr.
    pub verbose: bool,
}

/// Render this shard of the dataset into `dir`, skipping complete parts.
pub fn render(plan: &Plan, dir: &Path, opts: RunOptions) -> Result<Outcome> {
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    ensure_meta(plan, dir)?;
    let c = &plan.config;
    let total = plan.total();
    let shape = plan.shape();
    let n_parts = c.shard.parts(total, c.part_size);
    let mut outcome = Outcome {
        items: c.shard.len(total),
        ..Outcome::default()
    };
    let progress = if opts.progress {
        let pb =
            ProgressBar::with_draw_target(Some(outcome.items as u64), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} items {per_sec} eta {eta}",
            )
            .expect("valid progress template"),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let say = |line: String| {
        if opts.verbose {
            progress.suspend(|| eprintln!("{line}"));
        }
    };
    let start = Instant::now();
    for part in 0..n_parts {
        let ids = c.shard.part_items(total, c.part_size, part);
        let path = c.shard.part_path(dir, part);
        let name = c.shard.part_file_name(part);
        if path.exists() {
            match Part::read(&path).and_then(|p| p.check(&shape, &ids)) {
                Ok(()) => {
                    say(format!("{name}: skipped, complete ({} items)", ids.len()));
                    progress.inc(ids.len() as u64);
                    outcome.skipped.push(part);
                    continue;
                }
                Err(e) => {
                    say(format!("{name}: damaged ({e:#}), rendering it again"));
                    outcome.damaged.push((part, format!("{e:#}")));
                }
            }
        }
        let t = Instant::now();
        let data = plan.render_part(&ids, &progress)?;
        data.write_atomic(&path)?;
        let secs = t.elapsed().as_secs_f64();
        say(format!(
            "{name}: rendered {} items in {secs:.1} s ({:.1} items/s)",
            ids.len(),
            ids.len() as f64 / secs.max(1e-9)
        ));
        outcome.rendered.push(part);
        outcome.rendered_items += ids.len();
    }
    progress.finish_and_clear();
    outcome.seconds = start.elapsed().as_secs_f64();
    Ok(outcome)
}

/// Write `meta.json`, or check that the one there describes this dataset.
fn ensure_meta(plan: &Plan, dir: &Path) -> Result<()> {
    let path = dir.join("meta.json");
    let meta = plan.meta();
    if path.exists() {
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
        let old: Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
        if old != meta {
            let keys: Vec<&str> = match (old.as_object(), meta.as_object()) {
                (Some(a), Some(b)) => b
                    .keys()
                    .chain(a.keys())
                    .filter(|k| a.get(*k) != b.get(*k))
                    .map(String::as_str)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                _ => vec!["(not an object)"],
            };
            bail!(
                "{} describes another dataset (differs in: {}); render into another folder or delete this one",
                path.display(),
                keys.join(", ")
            );
        }
        return Ok(());
    }
    let stray = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("shard-") && n.ends_with(".npz"));
    if let Some(stray) = stray {
        bail!(
            "{}: holds {stray} but no meta.json; render into another folder or delete this one",
            dir.display()
        );
    }
    let tmp = dir.join(format!(".meta.json.{}.tmp", std::process::id()));
    let text = serde_json::to_string_pretty(&meta)? + "\n";
    std::fs::write(&tmp, text).with_context(|| format!("write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("rename to {}", path.display()))?;
    Ok(())
}

/// Read all parts of a dataset folder (every shard), sorted by item id: for tests and tools.
pub fn read_dataset(dir: &Path) -> Result<(Value, Part)> {
    let meta: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("meta.json"))
            .with_context(|| format!("read {}/meta.json", dir.display()))?,
    )?;
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".npz"))
        })
        .collect();
    files.sort();
    let parts = files
        .iter()
        .map(|p| Part::read(p))
        .collect::<Result<Vec<_>>>()?;
    Ok((meta, concat(parts)?))
}

/// Concatenate parts and sort the items by id.
pub fn concat(parts: Vec<Part>) -> Result<Part> {
    use ndarray::{concatenate, Axis};
    ensure!(!parts.is_empty(), "no parts");
    macro_rules! cat {
        ($f:ident) => {
            concatenate(
                Axis(0),
                &parts.iter().map(|p| p.$f.view()).collect::<Vec<_>>(),
            )?
        };
    }
    let all = Part {
        item: cat!(item),
        params: cat!(params),
        x: cat!(x),
        note: cat!(note),
        preset: cat!(preset),
        mfcc: cat!(mfcc),
        live: cat!(live),
        peak_db: cat!(peak_db),
    };
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| all.item[i]);
    Ok(Part {
        item: all.item.select(Axis(0), &order),
        params: all.params.select(Axis(0), &order),
        x: all.x.select(Axis(0), &order),
        note: all.note.select(Axis(0), &order),
        preset: all.preset.select(Axis(0), &order),
        mfcc: all.mfcc.select(Axis(0), &order),
        live: all.live.select(Axis(0), &order),
        peak_db: all.peak_db.select(Axis(0), &order),
    })
}
