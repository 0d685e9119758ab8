//! amSynth's resonant filter: the bilinear transform (with pre-warping) of
//! LP 1/(s²+s/Q+1), HP s²/(…), BP (s/Q)/(…) and notch (s²+1)/(…), once (12 dB/oct) or twice
//! (24 dB/oct), plus bypass.
//!
//! Realised as transposed-direct-form-II biquads in double precision (like amSynth). Each type's
//! numerator is fixed by one gain `g`: LP g(1, 2, 1), HP g(1, −2, 1), BP g(1, 0, −1) and notch
//! (g, a1, g), so a section needs 8 operations and only (g, a1, a2) are interpolated.
//! Coefficients are computed per control block and ramped linearly across it, so a cutoff streamed
//! from a model or an LFO sweeps without steps (amSynth jumps per block).

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

/// Biquad coefficients: the numerator gain and the denominator (a0 = 1).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Coefs {
    g: f64,
    a1: f64,
    a2: f64,
}

impl Coefs {
    /// Coefficients of `kind` for cutoff `fc` Hz and quality `q` at `sr`.
    pub fn new(kind: FilterType, fc: f64, q: f64, sr: f64) -> Coefs {
        let k = (std::f64::consts::PI * fc / sr).tan();
        let k2 = k * k;
        let norm = 1.0 / (k2 + k / q + 1.0);
        let g = match kind {
            FilterType::LowPass => k2 * norm,
            FilterType::HighPass => norm,
            FilterType::BandPass => k / q * norm,
            FilterType::Notch => (1.0 + k2) * norm,
            FilterType::Bypass => 1.0,
        };
        Coefs {
            g,
            a1: 2.0 * (k2 - 1.0) * norm,
            a2: (k2 - k / q + 1.0) * norm,
        }
    }

    /// Magnitude response of one section of `kind` at `f` Hz (for tests and analysis).
    pub fn magnitude(kind: FilterType, fc: f64, q: f64, f: f64, sr: f64) -> f64 {
        // The analog prototype at the pre-warped frequency is what the bilinear transform maps.
        let w = (std::f64::consts::PI * f / sr).tan() / (std::f64::consts::PI * fc / sr).tan();
        let (re, im) = (1.0 - w * w, w / q);
        let den = re.hypot(im);
        match kind {
            FilterType::LowPass => 1.0 / den,
            FilterType::HighPass => w * w / den,
            FilterType::BandPass => (w / q) / den,
            FilterType::Notch => (1.0 - w * w).abs() / den,
            FilterType::Bypass => 1.0,
        }
    }

    fn delta(&self, to: &Coefs, n: f64) -> Coefs {
        Coefs {
            g: (to.g - self.g) / n,
            a1: (to.a1 - self.a1) / n,
            a2: (to.a2 - self.a2) / n,
        }
    }
}

const LP: u8 = 0;
const HP: u8 = 1;
const BP: u8 = 2;
const NOTCH: u8 = 3;

/// One biquad section's state.
#[derive(Debug, Clone, Copy, Default)]
struct Section {
    s0: f64,
    s1: f64,
}

impl Section {
    #[inline(always)]
    fn tick<const T: u8>(&mut self, c: &Coefs, x: f64) -> f64 {
        let gx = c.g * x;
        let y = gx + self.s0;
        let b1x = match T {
            LP => gx + gx,
            HP => -(gx + gx),
            BP => 0.0,
            _ => c.a1 * x,
        };
        let b2x = if T == BP { -gx } else { gx };
        self.s0 = b1x - c.a1 * y + self.s1;
        self.s1 = b2x - c.a2 * y;
        y
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    c: Coefs,
    s: [Section; 2],
    started: bool,
    /// The type and slope the state belongs to.
    kind: Option<(FilterType, usize)>,
}

/// Longest block a type change crossfades over at once.
const FADE: usize = 256;

impl Filter {
    pub fn reset(&mut self) {
        *self = Filter::default();
    }

    /// Filter `buf` in place while ramping from the previous block's coefficients to `target`.
    /// A change of type or slope (a model streaming patches switches them mid-note) crossfades
    /// over the block from the old filter to the new one started from rest: one type's state
    /// read as another's would jump by the whole signal and more.
    pub fn process(&mut self, kind: FilterType, target: &Coefs, stages: usize, buf: &mut [f32]) {
        let stages = if kind == FilterType::Bypass {
            1
        } else {
            stages.clamp(1, 2)
        };
        if self.started && self.kind.is_some_and(|k| k != (kind, stages)) && buf.len() <= FADE {
            let (old_kind, old_stages) = self.kind.unwrap_or((kind, stages));
            let mut old = *self;
            let mut faded = [0.0f32; FADE];
            let faded = &mut faded[..buf.len()];
            faded.copy_from_slice(buf);
            old.kind = None;
            let c = old.c;
            old.filter(old_kind, &c, old_stages, faded);
            self.s = Default::default();
            self.c = *target;
            self.filter(kind, target, stages, buf);
            let n = buf.len() as f32;
            for (i, (y, &o)) in buf.iter_mut().zip(faded.iter()).enumerate() {
                let t = (i as f32 + 1.0) / n;
                *y = t * *y + (1.0 - t) * o;
            }
        } else {
            if !self.started {
                self.c = *target;
                self.started = true;
            }
            self.filter(kind, target, stages, buf);
        }
        self.kind = Some((kind, stages));
    }

    fn filter(&mut self, kind: FilterType, target: &Coefs, stages: usize, buf: &mut [f32]) {
        match (kind, stages) {
            (FilterType::LowPass, 1) => self.run::<LP, 1>(target, buf),
            (FilterType::LowPass, _) => self.run::<LP, 2>(target, buf),
            (FilterType::HighPass, 1) => self.run::<HP, 1>(target, buf),
            (FilterType::HighPass, _) => self.run::<HP, 2>(target, buf),
            (FilterType::BandPass, 1) => self.run::<BP, 1>(target, buf),
            (FilterType::BandPass, _) => self.run::<BP, 2>(target, buf),
            (FilterType::Notch, 1) => self.run::<NOTCH, 1>(target, buf),
            (FilterType::Notch, _) => self.run::<NOTCH, 2>(target, buf),
            (FilterType::Bypass, _) => return,
        }
        if !self.s.iter().all(|s| s.s0.is_finite() && s.s1.is_finite()) {
            // Cannot happen with finite input and stable coefficients; if it ever does, recover
            // instead of poisoning every later block.
            self.s = Default::default();
            buf.fill(0.0);
        }
    }

    fn run<const T: u8, const STAGES: usize>(&mut self, target: &Coefs, buf: &mut [f32]) {
        let d = self.c.delta(target, buf.len() as f64);
        let mut c = self.c;
        let [mut s0, mut s1] = self.s;
        for x in buf.iter_mut() {
            c.g += d.g;
            c.a1 += d.a1;
            c.a2 += d.a2;
            let y = s0.tick::<T>(&c, f64::from(*x));
            *x = (if STAGES == 2 { s1.tick::<T>(&c, y) } else { y }) as f32;
        }
        self.c = *target;
        self.s = [s0, s1];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Switching type or slope under a held tone moves the output no faster than the tone
    /// itself does (the old state read as the new type's used to jump by more than full scale).
    #[test]
    fn a_type_change_mid_note_does_not_jump() {
        let sr = 48_000.0;
        let (f, amp) = (220.0, 0.5);
        let mut x: Vec<f32> = (0..48_000)
            .map(|i| amp * (std::f64::consts::TAU * f * i as f64 / sr).sin() as f32)
            .collect();
        let tone_step = amp * (std::f64::consts::TAU * f / sr) as f32;
        let mut filt = Filter::default();
        let plan = [
            (FilterType::LowPass, 2),
            (FilterType::HighPass, 2),
            (FilterType::BandPass, 1),
            (FilterType::Notch, 2),
            (FilterType::LowPass, 1),
            (FilterType::Bypass, 1),
            (FilterType::LowPass, 2),
        ];
        for (b, chunk) in x.chunks_mut(64).enumerate() {
            let (kind, stages) = plan[(b / 100) % plan.len()];
            filt.process(kind, &Coefs::new(kind, 400.0, 0.707, sr), stages, chunk);
        }
        let max_step = x
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0f32, f32::max);
        let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(peak < 1.5 * amp, "peak {peak}");
        assert!(
            max_step < 4.0 * tone_step,
            "step {max_step} (the tone's own: {tone_step})"
        );
    }

    /// The filter's measured response equals the bilinear-transformed prototype for every type.
    #[test]
    fn sections_match_the_prototype_responses() {
        let sr = 48_000.0;
        for kind in [
            FilterType::LowPass,
            FilterType::HighPass,
            FilterType::BandPass,
            FilterType::Notch,
        ] {
            for (fc, q) in [(500.0, 0.707), (3000.0, 4.0)] {
                for f in [100.0, 480.0, 2000.0, 9000.0] {
                    let mut filt = Filter::default();
                    let c = Coefs::new(kind, fc, q, sr);
                    let n = 48_000;
                    let mut x: Vec<f32> = (0..n)
                        .map(|i| (std::f64::consts::TAU * f * i as f64 / sr).sin() as f32)
                        .collect();
                    for chunk in x.chunks_mut(64) {
                        filt.process(kind, &c, 1, chunk);
                    }
                    let tail = &x[n / 2..];
                    let amp = (tail.iter().map(|v| v * v).sum::<f32>() / tail.len() as f32).sqrt()
                        * std::f32::consts::SQRT_2;
                    let want = Coefs::magnitude(kind, fc, q, f, sr);
                    assert!(
                        (f64::from(amp) - want).abs() < 2e-3 + 0.01 * want,
                        "{kind:?} fc {fc} q {q} f {f}: {amp} vs {want}"
                    );
                }
            }
        }
    }
}
