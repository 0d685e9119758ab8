//! wyrd's driver under a real JACK server (`jackd --no-realtime -d dummy -r 48000 -p 64`, started
//! and stopped here): DSP load (share of the 64-frame period, wall time of wyrd's callback) with
//! 1, 8, 16 and 32 held voices of the full voice, and MIDI-in to audio-out latency in frames.
//!
//! `cargo run --release -p wyrd-bench --bin wyrd-live-bench [-- --seconds 10]`

use std::time::Duration;

use anyhow::{bail, Context};
use clap::Parser;
use wyrd_bench::patch::{sc_notes, sc_patch};
use wyrd_engine::EngineConfig;
use wyrd_jack::{JackDriver, JackOptions};
use wyrd_schema::Patch;
use wyrd_testrig::{onset_delay, Capturer, JackServer, Job, MidiEvent, TempDir};

#[derive(Parser)]
struct Args {
    /// Seconds each voice count is held (real time).
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    #[arg(long, default_value_t = 64)]
    period: u32,
}

const SR: u32 = 48_000;

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let dir = TempDir::new("wyrd-live-bench")?;
    let _server = JackServer::start(SR, a.period, dir.path())?;
    let patch = Patch::from_values("full voice", sc_patch(true));
    let mut engine = EngineConfig::new(SR);
    engine.voices = 32;
    engine.patch = patch.clone();
    let driver = JackDriver::start(JackOptions {
        name: "wyrd-bench".into(),
        autoconnect: false,
        engine,
        ..JackOptions::default()
    })?;
    let capturer = Capturer::new("wyrd-bench-test")?;
    let p = driver.ports();
    capturer.connect(&p.midi_in, &p.out_l, &p.out_r, Duration::from_secs(10))?;
    let period_us = f64::from(a.period) * 1e6 / f64::from(SR);
    println!(
        "wyrd driver under jackd -d dummy -r {SR} -p {} ({period_us:.0} µs per period), full voice",
        a.period
    );
    println!("voices  load avg  load max   xruns (jackd / caused by wyrd)");
    for voices in [1usize, 8, 16, 32] {
        let mut events: Vec<MidiEvent> = sc_notes(voices)
            .into_iter()
            .enumerate()
            .map(|(i, n)| MidiEvent::note_on(100 + i as u32, n, 100))
            .collect();
        let len = a.seconds * SR;
        events.push(MidiEvent::control(len - SR / 2, 120, 0));
        let mut job = Job::new(events, 0, len);
        job.freewheel = false;
        let (x0, o0) = (driver.stats().xruns(), driver.stats().overruns());
        driver.stats().take_load();
        capturer.run(&job, || Ok(()))?;
        let (avg, max) = driver.stats().take_load();
        println!(
            "{voices:6}  {:7.2}%  {:7.2}%   {} / {}",
            avg * 100.0,
            max * 100.0,
            driver.stats().xruns() - x0,
            driver.stats().overruns() - o0
        );
    }

    // Latency: a note-on at frame k of a period, against where the same patch sounds offline
    // after a note-on at frame 0 (the oscillators' band-limiting kernel delays every onset
    // equally, live or offline).
    let offline = onset_delay(&patch, SR, 69).context("offline render is silent")?;
    let mut late = Vec::new();
    for k in [1u32, 17, 40, a.period - 1] {
        let on = 10 * a.period + k;
        let job = Job::new(
            vec![
                MidiEvent::note_on(on, 69, 127),
                MidiEvent::control(on + 4800, 120, 0),
            ],
            0,
            on + 9600,
        );
        let (l, _) = capturer.run(&job, || Ok(()))?;
        let onset = l.iter().position(|&s| s != 0.0).context("no sound")?;
        late.push(onset as i64 - i64::from(on) - offline as i64);
    }
    println!(
        "MIDI in -> audio out: notes at frames 1, 17, 40, {} of a period start {:?} frames after \
         their timestamp + the voice's own onset ({offline} frames, the same offline)",
        a.period - 1,
        late
    );
    if late.iter().any(|&d| d != 0) {
        bail!("a note did not start on its timestamp's frame");
    }
    println!("every note starts on its timestamp's frame, in the period it arrives in");
    driver.stop()?;
    Ok(())
}
