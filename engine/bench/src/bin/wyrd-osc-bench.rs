//! OSC into a running `wyrd run`, under a private `jackd --no-realtime -d dummy -r 48000 -p 64`
//! (started and stopped here):
//!
//! 1. Latency from an OSC message to the change in the audio. A JACK client of this bench
//!    records wyrd's left output and, in its process callback, sends `/note_on 69 127` over UDP
//!    at the start of a cycle: the message leaves at a known frame, the cycle's first. The
//!    latency is the onset in the recording less that frame and less the voice's own onset
//!    delay (measured offline). wyrd applies a plain message at the start of the next period,
//!    so the goal is exactly one period.
//! 2. Sustained throughput: `/param/filter_cutoff f` from one UDP socket as fast as it sends,
//!    then paced at 100,000 messages/s; wyrd's exit summary says what it took and dropped.
//!
//! `cargo run --release -p wyrd-bench --bin wyrd-osc-bench [-- --trials 50 --seconds 3]`

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::Parser;
use jack::{AudioIn, Client, ClientOptions, Control, Port, ProcessScope};
use wyrd_script::osc::{decode, encode};
use wyrd_script::OscArg;
use wyrd_testrig::{onset_delay, sine_patch, ChildGuard, JackServer, TempDir};

#[derive(Parser)]
struct Args {
    /// Latency trials (notes).
    #[arg(long, default_value_t = 50)]
    trials: usize,
    /// Seconds of each throughput run.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Messages per second of the paced throughput run (the flood figure).
    #[arg(long, default_value_t = 100_000)]
    rate: u32,
    #[arg(long, default_value_t = 64)]
    period: u32,
    /// The wyrd binary. Default: `wyrd` next to this bench, built (or brought up to date) with
    /// cargo first.
    #[arg(long)]
    wyrd: Option<PathBuf>,
}

const SR: u32 = 48_000;
const NOTE: u8 = 69;
/// Exact silence this long before a trial: the previous note's release (0.1 s) has ended.
const QUIET: u64 = 4_800;
/// A trial without an onset this long after its message has failed.
const NO_ONSET: u32 = SR;

fn main() -> Result<()> {
    let a = Args::parse();
    if a.trials == 0 || !(a.seconds.is_finite() && a.seconds > 0.0) || a.rate == 0 {
        bail!("--trials, --seconds and --rate must be positive");
    }
    let wyrd = match &a.wyrd {
        Some(p) => p.clone(),
        None => build_wyrd()?,
    };
    let dir = TempDir::new("wyrd-osc-bench")?;
    let server = JackServer::start(SR, a.period, dir.path())?;
    let bank = test_bank(dir.path())?;
    let rig = Rig {
        wyrd,
        bank,
        dir: dir.path().to_path_buf(),
        server: server.name().to_string(),
    };
    let period_ms = f64::from(a.period) * 1000.0 / f64::from(SR);
    println!(
        "wyrd run under jackd --no-realtime -d dummy -r {SR} -p {} ({period_ms:.3} ms per period)",
        a.period
    );
    println!();
    latency(&rig, &a)?;
    println!();
    throughput(&rig, &a)?;
    drop(server);
    Ok(())
}

/// `target/<profile>/wyrd` beside this executable, built or brought up to date first.
fn build_wyrd() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin_dir = exe.parent().context("the bench has no folder")?;
    let wyrd = bin_dir.join("wyrd");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "-q",
        "-p",
        "wyrd",
        "--bin",
        "wyrd",
        "--manifest-path",
    ])
    .arg(&manifest);
    if bin_dir.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    if let Some(target) = bin_dir.parent() {
        cmd.env("CARGO_TARGET_DIR", target);
    }
    match cmd.status() {
        Ok(s) if s.success() => {}
        // A stale wyrd still measures the OSC path; say so rather than refuse.
        Ok(_) | Err(_) if wyrd.is_file() => {
            eprintln!(
                "wyrd-osc-bench: cannot build wyrd; using {}",
                wyrd.display()
            )
        }
        Ok(s) => bail!("building wyrd failed ({s}); pass --wyrd PATH"),
        Err(e) => bail!("cannot run cargo ({e}); pass --wyrd PATH"),
    }
    anyhow::ensure!(wyrd.is_file(), "{}: no wyrd binary", wyrd.display());
    Ok(wyrd)
}

fn test_bank(dir: &Path) -> Result<PathBuf> {
    let path = dir.join("test.bank");
    wyrd_bank::write_bank(&path, &[sine_patch()])?;
    Ok(path)
}

/// The voice's own onset delay, which live playing adds to every note.
fn offline_onset() -> Result<u32> {
    let at = onset_delay(&sine_patch(), SR, NOTE).context("the offline render is silent")?;
    Ok(at as u32)
}

struct Rig {
    wyrd: PathBuf,
    bank: PathBuf,
    dir: PathBuf,
    server: String,
}

/// One `wyrd run` with OSC on a free port.
struct Wyrd {
    child: ChildGuard,
    name: String,
    port: u16,
}

impl Rig {
    fn start(&self, name: &str) -> Result<Wyrd> {
        let port = free_udp_port()?;
        let mut cmd = Command::new(&self.wyrd);
        cmd.args(["run", "--no-autoconnect", "--no-watch", "--repl-port", "0"])
            .args(["--name", name, "--osc-port", &port.to_string(), "--bank"])
            .arg(&self.bank)
            .env("JACK_DEFAULT_SERVER", &self.server);
        let log = self.dir.join(format!("{name}.log"));
        let mut child = ChildGuard::spawn("wyrd", &mut cmd, &log)?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !child.log().contains("wyrd: ready") {
            child.check_alive()?;
            if Instant::now() > deadline {
                bail!("wyrd did not start:\n{}", child.log_tail());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let w = Wyrd {
            child,
            name: name.to_string(),
            port,
        };
        // The first answer also proves the port: a message to the wrong one is simply lost.
        w.control()?.ping()?;
        Ok(w)
    }
}

impl Wyrd {
    fn control(&self) -> Result<Controller> {
        let socket = UdpSocket::bind("127.0.0.1:0")?;
        socket.connect(("127.0.0.1", self.port))?;
        socket.set_read_timeout(Some(Duration::from_millis(100)))?;
        Ok(Controller { socket })
    }

    /// Ctrl-C, and wyrd's exit summary.
    fn stop(mut self) -> Result<Summary> {
        let status = self
            .child
            .signal_and_wait(libc::SIGINT, Duration::from_secs(15))
            .ok_or_else(|| anyhow!("wyrd ignored Ctrl-C:\n{}", self.child.log_tail()))?;
        let log = self.child.log();
        if !status.success() {
            bail!("wyrd exited with {status}:\n{log}");
        }
        Summary::parse(&log)
    }
}

fn free_udp_port() -> Result<u16> {
    Ok(UdpSocket::bind("0.0.0.0:0")?.local_addr()?.port())
}

/// A socket that talks to wyrd outside the measurements.
struct Controller {
    socket: UdpSocket,
}

impl Controller {
    fn send(&self, path: &str, args: &[OscArg]) -> Result<()> {
        self.socket.send(&encode(path, args))?;
        Ok(())
    }

    /// `/ping` until `/pong`. Everything wyrd received before the ping has been handled when
    /// the answer comes: one receive queue per socket, and the Lua thread takes its own in order.
    fn ping(&self) -> Result<Duration> {
        let started = Instant::now();
        let mut buf = [0u8; 1024];
        while started.elapsed() < Duration::from_secs(10) {
            // A full queue drops a ping like anything else: ask again.
            self.send("/ping", &[OscArg::Int(7)])?;
            let Ok(n) = self.socket.recv(&mut buf) else {
                continue;
            };
            let from = self.socket.peer_addr()?;
            let pong = decode(&buf[..n], from).map_err(|e| anyhow!("bad reply: {e}"))?;
            if pong
                .iter()
                .flat_map(|p| &p.messages)
                .any(|m| m.path == "/pong")
            {
                return Ok(started.elapsed());
            }
        }
        bail!("no /pong from wyrd within 10 s")
    }
}

/// wyrd's exit lines: `wyrd: stopped after S s; X xruns (W caused by wyrd), C commands dropped,
/// L late` and `wyrd: osc: M messages in P packets; D dropped (queue full), ...`.
#[derive(Debug, Default)]
struct Summary {
    xruns: u64,
    xruns_wyrd: u64,
    commands_dropped: u64,
    messages: u64,
    packets: u64,
    dropped: u64,
    bad: u64,
}

impl Summary {
    fn parse(log: &str) -> Result<Summary> {
        let line = |prefix: &str| -> Result<Vec<f64>> {
            let l = log
                .lines()
                .find(|l| l.starts_with(prefix))
                .ok_or_else(|| anyhow!("no '{prefix}' line in wyrd's output:\n{log}"))?;
            Ok(numbers(l))
        };
        let stopped = line("wyrd: stopped after")?;
        let osc = line("wyrd: osc:")?;
        if stopped.len() < 5 || osc.len() < 7 {
            bail!("wyrd's summary has changed form:\n{log}");
        }
        Ok(Summary {
            xruns: stopped[1] as u64,
            xruns_wyrd: stopped[2] as u64,
            commands_dropped: stopped[3] as u64,
            messages: osc[0] as u64,
            packets: osc[1] as u64,
            dropped: osc[2] as u64,
            bad: osc[4] as u64,
        })
    }
}

fn numbers(line: &str) -> Vec<f64> {
    line.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|t| t.trim_matches('.').parse().ok())
        .collect()
}

// ---- 1. latency ----

const IDLE: u8 = 0;
/// Send at the start of the next silent cycle.
const ARMED: u8 = 1;
const LISTENING: u8 = 2;
const HEARD: u8 = 3;
const FAILED: u8 = 4;

#[derive(Default)]
struct Shared {
    state: AtomicU8,
    /// Frames of exact silence up to the end of the last cycle.
    quiet: AtomicU64,
    /// Onset, frames after the first frame of the cycle that sent the message.
    onset: AtomicI64,
    /// A cycle went missing while listening (JACK skipped this client): the onset may be late.
    gap: AtomicBool,
    send_failed: AtomicBool,
}

/// Records wyrd's left output and sends the message; all in JACK's process callback.
struct Probe {
    input: Port<AudioIn>,
    socket: UdpSocket,
    packet: Vec<u8>,
    shared: Arc<Shared>,
    quiet: u64,
    sent_at: u32,
    next_cycle: Option<u32>,
}

impl jack::ProcessHandler for Probe {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        let x = self.input.as_slice(ps);
        let n = ps.n_frames();
        // JACK's frame clock: the same numbers wyrd's cycles run on, skipped cycles included.
        let t = ps.last_frame_time();
        let skipped = self.next_cycle.is_some_and(|e| e != t);
        self.next_cycle = Some(t.wrapping_add(n));
        let first = x.iter().position(|&s| s != 0.0);
        let s = &self.shared;
        match s.state.load(Ordering::Acquire) {
            ARMED if first.is_none() && self.quiet + u64::from(n) >= QUIET => {
                // wyrd has already rendered this cycle (this client reads its output), so the
                // message can act at the next period's first frame at the earliest.
                if self.socket.send(&self.packet).is_err() {
                    s.send_failed.store(true, Ordering::Relaxed);
                }
                self.sent_at = t;
                s.gap.store(false, Ordering::Relaxed);
                s.state.store(LISTENING, Ordering::Release);
            }
            LISTENING => {
                if skipped {
                    s.gap.store(true, Ordering::Relaxed);
                }
                let since = t.wrapping_sub(self.sent_at);
                if let Some(i) = first {
                    s.onset
                        .store(i64::from(since) + i as i64, Ordering::Relaxed);
                    s.state.store(HEARD, Ordering::Release);
                } else if since > NO_ONSET {
                    s.state.store(FAILED, Ordering::Release);
                }
            }
            _ => {}
        }
        self.quiet = match x.iter().rposition(|&s| s != 0.0) {
            None => self.quiet + u64::from(n),
            Some(last) => (x.len() - 1 - last) as u64,
        };
        s.quiet.store(self.quiet, Ordering::Relaxed);
        Control::Continue
    }
}

fn latency(rig: &Rig, a: &Args) -> Result<()> {
    let own = offline_onset()?;
    let wyrd = rig.start("wyrd-lat")?;
    let control = wyrd.control()?;
    let shared = Arc::new(Shared::default());
    let (client, _) = Client::new("wyrd-osc-bench", ClientOptions::NO_START_SERVER)
        .map_err(|e| anyhow!("cannot open a JACK client: {e:?}"))?;
    let input = client.register_port("in", AudioIn::default())?;
    let input_name = input.name()?;
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(("127.0.0.1", wyrd.port))?;
    // Never block the process callback, even on a full socket buffer.
    socket.set_nonblocking(true)?;
    let probe = Probe {
        input,
        socket,
        packet: encode("/note_on", &[OscArg::Int(NOTE.into()), OscArg::Int(127)]),
        shared: Arc::clone(&shared),
        quiet: 0,
        sent_at: 0,
        next_cycle: None,
    };
    let active = client.activate_async((), probe)?;
    let out_l = format!("{}:out_l", wyrd.name);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match active
            .as_client()
            .connect_ports_by_name(&out_l, &input_name)
        {
            Ok(()) => break,
            Err(e) if Instant::now() > deadline => bail!("cannot connect {out_l}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }

    let mut rng = 0x9e37_79b9_u32;
    let (mut frames, mut gaps, mut failed) = (vec![], 0, 0);
    // Three warm-up notes first: page faults and first-use costs are not what this measures.
    let warmup = 3;
    let mut attempts = 0;
    while frames.len() < a.trials + warmup {
        attempts += 1;
        if attempts > 2 * (a.trials + warmup) + 10 {
            bail!("too many failed trials ({failed} without onset, {gaps} with gaps)");
        }
        wait_quiet(&shared)?;
        // Spread the sends over wyrd's own rhythms (its 10 ms housekeeping loop, timers).
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        std::thread::sleep(Duration::from_micros(u64::from(rng % 10_000)));
        shared.state.store(ARMED, Ordering::Release);
        let deadline = Instant::now() + Duration::from_secs(5);
        let state = loop {
            let s = shared.state.load(Ordering::Acquire);
            if s == HEARD || s == FAILED {
                break s;
            }
            if Instant::now() > deadline {
                bail!("no cycle ran for 5 s (state {s})");
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        control.send("/note_off", &[OscArg::Int(NOTE.into())])?;
        shared.state.store(IDLE, Ordering::Release);
        if shared.send_failed.swap(false, Ordering::Relaxed) {
            bail!("the process callback could not send its UDP packet");
        }
        if state == FAILED {
            failed += 1;
            continue;
        }
        if shared.gap.load(Ordering::Relaxed) {
            gaps += 1;
            continue;
        }
        let onset = shared.onset.load(Ordering::Relaxed);
        frames.push(onset - i64::from(own));
    }
    drop(active);
    let summary = wyrd.stop()?;
    let mut lat: Vec<i64> = frames.split_off(warmup);
    lat.sort_unstable();

    let p = f64::from(a.period);
    let ms = |f: i64| f as f64 * 1000.0 / f64::from(SR);
    let median = lat[lat.len() / 2];
    let p90 = lat[(lat.len() * 9).div_ceil(10) - 1];
    let max = *lat.last().unwrap_or(&0);
    println!(
        "1. OSC message -> audio: /note_on {NOTE} 127 sent over UDP (loopback) from a JACK \
         client's process callback at a cycle's first frame; onset in wyrd:out_l, less the \
         voice's own {own}-frame onset (offline). {} trials.",
        lat.len()
    );
    println!("               frames   periods        ms");
    for (label, f) in [("median", median), ("90th pct", p90), ("max", max)] {
        println!("   {label:<10} {f:>8} {:>9.2} {:>9.3}", f as f64 / p, ms(f));
    }
    let within = lat.iter().filter(|&&f| f <= i64::from(a.period)).count();
    println!(
        "   within 1 period (applied at the start of the next period): {within} of {} ({:.0}%)",
        lat.len(),
        100.0 * within as f64 / lat.len() as f64
    );
    let mut counts: Vec<(i64, usize)> = vec![];
    for &f in &lat {
        match counts.last_mut() {
            Some((v, c)) if *v == f => *c += 1,
            _ => counts.push((f, 1)),
        }
    }
    let spread: Vec<String> = counts.iter().map(|(v, c)| format!("{v} x{c}")).collect();
    println!("   latencies (frames x trials): {}", spread.join(", "));
    if gaps + failed > 0 {
        println!(
            "   repeated: {gaps} trials where JACK skipped the recording client, {failed} without \
             an onset"
        );
    }
    println!(
        "   wyrd: {} xruns ({} caused by wyrd); osc {} messages, {} bad",
        summary.xruns, summary.xruns_wyrd, summary.messages, summary.bad
    );
    Ok(())
}

fn wait_quiet(shared: &Shared) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while shared.quiet.load(Ordering::Relaxed) < QUIET {
        if Instant::now() > deadline {
            bail!("wyrd's output never fell silent after /note_off");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

// ---- 2. throughput ----

struct Run {
    label: String,
    seconds: f64,
    sent: u64,
    send_errors: u64,
    /// From the first send until a `/ping` behind the last message was answered.
    drained: f64,
    summary: Summary,
}

fn throughput(rig: &Rig, a: &Args) -> Result<()> {
    println!(
        "2. Throughput: /param/filter_cutoff f from one UDP socket (loopback), {:.1} s per run, a \
         note held",
        a.seconds
    );
    let runs = [
        flood(rig, "as fast as it sends", a.seconds, None)?,
        flood(rig, &format!("paced {}/s", a.rate), a.seconds, Some(a.rate))?,
    ];
    println!(
        "   run                     sent     sent/s   received    handled  dropped(queue)  \
         lost(kernel)  handled/s   xruns (by wyrd)  commands dropped"
    );
    for r in &runs {
        let s = &r.summary;
        println!(
            "   {:<20} {:>8} {:>10.0} {:>10} {:>10} {:>15} {:>13} {:>10.0}   {:>6} ({}) {:>17}",
            r.label,
            r.sent,
            r.sent as f64 / r.seconds,
            s.packets,
            s.messages,
            s.dropped,
            r.sent.saturating_sub(s.packets),
            s.messages as f64 / r.drained,
            s.xruns,
            s.xruns_wyrd,
            s.commands_dropped,
        );
        if r.send_errors > 0 {
            println!("   ({}: {} sends failed)", r.label, r.send_errors);
        }
        if s.bad > 0 {
            println!("   ({}: wyrd counted {} bad messages)", r.label, s.bad);
        }
    }
    println!(
        "   received: datagrams wyrd read; handled: messages queued to and run by the Lua thread \
         (they include the bench's few /ping, /note_on, /note_off); dropped(queue): refused by \
         the full Lua queue; lost(kernel): sent but never read (socket buffer full); handled/s: \
         handled over the time until a /ping sent after the last message came back"
    );
    Ok(())
}

fn flood(rig: &Rig, label: &str, seconds: f64, rate: Option<u32>) -> Result<Run> {
    let wyrd = rig.start("wyrd-flood")?;
    let control = wyrd.control()?;
    control.send("/note_on", &[OscArg::Int(NOTE.into()), OscArg::Int(100)])?;
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(("127.0.0.1", wyrd.port))?;
    // Encoding is not what is measured: a ramp of values, encoded once.
    let packets: Vec<Vec<u8>> = (0..256)
        .map(|i| {
            let v = -0.5 + 2.0 * f64::from(i) / 255.0;
            encode("/param/filter_cutoff", &[OscArg::Float(v)])
        })
        .collect();
    let (mut sent, mut errors) = (0u64, 0u64);
    let started = Instant::now();
    let length = Duration::from_secs_f64(seconds);
    'send: loop {
        let elapsed = started.elapsed();
        if elapsed >= length {
            break;
        }
        let due = match rate {
            Some(r) => (elapsed.as_secs_f64() * f64::from(r)) as u64,
            None => sent + 1024,
        };
        if sent >= due {
            std::thread::sleep(Duration::from_micros(50));
            continue;
        }
        while sent < due {
            match socket.send(&packets[(sent % 256) as usize]) {
                Ok(_) => sent += 1,
                Err(_) => {
                    errors += 1;
                    if errors > 1_000_000 {
                        break 'send;
                    }
                }
            }
        }
    }
    let took = started.elapsed().as_secs_f64();
    control.ping()?;
    let drained = started.elapsed().as_secs_f64();
    control.send("/note_off", &[OscArg::Int(NOTE.into())])?;
    let summary = wyrd.stop()?;
    Ok(Run {
        label: label.to_string(),
        seconds: took,
        sent,
        send_errors: errors,
        drained,
        summary,
    })
}
