//! Band-limited step and ramp residuals (BLEP/BLAMP tables).
//!
//! Oscillators produce the naive waveform and, at every discontinuity of value (step) or slope
//! (corner), add the difference between a band-limited and a naive step, read from these tables at
//! the event's fractional position. The kernel is a Kaiser-windowed sinc, 32 samples long and cut at
//! 0.875·Nyquist, so that partials above Nyquist, which would fold back as aliases, are at least
//! 60 dB down. Polynomial BLEPs (2 samples long) only reach about −30 dB for high notes.

use std::sync::OnceLock;

/// Half the kernel length in samples; also the oscillators' delay in samples.
pub const HALF: usize = 16;
/// Table points per sample.
const OVERSAMPLE: usize = 64;
const CUTOFF: f64 = 0.875; // × Nyquist
const KAISER_BETA: f64 = 8.0;

/// Residuals are stored per fractional position: row r holds the residual at the 2·HALF integer
/// sample offsets −(HALF−1) ..= HALF from an event r/OVERSAMPLE samples before the current sample,
/// so applying one event is a short, vectorisable loop over contiguous taps, and interpolation
/// never crosses the step's jump at t = 0.
pub struct Tables {
    /// Band-limited minus naive unit step.
    pub step: Box<[[f32; TAPS]]>,
    /// Band-limited minus naive unit ramp (slope 1 per sample after the event).
    pub ramp: Box<[[f32; TAPS]]>,
}

/// Taps per event: offsets −(HALF−1) ..= HALF around the current sample.
pub const TAPS: usize = 2 * HALF;
/// Offset of tap 0 relative to the current sample.
pub const FIRST_TAP: isize = -(HALF as isize - 1);

static TABLES: OnceLock<Tables> = OnceLock::new();

/// The tables, computed on first use. The synth calls this while it is being built, so the audio
/// thread only ever reads an initialised cell.
pub fn tables() -> &'static Tables {
    TABLES.get_or_init(build)
}

fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    for k in 1..50 {
        term *= (x / (2.0 * k as f64)).powi(2);
        sum += term;
    }
    sum
}

fn build() -> Tables {
    let n = 2 * HALF * OVERSAMPLE + 1;
    let dt = 1.0 / OVERSAMPLE as f64;
    // The kernel (impulse response) on a fine grid, normalised to unit area.
    let kernel: Vec<f64> = (0..n)
        .map(|i| {
            let t = i as f64 * dt - HALF as f64;
            let x = std::f64::consts::PI * CUTOFF * t;
            let sinc = if x.abs() < 1e-12 { 1.0 } else { x.sin() / x };
            let w = (1.0 - (t / HALF as f64).powi(2)).max(0.0);
            sinc * bessel_i0(KAISER_BETA * w.sqrt()) / bessel_i0(KAISER_BETA)
        })
        .collect();
    let area: f64 = (1..n)
        .map(|i| 0.5 * (kernel[i - 1] + kernel[i]))
        .sum::<f64>()
        * dt;
    // Integrate once for the band-limited step, twice for the band-limited ramp (trapezoids).
    let mut step = vec![0.0f64; n];
    let mut ramp = vec![0.0f64; n];
    for i in 1..n {
        step[i] = step[i - 1] + 0.5 * (kernel[i - 1] + kernel[i]) / area * dt;
        ramp[i] = ramp[i - 1] + 0.5 * (step[i - 1] + step[i]) * dt;
    }
    // Tap m of row r sits at t = m + r/OVERSAMPLE samples after the event: a point of the fine
    // grid. Taps before the event (m < 0) compare against the naive signal before it, so the row
    // at r = OVERSAMPLE, m = −1 is the left limit at t = 0.
    let rows = |bl: &[f64], naive_after: &dyn Fn(f64) -> f64| -> Box<[[f32; TAPS]]> {
        (0..=OVERSAMPLE)
            .map(|r| {
                std::array::from_fn(|k| {
                    let m = k as isize + FIRST_TAP;
                    let grid = (m + HALF as isize) as usize * OVERSAMPLE + r;
                    if grid >= n {
                        return 0.0;
                    }
                    let t = m as f64 + r as f64 * dt;
                    let naive = if m >= 0 { naive_after(t) } else { 0.0 };
                    (bl[grid] - naive) as f32
                })
            })
            .collect()
    };
    Tables {
        step: rows(&step, &|_| 1.0),
        ramp: rows(&ramp, &|t| t),
    }
}

/// Add `height` × the residual of an event `since` ∈ [0, 1] samples ago to `taps`, which start at
/// offset `FIRST_TAP` from the current sample.
#[inline]
pub fn apply(table: &[[f32; TAPS]], height: f32, since: f32, taps: &mut [f32]) {
    let x = since.clamp(0.0, 1.0) * OVERSAMPLE as f32;
    let r = (x as usize).min(OVERSAMPLE - 1);
    let f = x - r as f32;
    let (a, b) = (&table[r], &table[r + 1]);
    for ((t, a), b) in taps[..TAPS].iter_mut().zip(a).zip(b) {
        *t += height * (a + f * (b - a));
    }
}

/// The residual at `t` samples after an event.
#[cfg(test)]
pub fn residual(table: &[[f32; TAPS]], t: f32) -> f32 {
    let m = t.floor();
    let since = t - m;
    let k = m as isize - FIRST_TAP;
    if !(0..TAPS as isize).contains(&k) {
        return 0.0;
    }
    let mut taps = [0.0; TAPS];
    apply(table, 1.0, since, &mut taps);
    taps[k as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residuals_vanish_at_the_kernel_edges() {
        let t = tables();
        for table in [&t.step, &t.ramp] {
            assert!(residual(table, -(HALF as f32) + 1.01).abs() < 1e-3);
            assert!(residual(table, HALF as f32 - 0.01).abs() < 1e-3);
        }
        // A band-limited step is half way up at the event, from either side.
        assert!((residual(&t.step, 0.0) + 0.5).abs() < 1e-3);
        assert!((residual(&t.step, -1e-3) - 0.5).abs() < 1e-2);
        // The ramp residual is continuous through the event.
        assert!((residual(&t.ramp, -1e-4) - residual(&t.ramp, 1e-4)).abs() < 1e-3);
    }
}
