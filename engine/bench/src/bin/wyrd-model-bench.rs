//! The cost of one inference call of every shipped ONNX model, one row (batch 1), through the
//! typed wrappers of `wyrd-models` (so the time includes their input checks and, for the
//! live matcher, turning the outputs into a patch). Each model is warmed up, then called
//! `--calls` times; per-call wall times give the median, p99 and calls/s, and the CPU time of
//! the calling thread and of the whole process over all timed calls gives CPU µs per call,
//! which a busy machine inflates far less than wall time.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use wyrd_engine::thread_cpu_nanos;
use wyrd_models::{Decoder, Encoder, LiveMatcher, Model, NoteMatcher};
use wyrd_schema::Patch;

/// The shipped models, in the order they are reported.
const MODELS: [&str; 11] = [
    "preset_vae2_decoder",
    "preset_vae4_decoder",
    "preset_vae8_decoder",
    "preset_vae16_decoder",
    "preset_vae2_encoder",
    "preset_vae4_encoder",
    "preset_vae8_encoder",
    "preset_vae16_encoder",
    "note_matcher_direct",
    "note_matcher_vae",
    "live_matcher",
];

/// MIDI note given to the matchers.
const NOTE: f32 = 60.0;

#[derive(Parser)]
#[command(about = "Per-call cost of every shipped ONNX model at batch 1")]
struct Args {
    /// Folder holding the `.onnx` files.
    #[arg(long, default_value = "models")]
    models: PathBuf,
    /// Timed calls per model.
    #[arg(long, default_value_t = 2000)]
    calls: usize,
    /// Untimed calls per model before timing.
    #[arg(long, default_value_t = 50)]
    warmup: usize,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// One model's figures.
struct Row {
    name: String,
    kind: &'static str,
    median_us: f64,
    p99_us: f64,
    mean_us: f64,
    calls_per_s: f64,
    thread_cpu_us: f64,
    process_cpu_us: f64,
}

/// A model ready to be called with fixed inputs.
struct Bench {
    kind: &'static str,
    call: Box<dyn FnMut() -> Result<()>>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.calls == 0 {
        bail!("--calls must be at least 1");
    }
    if !args.models.is_dir() {
        bail!(
            "models folder {} not found (run from the repository root or pass --models DIR)",
            args.models.display()
        );
    }
    let missing: Vec<String> = MODELS
        .iter()
        .map(|name| args.models.join(format!("{name}.onnx")))
        .filter(|path| !path.is_file())
        .map(|path| path.display().to_string())
        .collect();
    if !missing.is_empty() {
        bail!("model files not found: {}", missing.join(", "));
    }
    wyrd_models::runtime::environment()
        .context("cannot load ONNX Runtime (fetch it with `./setup.sh ort` or set WYRD_ORT_LIB)")?;

    let mut rows = Vec::new();
    println!(
        "{} timed calls per model after {} warm-up calls, batch 1",
        args.calls, args.warmup
    );
    println!(
        "{:<22} {:<13} {:>10} {:>10} {:>10} {:>12} {:>12}",
        "model", "kind", "median µs", "p99 µs", "calls/s", "CPU µs/call", "proc CPU µs"
    );
    for name in MODELS {
        let path = args.models.join(format!("{name}.onnx"));
        let mut bench = prepare(&path).with_context(|| format!("preparing {name}"))?;
        let row = measure(name, &mut bench, args.warmup, args.calls)
            .with_context(|| format!("running {name}"))?;
        println!(
            "{:<22} {:<13} {:>10.1} {:>10.1} {:>10.0} {:>12.1} {:>12.1}",
            row.name,
            row.kind,
            row.median_us,
            row.p99_us,
            row.calls_per_s,
            row.thread_cpu_us,
            row.process_cpu_us
        );
        rows.push(row);
    }

    if let Some(path) = &args.json {
        let json = to_json(&args, &rows);
        std::fs::write(path, serde_json::to_string_pretty(&json)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Open `path` with the wrapper for its kind and build its inputs.
fn prepare(path: &Path) -> Result<Bench> {
    let model = Model::open(path).with_context(|| format!("opening {}", path.display()))?;
    let kind = model.kind().as_str();
    // Fixed seed per file so every run feeds every model the same values.
    let seed = path
        .file_stem()
        .map(|s| s.as_encoded_bytes().iter().map(|&b| u64::from(b)).sum())
        .unwrap_or(0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let width = |model: &Model, input: &str| -> Result<usize> {
        model
            .inputs()
            .iter()
            .find(|(n, _)| n == input)
            .map(|(_, shape)| shape.iter().product())
            .with_context(|| format!("{} has no input {input}", path.display()))
    };
    let call: Box<dyn FnMut() -> Result<()>> = match kind {
        "vae_decoder" => {
            let decoder = Decoder::try_from(model)?;
            let z = vec![(0..decoder.latent_dim())
                .map(|_| rng.gen_range(-0.5f32..0.5))
                .collect::<Vec<f32>>()];
            Box::new(move || {
                black_box(decoder.decode_raw(black_box(&z))?);
                Ok(())
            })
        }
        "vae_encoder" => {
            let encoder = Encoder::try_from(model)?;
            let patches = vec![Patch::default()];
            Box::new(move || {
                black_box(encoder.encode(black_box(&patches))?);
                Ok(())
            })
        }
        "note_matcher" => {
            let mfcc = mfcc_rows(&mut rng, width(&model, "mfcc")?)?;
            let matcher = NoteMatcher::try_from(model)?;
            let notes = [NOTE];
            Box::new(move || {
                black_box(matcher.predict_raw(black_box(&mfcc), black_box(&notes))?);
                Ok(())
            })
        }
        "live_matcher" => {
            let window = mfcc_rows(&mut rng, width(&model, "mfcc")?)?;
            let matcher = LiveMatcher::try_from(model)?;
            let notes = [NOTE];
            let bases = [Patch::default()];
            Box::new(move || {
                black_box(matcher.predict_batch(
                    black_box(&window),
                    black_box(&notes),
                    black_box(&bases),
                )?);
                Ok(())
            })
        }
        other => bail!("{}: unknown model kind {other}", path.display()),
    };
    Ok(Bench { kind, call })
}

/// `len / 20` MFCC frames resembling real ones: c0 (log energy) around -300, the other
/// coefficients within ±20.
fn mfcc_rows(rng: &mut ChaCha8Rng, len: usize) -> Result<Vec<f32>> {
    const N_MFCC: usize = 20;
    if len == 0 || !len.is_multiple_of(N_MFCC) {
        bail!("MFCC input of {len} values is not whole frames of {N_MFCC}");
    }
    Ok((0..len)
        .map(|i| {
            if i.is_multiple_of(N_MFCC) {
                -300.0 + rng.gen_range(-30.0f32..30.0)
            } else {
                rng.gen_range(-20.0f32..20.0)
            }
        })
        .collect())
}

fn measure(name: &str, bench: &mut Bench, warmup: usize, calls: usize) -> Result<Row> {
    for _ in 0..warmup {
        (bench.call)()?;
    }
    let mut us = Vec::with_capacity(calls);
    let process0 = process_cpu_nanos();
    let thread0 = thread_cpu_nanos();
    let start = Instant::now();
    for _ in 0..calls {
        let t = Instant::now();
        (bench.call)()?;
        us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let total = start.elapsed().as_secs_f64();
    let thread_cpu = (thread_cpu_nanos() - thread0) as f64 / 1e3 / calls as f64;
    let process_cpu = (process_cpu_nanos() - process0) as f64 / 1e3 / calls as f64;
    us.sort_by(f64::total_cmp);
    Ok(Row {
        name: name.to_owned(),
        kind: bench.kind,
        median_us: percentile(&us, 0.5),
        p99_us: percentile(&us, 0.99),
        mean_us: us.iter().sum::<f64>() / calls as f64,
        calls_per_s: calls as f64 / total,
        thread_cpu_us: thread_cpu,
        process_cpu_us: process_cpu,
    })
}

/// The `q` quantile of sorted `v` (nearest rank).
fn percentile(v: &[f64], q: f64) -> f64 {
    let rank = (q * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// CPU time of all of this process's threads, so ONNX Runtime threads other than the caller's
/// would show up here.
fn process_cpu_nanos() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write to; the clock exists on every Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn to_json(args: &Args, rows: &[Row]) -> serde_json::Value {
    let models: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "name": r.name,
                "kind": r.kind,
                "median_us": r.median_us,
                "p99_us": r.p99_us,
                "mean_us": r.mean_us,
                "calls_per_s": r.calls_per_s,
                "thread_cpu_us_per_call": r.thread_cpu_us,
                "process_cpu_us_per_call": r.process_cpu_us,
            })
        })
        .collect();
    serde_json::json!({
        "batch": 1,
        "calls": args.calls,
        "warmup": args.warmup,
        "models": models,
    })
}
