//! Pitch following: the analysis behind norns' `pitch_in` poll, as a streaming tracker.
//!
//! The method is YIN (de Cheveigné & Kawahara 2002): the squared-difference function, its
//! cumulative-mean normalisation, an absolute threshold and parabolic interpolation. YIN rather
//! than McLeod's MPM because its normalised difference is itself an aperiodicity measure in
//! 0..1, so the confidence comes out of the estimator instead of a heuristic on top of it, and
//! its first-dip-under-threshold rule is what keeps synth tones with strong upper partials
//! (saws, pulses, resonant filters) from being read an octave up. MPM's NSDF needs a
//! comparable "first key maximum above k·max" rule and its normalisation tapers with the lag,
//! so it buys nothing here.
//!
//! The difference function is computed in O(N log N) from one cross-correlation by FFT:
//! `d(τ) = e(0) + e(τ) − 2·r(τ)` with `e` the sliding energies. With the default 2048-sample
//! window at 48 kHz a direct O(W·τmax) loop would be about a million multiply-adds per hop;
//! the FFT form is two forward and one inverse 2048-point real FFTs: about 23 µs per hop in
//! a release build (0.2% of real time at a 512-sample hop).
//!
//! Sub-sample lags: a parabola through `d` (not `d'`), then, for lags up to half the longest,
//! a few Newton steps on the band-limited `d` evaluated from the cross-spectrum. Together they
//! keep band-limited sines, saws and squares from 50 Hz to 2 kHz within about a cent; a
//! parabola alone is 4–5 cents off on bright tones near 2 kHz.
//!
//! Everything after the input samples is computed in f64: `d(τ)` at the true period is a
//! difference of two large, nearly equal sums.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use crate::error::{invalid, AnalysisError};

/// How far (as a ratio) a reported pitch may lie outside `fmin..=fmax`: enough that a tone
/// right at a limit is not lost to interpolation noise.
pub const RANGE_SLACK: f64 = 1.01;

/// Largest window accepted, so a wild configuration fails instead of allocating gigabytes.
const MAX_WINDOW: usize = 1 << 22;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchConfig {
    pub sample_rate: u32,
    /// Lowest pitch reported, Hz (within [`RANGE_SLACK`]); sets the longest lag searched.
    pub fmin: f64,
    /// Highest pitch reported, Hz (within [`RANGE_SLACK`]); sets the shortest lag searched.
    pub fmax: f64,
    /// Samples analysed per estimate. Must hold at least two periods of `fmin`: YIN compares
    /// the first part of the window with itself shifted by up to one period.
    pub window: usize,
    /// Samples between estimates.
    pub hop: usize,
    /// YIN's absolute threshold on the normalised difference: the first dip below it is taken
    /// as the period, which is what prefers the fundamental over its subharmonics.
    pub threshold: f64,
    /// Estimates less confident than this (confidence = 1 − normalised difference at the
    /// chosen lag) are reported unvoiced.
    pub min_confidence: f64,
    /// Windows whose RMS (about their mean) is below this linear level are silence.
    pub min_rms: f64,
}

impl PitchConfig {
    /// 50–2000 Hz (clamped below a quarter of the sample rate), a power-of-two window holding
    /// two periods of 50 Hz (2048 at 44.1 and 48 kHz) and a hop of a quarter window.
    pub fn new(sample_rate: u32) -> Self {
        let fmin = 50.0;
        let fmax = 2000.0_f64.min(f64::from(sample_rate) / 4.0);
        let tau_hi = (f64::from(sample_rate) / fmin).ceil() as usize;
        let window = (2 * tau_hi + 2).next_power_of_two().min(MAX_WINDOW);
        PitchConfig {
            sample_rate,
            fmin,
            fmax,
            window,
            hop: (window / 4).max(1),
            // aubio's default for YIN (the paper suggests 0.1).
            threshold: 0.15,
            // White noise scores under 0.2 and clean tones above 0.95. This only matters when
            // no dip passes `threshold` (which alone means confidence > 0.85): the deepest dip
            // is then still taken if it is nearly as good.
            min_confidence: 0.8,
            min_rms: 1e-3, // −60 dBFS
        }
    }

    /// Lags searched (`τ_lo..=τ_hi`): the periods of `fmax` and `fmin`, rounded outward.
    fn lag_range(&self) -> (usize, usize) {
        let sr = f64::from(self.sample_rate);
        let lo = ((sr / self.fmax).floor() as usize).max(2);
        let hi = (sr / self.fmin).ceil() as usize;
        (lo, hi)
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        if self.sample_rate == 0 {
            return Err(invalid("sample_rate must be positive"));
        }
        let nyquist = f64::from(self.sample_rate) / 2.0;
        if !(self.fmin.is_finite() && self.fmin > 0.0) {
            return Err(invalid(format!("fmin {} must be positive", self.fmin)));
        }
        if !(self.fmax.is_finite() && self.fmax > self.fmin && self.fmax <= nyquist) {
            return Err(invalid(format!(
                "fmax {} must lie in (fmin {}, Nyquist {nyquist}]",
                self.fmax, self.fmin
            )));
        }
        if f64::from(self.sample_rate) / self.fmin > MAX_WINDOW as f64 / 2.0 {
            return Err(invalid(format!("fmin {} is too low", self.fmin)));
        }
        let (lo, hi) = self.lag_range();
        if lo >= hi {
            return Err(invalid(format!(
                "fmin {} and fmax {} leave no lags to search at {} Hz",
                self.fmin, self.fmax, self.sample_rate
            )));
        }
        if self.window < 2 * hi + 1 || self.window > MAX_WINDOW {
            return Err(invalid(format!(
                "window {} must be in {}..={MAX_WINDOW} (two periods of fmin {})",
                self.window,
                2 * hi + 1,
                self.fmin
            )));
        }
        if self.hop == 0 {
            return Err(invalid("hop must be positive"));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(invalid(format!(
                "threshold {} must be in (0, 1]",
                self.threshold
            )));
        }
        if !(0.0..=1.0).contains(&self.min_confidence) {
            return Err(invalid(format!(
                "min_confidence {} must be in [0, 1]",
                self.min_confidence
            )));
        }
        if !(self.min_rms.is_finite() && self.min_rms >= 0.0) {
            return Err(invalid(format!(
                "min_rms {} must be finite and non-negative",
                self.min_rms
            )));
        }
        Ok(())
    }
}

/// One pitch reading. `hz` is −1 when the window is unvoiced (silence, noise, or not
/// confident enough), as norns' `pitch_in` poll reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchEstimate {
    pub hz: f64,
    /// 1 − YIN's normalised difference at the chosen lag, in 0..1. Kept on unvoiced estimates
    /// too (0 for silence), so a caller can see how close a window came.
    pub confidence: f64,
}

impl PitchEstimate {
    pub const UNVOICED: PitchEstimate = PitchEstimate {
        hz: -1.0,
        confidence: 0.0,
    };

    pub fn is_voiced(&self) -> bool {
        self.hz > 0.0
    }

    /// Fractional MIDI note number (A4 = 69 = 440 Hz), `None` when unvoiced.
    pub fn midi(&self) -> Option<f64> {
        self.is_voiced()
            .then(|| 69.0 + 12.0 * (self.hz / 440.0).log2())
    }
}

/// Streaming YIN. Every buffer is allocated in [`PitchTracker::new`]; `push` and `estimate`
/// never allocate, so both may run on an audio thread.
#[derive(Clone)]
pub struct PitchTracker {
    cfg: PitchConfig,
    tau_lo: usize,
    tau_hi: usize,
    /// Integration length W: the window minus the longest lag (τ_hi + 1, one past the search
    /// range so the parabola at τ_hi has a right neighbour).
    integ: usize,
    /// The last `window` input samples, oldest at `ring_pos`.
    ring: Vec<f32>,
    ring_pos: usize,
    since_hop: usize,
    frame: Vec<f64>,
    fwd: Arc<dyn RealToComplex<f64>>,
    inv: Arc<dyn ComplexToReal<f64>>,
    fft_in: Vec<f64>,
    /// After analysis: the cross-spectrum conj(A)·B, kept for [`PitchTracker::refine`].
    spec_a: Vec<Complex<f64>>,
    spec_b: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    corr: Vec<f64>,
    /// YIN's d'(τ), d(τ) and the sliding energy e(τ), for τ in 0..=τ_hi+1.
    cmnd: Vec<f64>,
    diff: Vec<f64>,
    energy: Vec<f64>,
}

impl std::fmt::Debug for PitchTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PitchTracker")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

impl PitchTracker {
    pub fn new(cfg: PitchConfig) -> Result<Self, AnalysisError> {
        cfg.validate()?;
        let (tau_lo, tau_hi) = cfg.lag_range();
        let n = cfg.window;
        let mut planner = RealFftPlanner::<f64>::new();
        let fwd = planner.plan_fft_forward(n);
        let inv = planner.plan_fft_inverse(n);
        let scratch_len = fwd.get_scratch_len().max(inv.get_scratch_len());
        Ok(PitchTracker {
            cfg,
            tau_lo,
            tau_hi,
            integ: n - (tau_hi + 1),
            ring: vec![0.0; n],
            ring_pos: 0,
            since_hop: 0,
            frame: vec![0.0; n],
            fft_in: vec![0.0; n],
            spec_a: fwd.make_output_vec(),
            spec_b: fwd.make_output_vec(),
            scratch: vec![Complex::default(); scratch_len],
            corr: vec![0.0; n],
            cmnd: vec![0.0; tau_hi + 2],
            diff: vec![0.0; tau_hi + 2],
            energy: vec![0.0; tau_hi + 2],
            fwd,
            inv,
        })
    }

    pub fn config(&self) -> &PitchConfig {
        &self.cfg
    }

    /// Back to the state after `new`: an all-zero history and a full hop before the next
    /// estimate.
    pub fn reset(&mut self) {
        self.ring.fill(0.0);
        self.ring_pos = 0;
        self.since_hop = 0;
    }

    /// Feed samples; `on_estimate` is called once per completed hop with the estimate of the
    /// `window` samples ending there (zeros stand in for samples before the first push). So
    /// the k-th estimate (from 0) covers samples `(k+1)·hop − window .. (k+1)·hop`, however
    /// the input is split into calls. Non-finite samples are read as 0.
    pub fn push(&mut self, mut samples: &[f32], mut on_estimate: impl FnMut(PitchEstimate)) {
        while !samples.is_empty() {
            let take = (self.cfg.hop - self.since_hop).min(samples.len());
            let (now, rest) = samples.split_at(take);
            self.write_ring(now);
            self.since_hop += take;
            samples = rest;
            if self.since_hop == self.cfg.hop {
                self.since_hop = 0;
                let (old, new) = self.ring.split_at(self.ring_pos);
                for (f, &x) in self.frame.iter_mut().zip(new.iter().chain(old)) {
                    *f = f64::from(x);
                }
                on_estimate(self.analyse());
            }
        }
    }

    /// The estimate of one window, independent of the streaming state. A longer `frame` is
    /// read by its last `window` samples; a shorter one is preceded by zeros, as the
    /// streaming tracker sees the start of a stream. Non-finite samples are read as 0.
    pub fn estimate(&mut self, frame: &[f32]) -> PitchEstimate {
        let n = self.cfg.window;
        let src = &frame[frame.len().saturating_sub(n)..];
        let pad = n - src.len();
        self.frame[..pad].fill(0.0);
        for (f, &x) in self.frame[pad..].iter_mut().zip(src) {
            *f = f64::from(finite_or_zero(x));
        }
        self.analyse()
    }

    fn write_ring(&mut self, samples: &[f32]) {
        let n = self.ring.len();
        // Only the last `window` samples can still be seen.
        let samples = &samples[samples.len().saturating_sub(n)..];
        let mut rest = samples;
        while !rest.is_empty() {
            let room = n - self.ring_pos;
            let k = room.min(rest.len());
            for (r, &x) in self.ring[self.ring_pos..self.ring_pos + k]
                .iter_mut()
                .zip(&rest[..k])
            {
                *r = finite_or_zero(x);
            }
            self.ring_pos = (self.ring_pos + k) % n;
            rest = &rest[k..];
        }
    }

    /// YIN on `self.frame`.
    fn analyse(&mut self) -> PitchEstimate {
        let n = self.frame.len();
        let w = self.integ;
        let tau_max = self.tau_hi + 1;
        let x = &self.frame;

        let mean = x.iter().sum::<f64>() / n as f64;
        let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
        // NaN cannot come from sanitised input, but is cheap to rule out.
        if var.is_nan() || var == 0.0 || var.sqrt() < self.cfg.min_rms {
            return PitchEstimate::UNVOICED;
        }

        // r(τ) = Σ_{j<W} x_j x_{j+τ}: the first W samples (zero-padded) correlated with the
        // whole window. The window is long enough (W + τmax = n) that no circular wrap
        // reaches a lag we read.
        self.fft_in[..w].copy_from_slice(&x[..w]);
        self.fft_in[w..].fill(0.0);
        let ok_a = self
            .fwd
            .process_with_scratch(&mut self.fft_in, &mut self.spec_a, &mut self.scratch)
            .is_ok();
        self.fft_in.copy_from_slice(x);
        let ok_b = self
            .fwd
            .process_with_scratch(&mut self.fft_in, &mut self.spec_b, &mut self.scratch)
            .is_ok();
        for (a, b) in self.spec_a.iter().zip(self.spec_b.iter_mut()) {
            *b *= a.conj();
        }
        self.spec_a.copy_from_slice(&self.spec_b);
        // Real by construction; realfft insists on exact zeros.
        self.spec_b[0].im = 0.0;
        if n & 1 == 0 {
            if let Some(last) = self.spec_b.last_mut() {
                last.im = 0.0;
            }
        }
        let ok_c = self
            .inv
            .process_with_scratch(&mut self.spec_b, &mut self.corr, &mut self.scratch)
            .is_ok();
        if !(ok_a && ok_b && ok_c) {
            return PitchEstimate::UNVOICED;
        }
        let scale = 1.0 / n as f64;

        // Cumulative-mean-normalised difference d'(τ).
        let e0: f64 = x[..w].iter().map(|v| v * v).sum();
        let mut e_tau = e0;
        let mut running = 0.0;
        // Below this the running sum is rounding noise, not signal (only for a window that
        // is constant over its first lags, which the RMS gate mostly catches).
        let floor = e0 * 1e-12;
        self.cmnd[0] = 1.0;
        self.energy[0] = e0;
        for tau in 1..=tau_max {
            e_tau += x[tau + w - 1] * x[tau + w - 1] - x[tau - 1] * x[tau - 1];
            let d = (e0 + e_tau - 2.0 * self.corr[tau] * scale).max(0.0);
            running += d;
            self.diff[tau] = d;
            self.energy[tau] = e_tau;
            self.cmnd[tau] = if running > floor {
                d * tau as f64 / running
            } else {
                1.0
            };
        }

        let cmnd = &self.cmnd;
        let (lo, hi) = (self.tau_lo, self.tau_hi);
        // YIN step 4: the first dip under the threshold, followed down to its bottom; else
        // the deepest dip anywhere (which will usually fail `min_confidence`).
        let tau = match (lo..=hi).find(|&t| cmnd[t] < self.cfg.threshold) {
            Some(mut t) => {
                while t < hi && cmnd[t + 1] < cmnd[t] {
                    t += 1;
                }
                t
            }
            None => (lo..=hi).fold(lo, |best, t| if cmnd[t] < cmnd[best] { t } else { best }),
        };
        // A minimum on the edge of the range belongs to a period outside it.
        let (y0, y1, y2) = (cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]);
        if y0 < y1 || y2 < y1 {
            return PitchEstimate {
                hz: -1.0,
                confidence: (1.0 - y1).clamp(0.0, 1.0),
            };
        }
        // Depth from a parabola through d' (the confidence), the lag from one through d
        // itself: d' divides by a running mean that tilts the dip and biases its vertex.
        let curv = y0 - 2.0 * y1 + y2;
        let depth = if curv > 0.0 {
            let s = (0.5 * (y0 - y2) / curv).clamp(-0.5, 0.5);
            y1 - 0.25 * (y0 - y2) * s
        } else {
            y1
        };
        let confidence = (1.0 - depth).clamp(0.0, 1.0);
        if confidence < self.cfg.min_confidence {
            return PitchEstimate {
                hz: -1.0,
                confidence,
            };
        }
        let (y0, y1, y2) = (self.diff[tau - 1], self.diff[tau], self.diff[tau + 1]);
        let curv = y0 - 2.0 * y1 + y2;
        let mut lag = tau as f64;
        if curv > 0.0 {
            lag += (0.5 * (y0 - y2) / curv).clamp(-0.5, 0.5);
        }
        // Short lags: a parabola misses the bottom of the sharp dips that bright tones make
        // (4–5 cents on a 2 kHz saw), so polish with Newton on the band-limited difference.
        // Long lags: that evaluation reaches the window's end, where the FFT's circular wrap
        // rings, and the parabola's sample-scale error is already well under a cent there.
        if tau <= tau_max / 2 {
            lag = self.refine(tau, lag);
        }
        let hz = f64::from(self.cfg.sample_rate) / lag;
        // The lags searched are rounded outward and interpolation may move half a sample
        // beyond them: near fmax that is tens of cents, so hold reports to the range.
        if hz < self.cfg.fmin / RANGE_SLACK || hz > self.cfg.fmax * RANGE_SLACK {
            return PitchEstimate {
                hz: -1.0,
                confidence,
            };
        }
        PitchEstimate { hz, confidence }
    }

    /// Minimise `d(t) = e0 + E(t) − 2R(t)` near integer lag `tau`, from `lag`, by Newton's
    /// method: R and its derivatives evaluated exactly from the cross-spectrum kept in
    /// `spec_a` (its trigonometric interpolant), E from a parabola through the sliding
    /// energies. Stays within one sample of `tau`; falls back to `lag` if it would not.
    fn refine(&self, tau: usize, lag: f64) -> f64 {
        let n = self.cfg.window;
        let last = self.spec_a.len() - 1;
        let step = 2.0 * std::f64::consts::PI / n as f64;
        let (lo, hi) = (tau as f64 - 1.0, tau as f64 + 1.0);
        let mut t = lag;
        for _ in 0..4 {
            // R'(t) and R''(t) of R(t) = (1/n) Σ_k m_k Re(P_k e^{i k step t}), m_k = 2 except
            // at DC and Nyquist. The phasor advances by rotation rather than sin/cos per bin.
            let (s1, c1) = (step * t).sin_cos();
            let rot = Complex::new(c1, s1);
            let mut z = Complex::new(1.0, 0.0);
            let (mut r1, mut r2) = (0.0, 0.0);
            for (k, p) in self.spec_a.iter().enumerate() {
                let q = p * z;
                let wk = step * k as f64;
                let m = if k == 0 || (k == last && n & 1 == 0) {
                    1.0
                } else {
                    2.0
                };
                r1 -= m * wk * q.im;
                r2 -= m * wk * wk * q.re;
                z *= rot;
            }
            let (r1, r2) = (r1 / n as f64, r2 / n as f64);
            let i = (t.round() as usize).clamp(tau.max(2) - 1, tau);
            let e = &self.energy;
            let e1 =
                0.5 * (e[i + 1] - e[i - 1]) + (e[i + 1] - 2.0 * e[i] + e[i - 1]) * (t - i as f64);
            let d1 = e1 - 2.0 * r1;
            let d2 = -2.0 * r2;
            if d2.is_nan() || d2 <= 0.0 {
                return lag;
            }
            let next = t - d1 / d2;
            if !(next > lo && next < hi) {
                return lag;
            }
            let done = (next - t).abs() < 1e-6;
            t = next;
            if done {
                break;
            }
        }
        t
    }
}

fn finite_or_zero(x: f32) -> f32 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// Offline tracking: the estimates a fresh tracker emits for `signal` pushed in one go, one per
/// complete hop (see [`PitchTracker::push`] for the samples each covers).
pub fn track(signal: &[f32], cfg: &PitchConfig) -> Result<Vec<PitchEstimate>, AnalysisError> {
    let mut tracker = PitchTracker::new(*cfg)?;
    let mut out = Vec::with_capacity(signal.len() / cfg.hop);
    tracker.push(signal, |e| out.push(e));
    Ok(out)
}
