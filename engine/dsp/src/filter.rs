//! amSynth's resonant filter: an RBJ-style biquad from the bilinear transform with pre-warping,
//! in low/high/band-pass, notch and bypass, once (12 dB/oct) or twice (24 dB/oct).
//!
//! Coefficients are computed per control block in double precision and ramped linearly across the
//! block, so a cutoff streamed from a model or an LFO sweeps without steps (amSynth jumps per block).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterType {
    LowPass,
    HighPass,
    BandPass,
    Notch,
    Bypass,
}

impl FilterType {
    pub fn from_index(i: f32) -> FilterType {
        match i as u32 {
            0 => FilterType::LowPass,
            1 => FilterType::HighPass,
            2 => FilterType::BandPass,
            3 => FilterType::Notch,
            _ => FilterType::Bypass,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Coefs {
    b0: f64,
    b1: f64,
    b2: f64,
    a1: f64,
    a2: f64,
}

impl Coefs {
    /// Coefficients for cutoff `fc` Hz and quality `q` at `sr`.
    pub fn new(kind: FilterType, fc: f64, q: f64, sr: f64) -> Coefs {
        let k = (std::f64::consts::PI * fc / sr).tan();
        let k2 = k * k;
        let norm = 1.0 / (k2 + k / q + 1.0);
        let a1 = 2.0 * (k2 - 1.0) * norm;
        let a2 = (k2 - k / q + 1.0) * norm;
        let (b0, b1, b2) = match kind {
            FilterType::LowPass => (k2 * norm, 2.0 * k2 * norm, k2 * norm),
            FilterType::HighPass => (norm, -2.0 * norm, norm),
            FilterType::BandPass => (k / q * norm, 0.0, -k / q * norm),
            FilterType::Notch => ((1.0 + k2) * norm, a1, (1.0 + k2) * norm),
            FilterType::Bypass => (1.0, 0.0, 0.0),
        };
        Coefs { b0, b1, b2, a1, a2 }
    }

    /// Magnitude response at `f` Hz (for tests and analysis).
    pub fn magnitude(&self, f: f64, sr: f64) -> f64 {
        let w = std::f64::consts::TAU * f / sr;
        let (c1, s1, c2, s2) = (w.cos(), -w.sin(), (2.0 * w).cos(), -(2.0 * w).sin());
        let num = (self.b0 + self.b1 * c1 + self.b2 * c2, self.b1 * s1 + self.b2 * s2);
        let den = (1.0 + self.a1 * c1 + self.a2 * c2, self.a1 * s1 + self.a2 * s2);
        (num.0.hypot(num.1)) / (den.0.hypot(den.1))
    }

    fn step_towards(&self, to: &Coefs, n: f64) -> Coefs {
        Coefs {
            b0: (to.b0 - self.b0) / n,
            b1: (to.b1 - self.b1) / n,
            b2: (to.b2 - self.b2) / n,
            a1: (to.a1 - self.a1) / n,
            a2: (to.a2 - self.a2) / n,
        }
    }
}

/// Two transposed-direct-form-II sections sharing one set of (ramped) coefficients.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    c: Coefs,
    s: [[f64; 2]; 2],
    started: bool,
}

impl Filter {
    pub fn reset(&mut self) {
        *self = Filter::default();
    }

    /// Filter `buf` in place while ramping from the previous block's coefficients to `target`.
    pub fn process(&mut self, target: &Coefs, stages: usize, buf: &mut [f32]) {
        if !self.started {
            self.c = *target;
            self.started = true;
        }
        let d = self.c.step_towards(target, buf.len() as f64);
        let mut c = self.c;
        let [mut s0, mut s1] = self.s;
        for x in buf.iter_mut() {
            c.b0 += d.b0;
            c.b1 += d.b1;
            c.b2 += d.b2;
            c.a1 += d.a1;
            c.a2 += d.a2;
            let mut v = f64::from(*x);
            let y = c.b0 * v + s0[0];
            s0[0] = c.b1 * v - c.a1 * y + s0[1];
            s0[1] = c.b2 * v - c.a2 * y;
            v = y;
            if stages == 2 {
                let y = c.b0 * v + s1[0];
                s1[0] = c.b1 * v - c.a1 * y + s1[1];
                s1[1] = c.b2 * v - c.a2 * y;
                v = y;
            }
            *x = v as f32;
        }
        self.c = *target;
        self.s = [s0, s1];
        if !self.s.iter().flatten().all(|v| v.is_finite()) {
            // Cannot happen with stable coefficients; if it ever does, recover instead of
            // poisoning every later block.
            self.s = [[0.0; 2]; 2];
            buf.fill(0.0);
        }
    }
}
