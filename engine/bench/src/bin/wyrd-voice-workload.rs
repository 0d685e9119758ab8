//! Renders wyrd's equivalent of the scsynth reference workload (shared/bench/scsynth_voice_bench.scd)
//! so that `compare_scsynth.sh` can time it and count its instructions the same way as scsynth's.
//! Writes nothing to disk unless `--out` asks for a WAV to listen to.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use wyrd_bench::{render, sc_frequency, sc_notes, Workload, BLOCK, SAMPLE_RATE};

#[derive(Parser)]
#[command(about = "Render the SuperCollider-comparison voice workload with wyrd")]
struct Args {
    /// Held notes (one voice each), at the SC score's 110·(1 + 0.25 i) Hz rounded to MIDI notes.
    #[arg(long, default_value_t = 16)]
    voices: usize,
    /// Length in seconds (0 measures setup alone).
    #[arg(long, default_value_t = 60.0)]
    seconds: f64,
    /// Also run reverb, distortion, ring mod, LFO on pitch and amplitude and osc sync.
    #[arg(long)]
    all_blocks: bool,
    /// Frames per `process` call.
    #[arg(long, default_value_t = BLOCK)]
    block: usize,
    /// Write the render as a 32-bit float stereo WAV (for listening, not for timing).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print only the result line.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> Result<()> {
    let a = Args::parse();
    if !(a.seconds.is_finite() && a.seconds >= 0.0) {
        bail!("--seconds must be a finite number ≥ 0, got {}", a.seconds);
    }
    if a.voices == 0 || a.voices > 128 {
        bail!(
            "--voices must be 1..=128 (one voice per MIDI key), got {}",
            a.voices
        );
    }
    if a.block == 0 {
        bail!("--block must be positive");
    }
    let w = Workload {
        voices: a.voices,
        seconds: a.seconds,
        all_blocks: a.all_blocks,
        block: a.block,
    };

    if !a.quiet {
        let notes = sc_notes(a.voices);
        println!(
            "wyrd-voice-workload: {} voices x {} s at {} Hz, blocks of {}, {}",
            a.voices,
            a.seconds,
            SAMPLE_RATE,
            a.block,
            if a.all_blocks {
                "all blocks on"
            } else {
                "SC-equivalent patch"
            }
        );
        let pairs: Vec<String> = notes
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{:.1}->{n}", sc_frequency(i)))
            .collect();
        println!("notes (SC Hz -> MIDI): {}", pairs.join(" "));
    }

    let mut writer = match &a.out {
        Some(path) => {
            let spec = hound::WavSpec {
                channels: 2,
                sample_rate: SAMPLE_RATE as u32,
                bits_per_sample: 32,
                sample_format: hound::SampleFormat::Float,
            };
            Some(
                hound::WavWriter::create(path, spec)
                    .with_context(|| format!("creating {}", path.display()))?,
            )
        }
        None => None,
    };
    let mut write_error = None;

    let start = Instant::now();
    let out = render(&w, |l, r| {
        if let Some(wr) = writer.as_mut() {
            for (x, y) in l.iter().zip(r) {
                if let Err(e) = wr.write_sample(*x).and_then(|_| wr.write_sample(*y)) {
                    write_error.get_or_insert(e);
                }
            }
        }
    });
    let wall = start.elapsed().as_secs_f64();

    if let Some(e) = write_error {
        bail!("writing WAV: {e}");
    }
    if let Some(wr) = writer {
        wr.finalize().context("finishing WAV")?;
    }

    let voice_seconds = a.voices as f64 * a.seconds;
    let ms_per_voice_second = if voice_seconds > 0.0 {
        1e3 * wall / voice_seconds
    } else {
        0.0
    };
    // One stable line for scripts; `silent=1` means the DSP produced no signal at all.
    println!(
        "result frames={} peak={:.6} silent={} active_voices={} wall_ms={:.3} wall_ms_per_voice_second={:.4}",
        out.frames,
        out.peak,
        u8::from(out.peak == 0.0),
        out.active_voices,
        wall * 1e3,
        ms_per_voice_second
    );
    Ok(())
}
