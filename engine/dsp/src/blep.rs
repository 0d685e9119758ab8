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

/// Each table holds t in [-HALF, 0] then t in [0, HALF]: the step residual jumps at t = 0, and
/// interpolating across that jump would smear it.
pub struct Tables {
    /// Band-limited minus naive unit step.
    pub step: Box<[f32]>,
    /// Band-limited minus naive unit ramp (slope 1 per sample after the event).
    pub ramp: Box<[f32]>,
}

/// Points in one half of a table.
const HALF_POINTS: usize = HALF * OVERSAMPLE + 1;

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
    let area: f64 = kernel.iter().sum::<f64>() * dt;
    // Integrate once for the band-limited step, twice for the band-limited ramp (trapezoids).
    let mut step = vec![0.0f64; n];
    let mut ramp = vec![0.0f64; n];
    for i in 1..n {
        step[i] = step[i - 1] + 0.5 * (kernel[i - 1] + kernel[i]) / area * dt;
        ramp[i] = ramp[i - 1] + 0.5 * (step[i - 1] + step[i]) * dt;
    }
    let zero = HALF * OVERSAMPLE;
    // Left half uses the naive value just before the event, right half the one at and after it.
    let halves = |bl: &[f64], naive_before: &dyn Fn(f64) -> f64, naive_after: &dyn Fn(f64) -> f64| -> Box<[f32]> {
        let left = (0..=zero).map(|i| bl[i] - naive_before(i as f64 * dt - HALF as f64));
        let right = (zero..n).map(|i| bl[i] - naive_after(i as f64 * dt - HALF as f64));
        left.chain(right).map(|v| v as f32).collect()
    };
    Tables {
        step: halves(&step, &|_| 0.0, &|_| 1.0),
        ramp: halves(&ramp, &|_| 0.0, &|t| t),
    }
}

/// Read a residual table at `t` samples from the event (linear interpolation; 0 outside).
#[inline]
pub fn lookup(table: &[f32], t: f32) -> f32 {
    let (x, base) = if t < 0.0 { ((t + HALF as f32) * OVERSAMPLE as f32, 0) } else { (t * OVERSAMPLE as f32, HALF_POINTS) };
    if x < 0.0 {
        return 0.0;
    }
    let i = x as usize;
    if i + 1 >= HALF_POINTS {
        return 0.0;
    }
    let f = x - i as f32;
    let (a, b) = (table[base + i], table[base + i + 1]);
    a + f * (b - a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residuals_vanish_at_the_kernel_edges() {
        let t = tables();
        for table in [&t.step, &t.ramp] {
            assert!(lookup(table, -(HALF as f32) + 0.01).abs() < 1e-3);
            assert!(lookup(table, HALF as f32 - 0.01).abs() < 1e-3);
        }
        // A band-limited step is half way up at the event, from either side.
        assert!((lookup(&t.step, 0.0) + 0.5).abs() < 1e-3);
        assert!((lookup(&t.step, -1e-3) - 0.5).abs() < 1e-2);
        // The ramp residual is continuous through the event.
        assert!((lookup(&t.ramp, -1e-4) - lookup(&t.ramp, 1e-4)).abs() < 1e-3);
    }
}
