//! `wyrd-fidelity`: how close does wyrd sound to amSynth?
//!
//! Report:  wyrd-fidelity [--banks DIR] [--count 100] [--notes 48,60] [--out report.md] [--refresh]
//! Single:  wyrd-fidelity --bank FILE --preset N [--note 60] [--wav-dir DIR]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;
use wyrd_fidelity::measure::{bank_label, run_report, run_single, Captures, Playing, ReportJob};
use wyrd_fidelity::selection::DEFAULT_SEED;

/// Compare wyrd's renders of amSynth presets with the real amSynth (mel-LSD, amSynth as the
/// reference). amSynth runs headless under a private JACK dummy server; its captures are cached,
/// so a rerun only renders wyrd.
#[derive(Debug, Parser)]
#[command(name = "wyrd-fidelity", version)]
struct Cli {
    /// Directory of amSynth .bank files [default: data/amsynth/banks, see `./setup.sh banks`]
    #[arg(long, value_name = "DIR")]
    banks: Option<PathBuf>,
    /// How many presets the report measures (spread over all banks)
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// Seed of the preset selection
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// MIDI notes played on every preset
    #[arg(long, value_delimiter = ',', default_values_t = [48u8, 60])]
    notes: Vec<u8>,
    #[arg(long, default_value_t = 100)]
    velocity: u8,
    /// Seconds from note-on to note-off
    #[arg(long, default_value_t = 2.0)]
    hold: f64,
    /// Seconds recorded after the note-off
    #[arg(long, default_value_t = 1.0)]
    tail: f64,
    /// Write the report as markdown here, and as CSV next to it (same name, .csv)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Skip the amSynth-vs-itself baseline (halves the amSynth renders)
    #[arg(long)]
    no_self: bool,
    /// Where amSynth captures are cached [default: data/fidelity/amsynth]
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Render amSynth again even where a cached capture exists
    #[arg(long)]
    refresh: bool,

    /// Single-preset mode: this bank file
    #[arg(long, value_name = "FILE", requires = "preset", conflicts_with_all = ["banks", "out"])]
    bank: Option<PathBuf>,
    /// Single-preset mode: preset index in --bank (0..=127)
    #[arg(long, requires = "bank")]
    preset: Option<usize>,
    /// Single-preset mode: the note played
    #[arg(long, default_value_t = 60, requires = "bank")]
    note: u8,
    /// Single-preset mode: write amSynth's and wyrd's renders here as WAV
    #[arg(long, value_name = "DIR", requires = "bank")]
    wav_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wyrd-fidelity: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<()> {
    let playing = Playing {
        velocity: cli.velocity,
        hold: cli.hold,
        tail: cli.tail,
    };
    let mut captures = Captures::new(
        cli.cache.clone().unwrap_or_else(default_cache_dir),
        cli.refresh,
    );
    if let (Some(bank), Some(preset)) = (&cli.bank, cli.preset) {
        return single(
            bank,
            preset,
            cli.note,
            &playing,
            cli.wav_dir.as_deref(),
            &mut captures,
        );
    }

    let dir = match &cli.banks {
        Some(d) => d.clone(),
        None => wyrd_bank::banks_dir()
            .context("no amSynth bank directory found; run `./setup.sh banks` or pass --banks")?,
    };
    let bank_files = wyrd_bank::debian_bank_files(&dir);
    if bank_files.is_empty() {
        bail!("{}: no .bank files (run `./setup.sh banks`)", dir.display());
    }
    if cli.count < 2 {
        bail!("--count must be at least 2 (the between-presets baseline needs pairs)");
    }
    let job = ReportJob {
        bank_files,
        count: cli.count,
        seed: cli.seed,
        notes: cli.notes.clone(),
        playing,
        with_self: !cli.no_self,
    };
    let report = run_report(&job, &mut captures)?;
    print!("{}", report.to_text());
    if let Some(out) = &cli.out {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(out, report.to_markdown())
            .with_context(|| format!("{}: cannot write", out.display()))?;
        let csv = out.with_extension("csv");
        std::fs::write(&csv, report.to_csv())
            .with_context(|| format!("{}: cannot write", csv.display()))?;
        eprintln!("wrote {} and {}", out.display(), csv.display());
    }
    Ok(())
}

fn single(
    bank: &Path,
    preset: usize,
    note: u8,
    playing: &Playing,
    wav_dir: Option<&Path>,
    captures: &mut Captures,
) -> Result<()> {
    let spec = playing.spec(note)?;
    let s = run_single(bank, preset, &spec, captures)?;
    println!(
        "{}#{preset} {:?} note {note}: mel-LSD wyrd vs amSynth = {:.3} dB",
        bank_label(bank),
        s.name,
        s.distance
    );
    if let Some(dir) = wav_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
        let stem = format!("{}-p{preset:03}-n{note}", bank_label(bank));
        for (who, audio) in [("amsynth", &s.amsynth), ("wyrd", &s.wyrd)] {
            let path = dir.join(format!("{stem}-{who}.wav"));
            wyrd_render::write_wav(&path, audio)?;
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// `$WYRD_DATA/fidelity/amsynth`, else `data/fidelity/amsynth` in this workspace (git-ignored).
fn default_cache_dir() -> PathBuf {
    match std::env::var_os("WYRD_DATA").filter(|v| !v.is_empty()) {
        Some(data) => PathBuf::from(data).join("fidelity/amsynth"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/fidelity/amsynth"),
    }
}
