pub mod bank;
pub mod params;
pub mod render;

use std::path::{Path, PathBuf};

/// A bank given by path, or by file name inside the banks folder (`WYRD_BANKS`, `data/amsynth/banks`).
pub fn resolve_bank(given: &Path) -> anyhow::Result<PathBuf> {
    if given.exists() {
        return Ok(given.to_path_buf());
    }
    if let Some(dir) = wyrd_bank::banks_dir() {
        let candidate = dir.join(given);
        if candidate.exists() {
            return Ok(candidate);
        }
    }
    anyhow::bail!(
        "{}: no such bank file (also looked in the banks folder; run `./setup.sh banks` or set WYRD_BANKS)",
        given.display()
    )
}
