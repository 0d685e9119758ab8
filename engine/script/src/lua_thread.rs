//! The Lua thread beside a running JACK driver (matron's role): one event queue, the script's
//! timeline run a little ahead of the audio so their commands reach the engine before their frame, script
//! reload on save, and the REPL socket.

use std::collections::VecDeque;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam::channel::{self, Receiver, RecvTimeoutError, Sender};
use notify::{RecursiveMode, Watcher};
use wyrd_engine::monotonic_nanos;
use wyrd_engine::{Controller, Timeline};

use crate::events::{Event, OscArg, ReplReply};
use crate::osc::{self, Dispatcher, OscConfig, OscStats, Outcome, Replier};
use crate::runtime::{Runtime, RuntimeConfig, ScriptError};
use crate::sources::PollSource;
use crate::state::Now;
use crate::timeline::ScriptTimeline;

#[derive(Debug, Clone)]
pub struct LuaConfig {
    /// How far ahead of the audio timers run. Their commands carry exact frames, so this is
    /// not jitter but a fixed offset that absorbs the Lua thread's wake-up latency; a timer
    /// that still runs late is applied at once and counted (`late_commands`).
    pub lookahead: Duration,
    /// REPL socket port on 127.0.0.1 (maiden's is 5555); `None`: no socket.
    pub repl_port: Option<u16>,
    /// Reload the script when a `.lua` file in its folder is saved.
    pub watch: bool,
    pub runtime: RuntimeConfig,
    /// Built-in OSC paths' settings, the counters the receive threads share, and the
    /// server's sockets for replies (none: replies are not sent).
    pub osc: OscConfig,
    pub osc_stats: Arc<OscStats>,
    pub replier: Option<Arc<Replier>>,
}

impl LuaConfig {
    pub fn new(runtime: RuntimeConfig) -> Self {
        LuaConfig {
            lookahead: Duration::from_millis(20),
            repl_port: Some(5555),
            watch: true,
            runtime,
            osc: OscConfig::default(),
            osc_stats: Arc::default(),
            replier: None,
        }
    }
}

/// Events the queue holds before senders that must not block (OSC) are refused.
pub const EVENT_QUEUE: usize = 4096;

pub struct LuaThread {
    events: Sender<Event>,
    thread: Option<JoinHandle<()>>,
    repl_addr: Option<SocketAddr>,
    midi_stop: Arc<AtomicBool>,
}

impl LuaThread {
    /// Starts the Lua thread (and the REPL socket), loading `script` if given. A script that
    /// fails to load is reported; the host keeps running without it (save a fix to load it).
    pub fn spawn(
        controller: Controller,
        sources: Arc<dyn PollSource>,
        config: LuaConfig,
        script: Option<PathBuf>,
    ) -> Result<LuaThread, ScriptError> {
        let (tx, rx) = channel::bounded(EVENT_QUEUE);
        let repl_addr = match config.repl_port {
            Some(port) => serve_repl(port, tx.clone()),
            None => None,
        };
        let runtime = Runtime::new(controller.clone(), sources, config.runtime.clone())?;
        if let Some(s) = script {
            tx.send(Event::Load(s)).ok();
        }
        let midi_stop = Arc::new(AtomicBool::new(false));
        spawn_midi_pump(controller.clone(), tx.clone(), Arc::clone(&midi_stop))?;
        let thread = {
            let tx = tx.clone();
            std::thread::Builder::new()
                .name("wyrd-lua".into())
                .spawn(move || lua_thread(runtime, controller, config, rx, tx))
                .map_err(|e| ScriptError(format!("cannot start the Lua thread: {e}")))?
        };
        Ok(LuaThread {
            events: tx,
            thread: Some(thread),
            repl_addr,
            midi_stop,
        })
    }

    /// Where other threads post events (OSC, REPL lines, loads).
    pub fn sender(&self) -> Sender<Event> {
        self.events.clone()
    }

    pub fn repl_addr(&self) -> Option<SocketAddr> {
        self.repl_addr
    }

    /// Runs the script's cleanup and ends the Lua thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.midi_stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            self.events.send(Event::Quit).ok();
            t.join().ok();
        }
    }
}

impl Drop for LuaThread {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Moves incoming MIDI from the audio thread's queue into the event queue: the audio thread
/// cannot wake the Lua thread itself (that takes a lock), so this polls every millisecond.
/// It ends with the Lua thread.
fn spawn_midi_pump(
    controller: Controller,
    tx: Sender<Event>,
    stop: Arc<AtomicBool>,
) -> Result<(), ScriptError> {
    controller.listen_midi(true);
    std::thread::Builder::new()
        .name("wyrd-midi-in".into())
        .spawn(move || loop {
            while let Some(m) = controller.next_midi_in() {
                if tx
                    .send_timeout(Event::Midi(m), Duration::from_millis(100))
                    .is_err()
                {
                    controller.listen_midi(false);
                    return;
                }
            }
            if stop.load(Ordering::Relaxed) {
                controller.listen_midi(false);
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        })
        .map_err(|e| ScriptError(format!("cannot start the MIDI input thread: {e}")))?;
    Ok(())
}

/// The engine frame playing now, from the engine's published clock.
fn playhead(controller: &Controller) -> u64 {
    playhead_now(controller).0.max(0.0) as u64
}

/// The playhead to a fraction of a frame, and the wall-clock time it belongs to.
fn playhead_now(controller: &Controller) -> (f64, f64) {
    let frame = controller
        .stats()
        .clock
        .read()
        .frame_at_f(monotonic_nanos());
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    (frame, unix)
}

fn lua_thread(
    mut runtime: Runtime,
    controller: Controller,
    config: LuaConfig,
    rx: Receiver<Event>,
    tx: Sender<Event>,
) {
    let sr = f64::from(runtime.sample_rate());
    let ahead = (config.lookahead.as_secs_f64() * sr).round() as u64;
    let mut watcher = Watch::new(config.watch, tx);
    let untimed = |controller: &Controller| Now {
        frame: (playhead(controller) + ahead) as f64,
        beat: None,
        exact: false,
    };
    let mut osc = Dispatcher::new(
        config.osc.clone(),
        Arc::clone(&config.osc_stats),
        runtime.sample_rate(),
    );
    let reply = |o: Outcome, runtime: &mut Runtime, watcher: &mut Watch| match o {
        Outcome::Reply { to, packet } => {
            if let Some(r) = &config.replier {
                r.send(to, &packet);
            }
        }
        Outcome::Load { path, from } => {
            let answer = match load(runtime, &path, untimed(&controller)) {
                Ok(()) => osc::encode("/script/loaded", &[OscArg::Str(path.display().to_string())]),
                Err(e) => osc::encode("/script/error", &[OscArg::Str(e.0)]),
            };
            watcher.follow(runtime.script().map(|s| s.dir.as_path()));
            if let Some(r) = &config.replier {
                r.send(from, &answer);
            }
        }
    };
    // Events that arrived while a reload waited for the editor to finish writing.
    let mut deferred: VecDeque<Event> = VecDeque::new();
    loop {
        let now = playhead(&controller);
        let horizon = now + ahead;
        let mut timeline = ScriptTimeline::new(&mut runtime).with_osc(&mut osc, ahead);
        timeline.run_due(now);
        let next = timeline.next_event();
        let outcomes = std::mem::take(&mut timeline.outcomes);
        for o in outcomes {
            reply(o, &mut runtime, &mut watcher);
        }
        let wait = match next {
            Some(f) => Duration::from_secs_f64(f.saturating_sub(horizon) as f64 / sr),
            None => Duration::from_millis(50),
        }
        .min(Duration::from_millis(50));
        let event = match deferred.pop_front() {
            Some(e) => e,
            None => match rx.recv_timeout(wait) {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            },
        };
        match event {
            Event::Load(path) => {
                load(&mut runtime, &path, untimed(&controller)).ok();
                watcher.follow(runtime.script().map(|s| s.dir.as_path()));
            }
            Event::Changed(_) => {
                // Editors write a file in several steps: wait for them to settle.
                let settle = Instant::now() + Duration::from_millis(100);
                while let Ok(e) = rx.recv_deadline(settle) {
                    if !matches!(e, Event::Changed(_)) {
                        deferred.push_back(e);
                    }
                }
                if let Some(file) = runtime.script().map(|s| s.file.clone()) {
                    eprintln!("wyrd: {} changed; reloading", file.display());
                    load(&mut runtime, &file, untimed(&controller)).ok();
                }
            }
            Event::Host(e) => runtime.host_event(&e, untimed(&controller)),
            Event::Midi(m) => {
                // A fixed delay of one lookahead keeps the spacing the messages came in with.
                let now = Now {
                    frame: (m.frame + ahead) as f64,
                    beat: None,
                    exact: true,
                };
                let event = crate::host_events::HostEvent::Midi {
                    device: 1,
                    bytes: m.bytes,
                };
                runtime.host_event(&event, now);
            }
            Event::Repl { line, reply } => {
                reply.send(runtime.repl(&line, untimed(&controller))).ok();
            }
            Event::Osc(packet) => {
                let (playhead, unix) = playhead_now(&controller);
                let clock = osc::Clock {
                    playhead,
                    unix,
                    horizon: playhead.max(0.0) as u64 + ahead,
                };
                for o in osc.receive(&mut runtime, packet, clock) {
                    reply(o, &mut runtime, &mut watcher);
                }
            }
            Event::Quit => break,
        }
    }
    runtime.unload(untimed(&controller));
}

fn load(runtime: &mut Runtime, path: &Path, now: Now) -> Result<(), ScriptError> {
    let previous = runtime.script().map(|s| s.file.display().to_string());
    let result = runtime.load(path, now);
    match &result {
        Ok(()) => {
            eprintln!("wyrd: script {} running", path.display());
        }
        Err(e) => match previous {
            Some(p) => eprintln!(
                "wyrd: {} not loaded; {p} keeps running:\n{e}",
                path.display()
            ),
            None => eprintln!(
                "wyrd: {} not loaded (save a fix and it loads):\n{e}",
                path.display()
            ),
        },
    }
    result
}

/// Watches the running script's folder and posts [`Event::Changed`] for saved `.lua` files.
struct Watch {
    enabled: bool,
    tx: Sender<Event>,
    watcher: Option<notify::RecommendedWatcher>,
    dir: Option<PathBuf>,
}

impl Watch {
    fn new(enabled: bool, tx: Sender<Event>) -> Self {
        Watch {
            enabled,
            tx,
            watcher: None,
            dir: None,
        }
    }

    fn follow(&mut self, dir: Option<&Path>) {
        if !self.enabled || dir == self.dir.as_deref() {
            return;
        }
        self.watcher = None;
        self.dir = dir.map(Path::to_path_buf);
        let Some(dir) = dir else { return };
        let tx = self.tx.clone();
        let handler = move |res: notify::Result<notify::Event>| {
            let Ok(ev) = res else { return };
            if !(ev.kind.is_modify() || ev.kind.is_create()) {
                return;
            }
            if let Some(p) = ev
                .paths
                .into_iter()
                .find(|p| p.extension().is_some_and(|e| e == "lua"))
            {
                tx.try_send(Event::Changed(p)).ok();
            }
        };
        match notify::recommended_watcher(handler) {
            Ok(mut w) => match w.watch(dir, RecursiveMode::Recursive) {
                Ok(()) => self.watcher = Some(w),
                Err(e) => eprintln!("wyrd: cannot watch {} for changes: {e}", dir.display()),
            },
            Err(e) => eprintln!("wyrd: cannot watch for changes: {e}"),
        }
    }
}

/// The REPL socket: line in, one JSON reply line out ([`ReplReply`]); loopback only, since
/// it runs arbitrary Lua.
fn serve_repl(port: u16, tx: Sender<Event>) -> Option<SocketAddr> {
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("wyrd: no REPL socket on 127.0.0.1:{port}: {e}");
            return None;
        }
    };
    let addr = listener.local_addr().ok()?;
    std::thread::Builder::new()
        .name("wyrd-repl".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let tx = tx.clone();
                std::thread::spawn(move || repl_session(stream, tx));
            }
        })
        .ok()?;
    Some(addr)
}

fn repl_session(stream: TcpStream, tx: Sender<Event>) {
    use std::io::{BufRead, BufReader, Write};
    let Ok(mut out) = stream.try_clone() else {
        return;
    };
    for line in BufReader::new(stream).lines() {
        let Ok(line) = line else { return };
        let (reply_tx, reply_rx) = channel::bounded(1);
        if tx
            .send(Event::Repl {
                line,
                reply: reply_tx,
            })
            .is_err()
        {
            return;
        }
        let reply = reply_rx.recv().unwrap_or(ReplReply {
            output: "wyrd: the Lua thread has stopped\n".into(),
            more: false,
            ok: false,
        });
        let Ok(json) = serde_json::to_string(&reply) else {
            return;
        };
        if writeln!(out, "{json}").is_err() {
            return;
        }
    }
}

/// Sends a REPL line to the Lua thread and waits for the answer.
pub fn ask(tx: &Sender<Event>, line: String) -> Option<ReplReply> {
    let (reply_tx, reply_rx) = channel::bounded(1);
    tx.send(Event::Repl {
        line,
        reply: reply_tx,
    })
    .ok()?;
    reply_rx.recv().ok()
}
