pub mod analyze;
pub mod bank;
pub mod compare;
pub mod dataset;
pub mod doctor;
pub mod eval;
pub mod index;
pub mod match_;
pub mod params;
pub mod render;
pub mod repl;
pub mod resynth;
pub mod run;

use std::path::{Path, PathBuf};

/// A bank given by path, or by file name inside the banks folder (`WYRD_BANKS`, `data/amsynth/banks`).
pub fn resolve_bank(given: &Path) -> anyhow::Result<PathBuf> {
    if let Some(path) = wyrd_bank::find_bank(given) {
        return Ok(path);
    }
    anyhow::bail!(
        "{}: no such bank file (also looked in the banks folder; run `./setup.sh banks` or set WYRD_BANKS)",
        given.display()
    )
}

/// Write lines to stdout; a reader that goes away (`wyrd bank list x | head`) is a normal end of
/// output, not an error.
pub fn print_lines(lines: impl IntoIterator<Item = String>) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        match writeln!(out, "{line}") {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
