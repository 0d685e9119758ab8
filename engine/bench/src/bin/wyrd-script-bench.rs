//! The Lua host's timing and throughput.
//!
//! 1. Clock-event timing under a real JACK server (`jackd --no-realtime -d dummy -r 48000
//!    -p 64`, started and stopped here): a `clock.sync(1/2)` pattern plays for `--seconds`,
//!    the output is recorded, and each onset's distance from the ideal grid is measured, side
//!    by side with the same script when commands apply whenever Lua gets to them (norns'
//!    model; norns' own scheduler adds its ~1 ms tick on top).
//! 2. Events per second the Lua thread sustains: OSC-style events into `osc.event` setting a
//!    parameter, and clock wake-ups each sending a command.
//!
//! `cargo run --release -p wyrd-bench --bin wyrd-script-bench [-- --seconds 20]`

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use wyrd_engine::{EngineConfig, Offline};
use wyrd_jack::{JackDriver, JackOptions};
use wyrd_schema::{find, Patch};
use wyrd_script::lua_thread::{ask, LuaConfig, LuaThread};
use wyrd_script::osc::{Message, Packet, When};
use wyrd_script::timeline::ScriptTimeline;
use wyrd_script::{Event, Now, OscArg, Runtime, RuntimeConfig, Silence};
use wyrd_testrig::{onsets, Capturer, JackServer, Job, TempDir};

#[derive(Parser)]
struct Args {
    /// Seconds of real-time recording per timing run.
    #[arg(long, default_value_t = 20)]
    seconds: u32,
    /// Events sent in the throughput test.
    #[arg(long, default_value_t = 200_000)]
    events: usize,
}

const SR: u32 = 48_000;
const GAP: usize = 12_000; // a half beat at 120 bpm

const PULSE: &str = r#"
function init()
  clock.run(function()
    while true do
      clock.sync(1/2)
      engine.note_on(69, 127)
      clock.sleep(0.02)
      engine.note_off(69)
    end
  end)
end
"#;

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let dir = TempDir::new("wyrd-script-bench")?;
    let script = write_script(dir.path(), "pulse", PULSE)?;
    println!(
        "clock.sync(1/2) at 120 bpm under jackd -d dummy -r {SR} -p 64, {} s each",
        a.seconds
    );
    println!("scheduling                       gaps  exact (12000 frames)  median |error|  max |error| (frames)");
    for (label, stamped) in [
        ("wyrd (frame-stamped)", true),
        ("applied when Lua runs", false),
    ] {
        let errors = timing_run(dir.path(), &script, stamped, a.seconds)?;
        let exact = errors.iter().filter(|&&e| e == 0).count();
        let mut abs: Vec<i64> = errors.iter().map(|e| e.abs()).collect();
        abs.sort_unstable();
        let max = abs.last().copied().unwrap_or(0);
        let median = abs.get(abs.len() / 2).copied().unwrap_or(0);
        println!(
            "{label:<32} {:>4}  {exact:>20}  {median:>14}  {max:>20}",
            errors.len()
        );
    }
    println!("(norns: events quantised to its ~1 ms clock scheduler tick, 48 frames at 48 kHz)");
    throughput(dir.path(), a.events)?;
    Ok(())
}

fn write_script(root: &Path, name: &str, text: &str) -> anyhow::Result<std::path::PathBuf> {
    let d = root.join(name);
    std::fs::create_dir_all(&d)?;
    let f = d.join(format!("{name}.lua"));
    std::fs::write(&f, text)?;
    Ok(f)
}

fn sine() -> Patch {
    let mut p = Patch::default();
    for (id, v) in [
        ("osc1_waveform", 0.0),
        ("osc_mix", -1.0),
        ("filter_type", 4.0),
        ("amp_attack", 0.0),
        ("amp_release", 0.05),
        ("master_vol", 0.4),
        ("reverb_wet", 0.0),
    ] {
        p.set(find(id).expect("schema id").index, v);
    }
    p
}

/// Each gap between consecutive onsets minus the grid's 12000 frames. Pairwise, because a
/// real-time recording can drop a period (the recording client skipped by the dummy driver),
/// which would otherwise shift every later onset.
fn timing_run(dir: &Path, script: &Path, stamped: bool, seconds: u32) -> anyhow::Result<Vec<i64>> {
    let server = JackServer::start(SR, 64, dir)?;
    let mut engine = EngineConfig::new(SR);
    engine.patch = sine();
    let driver = JackDriver::start(JackOptions {
        name: "wyrd-script-bench".into(),
        autoconnect: false,
        engine,
        ..JackOptions::default()
    })?;
    let mut rc = RuntimeConfig::new(SR);
    rc.patch = *sine().values();
    rc.stamp_frames = stamped;
    let mut lua = LuaConfig::new(rc);
    lua.repl_port = None;
    lua.watch = false;
    let scripts = LuaThread::spawn(
        driver.controller(),
        Arc::new(Silence { n_mfcc: 20 }),
        lua,
        Some(script.to_path_buf()),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let capturer = Capturer::new("wyrd-script-bench-rec")?;
    let p = driver.ports();
    capturer.connect(&p.midi_in, &p.out_l, &p.out_r, Duration::from_secs(10))?;
    std::thread::sleep(Duration::from_millis(500));
    let mut job = Job::new(vec![], 0, seconds * SR);
    job.freewheel = false;
    let (left, _) = capturer.run(&job, || Ok(()))?;
    scripts.stop();
    driver.stop()?;
    drop(server);
    let on = onsets(&left, 3000);
    anyhow::ensure!(on.len() > 4, "too few onsets recorded ({})", on.len());
    Ok(on
        .windows(2)
        .map(|w| (w[1] - w[0]) as i64 - GAP as i64)
        .collect())
}

fn throughput(dir: &Path, n: usize) -> anyhow::Result<()> {
    // OSC-style events through the Lua thread's queue into osc.event.
    let script = write_script(
        dir,
        "sink",
        "function init() got = 0 end\nfunction osc.event(path, args) got = got + 1 engine.filter_cutoff(args[1]) end",
    )?;
    let mut ec = EngineConfig::new(SR);
    ec.queue_capacity = 1 << 20;
    let mut offline = Offline::new(ec);
    let controller = offline.controller().clone();
    let mut lua = LuaConfig::new(RuntimeConfig::new(SR));
    lua.repl_port = None;
    lua.watch = false;
    let driver = LuaThread::spawn(
        controller.clone(),
        Arc::new(Silence { n_mfcc: 20 }),
        lua,
        Some(script),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let tx = driver.sender();
    ask(&tx, "got".into()).context("script")?;
    let from = "127.0.0.1:9000".parse()?;
    let started = Instant::now();
    for i in 0..n {
        let ev = Event::Osc(Packet {
            messages: vec![Message {
                path: "/cut".into(),
                args: vec![OscArg::Float((i % 100) as f64 / 100.0)],
            }],
            from,
            when: When::Now,
        });
        tx.send(ev).ok();
        if i % 4096 == 0 {
            // The audio side keeps draining, as the JACK callback would.
            let (mut l, mut r) = (vec![0.0; 64], vec![0.0; 64]);
            offline.render(&mut (), &mut l, &mut r).ok();
        }
    }
    let got = ask(&tx, "got".into()).context("script")?;
    let took = started.elapsed().as_secs_f64();
    driver.stop();
    println!(
        "osc.event + engine command: {n} events in {took:.3} s = {:.0} events/s (script counted {})",
        n as f64 / took,
        got.output.trim()
    );

    // Clock wake-ups, each sending a command, on the virtual clock.
    let clocks = write_script(
        dir,
        "clocks",
        "function init() for c = 1, 100 do clock.run(function() while true do clock.sleep(0.001) engine.osc2_detune(c / 200) end end) end end",
    )?;
    let mut offline = Offline::new(ec_big());
    let controller = offline.controller().clone();
    let mut rt = Runtime::new(
        controller.clone(),
        Arc::new(Silence { n_mfcc: 20 }),
        RuntimeConfig::new(SR),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let at = |f: u64| Now {
        frame: f as f64,
        beat: None,
        exact: true,
    };
    rt.load(&clocks, at(0))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    let mut timeline = ScriptTimeline::new(&mut rt);
    let (mut l, mut r) = (vec![0.0; 480], vec![0.0; 480]);
    while started.elapsed() < Duration::from_secs(2) {
        // The offline driver runs each wake-up at its frame and renders in between.
        offline
            .render(&mut timeline, &mut l, &mut r)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let wakes = timeline.callbacks;
    let took = started.elapsed().as_secs_f64();
    println!(
        "clock wake-ups + engine command: {wakes} in {took:.3} s = {:.0} wake-ups/s",
        wakes as f64 / took
    );
    Ok(())
}

fn ec_big() -> EngineConfig {
    let mut ec = EngineConfig::new(SR);
    ec.queue_capacity = 1 << 22;
    ec
}
