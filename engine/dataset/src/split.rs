//! The preset split of `models/FORMAT.md` ("Splits"):
//!
//! - the Debian banks (`*.bank` in the banks folder) in byte order of file name, presets in index
//!   order, read through wyrd's bank reader;
//! - a preset whose 41 values (f32 bits) equal an earlier kept preset's is dropped;
//! - key `<bank file name>#<index>`;
//! - `h` = the first 16 hex digits of sha256(key) as a u64; `h % 10 == 0` → test, `== 1` →
//!   validation, else train.
//!
//! The lists are committed as `models/splits/{train,validation,test}.txt`; [`Splits::load`]
//! reads them back and resolves every key against the banks.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use wyrd_schema::{Patch, NUM_PARAMS};

/// Number of Debian banks the contract is written for.
pub const DEBIAN_BANKS: usize = 28;
/// Presets left after dropping duplicates (`models/FORMAT.md`).
pub const KEPT_PRESETS: usize = 3_303;

/// One of the three splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SplitName {
    Train,
    Validation,
    Test,
}

impl SplitName {
    pub const ALL: [SplitName; 3] = [SplitName::Train, SplitName::Validation, SplitName::Test];

    pub fn as_str(self) -> &'static str {
        match self {
            SplitName::Train => "train",
            SplitName::Validation => "validation",
            SplitName::Test => "test",
        }
    }

    /// `train.txt`, `validation.txt`, `test.txt`.
    pub fn file_name(self) -> String {
        format!("{}.txt", self.as_str())
    }

    /// The split a key belongs to.
    pub fn of_key(key: &str) -> SplitName {
        match key_hash(key) % 10 {
            0 => SplitName::Test,
            1 => SplitName::Validation,
            _ => SplitName::Train,
        }
    }
}

impl fmt::Display for SplitName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SplitName {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "train" => Ok(SplitName::Train),
            "validation" => Ok(SplitName::Validation),
            "test" => Ok(SplitName::Test),
            _ => bail!("unknown split {s:?} (train, validation or test)"),
        }
    }
}

/// `h` of the split rule: the first 16 hex digits of sha256(key) as an unsigned 64-bit integer,
/// i.e. the first 8 bytes of the digest, big-endian.
pub fn key_hash(key: &str) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    u64::from_be_bytes(digest[..8].try_into().expect("sha256 has 32 bytes"))
}

/// `<bank file name>#<index>`.
pub fn preset_key(bank_file_name: &str, index: usize) -> String {
    format!("{bank_file_name}#{index}")
}

/// A preset of a split.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub patch: Patch,
}

/// A dropped preset and the earlier kept one it equals.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    pub key: String,
    pub same_as: String,
}

/// Every preset of the banks in read order, keyed, before deduplication.
#[derive(Debug, Clone)]
pub struct BankPresets {
    pub banks: Vec<PathBuf>,
    pub presets: Vec<Entry>,
}

impl BankPresets {
    /// Read the `*.bank` files of `dir` (byte order of file name) through wyrd's bank reader.
    pub fn read(dir: &Path) -> Result<BankPresets> {
        let banks = wyrd_bank::debian_bank_files(dir);
        if banks.is_empty() {
            bail!(
                "{}: no *.bank files (run `./setup.sh banks` or set WYRD_BANKS)",
                dir.display()
            );
        }
        let mut presets = Vec::new();
        for path in &banks {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .with_context(|| format!("{}: bank file name is not UTF-8", path.display()))?;
            let bank = wyrd_bank::read_bank(path)?;
            for (index, patch) in bank.presets.into_iter().enumerate() {
                presets.push(Entry {
                    key: preset_key(name, index),
                    patch,
                });
            }
        }
        Ok(BankPresets { banks, presets })
    }

    /// Drop every preset whose 41 values (f32 bits) equal an earlier kept preset's.
    pub fn dedupe(&self) -> (Vec<Entry>, Vec<Duplicate>) {
        let mut seen: HashMap<[u32; NUM_PARAMS], usize> = HashMap::new();
        let mut kept: Vec<Entry> = Vec::new();
        let mut dropped = Vec::new();
        for e in &self.presets {
            let bits = e.patch.values().map(f32::to_bits);
            match seen.get(&bits) {
                Some(&k) => dropped.push(Duplicate {
                    key: e.key.clone(),
                    same_as: kept[k].key.clone(),
                }),
                None => {
                    seen.insert(bits, kept.len());
                    kept.push(e.clone());
                }
            }
        }
        (kept, dropped)
    }
}

/// The three splits, each in read order.
#[derive(Debug, Clone)]
pub struct Splits {
    pub train: Vec<Entry>,
    pub validation: Vec<Entry>,
    pub test: Vec<Entry>,
    /// Presets dropped as duplicates (only known after [`Splits::compute`]).
    pub dropped: Vec<Duplicate>,
    /// The bank files read.
    pub banks: Vec<PathBuf>,
}

impl Splits {
    /// The split rule applied to the banks in `banks_dir`.
    pub fn compute(banks_dir: &Path) -> Result<Splits> {
        let all = BankPresets::read(banks_dir)?;
        let (kept, dropped) = all.dedupe();
        let mut splits = Splits {
            train: Vec::new(),
            validation: Vec::new(),
            test: Vec::new(),
            dropped,
            banks: all.banks,
        };
        for e in kept {
            splits.get_mut(SplitName::of_key(&e.key)).push(e);
        }
        Ok(splits)
    }

    /// Read the key lists in `splits_dir` (`train.txt`, ...) and resolve every key against the
    /// banks in `banks_dir`.
    pub fn load(splits_dir: &Path, banks_dir: &Path) -> Result<Splits> {
        let all = BankPresets::read(banks_dir)?;
        let index: HashMap<&str, &Entry> =
            all.presets.iter().map(|e| (e.key.as_str(), e)).collect();
        let mut splits = Splits {
            train: Vec::new(),
            validation: Vec::new(),
            test: Vec::new(),
            dropped: Vec::new(),
            banks: all.banks.clone(),
        };
        for name in SplitName::ALL {
            let path = splits_dir.join(name.file_name());
            let keys = read_keys(&path)?;
            let mut entries = Vec::with_capacity(keys.len());
            for (line, key) in keys {
                let e = index.get(key.as_str()).with_context(|| {
                    format!(
                        "{}:{line}: key {key:?} is not a preset of the banks in {}",
                        path.display(),
                        banks_dir.display()
                    )
                })?;
                entries.push((*e).clone());
            }
            *splits.get_mut(name) = entries;
        }
        Ok(splits)
    }

    pub fn get(&self, name: SplitName) -> &[Entry] {
        match name {
            SplitName::Train => &self.train,
            SplitName::Validation => &self.validation,
            SplitName::Test => &self.test,
        }
    }

    fn get_mut(&mut self, name: SplitName) -> &mut Vec<Entry> {
        match name {
            SplitName::Train => &mut self.train,
            SplitName::Validation => &mut self.validation,
            SplitName::Test => &mut self.test,
        }
    }

    /// The keys of one split, in order.
    pub fn keys(&self, name: SplitName) -> Vec<&str> {
        self.get(name).iter().map(|e| e.key.as_str()).collect()
    }

    /// Kept presets in all three splits.
    pub fn len(&self) -> usize {
        self.train.len() + self.validation.len() + self.test.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text of a key list file: one key per line, trailing newline.
    pub fn list_text(&self, name: SplitName) -> String {
        self.get(name)
            .iter()
            .map(|e| format!("{}\n", e.key))
            .collect()
    }

    /// Write `train.txt`, `validation.txt` and `test.txt` into `dir` (created if needed).
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        for name in SplitName::ALL {
            let path = dir.join(name.file_name());
            std::fs::write(&path, self.list_text(name))
                .with_context(|| format!("write {}", path.display()))?;
        }
        Ok(())
    }
}

/// The keys of a list file with their 1-based line numbers; blank lines are refused.
pub fn read_keys(path: &Path) -> Result<Vec<(usize, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    let mut keys = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let key = line.trim_end_matches('\r');
        if key.trim().is_empty() {
            bail!("{}:{}: empty line in a key list", path.display(), i + 1);
        }
        keys.push((i + 1, key.to_owned()));
    }
    Ok(keys)
}

/// Differences between the key lists in `dir` and `expected`, as readable lines (empty when
/// they agree byte for byte).
pub fn diff_lists(dir: &Path, expected: &Splits) -> Vec<String> {
    let mut out = Vec::new();
    for name in SplitName::ALL {
        let path = dir.join(name.file_name());
        let want = expected.list_text(name);
        let have = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                out.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if have == want {
            continue;
        }
        let have_keys: Vec<&str> = have.lines().collect();
        let want_keys: Vec<&str> = want.lines().collect();
        let have_set: std::collections::HashSet<&str> = have_keys.iter().copied().collect();
        let want_set: std::collections::HashSet<&str> = want_keys.iter().copied().collect();
        let missing: Vec<&str> = want_keys
            .iter()
            .copied()
            .filter(|k| !have_set.contains(k))
            .collect();
        let extra: Vec<&str> = have_keys
            .iter()
            .copied()
            .filter(|k| !want_set.contains(k))
            .collect();
        let mut line = format!(
            "{}: {} keys, expected {}",
            path.display(),
            have_keys.len(),
            want_keys.len()
        );
        if !missing.is_empty() {
            line += &format!("; missing {} (first {})", missing.len(), missing[0]);
        }
        if !extra.is_empty() {
            line += &format!("; unexpected {} (first {})", extra.len(), extra[0]);
        }
        if missing.is_empty() && extra.is_empty() {
            line += "; same keys, different order or formatting";
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_first_16_hex_digits_of_sha256() {
        // python3 -c "import hashlib; k='BriansBank01.amSynth.bank#0';
        //   h=hashlib.sha256(k.encode()).hexdigest(); print(h, int(h[:16],16), int(h[:16],16)%10)"
        // aef9cc916c00ab730f8b895e419e80425aedd92c1bc8c1b6094fcbea2151fea4 12608333556754721651 1
        assert_eq!(
            key_hash("BriansBank01.amSynth.bank#0"),
            0xaef9_cc91_6c00_ab73
        );
        assert_eq!(
            key_hash("BriansBank01.amSynth.bank#0"),
            12_608_333_556_754_721_651
        );
        assert_eq!(
            SplitName::of_key("BriansBank01.amSynth.bank#0"),
            SplitName::Validation
        );
    }

    #[test]
    fn split_names_round_trip() {
        for n in SplitName::ALL {
            assert_eq!(n.as_str().parse::<SplitName>().unwrap(), n);
        }
        assert!("val".parse::<SplitName>().is_err());
    }
}
