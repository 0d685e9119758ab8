//! Amplitude following: the analysis behind norns' `amp_in` poll, with both an RMS and a peak
//! reading.
//!
//! RMS is two stages: an exact moving average of x² over a short window, then attack/release
//! ballistics on its square root. Ballistics applied straight to x² would switch to the attack
//! coefficient on every crest of a waveform and so read a sine well above A/√2; after the
//! window the ripple is small and the reading settles on the true RMS. The window costs up to
//! its own length of extra delay, so ballistics are meant to be slower than it.
//!
//! The peak detector is instant-attack, exponential-release on |x|, so a steady waveform reads
//! its crest and a stopped one decays with the release time constant.

use crate::error::{invalid, AnalysisError};

/// Default RMS window: one period of 50 Hz, the lowest pitch the tracker follows, so the
/// window spans at least a full cycle of anything pitched it can see.
pub const DEFAULT_RMS_WINDOW_S: f64 = 0.02;

/// What [`linear_to_db`] reads for zero (and anything below 10^(−120/20)), so dB stay finite.
pub const FLOOR_DB: f64 = -120.0;

/// `20 log10(level)`, floored at [`FLOOR_DB`]; NaN reads as the floor too.
pub fn linear_to_db(level: f64) -> f64 {
    let db = 20.0 * level.log10();
    if db >= FLOOR_DB {
        db
    } else {
        FLOOR_DB
    }
}

/// Longest RMS window accepted (samples), so a wild sample rate or window fails instead of
/// allocating gigabytes.
const MAX_WINDOW: usize = 1 << 24;

/// An amplitude follower. Holds a fixed buffer for the RMS window, allocated in `new`;
/// processing never allocates.
#[derive(Clone)]
pub struct AmpFollower {
    attack_coef: f64,
    release_coef: f64,
    /// The last `window` values of x².
    squares: Vec<f64>,
    pos: usize,
    sum: f64,
    rms: f64,
    peak: f64,
}

impl std::fmt::Debug for AmpFollower {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmpFollower")
            .field("window", &self.squares.len())
            .field("rms", &self.rms)
            .field("peak", &self.peak)
            .finish_non_exhaustive()
    }
}

impl AmpFollower {
    /// Attack and release are one-pole time constants in seconds (the time to cover 63% of a
    /// step); 0 is instant. The RMS window is [`DEFAULT_RMS_WINDOW_S`].
    pub fn new(sample_rate: u32, attack_s: f64, release_s: f64) -> Result<Self, AnalysisError> {
        Self::with_window(sample_rate, attack_s, release_s, DEFAULT_RMS_WINDOW_S)
    }

    /// As [`AmpFollower::new`] with an RMS window of `window_s` seconds (at least one sample).
    pub fn with_window(
        sample_rate: u32,
        attack_s: f64,
        release_s: f64,
        window_s: f64,
    ) -> Result<Self, AnalysisError> {
        if sample_rate == 0 {
            return Err(invalid("sample_rate must be positive"));
        }
        let sr = f64::from(sample_rate);
        for (name, v) in [
            ("attack", attack_s),
            ("release", release_s),
            ("window", window_s),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(invalid(format!(
                    "{name} time {v} must be finite and non-negative"
                )));
            }
        }
        let window = (window_s * sr).round().max(1.0);
        if window > MAX_WINDOW as f64 {
            return Err(invalid(format!("RMS window {window_s} s is too long")));
        }
        Ok(AmpFollower {
            attack_coef: one_pole(attack_s, sr),
            release_coef: one_pole(release_s, sr),
            squares: vec![0.0; window as usize],
            pos: 0,
            sum: 0.0,
            rms: 0.0,
            peak: 0.0,
        })
    }

    /// Back to silence.
    pub fn reset(&mut self) {
        self.squares.fill(0.0);
        self.pos = 0;
        self.sum = 0.0;
        self.rms = 0.0;
        self.peak = 0.0;
    }

    /// Follow `samples`; non-finite ones are read as 0 so one bad sample cannot poison the
    /// state.
    pub fn process(&mut self, samples: &[f32]) {
        for &x in samples {
            self.process_sample(x);
        }
    }

    #[inline]
    pub fn process_sample(&mut self, x: f32) {
        let x = if x.is_finite() { f64::from(x) } else { 0.0 };
        let sq = x * x;
        self.sum += sq - self.squares[self.pos];
        self.squares[self.pos] = sq;
        self.pos += 1;
        if self.pos == self.squares.len() {
            self.pos = 0;
            // The running sum drifts by rounding; once per window it is replaced by the
            // exact sum, which keeps silence reading exactly 0.
            self.sum = self.squares.iter().sum();
        }
        let windowed = (self.sum.max(0.0) / self.squares.len() as f64).sqrt();
        let coef = if windowed > self.rms {
            self.attack_coef
        } else {
            self.release_coef
        };
        self.rms = windowed + coef * (self.rms - windowed);

        let a = x.abs();
        self.peak = if a >= self.peak {
            a
        } else {
            a + self.release_coef * (self.peak - a)
        };
    }

    /// Smoothed RMS, linear (a sine of amplitude A settles at A/√2).
    pub fn rms(&self) -> f64 {
        self.rms
    }

    /// Peak level, linear (a sine of amplitude A reads A at its crests).
    pub fn peak(&self) -> f64 {
        self.peak
    }

    pub fn rms_db(&self) -> f64 {
        linear_to_db(self.rms)
    }

    pub fn peak_db(&self) -> f64 {
        linear_to_db(self.peak)
    }
}

/// Per-sample coefficient of a one-pole with time constant `tau` seconds.
fn one_pole(tau: f64, sr: f64) -> f64 {
    if tau > 0.0 {
        (-1.0 / (tau * sr)).exp()
    } else {
        0.0
    }
}
