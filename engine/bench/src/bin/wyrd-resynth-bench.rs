//! The models live, under a real JACK server (`jackd --no-realtime -d dummy`, started and
//! stopped here): resynthesis latency from an input onset to the voice it starts, and the model
//! thread's CPU share while it resynthesises (the live matcher alone, then with the search
//! among candidate patches) and while a latent mapper decodes at its rate.
//!
//! The latency is measured in the audio itself: a test client plays notes into wyrd's input
//! and records its output; the frame where the output starts, minus the frame where the input
//! note starts, is the whole path (the period the input arrives in, the analysis frame that
//! completes after it, the live matcher, the command queue, the period the note starts in).
//!
//! `cargo run --release -p wyrd-bench --bin wyrd-resynth-bench [-- --period 256]`

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use wyrd_analysis::live::{LiveAnalysis, LiveConfig};
use wyrd_engine::thread_cpu_nanos;
use wyrd_engine::{At, EngineConfig};
use wyrd_jack::{JackDriver, JackOptions};
use wyrd_models::instrument::{
    load, Loaded, Mapper, ModelRunner, Resynth, ResynthConfig, SearchConfig,
};
use wyrd_render::{render_notes, NoteRender};
use wyrd_schema::{defaults, find, Patch};
use wyrd_testrig::{Capturer, JackServer, Job, TempDir};

#[derive(Parser)]
struct Args {
    /// JACK period (frames).
    #[arg(long, default_value_t = 256)]
    period: u32,
    /// Input notes played (one a second).
    #[arg(long, default_value_t = 10)]
    notes: u32,
    /// Latent decodes per second in the mapper phase (the `rate` of `latent.new`).
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Seconds of the mapper phase.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Hops between the search's decisions (`SearchConfig::every`).
    #[arg(long)]
    every: Option<usize>,
}

const SR: u32 = 48_000;
/// The latency goal of issue 8.
const GOAL_MS: f64 = 30.0;
/// The model thread's share of one core while notes sound, at most (percent).
const CPU_GOAL: f64 = 25.0;

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let dir = TempDir::new("wyrd-resynth-bench")?;
    let _server = JackServer::start(SR, a.period, dir.path())?;
    let mut driver = JackDriver::start(JackOptions {
        name: "wyrd-bench".into(),
        autoconnect: false,
        engine: EngineConfig::new(SR),
        ..JackOptions::default()
    })?;
    let reader = driver.take_input().context("input ring")?;
    let analysis = Arc::new(LiveAnalysis::spawn(reader, LiveConfig::new(SR))?);
    let models = ModelRunner::spawn(driver.controller(), Some(Arc::clone(&analysis)))?;
    let Loaded::LiveMatcher(matcher) = load("live_matcher")? else {
        bail!("live_matcher is not a live matcher");
    };
    let controller = driver.controller();
    let stop = Arc::new(AtomicBool::new(false));
    let maintain = {
        let stop = Arc::clone(&stop);
        let c = driver.controller();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                c.collect_garbage();
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let capturer = Capturer::new("wyrd-bench-test")?;
    let p = driver.ports().clone();
    capturer.connect(&p.midi_in, &p.out_l, &p.out_r, Duration::from_secs(10))?;
    capturer.connect_input(&p.in_l, &p.in_r)?;
    let period_ms = f64::from(a.period) * 1e3 / f64::from(SR);
    println!(
        "jackd -d dummy -r {SR} -p {} ({period_ms:.1} ms per period); live matcher, analysis hop 512",
        a.period
    );

    // Resynthesis: a saw note every second, 0.6 s long, onsets at known frames.
    let mut saw = Patch::from_values("saw", defaults());
    saw.set(find("osc1_waveform").unwrap().index, 2.0);
    let note = render_notes(
        &saw,
        &NoteRender {
            notes: vec![57],
            hold: 0.6,
            tail: 0.0,
            sample_rate: SR,
            max_voices: 1,
            ..NoteRender::default()
        },
    )
    .mono();
    let start = SR as usize / 2;
    let len = start + a.notes as usize * SR as usize;
    let mut input = vec![0.0f32; len];
    let onsets: Vec<usize> = (0..a.notes as usize)
        .map(|i| start + i * SR as usize + (i * 97) % a.period as usize)
        .collect();
    for &on in &onsets {
        let end = (on + note.len()).min(len);
        input[on..end].copy_from_slice(&note[..end - on]);
    }
    let mut search = SearchConfig::default();
    if let Some(every) = a.every {
        search.every = every;
    }
    let sounding = a.notes as f64 * note.len() as f64 / f64::from(SR);
    for (label, search) in [
        ("live matcher alone", None),
        ("with the search", Some(search)),
    ] {
        let mut config = ResynthConfig::new(SR);
        config.search = search;
        models
            .resynth_start(Resynth::new(Arc::clone(&matcher), config, defaults()))
            .map_err(anyhow::Error::msg)?;
        let mut job = Job::new(vec![], 0, len as u32);
        job.input = Some((input.clone(), input.clone()));
        job.freewheel = false;
        let before = models.stats();
        let xruns = controller.stats().snapshot().xruns;
        let t0 = Instant::now();
        let (out, _) = capturer.run(&job, || Ok(()))?;
        let wall = t0.elapsed().as_secs_f64();
        let after = models.stats();
        models.resynth_stop(At::Now);
        let holes = capturer.last_holes();
        let mut late_ms = Vec::new();
        for &on in &onsets {
            if holes
                .iter()
                .any(|h| h.start < on + SR as usize / 2 && on < h.end)
            {
                continue;
            }
            let window = &out[on..(on + SR as usize / 2).min(out.len())];
            if let Some(k) = window.iter().position(|s| s.abs() > 1e-4) {
                late_ms.push(k as f64 * 1e3 / f64::from(SR));
            }
        }
        if late_ms.is_empty() {
            bail!("{label}: no resynthesised note was heard");
        }
        late_ms.sort_by(f64::total_cmp);
        let median = late_ms[late_ms.len() / 2];
        let max = *late_ms.last().unwrap();
        println!(
            "resynthesis, {label}: input onset -> resynthesised note: median {median:.1} ms, max {max:.1} ms over {} notes (goal <= {GOAL_MS} ms) {}",
            late_ms.len(),
            if max <= GOAL_MS { "met" } else { "NOT met" }
        );
        let cpu = (after.cpu_nanos - before.cpu_nanos) as f64 / 1e9;
        let frames = (after.matches - before.matches).max(1) as f64;
        println!(
            "resynthesis, {label}: {} live matcher runs and {} candidate renders in {wall:.1} s ({} xruns), model thread CPU {:.2} % of one core ({:.2} % while notes sound; {:.0} µs per frame, goal <= {CPU_GOAL} %) {}",
            after.matches - before.matches,
            after.renders - before.renders,
            controller.stats().snapshot().xruns - xruns,
            100.0 * cpu / wall,
            100.0 * cpu / sounding,
            1e6 * cpu / frames,
            if 100.0 * cpu / sounding <= CPU_GOAL { "met" } else { "NOT met" }
        );
    }

    // A latent mapper at its rate: z moves every 1/rate s (as an LFO would drive it).
    for name in ["preset_vae8", "preset_vae16"] {
        let Loaded::Vae { decoder, encoder } = load(name)? else {
            bail!("{name} is not a VAE");
        };
        let mapper = Mapper::new(decoder, encoder);
        let before = models.stats();
        let lua_cpu0 = thread_cpu_nanos();
        let t0 = Instant::now();
        let step = Duration::from_secs_f64(1.0 / a.rate);
        let mut k = 0u64;
        while t0.elapsed().as_secs_f64() < a.seconds {
            let phase = k as f32 * 0.01;
            let z: Vec<f32> = (0..mapper.latent_dim())
                .map(|i| 2.0 * (phase + i as f32).sin())
                .collect();
            models.decode(&mapper, z, At::Now);
            k += 1;
            std::thread::sleep(step.saturating_sub(Duration::from_micros(60)));
        }
        std::thread::sleep(Duration::from_millis(50));
        let wall = t0.elapsed().as_secs_f64();
        let after = models.stats();
        let decodes = after.decodes - before.decodes;
        let cpu = (after.cpu_nanos - before.cpu_nanos) as f64 / 1e9;
        let poster = (thread_cpu_nanos() - lua_cpu0) as f64 / 1e9;
        println!(
            "{name} mapper at {:.0} decodes/s: model thread CPU {:.2} % of one core ({:.1} µs per decode); posting thread {:.2} %; {} dropped",
            decodes as f64 / wall,
            100.0 * cpu / wall,
            1e6 * cpu / decodes.max(1) as f64,
            100.0 * poster / wall,
            after.dropped - before.dropped
        );
    }
    let s = controller.stats().snapshot();
    println!(
        "engine: {} xruns, {} commands dropped, {} late",
        s.xruns, s.dropped_commands, s.late_commands
    );
    stop.store(true, Ordering::Release);
    maintain.join().ok();
    models.stop();
    driver.stop()?;
    Ok(())
}
