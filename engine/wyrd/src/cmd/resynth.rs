//! `wyrd resynth`: a recording resynthesised offline through the live matcher, the search
//! among candidate patches, the pitch follower and the amplitude follower, exactly as
//! `resynth.start` does live (the same analysis, frame by frame), and deterministically.

use std::path::PathBuf;

use anyhow::{bail, Context};
use wyrd_models::instrument::offline::resynth_file;
use wyrd_models::instrument::{load, Loaded, ResynthConfig};
use wyrd_render::{read_input, write_wav};
use wyrd_schema::Patch;

#[derive(clap::Args)]
pub struct Args {
    /// The input WAV file (mono or stereo, any rate 8–384 kHz; resampled to 48 kHz).
    input: PathBuf,
    /// Where to write the resynthesis (float WAV, stereo).
    #[arg(short, long)]
    out: PathBuf,
    /// The live matcher (a name in the models folder, or a path).
    #[arg(long, default_value = "live_matcher")]
    model: String,
    /// Play this MIDI note instead of following the input's pitch.
    #[arg(long)]
    note: Option<u8>,
    /// Keep the patch's own level and envelope instead of following the input's amplitude.
    #[arg(long)]
    no_follow_amp: bool,
    /// Time constant of the matched parameters, seconds.
    #[arg(long, default_value_t = 0.05)]
    smoothing: f64,
    /// Input level (dBFS) above which a note sounds.
    #[arg(long, default_value_t = -50.0)]
    gate_db: f32,
    /// The patch the matcher's parameters are set on (an amSynth preset file); default: the
    /// default patch.
    #[arg(long)]
    base: Option<PathBuf>,
    /// The live matcher's patch as it is, without the search among candidates rendered and
    /// heard against the input.
    #[arg(long)]
    no_search: bool,
    /// Seed of the search's perturbations (the same seed, the same output).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seconds rendered after the input ends.
    #[arg(long, default_value_t = 0.5)]
    tail: f64,
    /// ONNX Runtime library (default: WYRD_ORT_LIB, then data/onnxruntime).
    #[arg(long)]
    ort_lib: Option<PathBuf>,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    if let Some(lib) = &a.ort_lib {
        wyrd_models::runtime::set_library_path(Some(lib.clone()));
    }
    if !(a.smoothing.is_finite() && a.smoothing >= 0.0) {
        bail!("--smoothing must be a number of seconds ≥ 0");
    }
    if let Some(n) = a.note.filter(|&n| n > 127) {
        bail!("--note {n} is not a MIDI note (0..127)");
    }
    // Any rate, resampled to the 48 kHz the live matcher was trained at.
    let input = read_input(&a.input, 48_000)?;
    if input.frames() == 0 {
        bail!("{}: no audio", a.input.display());
    }
    let matcher = match load(&a.model)? {
        Loaded::LiveMatcher(m) => m,
        other => bail!(
            "{} is a {} model; wyrd resynth needs a live matcher",
            other.path().display(),
            other.kind()
        ),
    };
    let base = match &a.base {
        Some(p) => wyrd_bank::read_preset(p).with_context(|| p.display().to_string())?,
        None => Patch::default(),
    };
    let mut config = ResynthConfig::new(input.sample_rate);
    config.follow_pitch = a.note.is_none();
    config.note = a.note.unwrap_or(config.note);
    config.follow_amp = !a.no_follow_amp;
    config.smoothing = a.smoothing;
    config.gate_db = a.gate_db;
    match (a.no_search, config.search.as_mut()) {
        (true, _) => config.search = None,
        (false, Some(s)) => s.seed = a.seed,
        (false, None) => {}
    }
    let out = resynth_file(&input, matcher, config, &base, a.tail)?;
    write_wav(&a.out, &out)?;
    println!(
        "{} -> {} ({:.2} s, live matcher {})",
        a.input.display(),
        a.out.display(),
        out.frames() as f64 / f64::from(out.sample_rate),
        a.model
    );
    Ok(())
}
