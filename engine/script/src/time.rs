//! A script's logical time: the frame a callback runs at, and the tempo map its beats come
//! from. Callbacks see the time they were scheduled for, never the wall clock.

use wyrd_engine::At;

use crate::transport::Transport;

/// The logical time a callback runs at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Now {
    /// Engine frame, fractional: sleeps of a fraction of a frame add up without drift.
    pub frame: f64,
    /// The exact beat, when a `clock.sync` woke this callback.
    pub beat: Option<f64>,
    /// The callback was scheduled for this frame (clock, metro, poll, timetag): what it sends
    /// to the engine lands on that frame. Otherwise (REPL, untimed OSC) it applies at once.
    pub exact: bool,
}

impl Now {
    pub fn frame(&self) -> u64 {
        self.frame.round().max(0.0) as u64
    }

    pub fn at(&self) -> At {
        if self.exact {
            At::Frame(self.frame())
        } else {
            At::Now
        }
    }
}

/// Where a script is in time: the frame and beat now, and the tempo map.
#[derive(Debug, Clone, Copy)]
pub struct Time {
    pub sample_rate: u32,
    pub now: Now,
    pub transport: Transport,
}

impl Time {
    pub fn seconds_to_frames(&self, s: f64) -> f64 {
        s * f64::from(self.sample_rate)
    }

    /// The beat now: exact after a sync, otherwise from the tempo map.
    pub fn beat(&self) -> f64 {
        self.now
            .beat
            .unwrap_or_else(|| self.transport.beat_at_f(self.now.frame))
    }
}
