//! `wyrd index`: build the preset index `wyrd match` proposes from (the train split of the
//! banks, rendered and summarised), or check one.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use wyrd_dataset::ItemSpec;
use wyrd_models::search::Index;

#[derive(clap::Args)]
pub struct Args {
    /// Where to write it (default: the cache `wyrd match` reads, in the data folder).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Folder of the banks (default: the banks folder wyrd finds).
    #[arg(long)]
    banks: Option<PathBuf>,
    /// Only check that the index at `--out` (or the cache) loads and fits this wyrd.
    #[arg(long)]
    check: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let spec = ItemSpec::default();
    let out = match &a.out {
        Some(p) => p.clone(),
        None => Index::default_path()
            .context("no data folder for the index (create data/, or give --out FILE)")?,
    };
    if a.check {
        let index = Index::load(&out, &spec)?;
        println!("{}: {} presets, fits this wyrd", out.display(), index.len());
        return Ok(());
    }
    let banks = match &a.banks {
        Some(d) => d.clone(),
        None => wyrd_bank::banks_dir().context(
            "no banks folder found (run `./setup.sh banks`, set WYRD_BANKS or pass --banks)",
        )?,
    };
    let started = Instant::now();
    let index = Index::build(&banks, &spec)?;
    index.save(&out)?;
    println!(
        "{}: {} presets x {} notes from {} in {:.1} s",
        out.display(),
        index.len(),
        wyrd_models::search::index::NOTES.len(),
        banks.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
