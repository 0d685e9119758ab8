//! The live tests' harness, shared by `live.rs` and `osc_live.rs`: a private `jackd
//! --no-realtime -d dummy -r 48000 -p 64` (stopped by PID), the wyrd binary running on it, and
//! test clients that send MIDI and audio into it and record its output.
//!
//! Each test file uses only some of these helpers, hence the `dead_code` allowances.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use wyrd_schema::{find, Patch};
use wyrd_testrig::{
    median_pitch, onset_delay, sine_patch, Capturer, ChildGuard, JackServer, Job, TempDir,
};

pub const SR: u32 = 48_000;
pub const PERIOD: u32 = 64;

/// One jackd per test, and JACK clients of this process find it through an environment
/// variable, so the tests of a file take turns.
static SERIAL: Mutex<()> = Mutex::new(());

/// Waits for the other tests of this file to finish with their servers.
pub fn take_turn() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

#[allow(dead_code)]
pub struct Rig {
    pub wyrd: ChildGuard,
    pub capturer: Capturer,
    pub server: JackServer,
    pub dir: TempDir,
    /// wyrd's OSC port: a free one rather than norns' 10111, which a wyrd or norns running on
    /// the same machine may hold.
    pub osc_port: u16,
    _turn: MutexGuard<'static, ()>,
}

fn set(p: &mut Patch, id: &str, v: f32) {
    p.set(find(id).unwrap().index, v);
}

/// Preset 0: the tests' sine ([`sine_patch`]). Preset 1: the same with a saw.
pub fn test_bank(dir: &Path) -> PathBuf {
    let sine = sine_patch();
    let mut saw = sine.clone();
    set(&mut saw, "osc1_waveform", 2.0);
    saw.name = "saw".into();
    let path = dir.join("test.bank");
    wyrd_bank::write_bank(&path, &[sine, saw]).unwrap();
    path
}

#[allow(dead_code)]
impl Rig {
    /// `wyrd run` with the test bank and `extra` arguments, once it says it is ready.
    pub fn start(extra: &[&str]) -> Rig {
        let turn = take_turn();
        let dir = TempDir::new("wyrd-live-test").unwrap();
        let server = JackServer::start(SR, PERIOD, dir.path()).unwrap();
        let bank = test_bank(dir.path());
        let osc_port = free_udp_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wyrd"));
        cmd.args(["run", "--no-autoconnect", "--name", "wyrd", "--bank"])
            .arg(&bank)
            .args(["--osc-port", &osc_port.to_string()])
            .args(extra)
            .env("JACK_DEFAULT_SERVER", server.name());
        let mut wyrd = ChildGuard::spawn("wyrd", &mut cmd, &dir.path().join("wyrd.log")).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !wyrd.log().contains("wyrd: ready") {
            if let Err(e) = wyrd.check_alive() {
                panic!("wyrd did not start: {e}");
            }
            assert!(Instant::now() < deadline, "wyrd not ready:\n{}", wyrd.log());
            std::thread::sleep(Duration::from_millis(20));
        }
        let capturer = Capturer::new("wyrd-test").unwrap();
        capturer
            .connect(
                "wyrd:midi_in",
                "wyrd:out_l",
                "wyrd:out_r",
                Duration::from_secs(10),
            )
            .unwrap();
        capturer.connect_input("wyrd:in_l", "wyrd:in_r").unwrap();
        Rig {
            wyrd,
            capturer,
            server,
            dir,
            osc_port,
            _turn: turn,
        }
    }

    pub fn play(&mut self, job: &Job) -> Vec<f32> {
        self.play_while(job, || {})
    }

    /// Plays `job`, calling `meanwhile` every millisecond or so from the moment the job is
    /// handed to JACK (it starts within the next period): the way to act on wyrd while it is
    /// being recorded.
    pub fn play_while(&mut self, job: &Job, mut meanwhile: impl FnMut()) -> Vec<f32> {
        let wyrd = &mut self.wyrd;
        let (left, right) = self
            .capturer
            .run(job, || {
                meanwhile();
                wyrd.check_alive()
            })
            .unwrap();
        assert!(left.iter().chain(&right).all(|s| s.is_finite()));
        left
    }

    /// Ctrl-C; returns wyrd's output once it has exited.
    pub fn interrupt(&mut self) -> String {
        let status = self
            .wyrd
            .signal_and_wait(libc::SIGINT, Duration::from_secs(10))
            .unwrap_or_else(|| panic!("wyrd ignored Ctrl-C:\n{}", self.wyrd.log()));
        let log = self.wyrd.log();
        assert!(status.success(), "{status}:\n{log}");
        log
    }
}

pub fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

pub fn cents(hz: f64, reference: f64) -> f64 {
    1200.0 * (hz / reference).log2()
}

/// Median pitch of a stretch of audio.
pub fn pitch(x: &[f32]) -> f64 {
    median_pitch(x, SR)
}

/// The magnitude of `x` at `f` Hz (Goertzel).
pub fn goertzel(x: &[f32], f: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * f / f64::from(SR);
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s = f64::from(v) + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2).sqrt()
}

/// Where an offline render of the sine preset first sounds, after its note-on at frame 0.
pub fn offline_onset() -> usize {
    onset_delay(&sine_patch(), SR, 69).expect("the sine is silent")
}

#[allow(dead_code)]
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A UDP port free on IPv4 and IPv6 (wyrd binds both): Linux's `[::]` socket is dual-stack
/// unless told otherwise, so its port was free on both.
pub fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("[::]:0")
        .or_else(|_| std::net::UdpSocket::bind("0.0.0.0:0"))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (10 s at most) until wyrd's output holds `text` `count` times.
pub fn wait_for(rig: &Rig, text: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while rig.wyrd.log().matches(text).count() < count {
        assert!(
            Instant::now() < deadline,
            "waiting for {text:?}:\n{}",
            rig.wyrd.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Onsets of a real-time recording that tell where wyrd played them, with `holes` (cycles the
/// recorder missed on a busy machine: silence, in place) taken out, since a note starting inside
/// one surfaces at the hole's end.
#[allow(dead_code)]
pub fn onsets_clear_of(out: &[f32], holes: &[Range<usize>]) -> Vec<usize> {
    wyrd_testrig::onsets(out, 3000)
        .into_iter()
        .filter(|&f| !holes.iter().any(|h| f >= h.start && f <= h.end + 64))
        .collect()
}

/// Checks that notes due every `spacing` frames sit on their grid: each gap between onsets is a
/// multiple of `spacing` plus whole periods (cycles wyrd itself was not run for on a loaded
/// machine), and at least a third are exact, or else no more are off than the xruns JACK
/// reported during the run (`xruns`, from wyrd's exit line): a slip of whole periods needs a
/// lost cycle. A scheduler that applied events at period starts would be off by a fraction of
/// a period.
#[allow(dead_code)]
pub fn assert_on_grid(on: &[usize], spacing: usize, holes: &[Range<usize>], xruns: u64) {
    let gaps: Vec<i64> = on.windows(2).map(|w| (w[1] - w[0]) as i64).collect();
    let s = spacing as i64;
    let off = |g: i64| g - s * ((g + s / 2) / s).max(1);
    assert!(
        gaps.iter()
            .all(|&g| off(g).rem_euclid(i64::from(PERIOD)) == 0),
        "onset gaps {gaps:?}, recorder holes {holes:?}"
    );
    let exact = gaps.iter().filter(|&&g| off(g) == 0).count();
    let slipped = (gaps.len() - exact) as u64;
    assert!(
        exact * 3 >= gaps.len() || slipped <= xruns,
        "onset gaps {gaps:?}, {xruns} xruns, recorder holes {holes:?}"
    );
}

/// wyrd's exit line, `wyrd: stopped after S s; N xruns (M caused by wyrd), ...`: the line,
/// and its seconds, xruns and periods caused by wyrd.
#[allow(dead_code)]
fn exit_line(log: &str) -> (&str, f64, u64, u64) {
    let parsed = log.lines().find_map(|line| {
        let rest = line.strip_prefix("wyrd: stopped after ")?;
        let (seconds, rest) = rest.split_once(" s; ")?;
        let (xruns, rest) = rest.split_once(" xruns (")?;
        let (caused, _) = rest.split_once(" caused by wyrd)")?;
        Some((
            line,
            seconds.parse().ok()?,
            xruns.parse().ok()?,
            caused.parse().ok()?,
        ))
    });
    parsed.unwrap_or_else(|| panic!("no exit line in wyrd's log:\n{log}"))
}

/// The xrun count of wyrd's exit line.
#[allow(dead_code)]
pub fn xruns(log: &str) -> u64 {
    exit_line(log).2
}

/// Asserts that wyrd's callback kept up: at most one period in a thousand of the run (the
/// seconds of wyrd's exit line) used more CPU than the period lasts. A callback too slow for
/// its load does so in most periods; on a VM, where stolen and interrupt time count as the
/// thread's CPU time, one in thousands can without wyrd being slow. Seen here: one period of
/// a single sine voice charged 2.16 ms (the period is 1.33 ms) 0.67 s into the OSC flood, and
/// 1 in 6 three-second runs without any flood counted one. The CPU cost itself is the
/// benchmarks' business.
#[allow(dead_code)]
pub fn assert_kept_up(log: &str) {
    let (line, seconds, _, caused) = exit_line(log);
    let periods = (seconds * f64::from(SR) / f64::from(PERIOD)) as u64;
    assert!(caused * 1000 <= periods, "{line} ({periods} periods)");
    eprintln!("{line}");
}
