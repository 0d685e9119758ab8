//! `wyrd dataset`: the preset split and rendered datasets of `models/FORMAT.md`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use wyrd_dataset::render::{self, parse_notes, Config, Plan, RunOptions, Source};
use wyrd_dataset::{ItemSpec, Shard, SplitName, Splits, Variation};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Compute the preset split (train/validation/test key lists) from the Debian banks.
    Split(SplitArgs),
    /// Render a dataset folder (meta.json + shard-<i>-of-<n>-<part>.npz), resumably.
    Render(RenderArgs),
}

#[derive(clap::Args)]
pub struct SplitArgs {
    /// Folder of the Debian banks (default: the banks folder wyrd finds).
    #[arg(long)]
    banks: Option<PathBuf>,
    /// Where the key lists go (default: models/splits of the workspace).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Verify the lists there equal a fresh computation instead of writing them.
    #[arg(long)]
    check: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum SourceArg {
    Presets,
    Variations,
    Random,
}

#[derive(clap::Args)]
pub struct RenderArgs {
    /// train, validation or test (required for presets and variations).
    #[arg(long)]
    split: Option<SplitName>,
    /// Where the patches come from.
    #[arg(long, value_enum)]
    source: SourceArg,
    /// The dataset folder.
    #[arg(long)]
    out: PathBuf,
    /// MIDI notes every patch is played at.
    #[arg(long, default_value = "48,60,72")]
    notes: String,
    /// variations: variants per preset.
    #[arg(long, default_value_t = 4)]
    per_preset: usize,
    /// variations: standard deviation of the steps in the 0..1 view.
    #[arg(long, default_value_t = 0.08)]
    sigma: f64,
    /// variations: probability that a categorical parameter is resampled.
    #[arg(long, default_value_t = 0.1)]
    p_cat: f64,
    /// random: number of random patches (each played at every note).
    #[arg(long, default_value_t = 10_000)]
    count: usize,
    /// Seed of variations and random patches.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Render only shard i of n: item ids with id % n == i.
    #[arg(long, default_value = "0/1")]
    shard: Shard,
    /// Items per part file.
    #[arg(long, default_value_t = render::DEFAULT_PART_SIZE)]
    part_size: usize,
    /// Folder of the split key lists (default: models/splits of the workspace).
    #[arg(long)]
    splits: Option<PathBuf>,
    /// Folder of the Debian banks (default: the banks folder wyrd finds).
    #[arg(long)]
    banks: Option<PathBuf>,
    /// No per-part lines and no progress bar.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(cmd: &Command) -> Result<()> {
    match cmd {
        Command::Split(a) => split(a),
        Command::Render(a) => render_cmd(a),
    }
}

fn banks(given: &Option<PathBuf>) -> Result<PathBuf> {
    match given {
        Some(d) => Ok(d.clone()),
        None => wyrd_bank::banks_dir().context(
            "no banks folder found (run `./setup.sh banks`, set WYRD_BANKS or pass --banks)",
        ),
    }
}

/// `models/splits` of the workspace: the first ancestor of the current directory that has
/// `models/FORMAT.md`, else this source tree's.
fn splits_dir(given: &Option<PathBuf>) -> PathBuf {
    if let Some(d) = given {
        return d.clone();
    }
    let models = std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            cwd.ancestors()
                .map(|a| a.join("models"))
                .find(|m| m.join("FORMAT.md").is_file())
        })
        .unwrap_or_else(|| {
            let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
            here.canonicalize().unwrap_or(here)
        });
    models.join("splits")
}

fn split(a: &SplitArgs) -> Result<()> {
    let banks = banks(&a.banks)?;
    let splits = Splits::compute(&banks)?;
    let out = splits_dir(&a.out);
    let counts = format!(
        "{} banks, {} presets kept ({} duplicates dropped): train {}, validation {}, test {}",
        splits.banks.len(),
        splits.len(),
        splits.dropped.len(),
        splits.train.len(),
        splits.validation.len(),
        splits.test.len()
    );
    if a.check {
        let diff = wyrd_dataset::split::diff_lists(&out, &splits);
        if !diff.is_empty() {
            for line in &diff {
                eprintln!("{line}");
            }
            bail!(
                "the key lists in {} differ from the split of {} ({counts}); run `wyrd dataset split` to rewrite them",
                out.display(),
                banks.display()
            );
        }
        println!("{}: up to date ({counts})", out.display());
        return Ok(());
    }
    splits.write(&out)?;
    println!("{}: {counts}", out.display());
    Ok(())
}

fn render_cmd(a: &RenderArgs) -> Result<()> {
    let source = match a.source {
        SourceArg::Presets => Source::Presets,
        SourceArg::Variations => Source::Variations(Variation {
            per_preset: a.per_preset,
            sigma: a.sigma,
            p_cat: a.p_cat,
            seed: a.seed,
        }),
        SourceArg::Random => Source::Random {
            count: a.count,
            seed: a.seed,
        },
    };
    let config = Config {
        split: a.split,
        source,
        notes: parse_notes(&a.notes)?,
        spec: ItemSpec::default(),
        part_size: a.part_size,
        shard: a.shard,
    };
    let splits = match config.source {
        Source::Random { .. } => None,
        _ => {
            let dir = splits_dir(&a.splits);
            Some(
                Splits::load(&dir, &banks(&a.banks)?)
                    .with_context(|| format!("load the split lists in {}", dir.display()))?,
            )
        }
    };
    let plan = Plan::new(config, splits.as_ref())?;
    let opts = RunOptions {
        progress: !a.quiet && std::io::stderr().is_terminal(),
        verbose: !a.quiet,
    };
    let o = render::render(&plan, &a.out, opts)?;
    eprintln!(
        "{}: shard {} of {} items: {} items in {} parts rendered, {} parts complete already, {:.1} s{}",
        a.out.display(),
        a.shard,
        plan.total(),
        o.rendered_items,
        o.rendered.len(),
        o.skipped.len(),
        o.seconds,
        if o.rendered_items > 0 {
            format!(" ({:.1} items/s)", o.rendered_items as f64 / o.seconds)
        } else {
            String::new()
        }
    );
    Ok(())
}
