//! amSynth captures on disk, so a rerun only renders wyrd.
//!
//! Layout: `DIR/<bank stem>-<hash of the bank's bytes>/p<preset>-n<note>-v<velocity>-h<hold
//! frames>-t<tail frames>-r<rate>[-repeat|-noise].wav` (32-bit float stereo). Hashing the bank's
//! content means an edited bank file can never be served stale captures.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use wyrd_render::Stereo;

use crate::rig::{NoteSpec, Take};

#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    bank_dirs: HashMap<PathBuf, PathBuf>,
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache {
            dir: dir.into(),
            bank_dirs: HashMap::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where a capture lives (whether or not it exists yet).
    pub fn path(
        &mut self,
        bank: &Path,
        preset: u8,
        spec: &NoteSpec,
        rate: u32,
        take: Take,
    ) -> Result<PathBuf> {
        let dir = match self.bank_dirs.get(bank) {
            Some(d) => d.clone(),
            None => {
                let bytes = std::fs::read(bank)
                    .with_context(|| format!("{}: cannot read bank", bank.display()))?;
                let stem = bank
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let stem = stem.trim_end_matches(".bank").trim_end_matches(".amSynth");
                let d = self
                    .dir
                    .join(format!("{stem}-{:08x}", fnv1a(&bytes) as u32));
                self.bank_dirs.insert(bank.to_path_buf(), d.clone());
                d
            }
        };
        let suffix = match take {
            Take::Fresh => "",
            Take::Repeat => "-repeat",
            Take::NoiseShifted => "-noise",
        };
        let NoteSpec {
            note,
            velocity,
            hold_frames,
            tail_frames,
        } = *spec;
        Ok(dir.join(format!(
            "p{preset:03}-n{note}-v{velocity}-h{hold_frames}-t{tail_frames}-r{rate}{suffix}.wav"
        )))
    }

    /// A cached capture, if present and of the expected shape; anything else counts as missing.
    pub fn load(
        &mut self,
        bank: &Path,
        preset: u8,
        spec: &NoteSpec,
        rate: u32,
        take: Take,
    ) -> Result<Option<Stereo>> {
        let path = self.path(bank, preset, spec, rate, take)?;
        if !path.is_file() {
            return Ok(None);
        }
        match wyrd_render::read_wav(&path) {
            Ok(s) if s.sample_rate == rate && s.frames() == spec.frames() as usize => Ok(Some(s)),
            _ => Ok(None),
        }
    }

    pub fn store(
        &mut self,
        bank: &Path,
        preset: u8,
        spec: &NoteSpec,
        take: Take,
        audio: &Stereo,
    ) -> Result<PathBuf> {
        let path = self.path(bank, preset, spec, audio.sample_rate, take)?;
        let dir = path.parent().expect("cache paths have a parent");
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create cache directory", dir.display()))?;
        // Write-then-rename, so an interrupted run never leaves a truncated file under the real name.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        wyrd_render::write_wav(&tmp, audio)?;
        std::fs::rename(&tmp, &path)
            .with_context(|| format!("{}: cannot store capture", path.display()))?;
        Ok(path)
    }
}

/// 64-bit FNV-1a: stable across Rust versions, unlike `DefaultHasher`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn store_then_load_round_trips_and_keys_differ() {
        let dir = wyrd_testrig::TempDir::new("wyrd-fidelity-cache-test").unwrap();
        let bank = dir.path().join("x.bank");
        std::fs::write(&bank, "amSynth\n").unwrap();
        let mut cache = Cache::new(dir.path().join("cache"));
        let spec = NoteSpec {
            note: 60,
            velocity: 100,
            hold_frames: 3,
            tail_frames: 2,
        };
        let audio = Stereo {
            left: vec![0.0, 0.5, -0.5, 1.0, 0.25],
            right: vec![0.1; 5],
            sample_rate: 48_000,
        };
        assert!(cache
            .load(&bank, 7, &spec, 48_000, Take::Fresh)
            .unwrap()
            .is_none());
        cache.store(&bank, 7, &spec, Take::Fresh, &audio).unwrap();
        assert_eq!(
            cache.load(&bank, 7, &spec, 48_000, Take::Fresh).unwrap(),
            Some(audio)
        );
        assert!(cache
            .load(&bank, 7, &spec, 48_000, Take::NoiseShifted)
            .unwrap()
            .is_none());
        assert!(cache
            .load(&bank, 8, &spec, 48_000, Take::Fresh)
            .unwrap()
            .is_none());
        let longer = NoteSpec {
            tail_frames: 3,
            ..spec
        };
        assert_ne!(
            cache.path(&bank, 7, &spec, 48_000, Take::Fresh).unwrap(),
            cache.path(&bank, 7, &longer, 48_000, Take::Fresh).unwrap()
        );
    }
}
