//! The live analysis thread: it drains the input ring the audio callback fills, runs the
//! streaming features and the followers, and publishes the results. Levels (norns'
//! `amp_in_l/r`, `pitch_in_l/r`) go into atomics anyone can read at any time; whole feature
//! frames (`mfcc_in`, the resynthesis model) go to subscribers through bounded queues, and a
//! subscriber that falls behind loses frames (counted) instead of holding anyone up. Nothing
//! here ever waits on the audio thread, and the audio thread never waits on this one.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam::channel::{self, Receiver, Sender, TrySendError};

use crate::amp::AmpFollower;
use crate::error::{invalid, AnalysisError};
use crate::pitch::{PitchConfig, PitchTracker};
use crate::streaming::{FeatureConfig, FeatureFrame, StreamingAnalyzer};
use wyrd_engine::{AtomicF32, InputReader};

/// Most MFCCs a [`LiveFrame`] carries (frames are fixed-size so publishing never allocates).
pub const MAX_MFCC: usize = 40;

/// What the live analysis computes.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// MFCC / spectral features of the mono mix (`(L + R) / 2`).
    pub features: FeatureConfig,
    /// Pitch followers, one per channel.
    pub pitch: PitchConfig,
    /// Amplitude followers' attack and release, seconds.
    pub amp_attack: f64,
    pub amp_release: f64,
    /// Write everything read from the ring to this float WAV (stereo), for checking the input.
    pub tap: Option<PathBuf>,
    /// How long to sleep when the ring is empty.
    pub idle: Duration,
}

impl LiveConfig {
    /// librosa-default MFCCs (20), YIN 50–2000 Hz, and norns-like amplitude ballistics.
    pub fn new(sample_rate: u32) -> Self {
        LiveConfig {
            features: FeatureConfig::new(sample_rate),
            pitch: PitchConfig::new(sample_rate),
            amp_attack: 0.01,
            amp_release: 0.25,
            tap: None,
            // A quarter of the default hop at 48 kHz: frames go out at most ~3 ms late.
            idle: Duration::from_millis(2),
        }
    }
}

/// One published feature frame. `Copy` and fixed-size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveFrame {
    /// Frame number since the analysis started.
    pub index: u64,
    /// Input sample (since the analysis started) the frame is centred on.
    pub centre: u64,
    pub n_mfcc: usize,
    pub mfcc: [f32; MAX_MFCC],
    pub rms: f32,
    pub centroid: f32,
    pub flatness: f32,
    /// The followers' latest values when the frame was published (per channel).
    pub pitch_hz: [f32; 2],
    pub amp: [f32; 2],
}

impl LiveFrame {
    pub fn mfcc(&self) -> &[f32] {
        &self.mfcc[..self.n_mfcc]
    }
}

/// The followers' latest values.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Levels {
    /// RMS amplitude per channel (linear).
    pub amp: [f32; 2],
    /// Peak amplitude per channel (linear).
    pub peak: [f32; 2],
    /// Hz per channel, −1 when unvoiced (norns' `pitch_in`).
    pub pitch: [f32; 2],
    pub confidence: [f32; 2],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiveCounters {
    /// Input frames analysed.
    pub samples: u64,
    /// Feature frames produced.
    pub frames: u64,
    /// Frames a full subscriber queue did not take.
    pub undelivered: u64,
    /// Input frames the audio thread dropped because the ring was full.
    pub ring_dropped: u64,
}

#[derive(Default)]
struct Shared {
    amp: [AtomicF32; 2],
    peak: [AtomicF32; 2],
    pitch: [AtomicF32; 2],
    confidence: [AtomicF32; 2],
    samples: AtomicU64,
    frames: AtomicU64,
    undelivered: AtomicU64,
    ring_dropped: AtomicU64,
    stop: AtomicBool,
    subscribers: Mutex<Vec<Sender<LiveFrame>>>,
}

/// A running analysis thread. Dropping it stops the thread.
pub struct LiveAnalysis {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<Result<(), AnalysisError>>>,
}

struct Worker {
    reader: InputReader,
    analyzer: LiveAnalyzer,
    tap: Option<hound::WavWriter<BufWriter<File>>>,
    idle: Duration,
    shared: Arc<Shared>,
}

/// The live analysis itself, without a thread: stereo input in, [`LiveFrame`]s out. The
/// analysis thread runs one; offline resynthesis runs another over a file, so both see the
/// same frames for the same input.
pub struct LiveAnalyzer {
    features: StreamingAnalyzer,
    pitch: [PitchTracker; 2],
    amp: [AmpFollower; 2],
    latest_pitch: [f32; 2],
    latest_confidence: [f32; 2],
    mono: Vec<f32>,
}

impl LiveAnalyzer {
    pub fn new(config: &LiveConfig) -> Result<LiveAnalyzer, AnalysisError> {
        if config.features.mfcc.n_mfcc > MAX_MFCC {
            return Err(invalid(format!(
                "live analysis carries at most {MAX_MFCC} MFCCs, not {}",
                config.features.mfcc.n_mfcc
            )));
        }
        let sr = config.pitch.sample_rate;
        let follower = || AmpFollower::new(sr, config.amp_attack, config.amp_release);
        Ok(LiveAnalyzer {
            features: StreamingAnalyzer::new(config.features.clone())?,
            pitch: [
                PitchTracker::new(config.pitch)?,
                PitchTracker::new(config.pitch)?,
            ],
            amp: [follower()?, follower()?],
            latest_pitch: [-1.0; 2],
            latest_confidence: [0.0; 2],
            mono: Vec::new(),
        })
    }

    /// Samples of input between two frames.
    pub fn hop(&self) -> usize {
        self.features.config().mfcc.mel.hop_length
    }

    /// The followers' latest values.
    pub fn levels(&self) -> Levels {
        let two = |f: &dyn Fn(usize) -> f32| [f(0), f(1)];
        Levels {
            amp: two(&|c| self.amp[c].rms() as f32),
            peak: two(&|c| self.amp[c].peak() as f32),
            pitch: self.latest_pitch,
            confidence: self.latest_confidence,
        }
    }

    /// Analyses `left`/`right` (equal lengths; non-finite samples are read as silence) and
    /// calls `on_frame` for every feature frame completed, in order.
    pub fn push(
        &mut self,
        left: &[f32],
        right: &[f32],
        mut on_frame: impl FnMut(&LiveFrame),
    ) -> Result<(), AnalysisError> {
        let n = left.len().min(right.len());
        self.mono.clear();
        self.mono.extend(
            left[..n]
                .iter()
                .zip(&right[..n])
                .map(|(&l, &r)| 0.5 * (clean(l) + clean(r))),
        );
        for (ch, input) in [&left[..n], &right[..n]].into_iter().enumerate() {
            let (pitch, confidence) = (&mut self.latest_pitch, &mut self.latest_confidence);
            for chunk in input.chunks(CHUNK) {
                let mut buf = [0.0f32; CHUNK];
                let buf = &mut buf[..chunk.len()];
                for (d, &s) in buf.iter_mut().zip(chunk) {
                    *d = clean(s);
                }
                self.amp[ch].process(buf);
                self.pitch[ch].push(buf, |e| {
                    pitch[ch] = e.hz as f32;
                    confidence[ch] = e.confidence as f32;
                });
            }
        }
        let hop = self.hop() as u64;
        let levels = self.levels();
        let mono = std::mem::take(&mut self.mono);
        let result = self.features.push(&mono, |f: &FeatureFrame<'_>| {
            let mut mfcc = [0.0f32; MAX_MFCC];
            for (d, &s) in mfcc.iter_mut().zip(f.mfcc) {
                *d = s as f32;
            }
            on_frame(&LiveFrame {
                index: f.index as u64,
                centre: f.index as u64 * hop,
                n_mfcc: f.mfcc.len().min(MAX_MFCC),
                mfcc,
                rms: f.rms as f32,
                centroid: f.centroid as f32,
                flatness: f.flatness as f32,
                pitch_hz: levels.pitch,
                amp: levels.amp,
            });
        });
        self.mono = mono;
        result
    }
}

/// Other JACK clients can send anything; analysis sees silence instead of NaN.
fn clean(x: f32) -> f32 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// Samples moved out of the ring per step.
const CHUNK: usize = 1024;

impl LiveAnalysis {
    /// Builds every analyser (so configuration errors surface here) and starts the thread.
    pub fn spawn(reader: InputReader, config: LiveConfig) -> Result<LiveAnalysis, AnalysisError> {
        let analyzer = LiveAnalyzer::new(&config)?;
        let sr = config.pitch.sample_rate;
        let tap = match &config.tap {
            Some(path) => Some(
                hound::WavWriter::create(
                    path,
                    hound::WavSpec {
                        channels: 2,
                        sample_rate: sr,
                        bits_per_sample: 32,
                        sample_format: hound::SampleFormat::Float,
                    },
                )
                .map_err(|e| invalid(format!("{}: cannot write the tap: {e}", path.display())))?,
            ),
            None => None,
        };
        let shared = Arc::new(Shared::default());
        for p in &shared.pitch {
            p.store(-1.0);
        }
        let mut worker = Worker {
            reader,
            analyzer,
            tap,
            idle: config.idle,
            shared: Arc::clone(&shared),
        };
        let thread = std::thread::Builder::new()
            .name("wyrd-analysis".into())
            .spawn(move || worker.run())
            .map_err(|e| invalid(format!("cannot start the analysis thread: {e}")))?;
        Ok(LiveAnalysis {
            shared,
            thread: Some(thread),
        })
    }

    /// A queue receiving every feature frame from now on; `capacity` frames are buffered.
    pub fn subscribe(&self, capacity: usize) -> Receiver<LiveFrame> {
        let (tx, rx) = channel::bounded(capacity.max(1));
        if let Ok(mut subs) = self.shared.subscribers.lock() {
            subs.push(tx);
        }
        rx
    }

    pub fn levels(&self) -> Levels {
        let s = &self.shared;
        let two = |a: &[AtomicF32; 2]| [a[0].load(), a[1].load()];
        Levels {
            amp: two(&s.amp),
            peak: two(&s.peak),
            pitch: two(&s.pitch),
            confidence: two(&s.confidence),
        }
    }

    pub fn counters(&self) -> LiveCounters {
        let s = &self.shared;
        LiveCounters {
            samples: s.samples.load(Ordering::Relaxed),
            frames: s.frames.load(Ordering::Relaxed),
            undelivered: s.undelivered.load(Ordering::Relaxed),
            ring_dropped: s.ring_dropped.load(Ordering::Relaxed),
        }
    }

    /// Stops the thread after it has analysed what is in the ring, and finishes the tap file.
    pub fn stop(mut self) -> Result<(), AnalysisError> {
        self.join()
    }

    fn join(&mut self) -> Result<(), AnalysisError> {
        self.shared.stop.store(true, Ordering::Release);
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(invalid("the analysis thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for LiveAnalysis {
    fn drop(&mut self) {
        let _ = self.join();
    }
}

impl Worker {
    fn run(&mut self) -> Result<(), AnalysisError> {
        let mut left = vec![0.0f32; CHUNK];
        let mut right = vec![0.0f32; CHUNK];
        loop {
            // Read the stop flag before draining, so everything written before `stop` is seen.
            let stopping = self.shared.stop.load(Ordering::Acquire);
            let n = self.reader.read(&mut left, &mut right);
            if n == 0 {
                if stopping {
                    break;
                }
                std::thread::sleep(self.idle);
                continue;
            }
            self.step(&left[..n], &right[..n])?;
        }
        if let Some(tap) = self.tap.take() {
            tap.finalize()
                .map_err(|e| invalid(format!("cannot finish the tap file: {e}")))?;
        }
        Ok(())
    }

    fn step(&mut self, left: &[f32], right: &[f32]) -> Result<(), AnalysisError> {
        if let Some(tap) = self.tap.as_mut() {
            for (&l, &r) in left.iter().zip(right.iter()) {
                tap.write_sample(l)
                    .and_then(|()| tap.write_sample(r))
                    .map_err(|e| invalid(format!("cannot write the tap file: {e}")))?;
            }
        }
        let shared = &self.shared;
        let subscribers = &shared.subscribers;
        self.analyzer.push(left, right, |frame| {
            shared.frames.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut subs) = subscribers.lock() {
                subs.retain(|tx| match tx.try_send(*frame) {
                    Ok(()) => true,
                    Err(TrySendError::Full(_)) => {
                        shared.undelivered.fetch_add(1, Ordering::Relaxed);
                        true
                    }
                    Err(TrySendError::Disconnected(_)) => false,
                });
            }
        })?;
        let levels = self.analyzer.levels();
        for ch in 0..2 {
            shared.amp[ch].store(levels.amp[ch]);
            shared.peak[ch].store(levels.peak[ch]);
            shared.pitch[ch].store(levels.pitch[ch]);
            shared.confidence[ch].store(levels.confidence[ch]);
        }
        shared
            .samples
            .fetch_add(left.len() as u64, Ordering::Relaxed);
        shared
            .ring_dropped
            .store(self.reader.dropped(), Ordering::Relaxed);
        Ok(())
    }
}
