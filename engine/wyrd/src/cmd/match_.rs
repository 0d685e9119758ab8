//! `wyrd match`: recorded notes in, the amSynth preset that sounds like them out. The note
//! matcher, the VAE and the preset index propose; a search renders candidates with the engine
//! and keeps what measures closest (`wyrd_models::search`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use wyrd_analysis::matching::MatchAnalyzer;
use wyrd_dataset::ItemSpec;
use wyrd_models::matching::{detect_note, prepare};
use wyrd_models::search::{FitConfig, FitResult, Index, Matcher, Scorer, EVALUATIONS_PER_SECOND};

#[derive(clap::Args)]
pub struct Args {
    /// WAV files, one note each (any common rate, mono or stereo; the first onset is used).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// MIDI note of a single recording; detected from its pitch when absent.
    #[arg(long, conflicts_with = "notes")]
    note: Option<u8>,
    /// MIDI notes of the recordings, one per file (`45,57,69`); detected when absent.
    #[arg(long, value_delimiter = ',')]
    notes: Vec<u8>,
    /// Velocities of the recordings, one per file (default 100 each).
    #[arg(long, value_delimiter = ',')]
    velocities: Vec<u8>,
    /// The amSynth preset to write.
    #[arg(short, long)]
    out: PathBuf,
    /// Also render the matched preset playing the notes (one after another) to this WAV.
    #[arg(long)]
    render: Option<PathBuf>,
    /// How long to search per note, in seconds on a 2-core machine (a fixed number of
    /// candidates, so the result does not depend on the machine's speed; each candidate is
    /// rendered at every note).
    #[arg(long, default_value_t = 2.0)]
    budget: f64,
    /// Exactly this many candidates instead of `--budget`.
    #[arg(long)]
    evaluations: Option<usize>,
    /// Seed of the search: the same input and seed give the same preset.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Threads rendering candidates (default: every core); the result does not depend on it.
    #[arg(long)]
    jobs: Option<usize>,
    /// Write the target and the match as spectrograms side by side, and the distance per
    /// iteration, to this folder.
    #[arg(long)]
    report: Option<PathBuf>,
    /// The preset index (default: the cache in the data folder, built on first use).
    #[arg(long)]
    index: Option<PathBuf>,
    /// The folder of the proposing models (default: wyrd's models folder).
    #[arg(long)]
    models: Option<PathBuf>,
    /// Propose from the index only.
    #[arg(long)]
    no_models: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let spec = ItemSpec::default();
    let notes = recordings(a, &spec)?;
    if !(a.budget.is_finite() && a.budget > 0.0 && a.budget <= 3600.0) {
        bail!("--budget must be more than 0 and at most 3600 seconds");
    }
    let evaluations = a
        .evaluations
        .unwrap_or_else(|| (a.budget * EVALUATIONS_PER_SECOND).round() as usize);
    if evaluations == 0 {
        bail!("--evaluations must be at least 1");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.jobs.unwrap_or(0))
        .build()
        .context("cannot start the rendering threads")?;
    let say = |m: &str| eprintln!("wyrd match: {m}");
    let index = match &a.index {
        Some(path) => Index::load(path, &spec)?,
        None => {
            let path = Index::default_path().context(
                "no data folder for the preset index (run ./setup.sh, or give --index FILE)",
            )?;
            pool.install(|| Index::cached(&path, &spec, &say))?
        }
    };
    if let Some(dir) = a.models.as_ref().filter(|d| !d.is_dir()) {
        bail!("{}: no such models folder", dir.display());
    }
    let models = if a.no_models {
        None
    } else {
        a.models
            .clone()
            .or_else(wyrd_models::instrument::models_dir)
    };
    if models.is_none() && !a.no_models {
        say("no models folder found; proposing from the index only");
    }
    let mut matcher = Matcher::new(index, models.as_deref(), &say)?;
    let target = matcher.target(
        notes
            .iter()
            .map(|n| (n.note, n.velocity, n.audio.clone()))
            .collect(),
        true,
    )?;
    let bar = if a.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(evaluations as u64).with_style(
            ProgressStyle::with_template("searching {bar:30} {pos}/{len} renders ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    };
    let config = FitConfig {
        evaluations,
        seed: a.seed,
        ..FitConfig::default()
    };
    let result =
        pool.install(|| matcher.fit(&target, &config, &|done, _| bar.set_position(done as u64)))?;
    bar.finish_and_clear();
    let mut patch = result.patch.clone();
    patch.name = format!(
        "match {}",
        a.inputs[0]
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
    );
    wyrd_bank::write_preset(&a.out, &patch)?;
    let best_proposal = result
        .proposals
        .iter()
        .min_by(|x, y| x.1.total.total_cmp(&y.1.total));
    println!(
        "{}: notes {:?}; best of {} proposals {:.2} dB ({}); after {} renders {:.2} dB mel-LSD, \
         {:.1} cents off; {:.1} s -> {}",
        a.inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        notes.iter().map(|n| n.note).collect::<Vec<_>>(),
        result.proposals.len(),
        best_proposal.map_or(f64::NAN, |p| p.1.mel_lsd),
        best_proposal.map_or("none", |p| p.0.as_str()),
        result.evaluations,
        result.score.mel_lsd,
        result.score.cents,
        started.elapsed().as_secs_f64(),
        a.out.display()
    );
    if let Some(wav) = &a.render {
        let mut left = Vec::new();
        for n in &notes {
            left.extend(Scorer::render(&spec, &patch, n.note, n.velocity));
        }
        let stereo = wyrd_render::Stereo {
            right: left.clone(),
            left,
            sample_rate: spec.sample_rate,
        };
        wyrd_render::write_wav(wav, &stereo)?;
        println!("rendered {}", wav.display());
    }
    if let Some(dir) = &a.report {
        write_report(dir, &spec, &notes, &patch, &result)?;
        println!("report in {}", dir.display());
    }
    Ok(())
}

/// One recording, prepared: from its onset, the dataset's length, at 48 kHz.
struct Recording {
    note: u8,
    velocity: u8,
    audio: Vec<f32>,
}

fn recordings(a: &Args, spec: &ItemSpec) -> anyhow::Result<Vec<Recording>> {
    let n = a.inputs.len();
    let notes: Vec<Option<u8>> = match (a.note, a.notes.as_slice()) {
        (Some(note), _) if n == 1 => vec![Some(note)],
        (Some(_), _) => bail!("--note is for one recording; give --notes with one note per file"),
        (None, []) => vec![None; n],
        (None, given) if given.len() == n => given.iter().copied().map(Some).collect(),
        (None, given) => bail!(
            "{} files but {} notes in --notes: give one note per file",
            n,
            given.len()
        ),
    };
    let velocities: Vec<u8> = match a.velocities.as_slice() {
        [] => vec![spec.velocity; n],
        given if given.len() == n => given.to_vec(),
        given => bail!(
            "{} files but {} velocities in --velocities: give one per file",
            n,
            given.len()
        ),
    };
    a.inputs
        .iter()
        .zip(notes)
        .zip(velocities)
        .map(|((path, note), velocity)| {
            let what = || path.display().to_string();
            if !(1..=127).contains(&velocity) {
                bail!("{}: velocity {velocity} is not 1..127", what());
            }
            let audio = wyrd_render::read_input(path, spec.sample_rate)?;
            let audio = prepare(&audio.mono(), spec).with_context(what)?;
            let note = match note {
                Some(n) if n <= 127 => n,
                Some(n) => bail!("{}: note {n} is not a MIDI note (0..127)", what()),
                None => detect_note(&audio, spec.sample_rate).with_context(what)?,
            };
            Ok(Recording {
                note,
                velocity,
                audio,
            })
        })
        .collect()
}

/// Spectrograms (target | match) per note, and the search's progress as CSV.
fn write_report(
    dir: &Path,
    spec: &ItemSpec,
    notes: &[Recording],
    patch: &wyrd_schema::Patch,
    result: &FitResult,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let mut analyzer = MatchAnalyzer::new(spec.sample_rate)?;
    for (k, n) in notes.iter().enumerate() {
        let target = analyzer.features(&n.audio)?;
        let matched = analyzer.features(&Scorer::render(spec, patch, n.note, n.velocity))?;
        let file = dir.join(format!("note{}-{}.png", k + 1, n.note));
        wyrd_models::eval::image::write_comparison(&file, &target.coarse, &matched.coarse)?;
    }
    let mut csv = String::from("evaluations,score,mel_lsd_db,cents\n");
    for s in &result.history {
        csv.push_str(&format!(
            "{},{:.4},{:.4},{:.2}\n",
            s.evaluations, s.best.total, s.best.mel_lsd, s.best.cents
        ));
    }
    let path = dir.join("history.csv");
    std::fs::write(&path, csv).with_context(|| format!("{}: cannot write", path.display()))?;
    let mut proposals = String::from("source,score,mel_lsd_db,cents\n");
    for (source, s) in &result.proposals {
        proposals.push_str(&format!(
            "\"{}\",{:.4},{:.4},{:.2}\n",
            source.replace('"', "'"),
            s.total,
            s.mel_lsd,
            s.cents
        ));
    }
    let path = dir.join("proposals.csv");
    std::fs::write(&path, proposals).with_context(|| format!("{}: cannot write", path.display()))
}
