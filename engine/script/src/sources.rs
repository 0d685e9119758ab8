//! Where `poll` values come from: the live analysis thread and the host's meters when playing,
//! silence when rendering offline.

use std::sync::{Arc, Mutex};

use crossbeam::channel::Receiver;
use wyrd_analysis::live::{LiveAnalysis, LiveFrame};
use wyrd_engine::Controller;

/// Every poll a script can `poll.set`.
pub const POLL_NAMES: &[&str] = &[
    "amp_in_l",
    "amp_in_r",
    "pitch_in_l",
    "pitch_in_r",
    "cpu_avg",
    "cpu_peak",
    "xruns",
    "mfcc_in",
];

#[derive(Debug, Clone, PartialEq)]
pub enum PollValue {
    Number(f64),
    /// `mfcc_in`: the latest frame's coefficients.
    List(Vec<f32>),
}

pub trait PollSource: Send + Sync {
    /// The poll's current value; `None` for names not in [`POLL_NAMES`].
    fn value(&self, name: &str) -> Option<PollValue>;
}

/// Offline: no input and no load. Pitch is −1 (unvoiced) like norns when unsure.
pub struct Silence {
    pub n_mfcc: usize,
}

impl PollSource for Silence {
    fn value(&self, name: &str) -> Option<PollValue> {
        Some(match name {
            "pitch_in_l" | "pitch_in_r" => PollValue::Number(-1.0),
            "mfcc_in" => PollValue::List(vec![0.0; self.n_mfcc]),
            n if POLL_NAMES.contains(&n) => PollValue::Number(0.0),
            _ => return None,
        })
    }
}

/// Playing live: levels from the analysis thread, load and xruns from the JACK host.
pub struct Live {
    analysis: Arc<LiveAnalysis>,
    host: Controller,
    frames: Receiver<LiveFrame>,
    latest: Mutex<Vec<f32>>,
}

impl Live {
    pub fn new(analysis: Arc<LiveAnalysis>, host: Controller) -> Self {
        // A handful of frames is plenty: a poll only ever wants the newest.
        let frames = analysis.subscribe(8);
        Live {
            analysis,
            host,
            frames,
            latest: Mutex::new(Vec::new()),
        }
    }
}

impl PollSource for Live {
    fn value(&self, name: &str) -> Option<PollValue> {
        let levels = self.analysis.levels();
        let n = |v: f32| PollValue::Number(f64::from(v));
        Some(match name {
            "amp_in_l" => n(levels.amp[0]),
            "amp_in_r" => n(levels.amp[1]),
            "pitch_in_l" => n(levels.pitch[0]),
            "pitch_in_r" => n(levels.pitch[1]),
            "cpu_avg" => n(self.host.stats().snapshot().load * 100.0),
            "cpu_peak" => n(self.host.stats().snapshot().max_load * 100.0),
            "xruns" => PollValue::Number(self.host.stats().xruns() as f64),
            "mfcc_in" => {
                let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
                while let Ok(frame) = self.frames.try_recv() {
                    latest.clear();
                    latest.extend_from_slice(frame.mfcc());
                }
                PollValue::List(latest.clone())
            }
            _ => return None,
        })
    }
}
