//! Two test JACK clients around a synth under test: one sends it MIDI (and, optionally, audio
//! into its inputs), the other records its output.
//!
//! They are separate clients on purpose: the graph is then the chain sender → synth →
//! recorder, which JACK runs in that order inside every cycle. A single client that both feeds
//! and reads the synth would close a loop, which JACK2 may break by delaying one edge by a period.
//!
//! Time is counted by the sender in frames it has processed and published to the recorder,
//! which runs later in the same cycle; so both agree on every frame without depending on JACK's
//! clock. The sender accepts a job at the start of some cycle (the job's frame 0) and writes each
//! event at its exact frame within the cycle it falls into; the recorder copies exactly the frames
//! `[record_from, record_from + record_len)` of that job. Any missed or late cycle is reported
//! as a [`Glitch`] rather than silently shifting the audio.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use jack::{
    AudioIn, AudioOut, Client, ClientOptions, Control, MidiOut, Port, ProcessScope, RawMidi,
};

/// At most this many MIDI events per job (they are copied into the real-time thread by value).
pub const MAX_EVENTS: usize = 64;

/// A MIDI message at a frame relative to the job's start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MidiEvent {
    pub frame: u32,
    bytes: [u8; 3],
    len: u8,
}

impl MidiEvent {
    pub fn note_on(frame: u32, note: u8, velocity: u8) -> Self {
        MidiEvent {
            frame,
            bytes: [0x90, note & 0x7f, velocity & 0x7f],
            len: 3,
        }
    }

    pub fn note_off(frame: u32, note: u8) -> Self {
        MidiEvent {
            frame,
            bytes: [0x80, note & 0x7f, 0],
            len: 3,
        }
    }

    pub fn control(frame: u32, cc: u8, value: u8) -> Self {
        MidiEvent {
            frame,
            bytes: [0xb0, cc & 0x7f, value & 0x7f],
            len: 3,
        }
    }

    pub fn program(frame: u32, program: u8) -> Self {
        MidiEvent {
            frame,
            bytes: [0xc0, program & 0x7f, 0],
            len: 2,
        }
    }

    /// `value` in -8192..=8191.
    pub fn pitch_bend(frame: u32, value: i16) -> Self {
        let v = (i32::from(value) + 8192).clamp(0, 16383) as u16;
        MidiEvent {
            frame,
            bytes: [0xe0, (v & 0x7f) as u8, (v >> 7) as u8],
            len: 3,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// What to play and which frames to keep, all relative to the cycle in which the job starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Sorted by frame.
    pub events: Vec<MidiEvent>,
    pub record_from: u32,
    pub record_len: u32,
    /// Audio (left, right) played into the synth's inputs from the job's frame 0.
    pub input: Option<(Vec<f32>, Vec<f32>)>,
    /// Run the graph in freewheel mode (as fast as the clients go, nothing dropped) rather
    /// than in real time. Real time is what tests of xruns need; its recordings may have
    /// gaps where JACK skipped a late client, which are then not reported as glitches.
    pub freewheel: bool,
}

impl Job {
    /// A freewheeling job without input audio.
    pub fn new(events: Vec<MidiEvent>, record_from: u32, record_len: u32) -> Self {
        Job {
            events,
            record_from,
            record_len,
            input: None,
            freewheel: true,
        }
    }
}

/// A capture went wrong in a way that a retry can fix (a late or missed JACK cycle).
#[derive(Debug)]
pub struct Glitch(pub String);

impl std::fmt::Display for Glitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "capture glitch: {}", self.0)
    }
}

impl std::error::Error for Glitch {}

const IDLE: u8 = 0;
const REQUESTED: u8 = 1;
const RUNNING: u8 = 2;
const DONE: u8 = 3;

const FAULT_LATE_EVENT: u32 = 1;
const FAULT_GAP: u32 = 2;
const FAULT_LOCKED: u32 = 4;
const FAULT_MIDI_WRITE: u32 = 8;

#[derive(Debug, Clone, Copy)]
struct EventList {
    events: [MidiEvent; MAX_EVENTS],
    len: usize,
}

impl Default for EventList {
    fn default() -> Self {
        EventList {
            events: [MidiEvent::default(); MAX_EVENTS],
            len: 0,
        }
    }
}

#[derive(Debug, Default)]
struct Recording {
    left: Vec<f32>,
    right: Vec<f32>,
    /// Which frames a cycle wrote: a cycle the recorder missed leaves a hole, in place.
    covered: Vec<bool>,
}

/// State shared between the control thread and both real-time callbacks.
///
/// The mutexes are never contended by design: the control thread touches `events` only while
/// the state is IDLE, `recording` only outside RUNNING; the callbacks use `try_lock` and report a
/// fault instead of ever blocking.
#[derive(Debug, Default)]
struct Shared {
    state: AtomicU8,
    job_start: AtomicU32,
    record_from: AtomicU32,
    record_len: AtomicU32,
    faults: AtomicU32,
    server_gone: AtomicBool,
    events: Mutex<EventList>,
    recording: Mutex<Recording>,
    /// Audio the sender plays, (left, right); only touched by the control thread while IDLE.
    input: Mutex<(Vec<f32>, Vec<f32>)>,
    /// Frame ranges of the last recording that no cycle wrote (control thread only).
    holes: Mutex<Vec<Range<usize>>>,
}

impl Shared {
    fn fault(&self, bit: u32) {
        self.faults.fetch_or(bit, Ordering::Relaxed);
    }
}

struct Notifications {
    shared: Arc<Shared>,
}

impl jack::NotificationHandler for Notifications {
    unsafe fn shutdown(&mut self, _status: jack::ClientStatus, _reason: &str) {
        self.shared.server_gone.store(true, Ordering::Release);
    }
}

struct Sender {
    port: Port<MidiOut>,
    out_l: Port<AudioOut>,
    out_r: Port<AudioOut>,
    shared: Arc<Shared>,
    pending: EventList,
    next: usize,
    start: u32,
}

impl jack::ProcessHandler for Sender {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        // JACK's own frame time, the same for every client in a cycle: a cycle this client
        // misses on a busy machine does not shift the others.
        let t0 = ps.last_frame_time();
        let n = ps.n_frames();
        // Always take the writer: it clears the port buffer, which JACK does not do for us.
        let mut writer = self.port.writer(ps);
        let (out_l, out_r) = (self.out_l.as_mut_slice(ps), self.out_r.as_mut_slice(ps));
        out_l.fill(0.0);
        out_r.fill(0.0);
        match self.shared.state.load(Ordering::Acquire) {
            REQUESTED => {
                let Ok(list) = self.shared.events.try_lock() else {
                    // Nothing has been sent yet, so simply start one cycle later.
                    return Control::Continue;
                };
                self.pending = *list;
                drop(list);
                self.next = 0;
                self.start = t0;
                self.shared.job_start.store(t0, Ordering::Relaxed);
                self.shared.state.store(RUNNING, Ordering::Release);
            }
            RUNNING => {}
            _ => {
                self.next = self.pending.len;
                return Control::Continue;
            }
        }
        let played = t0.wrapping_sub(self.start) as usize;
        match self.shared.input.try_lock() {
            Ok(input) => {
                let (l, r) = &*input;
                if played < l.len() {
                    let k = (l.len() - played).min(out_l.len());
                    out_l[..k].copy_from_slice(&l[played..played + k]);
                    out_r[..k].copy_from_slice(&r[played..played + k]);
                }
            }
            Err(_) => self.shared.fault(FAULT_LOCKED),
        }
        while self.next < self.pending.len {
            let ev = self.pending.events[self.next];
            // Wrapping: the frame counter is a u32 that wraps after a day at 48 kHz.
            let at = self.start.wrapping_add(ev.frame).wrapping_sub(t0) as i32;
            if at >= n as i32 {
                break;
            }
            if at < 0 {
                self.shared.fault(FAULT_LATE_EVENT);
            }
            let raw = RawMidi {
                time: at.max(0) as u32,
                bytes: ev.bytes(),
            };
            if writer.write(&raw).is_err() {
                self.shared.fault(FAULT_MIDI_WRITE);
            }
            self.next += 1;
        }
        Control::Continue
    }
}

struct Recorder {
    left: Port<AudioIn>,
    right: Port<AudioIn>,
    shared: Arc<Shared>,
}

impl jack::ProcessHandler for Recorder {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        if self.shared.state.load(Ordering::Acquire) != RUNNING {
            return Control::Continue;
        }
        let t0 = ps.last_frame_time();
        let n = i64::from(ps.n_frames());
        let start = self
            .shared
            .job_start
            .load(Ordering::Relaxed)
            .wrapping_add(self.shared.record_from.load(Ordering::Relaxed));
        let len = i64::from(self.shared.record_len.load(Ordering::Relaxed));
        // Where this cycle starts, in recording frames (negative: before the recording).
        let rel = i64::from(t0.wrapping_sub(start) as i32);
        if rel + n <= 0 {
            return Control::Continue;
        }
        if rel >= len {
            // Past the end: the last cycle itself was missed, and what is left is a hole.
            self.shared.state.store(DONE, Ordering::Release);
            return Control::Continue;
        }
        let Ok(mut rec) = self.shared.recording.try_lock() else {
            self.shared.fault(FAULT_LOCKED);
            return Control::Continue;
        };
        let src_from = (-rel).max(0) as usize;
        let dst_from = rel.max(0) as usize;
        let count = (n as usize - src_from).min(len as usize - dst_from);
        let (l, r) = (self.left.as_slice(ps), self.right.as_slice(ps));
        let to = dst_from..dst_from + count;
        rec.left[to.clone()].copy_from_slice(&l[src_from..src_from + count]);
        rec.right[to.clone()].copy_from_slice(&r[src_from..src_from + count]);
        rec.covered[to.clone()].fill(true);
        if to.end == len as usize {
            self.shared.state.store(DONE, Ordering::Release);
        }
        Control::Continue
    }
}

/// The sender and recorder clients, active for the life of a JACK server.
pub struct Capturer {
    // Only held so it keeps running; dropping an AsyncClient deactivates and closes it.
    _recorder: jack::AsyncClient<Notifications, Recorder>,
    sender: jack::AsyncClient<Notifications, Sender>,
    shared: Arc<Shared>,
    midi_out: String,
    in_left: String,
    in_right: String,
    audio_out: [String; 2],
}

impl Capturer {
    /// Open and activate both clients (`<prefix>-send`, `<prefix>-rec`) on the server named by
    /// `JACK_DEFAULT_SERVER`.
    pub fn new(prefix: &str) -> Result<Self> {
        let shared = Arc::new(Shared::default());
        let open = |name: &str| -> Result<Client> {
            let (client, _) = Client::new(name, ClientOptions::NO_START_SERVER)
                .map_err(|e| anyhow!("cannot open JACK client {name}: {e:?}"))?;
            Ok(client)
        };
        let send_client = open(&format!("{prefix}-send"))?;
        let rec_client = open(&format!("{prefix}-rec"))?;
        let port = send_client.register_port("midi_out", MidiOut::default())?;
        let out_l = send_client.register_port("out_l", AudioOut::default())?;
        let out_r = send_client.register_port("out_r", AudioOut::default())?;
        let (audio_l, audio_r) = (out_l.name()?, out_r.name()?);
        let left = rec_client.register_port("in_l", AudioIn::default())?;
        let right = rec_client.register_port("in_r", AudioIn::default())?;
        let midi_out = port.name()?;
        let (in_left, in_right) = (left.name()?, right.name()?);
        let sender = Sender {
            port,
            out_l,
            out_r,
            shared: shared.clone(),
            pending: EventList::default(),
            next: 0,
            start: 0,
        };
        let recorder = Recorder {
            left,
            right,
            shared: shared.clone(),
        };
        let sender = send_client
            .activate_async(
                Notifications {
                    shared: shared.clone(),
                },
                sender,
            )
            .context("cannot activate the MIDI sender client")?;
        let recorder = rec_client
            .activate_async(
                Notifications {
                    shared: shared.clone(),
                },
                recorder,
            )
            .context("cannot activate the recorder client")?;
        Ok(Capturer {
            _recorder: recorder,
            sender,
            shared,
            midi_out,
            in_left,
            in_right,
            audio_out: [audio_l, audio_r],
        })
    }

    /// A client handle for queries (ports, sample rate).
    pub fn client(&self) -> &Client {
        self.sender.as_client()
    }

    pub fn sample_rate(&self) -> u32 {
        self.client().sample_rate()
    }

    pub fn period(&self) -> u32 {
        self.client().buffer_size()
    }

    /// Wire our ports to a synth's: MIDI into `midi_in`, `left`/`right` into the recorder.
    ///
    /// A client's ports are visible before it is activated, and JACK refuses connections to an
    /// inactive client, so this retries until `timeout`.
    pub fn connect(&self, midi_in: &str, left: &str, right: &str, timeout: Duration) -> Result<()> {
        let c = self.client();
        let pairs = [
            (self.midi_out.as_str(), midi_in),
            (left, self.in_left.as_str()),
            (right, self.in_right.as_str()),
        ];
        let deadline = Instant::now() + timeout;
        for (from, to) in pairs {
            loop {
                match c.connect_ports_by_name(from, to) {
                    Ok(()) | Err(jack::Error::PortAlreadyConnected(..)) => break,
                    Err(e) if Instant::now() > deadline => {
                        bail!("cannot connect JACK ports {from} -> {to} within {timeout:?}: {e}")
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        }
        Ok(())
    }

    /// Also wire the sender's audio outputs into the synth's inputs (for [`Job::input`]).
    pub fn connect_input(&self, left: &str, right: &str) -> Result<()> {
        let c = self.client();
        for (from, to) in [(&self.audio_out[0], left), (&self.audio_out[1], right)] {
            match c.connect_ports_by_name(from, to) {
                Ok(()) | Err(jack::Error::PortAlreadyConnected(..)) => {}
                Err(e) => bail!("cannot connect JACK ports {from} -> {to}: {e}"),
            }
        }
        Ok(())
    }

    /// The frame ranges of the last recording that the recorder missed (a real-time job on a
    /// busy machine): they hold silence, and every other frame sits where it was played.
    pub fn last_holes(&self) -> Vec<Range<usize>> {
        lock(&self.shared.holes).clone()
    }

    pub fn server_gone(&self) -> bool {
        self.shared.server_gone.load(Ordering::Acquire)
    }

    /// Play `job` and return the recorded (left, right) frames.
    ///
    /// The job runs in JACK's freewheel mode: the graph runs as fast as the clients allow, and
    /// the server waits for every client in every cycle, so nothing is ever dropped. (In real
    /// time the dummy driver on a busy machine produced dozens of xruns per capture, each of which
    /// can leave a stale period in a port.) `check` is polled while waiting, e.g. "is amSynth
    /// still alive?".
    pub fn run(
        &self,
        job: &Job,
        mut check: impl FnMut() -> Result<()>,
    ) -> Result<(Vec<f32>, Vec<f32>)> {
        if job.events.len() > MAX_EVENTS {
            bail!(
                "a job has at most {MAX_EVENTS} MIDI events, got {}",
                job.events.len()
            );
        }
        if job.events.windows(2).any(|w| w[0].frame > w[1].frame) {
            bail!("job events must be sorted by frame");
        }
        if job.record_len == 0 {
            bail!("empty recording");
        }
        let len = job.record_len as usize;
        {
            let mut list = lock(&self.shared.events);
            list.len = job.events.len();
            list.events[..job.events.len()].copy_from_slice(&job.events);
            let mut input = lock(&self.shared.input);
            *input = job.input.clone().unwrap_or_default();
            if input.0.len() != input.1.len() {
                bail!("input channels differ in length");
            }
            let mut rec = lock(&self.shared.recording);
            rec.left = vec![0.0; len];
            rec.right = vec![0.0; len];
            rec.covered = vec![false; len];
        }
        self.shared
            .record_from
            .store(job.record_from, Ordering::Relaxed);
        self.shared
            .record_len
            .store(job.record_len, Ordering::Relaxed);
        self.shared.faults.store(0, Ordering::Relaxed);
        let fw = if job.freewheel {
            Some(Freewheel::start(self.client())?)
        } else {
            None
        };
        self.shared.state.store(REQUESTED, Ordering::Release);

        // Real time at worst (freewheel is typically 20x faster), plus slack for a slow start.
        let seconds =
            f64::from(job.record_from + job.record_len) / f64::from(self.sample_rate().max(1));
        let deadline = Instant::now() + Duration::from_secs_f64(seconds * 2.0 + 10.0);
        let waited = loop {
            if self.shared.state.load(Ordering::Acquire) == DONE {
                break Ok(());
            }
            if self.server_gone() {
                break Err(anyhow!("the JACK server shut down during a capture"));
            }
            if let Err(e) = check() {
                break Err(e);
            }
            if Instant::now() > deadline {
                break Err(anyhow!(
                    "capture timed out after {:.1} s (state {})",
                    seconds * 2.0 + 10.0,
                    self.shared.state.load(Ordering::Relaxed)
                ));
            }
            thread::sleep(Duration::from_millis(1));
        };
        drop(fw);
        self.shared.state.store(IDLE, Ordering::Release);
        waited?;

        let holes = {
            let rec = lock(&self.shared.recording);
            holes(&rec.covered)
        };
        let mut faults = self.shared.faults.load(Ordering::Relaxed);
        if !holes.is_empty() {
            faults |= FAULT_GAP;
        }
        *lock(&self.shared.holes) = holes;
        if !job.freewheel {
            // In real time a busy machine makes JACK skip late clients now and then; a
            // real-time job is about timing under load, not about a gapless recording.
            faults &= !(FAULT_GAP | FAULT_LATE_EVENT);
        }
        if faults != 0 {
            return Err(Glitch(describe_faults(faults)).into());
        }
        let mut rec = lock(&self.shared.recording);
        let left = std::mem::take(&mut rec.left);
        let right = std::mem::take(&mut rec.right);
        Ok((left, right))
    }
}

/// The runs of frames no cycle wrote.
fn holes(covered: &[bool]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < covered.len() {
        if covered[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < covered.len() && !covered[i] {
            i += 1;
        }
        out.push(start..i);
    }
    out
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn describe_faults(faults: u32) -> String {
    let mut what = Vec::new();
    if faults & FAULT_LATE_EVENT != 0 {
        what.push("a MIDI event was sent late");
    }
    if faults & FAULT_GAP != 0 {
        what.push("the recording skipped frames");
    }
    if faults & FAULT_LOCKED != 0 {
        what.push("the recorder found its buffer locked");
    }
    if faults & FAULT_MIDI_WRITE != 0 {
        what.push("a MIDI event did not fit into the port buffer");
    }
    what.join("; ")
}

/// JACK freewheel mode for as long as this value lives.
struct Freewheel<'a> {
    client: &'a Client,
}

impl<'a> Freewheel<'a> {
    fn start(client: &'a Client) -> Result<Self> {
        // SAFETY: `client` is an open, active client; jack_set_freewheel only sends a request to
        // the server. The jack crate does not wrap this call.
        if unsafe { jack::jack_sys::jack_set_freewheel(client.raw(), 1) } != 0 {
            bail!("the JACK server refused freewheel mode");
        }
        Ok(Freewheel { client })
    }
}

impl Drop for Freewheel<'_> {
    fn drop(&mut self) {
        // SAFETY: as in `start`.
        unsafe {
            jack::jack_sys::jack_set_freewheel(self.client.raw(), 0);
        }
    }
}
