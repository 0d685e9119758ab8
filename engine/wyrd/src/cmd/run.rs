use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use wyrd_analysis::live::{LiveAnalysis, LiveConfig};
use wyrd_engine::{CcMap, EngineConfig, Programs};
use wyrd_jack::{JackDriver, JackOptions};
use wyrd_models::instrument::ModelRunner;
use wyrd_schema::Patch;
use wyrd_script::lua_thread::{LuaConfig, LuaThread};
use wyrd_script::osc::server::Bound;
use wyrd_script::osc::OscConfig;
use wyrd_script::{sources, ModelRunnerRef, RuntimeConfig};

#[derive(clap::Args)]
pub struct Args {
    /// A norns-style Lua script (scripts/<name>/<name>.lua).
    script: Option<PathBuf>,
    /// amSynth bank whose presets MIDI program changes select (path, or name in the banks
    /// folder). Default: amsynth_factory.bank when the banks are installed.
    #[arg(long)]
    bank: Option<PathBuf>,
    /// Preset (program number) to start with.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..128))]
    preset: u8,
    /// JACK client name.
    #[arg(long, default_value = "wyrd")]
    name: String,
    /// Do not connect to the system playback/capture ports and MIDI sources.
    #[arg(long)]
    no_autoconnect: bool,
    /// CC → parameter map (lines of `CC PARAM_ID`); default: amSynth's CCs.
    #[arg(long)]
    cc_map: Option<PathBuf>,
    /// Voices (polyphony).
    #[arg(long, default_value_t = wyrd_engine::DEFAULT_VOICES as u16, value_parser = clap::value_parser!(u16).range(1..=256))]
    voices: u16,
    /// Pitch bend range in semitones.
    #[arg(long, default_value_t = 2.0)]
    bend_range: f32,
    /// Record the audio input, as the analysis thread receives it, to this WAV file.
    #[arg(long)]
    tap_input: Option<PathBuf>,
    /// Print meters, DSP load and xruns every this many seconds (0: never).
    #[arg(long, default_value_t = 0.0)]
    stats: f64,
    /// How far ahead of the audio script timers run (ms): a fixed offset, not jitter; clock
    /// events still land on their exact frames.
    #[arg(long, default_value_t = 20.0)]
    lookahead_ms: f64,
    /// REPL socket on 127.0.0.1 (`wyrd repl` attaches to it); 0: none.
    #[arg(long, default_value_t = 5555)]
    repl_port: u16,
    /// Do not reload the script when its files are saved.
    #[arg(long)]
    no_watch: bool,
    /// Tempo the script's clock starts at (beats per minute).
    #[arg(long, default_value_t = 120.0)]
    bpm: f64,
    /// psets go to DIR/<script name>/ instead of the script's own data/ folder.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// OSC port (UDP, IPv4 and IPv6; norns' is 10111); 0: no OSC.
    #[arg(long, default_value_t = wyrd_script::osc::server::DEFAULT_PORT)]
    osc_port: u16,
    /// Run Lua sent as `/eval <code>` over OSC, from this machine (loopback) only.
    #[arg(long)]
    allow_eval: bool,
    /// Where `/script/load <name>` finds scripts. Default: the folder holding the script's
    /// folder (scripts/), or ./scripts.
    #[arg(long)]
    scripts_dir: Option<PathBuf>,
    /// ONNX Runtime library for the scripts' models (default: WYRD_ORT_LIB, then
    /// data/onnxruntime).
    #[arg(long)]
    ort_lib: Option<PathBuf>,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    if !(a.lookahead_ms.is_finite() && (0.0..=1000.0).contains(&a.lookahead_ms)) {
        bail!("--lookahead-ms must be 0..1000");
    }
    if let Some(script) = &a.script {
        if !script.is_file() {
            bail!("{}: no such script", script.display());
        }
    }
    if let Some(lib) = &a.ort_lib {
        wyrd_models::runtime::set_library_path(Some(lib.clone()));
    }
    // Models are optional: without ONNX Runtime wyrd plays on, and a script's model.load
    // fails with the same message.
    if let Err(e) = wyrd_models::runtime::environment() {
        eprintln!("wyrd: models off: {e}");
    }
    let (programs, bank_label) = load_programs(a)?;
    let patch = programs
        .get(a.preset)
        .cloned()
        .unwrap_or_else(Patch::default);
    let cc_map = match &a.cc_map {
        Some(path) => CcMap::read(path)?,
        None => CcMap::default(),
    };
    let mut engine = EngineConfig::new(48_000);
    engine.voices = usize::from(a.voices);
    engine.bend_range = a.bend_range;
    engine.cc_map = cc_map;
    engine.programs = programs;
    engine.patch = patch.clone();
    let mut driver = JackDriver::start(JackOptions {
        name: a.name.clone(),
        autoconnect: !a.no_autoconnect,
        engine,
        ..JackOptions::default()
    })?;
    let rate = driver.sample_rate();
    let mut live_config = LiveConfig::new(rate);
    live_config.tap = a.tap_input.clone();
    let reader = driver.take_input().context("input ring already taken")?;
    let analysis = Arc::new(LiveAnalysis::spawn(reader, live_config)?);
    // Inference (latent decodes, resynthesis) on its own thread, fed by the input's analysis.
    let models = Arc::new(
        ModelRunner::spawn(driver.controller(), Some(Arc::clone(&analysis)))
            .context("cannot start the model thread")?,
    );

    let mut runtime = RuntimeConfig::new(rate);
    runtime.bpm = a.bpm;
    runtime.data_root = a.data_dir.clone();
    runtime.patch = *patch.values();
    runtime.models = Some(ModelRunnerRef(Arc::clone(&models)));
    let mut lua = LuaConfig::new(runtime);
    lua.lookahead = Duration::from_secs_f64(a.lookahead_ms / 1000.0);
    lua.repl_port = (a.repl_port != 0).then_some(a.repl_port);
    lua.watch = !a.no_watch;
    lua.osc = OscConfig {
        allow_eval: a.allow_eval,
        bank: a.bank.as_ref().map(|b| b.display().to_string()),
        scripts_dir: scripts_dir(a),
    };
    let osc_sockets = match a.osc_port {
        0 => None,
        port => {
            let bound = Bound::bind(port).with_context(|| {
                format!(
                    "cannot listen for OSC on UDP port {port} (another wyrd or norns? --osc-port)"
                )
            })?;
            lua.replier = Some(Arc::new(bound.replier()?));
            Some(bound)
        }
    };
    let osc_stats = Arc::clone(&lua.osc_stats);
    let sources = Arc::new(sources::Live::new(
        Arc::clone(&analysis),
        driver.controller(),
    ));
    let scripts = LuaThread::spawn(driver.controller(), sources, lua, a.script.clone())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let osc = match osc_sockets {
        Some(bound) => Some(bound.serve(scripts.sender(), Arc::clone(&osc_stats))?),
        None => None,
    };

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        ctrlc::set_handler(move || stop.store(true, Ordering::Release))
            .context("cannot install the Ctrl-C handler")?;
    }
    let ports = driver.ports();
    eprintln!(
        "wyrd: playing \"{}\" ({bank_label} #{}) at {rate} Hz, {} frames per period",
        patch.name,
        a.preset,
        driver.buffer_size()
    );
    eprintln!(
        "wyrd: ports {}, {} (out) {}, {} (in) {} (MIDI)",
        ports.out_l, ports.out_r, ports.in_l, ports.in_r, ports.midi_in
    );
    if let Err(why) = driver.memory_locked() {
        eprintln!(
            "wyrd: cannot lock memory ({why}); the first notes may glitch. \
             `wyrd doctor` says how to allow it"
        );
    }
    for c in driver.connections() {
        eprintln!("wyrd: connected {c}");
    }
    if let Some(osc) = &osc {
        let addrs: Vec<String> = osc.addrs().iter().map(|a| a.to_string()).collect();
        eprintln!(
            "wyrd: OSC on UDP {}{}",
            addrs.join(", "),
            if a.allow_eval {
                " (/eval allowed from loopback)"
            } else {
                ""
            }
        );
    }
    if let Some(addr) = scripts.repl_addr() {
        eprintln!("wyrd: REPL on {addr} (`wyrd repl --port {}`)", addr.port());
    }
    println!("wyrd: ready (Ctrl-C to stop)");
    std::io::stdout().flush().ok();
    if std::io::stdin().is_terminal() {
        let tx = scripts.sender();
        let host_tx = scripts.sender();
        let host: wyrd_script::repl::HostSink = Arc::new(move |e| {
            host_tx.try_send(wyrd_script::Event::Host(e)).ok();
        });
        let stop = Arc::clone(&stop);
        eprintln!("wyrd: keys and encoders: {}", wyrd_script::repl::KEY_MAP);
        std::thread::spawn(move || {
            wyrd_script::repl::terminal(|line| wyrd_script::lua_thread::ask(&tx, line), host, stop)
        });
    }

    let started = Instant::now();
    let mut last_stats = Instant::now();
    let server_gone = loop {
        if stop.load(Ordering::Acquire) {
            break false;
        }
        if driver.server_gone() {
            break true;
        }
        driver.maintain();
        if a.stats > 0.0 && last_stats.elapsed().as_secs_f64() >= a.stats {
            let s = driver.stats().snapshot();
            let (avg, max) = driver.stats().take_load();
            let l = analysis.levels();
            eprintln!(
                "wyrd: voices {:2}  peak {:5.3} {:5.3}  load avg {:4.1}% max {:4.1}%  xruns {} (wyrd {})  in amp {:.3} pitch {:.1}",
                s.active_voices, s.peak[0], s.peak[1], avg * 100.0, max * 100.0,
                s.xruns, s.overruns, l.amp[0], l.pitch[0]
            );
            last_stats = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let s = driver.stats().snapshot();
    if let Some(osc) = osc {
        osc.stop();
    }
    // The script's cleanup still reaches a live engine.
    scripts.stop();
    // Then the model thread (its last jobs and the resynthesis' note-off reach the engine).
    match Arc::try_unwrap(models) {
        Ok(m) => {
            let stats = m.stats();
            m.stop();
            if stats.decodes + stats.matches + stats.errors > 0 {
                eprintln!(
                    "wyrd: models: {} latent decodes, {} live-matcher runs, {} inference errors, {} jobs dropped, {:.2} s CPU",
                    stats.decodes,
                    stats.matches,
                    stats.errors,
                    stats.dropped,
                    stats.cpu_nanos as f64 / 1e9
                );
            }
        }
        Err(_) => eprintln!("wyrd: the model thread is still shared; it stops at exit"),
    }
    let analysis = Arc::try_unwrap(analysis)
        .map_err(|_| anyhow::anyhow!("the analysis thread is still shared"))?;
    if server_gone {
        // The client is dead; closing it would talk to a server that is not there.
        drop(driver);
        analysis.stop()?;
        bail!(
            "the JACK server went away after {:.1} s; wyrd stopped. Restart the server, then wyrd",
            started.elapsed().as_secs_f64()
        );
    }
    driver.stop()?;
    analysis.stop()?;
    eprintln!(
        "wyrd: stopped after {:.1} s; {} xruns ({} caused by wyrd), {} commands dropped, {} late",
        started.elapsed().as_secs_f64(),
        s.xruns,
        s.overruns,
        s.dropped_commands,
        s.late_commands
    );
    if a.osc_port != 0 {
        eprintln!("wyrd: osc: {}", osc_stats.counts());
    }
    Ok(())
}

/// `/script/load`'s folder: `--scripts-dir`, else the `scripts/` a norns-style script
/// (`scripts/<name>/<name>.lua`) lives in, else ./scripts. A script elsewhere does not make its
/// surroundings loadable: a stray `/tmp/x.lua` must not open all of `/` to controllers.
fn scripts_dir(a: &Args) -> Option<PathBuf> {
    if let Some(d) = &a.scripts_dir {
        return Some(d.clone());
    }
    let from_script = a
        .script
        .as_ref()
        .and_then(|s| std::fs::canonicalize(s).ok())
        .and_then(|s| {
            let dir = s.parent()?;
            (dir.file_name()? == s.file_stem()?).then(|| dir.parent().map(PathBuf::from))?
        });
    from_script.or_else(|| Some(PathBuf::from("scripts")).filter(|d| d.is_dir()))
}

fn load_programs(a: &Args) -> anyhow::Result<(Programs, String)> {
    let path = match &a.bank {
        Some(given) => Some(super::resolve_bank(given)?),
        None => wyrd_bank::banks_dir()
            .map(|d| d.join("amsynth_factory.bank"))
            .filter(|p| p.is_file()),
    };
    let Some(path) = path else {
        eprintln!("wyrd: no bank (run ./setup.sh banks or pass --bank); playing the default patch");
        return Ok((Programs::default(), "no bank".into()));
    };
    let bank = wyrd_bank::read_bank(&path)?;
    for w in &bank.warnings {
        eprintln!("wyrd: {w}");
    }
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((
        Programs {
            patches: bank.presets,
        },
        label,
    ))
}
