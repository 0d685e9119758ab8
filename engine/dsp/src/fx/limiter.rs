//! amSynth's stereo-linked soft limiter (peak follower on |L|+|R|, gain = min(1, 0.9/peak)), then
//! the last guard before the output: no NaN/Inf and nothing above 0 dBFS ever leaves wyrd.

/// Attack of amSynth 1.13.x (Debian's); HEAD uses 1 ms.
const ATTACK_SECONDS: f32 = 0.0001;
const RELEASE_SECONDS: f32 = 0.5;
const THRESHOLD: f32 = 0.9;
/// Samples the limiter works on at a time.
const CHUNK: usize = 64;

#[derive(Debug, Clone)]
pub struct Limiter {
    peak: f32,
    attack: f32,
    release: f32,
}

impl Limiter {
    pub fn new(sample_rate: f32) -> Self {
        Limiter {
            peak: 0.0,
            attack: 1.0 - (-2.2 / (ATTACK_SECONDS * sample_rate)).exp(),
            release: 1.0 - (-2.2 / (RELEASE_SECONDS * sample_rate)).exp(),
        }
    }

    pub fn reset(&mut self) {
        self.peak = 0.0;
    }

    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let mut peak = self.peak;
        for (l, r) in left.chunks_mut(CHUNK).zip(right.chunks_mut(CHUNK)) {
            peak = self.chunk(peak, l, r);
        }
        self.peak = if peak.is_finite() { peak } else { 0.0 };
    }

    /// Only the follower is sequential, so it runs alone; the passes before and after it
    /// vectorise.
    fn chunk(&self, mut peak: f32, left: &mut [f32], right: &mut [f32]) -> f32 {
        let n = left.len().min(right.len());
        let (left, right) = (&mut left[..n], &mut right[..n]);
        let mut level = [0.0f32; CHUNK];
        let level = &mut level[..n];
        for ((l, r), v) in left.iter_mut().zip(right.iter_mut()).zip(level.iter_mut()) {
            // A non-finite sample must not poison the follower for the rest of the stream.
            let finite = l.is_finite() & r.is_finite();
            *l = if finite { *l } else { 0.0 };
            *r = if finite { *r } else { 0.0 };
            *v = l.abs() + r.abs();
        }
        // The gain for each sample; 1 (where the limiter is idle) leaves a finite sample as it is.
        let mut gain = [1.0f32; CHUNK];
        for (&v, g) in level.iter().zip(gain.iter_mut()) {
            let coef = if v > peak { self.attack } else { self.release };
            peak += coef * (v - peak);
            if peak > THRESHOLD {
                *g = THRESHOLD / peak;
            }
        }
        for ((l, r), &g) in left.iter_mut().zip(right.iter_mut()).zip(gain.iter()) {
            // The follower lags a fast transient by a few samples; clamp what slips through.
            *l = guard(*l * g);
            *r = guard(*r * g);
        }
        peak
    }
}

#[inline]
fn guard(x: f32) -> f32 {
    if x.is_finite() {
        x.clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_a_full_scale_mono_signal_near_045_and_never_exceeds_0dbfs() {
        let mut lim = Limiter::new(48_000.0);
        let mut l: Vec<f32> = (0..48_000).map(|i| 4.0 * (i as f32 * 0.05).sin()).collect();
        let mut r = l.clone();
        l[100] = f32::NAN;
        r[200] = f32::INFINITY;
        lim.process(&mut l, &mut r);
        assert!(l.iter().chain(&r).all(|x| x.is_finite() && x.abs() <= 1.0));
        let tail_peak = l[24_000..].iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!((tail_peak - 0.45).abs() < 0.03, "{tail_peak}");
    }
}
