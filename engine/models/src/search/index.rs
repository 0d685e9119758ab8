//! The retrieval index: every training preset rendered at the dataset's notes and summarised
//! (MFCCs pooled over time), so that the presets sounding nearest a target are found in
//! milliseconds and become starting points of the search.
//!
//! It is built on the user's machine from the banks (they are another project's data; features
//! derived from them stay in `data/`), cached as one file, and checked on load against the
//! schema, the feature config and the summary it was built with, as models are.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{json, Value};
use wyrd_analysis::MfccAnalyzer;
use wyrd_dataset::{features_json, ItemSpec, SplitName, Splits};
use wyrd_schema::{schema_hash, Patch, NUM_PARAMS};

use crate::error::{Error, Result};

/// Notes every preset is rendered at (the datasets' notes).
pub const NOTES: [u8; 3] = [48, 60, 72];
/// Time segments the MFCC frames are pooled into.
pub const SEGMENTS: usize = 12;
const MAGIC: &[u8; 9] = b"WYRDIDX1\n";

pub struct Index {
    pub header: Value,
    /// Preset keys (`bank#index`), in build order.
    pub keys: Vec<String>,
    pub patches: Vec<Patch>,
    /// `keys.len() x NOTES.len()` summaries of `dim` values, row-major.
    summaries: Vec<f32>,
    dim: usize,
}

/// One index entry near a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    pub preset: usize,
    /// L1 distance between summaries, per value.
    pub distance: f32,
}

/// The summary of one note's MFCCs (`frames x n_mfcc`, row-major): the mean of each
/// coefficient over [`SEGMENTS`] equal stretches of time.
pub fn summarise(mfcc: &[f32], n_mfcc: usize) -> Vec<f32> {
    let frames = mfcc.len() / n_mfcc.max(1);
    let mut out = vec![0.0f32; SEGMENTS * n_mfcc];
    for s in 0..SEGMENTS {
        let (a, b) = (
            s * frames / SEGMENTS,
            ((s + 1) * frames / SEGMENTS).max(s * frames / SEGMENTS + 1),
        );
        let b = b.min(frames);
        let n = (b - a).max(1) as f32;
        for f in a..b {
            for c in 0..n_mfcc {
                out[s * n_mfcc + c] += mfcc[f * n_mfcc + c] / n;
            }
        }
    }
    out
}

/// What an index must have been built with to be used here.
fn expected_header(spec: &ItemSpec) -> Value {
    json!({
        "format": 1,
        "schema_hash": schema_hash(),
        "features": features_json(spec),
        "summary": { "segments": SEGMENTS, "pooling": "mean" },
        "notes": NOTES,
        "source": "train split of the banks",
    })
}

impl Index {
    /// Renders and summarises the train split of `banks_dir`.
    pub fn build(banks_dir: &Path, spec: &ItemSpec) -> Result<Index> {
        let splits = Splits::compute(banks_dir).map_err(|e| Error::Input {
            message: format!("{}: {e:#}", banks_dir.display()),
        })?;
        let train = splits.get(SplitName::Train);
        if train.is_empty() {
            return Err(Error::Input {
                message: format!("{}: no presets to index", banks_dir.display()),
            });
        }
        let n_mfcc = spec.n_mfcc();
        let analyzer = MfccAnalyzer::new(spec.mfcc_config()).map_err(|e| Error::Input {
            message: e.to_string(),
        })?;
        let summaries: Vec<f32> = train
            .par_iter()
            .map_init(
                || analyzer.clone(),
                |analyzer, entry| {
                    let mut out = Vec::with_capacity(NOTES.len() * SEGMENTS * n_mfcc);
                    for &note in &NOTES {
                        let audio = spec.render(&entry.patch, note);
                        let f = spec.features(analyzer, &audio).expect("a finite render");
                        out.extend(summarise(&f.mfcc, n_mfcc));
                    }
                    out
                },
            )
            .flatten()
            .collect();
        let mut header = expected_header(spec);
        header["presets"] = json!(train.len());
        header["banks"] = json!(splits
            .banks
            .iter()
            .map(|b| b.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect::<Vec<_>>());
        Ok(Index {
            header,
            keys: train.iter().map(|e| e.key.clone()).collect(),
            patches: train.iter().map(|e| e.patch.clone()).collect(),
            summaries,
            dim: SEGMENTS * n_mfcc,
        })
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The `k` presets whose summary at the indexed note nearest `note` is closest to `query`
    /// (a [`summarise`]d target), nearest first.
    pub fn nearest(&self, query: &[f32], note: u8, k: usize) -> Vec<Neighbour> {
        let slot = (0..NOTES.len())
            .min_by_key(|&i| (i32::from(NOTES[i]) - i32::from(note)).abs())
            .unwrap_or(0);
        let mut all: Vec<Neighbour> = (0..self.len())
            .map(|p| {
                let row = (p * NOTES.len() + slot) * self.dim;
                let s = &self.summaries[row..row + self.dim];
                let d: f32 = s.iter().zip(query).map(|(a, b)| (a - b).abs()).sum();
                Neighbour {
                    preset: p,
                    distance: d / self.dim as f32,
                }
            })
            .collect();
        all.sort_by(|a, b| {
            a.distance
                .total_cmp(&b.distance)
                .then(a.preset.cmp(&b.preset))
        });
        all.truncate(k);
        all
    }

    /// The `k` presets whose held part sounds nearest a short window of live frames, nearest
    /// first. `mean` is the window's mean MFCCs. Each preset's segments at the indexed note
    /// nearest `note` that lie within the held part live windows are taken from
    /// (`spec.live_from..live_to`: 0.25..1.0 s of the 1.5 s item, segments 2..8, where the note
    /// has settled and is not yet released) are compared with it one by one (L1 with
    /// per-coefficient `weights`), and the closest is the preset's distance: a window is about
    /// as long as a segment, and it may sound like any moment of a held note rather than their
    /// average. `spec` is the one the index was loaded with.
    pub fn nearest_held(
        &self,
        spec: &ItemSpec,
        mean: &[f32],
        weights: &[f32],
        note: u8,
        k: usize,
    ) -> Vec<Neighbour> {
        let n_mfcc = self.dim / SEGMENTS;
        let slot = (0..NOTES.len())
            .min_by_key(|&i| (i32::from(NOTES[i]) - i32::from(note)).abs())
            .unwrap_or(0);
        let len = (spec.hold + spec.tail) / SEGMENTS as f64;
        let first = ((spec.live_from / len - 1e-9).ceil().max(0.0) as usize).min(SEGMENTS);
        let end = ((spec.live_to / len + 1e-9).floor().max(0.0) as usize).clamp(first, SEGMENTS);
        // A held part shorter than a segment still has the one it starts in.
        let segments = first.min(SEGMENTS - 1)..end.max(first + 1).min(SEGMENTS);
        let total: f32 = weights.iter().take(n_mfcc).sum::<f32>().max(1e-12);
        let mut all: Vec<Neighbour> = (0..self.len())
            .map(|p| {
                let row = (p * NOTES.len() + slot) * self.dim;
                let best = segments
                    .clone()
                    .map(|s| {
                        let seg = &self.summaries[row + s * n_mfcc..row + (s + 1) * n_mfcc];
                        seg.iter()
                            .zip(mean)
                            .zip(weights)
                            .map(|((a, b), w)| w * (a - b).abs())
                            .sum::<f32>()
                    })
                    .fold(f32::INFINITY, f32::min);
                Neighbour {
                    preset: p,
                    distance: best / total,
                }
            })
            .collect();
        all.sort_by(|a, b| {
            a.distance
                .total_cmp(&b.distance)
                .then(a.preset.cmp(&b.preset))
        });
        all.truncate(k);
        all
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let io = |e: std::io::Error| Error::Io {
            path: path.to_path_buf(),
            source: e,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut header = self.header.clone();
        header["keys"] = json!(self.keys);
        let text = serde_json::to_vec(&header).expect("a JSON header");
        // Written beside and renamed, so a crash never leaves half an index to be trusted.
        let tmp = path.with_extension("idx.part");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
        f.write_all(MAGIC).map_err(io)?;
        f.write_all(&(text.len() as u64).to_le_bytes())
            .map_err(io)?;
        f.write_all(&text).map_err(io)?;
        for v in &self.summaries {
            f.write_all(&v.to_le_bytes()).map_err(io)?;
        }
        for p in &self.patches {
            for v in p.values() {
                f.write_all(&v.to_le_bytes()).map_err(io)?;
            }
        }
        f.flush().map_err(io)?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Reads an index and checks it was built for this schema and feature config.
    pub fn load(path: &Path, spec: &ItemSpec) -> Result<Index> {
        let io = |e: std::io::Error| Error::Io {
            path: path.to_path_buf(),
            source: e,
        };
        let bad = |message: String| Error::Check {
            path: path.to_path_buf(),
            message,
        };
        let mut f = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
        let mut magic = [0u8; 9];
        f.read_exact(&mut magic).map_err(io)?;
        if &magic != MAGIC {
            return Err(bad("not a wyrd index file".into()));
        }
        let mut len = [0u8; 8];
        f.read_exact(&mut len).map_err(io)?;
        let len = u64::from_le_bytes(len) as usize;
        if len > 64 << 20 {
            return Err(bad("its header is too large".into()));
        }
        let mut text = vec![0u8; len];
        f.read_exact(&mut text).map_err(io)?;
        let mut header: Value =
            serde_json::from_slice(&text).map_err(|e| bad(format!("its header: {e}")))?;
        let want = expected_header(spec);
        for key in ["format", "schema_hash", "features", "summary", "notes"] {
            if header[key] != want[key] {
                return Err(bad(format!(
                    "built with another {key} ({} here, {} in the index); rebuild it \
                     (delete the file, or run `wyrd index`)",
                    want[key], header[key]
                )));
            }
        }
        let keys: Vec<String> = serde_json::from_value(header["keys"].take())
            .map_err(|e| bad(format!("its keys: {e}")))?;
        let dim = SEGMENTS * spec.n_mfcc();
        let floats = |n: usize, f: &mut dyn Read| -> Result<Vec<f32>> {
            let mut bytes = vec![0u8; n * 4];
            f.read_exact(&mut bytes).map_err(io)?;
            Ok(bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        let summaries = floats(keys.len() * NOTES.len() * dim, &mut f)?;
        let values = floats(keys.len() * NUM_PARAMS, &mut f)?;
        if summaries.iter().chain(&values).any(|v| !v.is_finite()) {
            return Err(bad("it holds non-finite values".into()));
        }
        let patches = values
            .chunks_exact(NUM_PARAMS)
            .zip(&keys)
            .map(|(v, key)| {
                let values: [f32; NUM_PARAMS] = v.try_into().expect("NUM_PARAMS values");
                Patch::from_values(key, values)
            })
            .collect();
        Ok(Index {
            header,
            keys,
            patches,
            summaries,
            dim,
        })
    }

    /// The default cache: `index/train-presets.idx` in the data folder.
    pub fn default_path() -> Option<PathBuf> {
        wyrd_bank::data_roots()
            .into_iter()
            .find(|d| d.is_dir())
            .map(|d| d.join("index").join("train-presets.idx"))
    }

    /// The cached index, built (and cached) first if it is missing or was built for another
    /// schema or feature config. `say` hears what is happening (building takes seconds).
    pub fn cached(path: &Path, spec: &ItemSpec, say: &dyn Fn(&str)) -> Result<Index> {
        match Index::load(path, spec) {
            Ok(index) => return Ok(index),
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => say(&format!("{e}; rebuilding")),
        }
        let banks = wyrd_bank::banks_dir().ok_or_else(|| Error::Input {
            message: "no amSynth banks to build the index from (run `./setup.sh banks`, or set \
                      WYRD_BANKS)"
                .into(),
        })?;
        say(&format!(
            "building the preset index from {} (once; cached in {})",
            banks.display(),
            path.display()
        ));
        let index = Index::build(&banks, spec)?;
        index.save(path)?;
        Ok(index)
    }
}
