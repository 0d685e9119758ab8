//! Shards and parts of a dataset folder.
//!
//! Items are numbered in a fixed global order (see [`crate::render::Plan::item`]). Shard `i/n`
//! takes the item ids `id` with `id % n == i`, in increasing order (interleaved, so shards are
//! equally expensive whatever the source); its items are cut into parts of `part_size`
//! consecutive shard items, written as `shard-<i>-of-<n>-<part>.npz` (part zero-padded to four
//! digits so file names sort in item order).
//!
//! A part holds the arrays of `models/FORMAT.md` plus `item` (`[N]` int64, the global item ids),
//! which makes parts self-describing: the union of all shards' parts, sorted by `item`, is the
//! unsharded dataset.

use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, ensure, Context, Result};
use ndarray::{Array1, Array2, Array3, Array4};
use ndarray_npy::{NpzReader, NpzWriter};
use wyrd_schema::NUM_PARAMS;

/// Which share of the items one process renders: `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        let (i, n) = s
            .split_once('/')
            .with_context(|| format!("shard {s:?}: expected i/n, e.g. 0/4"))?;
        let index: usize = i.trim().parse().with_context(|| format!("shard {s:?}"))?;
        let count: usize = n.trim().parse().with_context(|| format!("shard {s:?}"))?;
        ensure!(count > 0, "shard {s:?}: n must be at least 1");
        ensure!(index < count, "shard {s:?}: i must be below n");
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Number of items of this shard in a dataset of `total` items.
    pub fn len(&self, total: usize) -> usize {
        if total > self.index {
            (total - self.index).div_ceil(self.count)
        } else {
            0
        }
    }

    pub fn is_empty(&self, total: usize) -> bool {
        self.len(total) == 0
    }

    /// Global item id of the shard's `local`-th item.
    pub fn item(&self, local: usize) -> usize {
        local * self.count + self.index
    }

    /// Number of parts of `part_size` items.
    pub fn parts(&self, total: usize, part_size: usize) -> usize {
        self.len(total).div_ceil(part_size)
    }

    /// Global item ids of part `part`.
    pub fn part_items(&self, total: usize, part_size: usize, part: usize) -> Vec<usize> {
        let from = part * part_size;
        let to = (from + part_size).min(self.len(total));
        (from..to).map(|l| self.item(l)).collect()
    }

    /// `shard-<i>-of-<n>-<part>.npz`.
    pub fn part_file_name(&self, part: usize) -> String {
        format!("shard-{}-of-{}-{part:04}.npz", self.index, self.count)
    }

    pub fn part_path(&self, dir: &Path, part: usize) -> PathBuf {
        dir.join(self.part_file_name(part))
    }
}

/// The arrays of one part file (N items).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// `[N]` global item ids (not in FORMAT.md's table; an addition that makes parts
    /// self-describing).
    pub item: Array1<i64>,
    /// `[N, 41]` the patch in bank units.
    pub params: Array2<f32>,
    /// `[N, n_cont + n_cat]` the patch encoding.
    pub x: Array2<f32>,
    /// `[N]` MIDI note.
    pub note: Array1<i32>,
    /// `[N]` index into the split's key list, -1 for random patches.
    pub preset: Array1<i32>,
    /// `[N, T, n_mfcc]`.
    pub mfcc: Array3<f32>,
    /// `[N, K, W, n_mfcc]`.
    pub live: Array4<f32>,
    /// `[N]` peak in dBFS, -200 for silence.
    pub peak_db: Array1<f32>,
}

/// The array shapes a part must have, all but N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartShape {
    pub width: usize,
    pub frames: usize,
    pub n_mfcc: usize,
    pub windows: usize,
    pub window: usize,
}

impl Part {
    pub fn len(&self) -> usize {
        self.item.len()
    }

    pub fn is_empty(&self) -> bool {
        self.item.is_empty()
    }

    /// Write to `path` through a temporary file in the same folder renamed into place, so a
    /// part file that exists is complete.
    pub fn write_atomic(&self, path: &Path) -> Result<()> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .context("part path has no file name")?;
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| -> Result<()> {
            let file = File::create(&tmp)?;
            let mut npz = NpzWriter::new(BufWriter::new(file));
            npz.add_array("item", &self.item)?;
            npz.add_array("params", &self.params)?;
            npz.add_array("x", &self.x)?;
            npz.add_array("note", &self.note)?;
            npz.add_array("preset", &self.preset)?;
            npz.add_array("mfcc", &self.mfcc)?;
            npz.add_array("live", &self.live)?;
            npz.add_array("peak_db", &self.peak_db)?;
            let file = npz.finish()?.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok(())
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.context(format!("write {}", tmp.display())));
        }
        std::fs::rename(&tmp, path)
            .with_context(|| format!("rename {} to {}", tmp.display(), path.display()))
    }

    /// Read a part file.
    pub fn read(path: &Path) -> Result<Part> {
        let file = File::open(path).with_context(|| format!("open {}", path.display()))?;
        let mut npz = NpzReader::new(std::io::BufReader::new(file))
            .with_context(|| format!("{}: not an npz file", path.display()))?;
        macro_rules! array {
            ($name:literal) => {
                npz.by_name($name)
                    .with_context(|| format!("{}: array {}", path.display(), $name))?
            };
        }
        Ok(Part {
            item: array!("item"),
            params: array!("params"),
            x: array!("x"),
            note: array!("note"),
            preset: array!("preset"),
            mfcc: array!("mfcc"),
            live: array!("live"),
            peak_db: array!("peak_db"),
        })
    }

    /// Check the shapes against `shape` and the item ids against `items`.
    pub fn check(&self, shape: &PartShape, items: &[usize]) -> Result<()> {
        let n = items.len();
        let dims = [
            ("item", self.item.shape().to_vec(), vec![n]),
            ("params", self.params.shape().to_vec(), vec![n, NUM_PARAMS]),
            ("x", self.x.shape().to_vec(), vec![n, shape.width]),
            ("note", self.note.shape().to_vec(), vec![n]),
            ("preset", self.preset.shape().to_vec(), vec![n]),
            (
                "mfcc",
                self.mfcc.shape().to_vec(),
                vec![n, shape.frames, shape.n_mfcc],
            ),
            (
                "live",
                self.live.shape().to_vec(),
                vec![n, shape.windows, shape.window, shape.n_mfcc],
            ),
            ("peak_db", self.peak_db.shape().to_vec(), vec![n]),
        ];
        for (name, have, want) in dims {
            if have != want {
                bail!("array {name} has shape {have:?}, expected {want:?}");
            }
        }
        if !self.item.iter().zip(items).all(|(&a, &b)| a == b as i64) {
            bail!("item ids differ from this shard's");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_items() {
        for total in [0, 1, 5, 17, 100] {
            for count in 1..5 {
                let mut seen = Vec::new();
                for index in 0..count {
                    let s = Shard { index, count };
                    let parts = s.parts(total, 3);
                    for p in 0..parts {
                        let items = s.part_items(total, 3, p);
                        assert!(!items.is_empty() && items.len() <= 3);
                        assert!(items.iter().all(|i| i % count == index));
                        seen.extend(items);
                    }
                    assert_eq!(s.part_items(total, 3, parts), Vec::<usize>::new());
                }
                seen.sort();
                assert_eq!(seen, (0..total).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn shard_parsing() {
        assert_eq!(
            "1/4".parse::<Shard>().unwrap(),
            Shard { index: 1, count: 4 }
        );
        assert!("4/4".parse::<Shard>().is_err());
        assert!("0/0".parse::<Shard>().is_err());
        assert!("1".parse::<Shard>().is_err());
        assert_eq!(
            Shard { index: 2, count: 3 }.part_file_name(7),
            "shard-2-of-3-0007.npz"
        );
    }
}
