//! The amSynth capture rig: a private jackd, our sender/recorder clients, and a fresh amSynth
//! process for every capture.
//!
//! A fresh process per capture (≈0.1 s) is what makes a capture equal to "amSynth just loaded
//! this preset and got one note": a long-lived instance switched by program change keeps state
//! across notes that a fresh one does not have — the last note's pitch (poly portamento glides
//! from it), the mono voice's frequency, and each voice's smoothed master volume, which starts
//! from 0 in a fresh instance.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use wyrd_render::Stereo;

use crate::amsynth::Amsynth;
use wyrd_testrig::JackServer;
use wyrd_testrig::TempDir;
use wyrd_testrig::{Capturer, Glitch, Job, MidiEvent};

/// `JACK_DEFAULT_SERVER` is process-wide, so one process can drive only one rig at a time.
static RIG_LOCK: Mutex<()> = Mutex::new(());

/// How long a freshly started amSynth may take to become an active JACK client.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, PartialEq)]
pub struct RigOptions {
    pub sample_rate: u32,
    /// JACK period in frames.
    pub period: u32,
    /// Attempts per capture when JACK glitches.
    pub attempts: u32,
    /// Silence before the note-on, so amSynth's start-up smoothing (reverb dry gain ramps up
    /// from 0, τ ≈ 200 samples) has settled; rounded up to whole periods.
    pub preroll_seconds: f64,
}

impl Default for RigOptions {
    fn default() -> Self {
        RigOptions {
            sample_rate: 48_000,
            period: 256,
            attempts: 3,
            preroll_seconds: 0.125,
        }
    }
}

/// MIDI CC 120.
const ALL_SOUND_OFF: u8 = 120;

/// How long the silent note of [`Take::NoiseShifted`] may run.
const NOISE_SHIFT_SECONDS: f64 = 1.0;

/// Which rendering of a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Take {
    /// The note on a freshly started amSynth.
    Fresh,
    /// Exactly the same again. amSynth is deterministic per process (its noise is one
    /// linear-congruential generator with a fixed seed), so this must be bit-identical to
    /// `Fresh`; comparing them checks the whole capture path on every preset.
    Repeat,
    /// Like `Fresh`, but the noise generator is first advanced by a silent note on another key
    /// (an octave away): another noise realisation with everything else unchanged — provided
    /// the preset is polyphonic and without portamento, and the silent note lasts long enough
    /// to draw from the generator (a slow sample-and-hold LFO with a short release does not). Otherwise the other key would change
    /// what is measured (the shared mono voice; the glide from the last note's pitch), so such
    /// presets have no noise baseline.
    NoiseShifted,
}

/// One note on one preset: note-on at recording frame 0, note-off at `hold_frames`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NoteSpec {
    pub note: u8,
    pub velocity: u8,
    pub hold_frames: u32,
    pub tail_frames: u32,
}

impl NoteSpec {
    pub fn frames(&self) -> u32 {
        self.hold_frames + self.tail_frames
    }
}

/// Not `Send`, deliberately: its child processes are tied to the lifetime of the thread that
/// started them (see [`wyrd_testrig::ChildGuard`]), so the rig stays on that thread.
pub struct Rig {
    // Field order is drop order: clients close before their server stops.
    capturer: Capturer,
    server: JackServer,
    home: TempDir,
    bank_copies: HashMap<PathBuf, PathBuf>,
    opts: RigOptions,
    synths_started: u32,
    _lock: MutexGuard<'static, ()>,
}

impl Rig {
    pub fn start(opts: RigOptions) -> Result<Self> {
        if opts.period == 0 || opts.sample_rate == 0 || opts.attempts == 0 {
            bail!("invalid rig options {opts:?}");
        }
        let lock = RIG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let home = TempDir::new("wyrd-fidelity")?;
        let server = JackServer::start(opts.sample_rate, opts.period, home.path())?;
        let capturer = Capturer::new("wyrd-fidelity")?;
        if capturer.sample_rate() != opts.sample_rate || capturer.period() != opts.period {
            bail!(
                "jackd runs at {} Hz / {} frames, asked for {} Hz / {} frames",
                capturer.sample_rate(),
                capturer.period(),
                opts.sample_rate,
                opts.period
            );
        }
        Ok(Rig {
            capturer,
            server,
            home,
            bank_copies: HashMap::new(),
            opts,
            synths_started: 0,
            _lock: lock,
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.opts.sample_rate
    }

    /// The private jackd's process id (for checks that nothing outlives the rig).
    pub fn jackd_pid(&self) -> Option<u32> {
        self.server.pid()
    }

    pub fn period(&self) -> u32 {
        self.opts.period
    }

    /// Frames of silence before the note-on: whole periods, so the note-on falls on a cycle
    /// start and amSynth's 64-frame control blocks line up with the note as in an offline render.
    pub fn preroll(&self) -> u32 {
        self.seconds_in_periods(self.opts.preroll_seconds)
    }

    /// At least `seconds`, as whole periods (at least one).
    fn seconds_in_periods(&self, seconds: f64) -> u32 {
        let frames = (seconds * f64::from(self.opts.sample_rate)).ceil() as u32;
        frames.div_ceil(self.opts.period).max(1) * self.opts.period
    }

    /// Play one note on `preset` of `bank`; sample 0 is the frame at which the note-on took effect.
    pub fn capture(
        &mut self,
        bank: &Path,
        preset: u8,
        spec: &NoteSpec,
        take: Take,
    ) -> Result<Stereo> {
        let job = self.note_job(spec, take);
        self.run_job(bank, preset, &job).with_context(|| {
            format!(
                "amSynth capture ({take:?}) of {} preset {preset} note {}",
                bank.display(),
                spec.note
            )
        })
    }

    /// The MIDI for one capture, see [`Take`].
    pub fn note_job(&self, spec: &NoteSpec, take: Take) -> Job {
        let p = self.preroll();
        let mut events = Vec::new();
        let on = match take {
            Take::Fresh | Take::Repeat => p,
            Take::NoiseShifted => {
                let other = if spec.note >= 12 {
                    spec.note - 12
                } else {
                    spec.note + 12
                };
                // Note-on and note-off in the same frame: that voice's envelope releases from 0,
                // so it runs (drawing noise) for its release time while adding exact zeros.
                // All-sound-off stops it after at most a second, which lets a sample-and-hold
                // LFO down to ~1 Hz draw at least once (if the release lasts that long).
                let stop = p + self.seconds_in_periods(NOISE_SHIFT_SECONDS);
                events.push(MidiEvent::note_on(p, other, spec.velocity));
                events.push(MidiEvent::note_off(p, other));
                events.push(MidiEvent::control(stop, ALL_SOUND_OFF, 0));
                stop + p
            }
        };
        events.push(MidiEvent::note_on(on, spec.note, spec.velocity));
        events.push(MidiEvent::note_off(on + spec.hold_frames, spec.note));
        Job::new(events, on, spec.frames())
    }

    /// Start a fresh amSynth on `preset` of `bank`, play `job` into it, record, stop it.
    /// Retries (with a new amSynth) when JACK glitches.
    pub fn run_job(&mut self, bank: &Path, preset: u8, job: &Job) -> Result<Stereo> {
        let bank = self.bank_copy(bank)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.synths_started += 1;
            let name = format!("amsynth-{}", self.synths_started);
            let Rig {
                capturer,
                server,
                home,
                opts,
                ..
            } = self;
            server.check_alive()?;
            let mut synth = Amsynth::start(
                capturer.client(),
                &name,
                &bank,
                preset,
                home.path(),
                server.name(),
            )?;
            capturer.connect(
                &synth.midi_in(),
                &synth.left_out(),
                &synth.right_out(),
                CONNECT_TIMEOUT,
            )?;
            let result = capturer.run(job, || {
                synth.check_alive()?;
                server.check_alive()
            });
            synth.stop();
            match result {
                Ok((left, right)) => {
                    return Ok(Stereo {
                        left,
                        right,
                        sample_rate: opts.sample_rate,
                    })
                }
                Err(e) if e.is::<Glitch>() && attempt < opts.attempts => {
                    eprintln!("wyrd-fidelity: {e}; retrying ({attempt}/{})", opts.attempts);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// amSynth is pointed at a private copy of each bank: it owns the file it is given and may
    /// write to it, and the originals must stay untouched.
    fn bank_copy(&mut self, bank: &Path) -> Result<PathBuf> {
        if let Some(copy) = self.bank_copies.get(bank) {
            return Ok(copy.clone());
        }
        let dir = self.home.path().join("banks");
        std::fs::create_dir_all(&dir)?;
        let copy = dir.join(format!("{}.bank", self.bank_copies.len()));
        std::fs::copy(bank, &copy)
            .with_context(|| format!("{}: cannot read bank", bank.display()))?;
        self.bank_copies.insert(bank.to_path_buf(), copy.clone());
        Ok(copy)
    }
}
