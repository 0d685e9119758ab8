//! amSynth's resonant filter: the bilinear transform (with pre-warping) of
//! LP 1/(s²+s/Q+1), HP s²/(…), BP (s/Q)/(…) and notch (s²+1)/(…), once (12 dB/oct) or twice
//! (24 dB/oct), plus bypass.
//!
//! Realised as transposed-direct-form-II biquads in double precision (like amSynth). Each type's
//! numerator is fixed by one gain `g`: LP g(1, 2, 1), HP g(1, −2, 1), BP g(1, 0, −1) and notch
//! (g, a1, g), so a section needs 8 operations and only (g, a1, a2) are interpolated.
//! Coefficients are computed per control block and ramped linearly across it, so a cutoff streamed
//! from a model or an LFO sweeps without steps (amSynth jumps per block).

use std::ops::{Add, Mul, Neg, Sub};

use wyrd_schema::{FilterSlope, FilterType};

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
        tick::<T, f64>(&mut self.s0, &mut self.s1, c.g, c.a1, c.a2, x)
    }
}

/// What a section's arithmetic runs on: one f64, or a [`Pair`] of two sections at once.
trait Lanes:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self>
{
    const ZERO: Self;
}

impl Lanes for f64 {
    const ZERO: f64 = 0.0;
}

/// Two independent f64 lanes doing the same operations (the compiler packs them into one SIMD
/// register), each rounded exactly like a lone f64.
#[derive(Debug, Clone, Copy)]
struct Pair([f64; 2]);

impl Pair {
    #[inline(always)]
    fn splat(v: f64) -> Pair {
        Pair([v, v])
    }
}

macro_rules! pair_op {
    ($tr:ident, $f:ident, $op:tt) => {
        impl $tr for Pair {
            type Output = Pair;
            #[inline(always)]
            fn $f(self, o: Pair) -> Pair {
                Pair([self.0[0] $op o.0[0], self.0[1] $op o.0[1]])
            }
        }
    };
}
pair_op!(Add, add, +);
pair_op!(Sub, sub, -);
pair_op!(Mul, mul, *);

impl Neg for Pair {
    type Output = Pair;
    #[inline(always)]
    fn neg(self) -> Pair {
        Pair([-self.0[0], -self.0[1]])
    }
}

impl Lanes for Pair {
    const ZERO: Pair = Pair([0.0; 2]);
}

/// One sample through a section of type `T` with state (`s0`, `s1`).
#[inline(always)]
fn tick<const T: u8, V: Lanes>(s0: &mut V, s1: &mut V, g: V, a1: V, a2: V, x: V) -> V {
    let gx = g * x;
    let y = gx + *s0;
    let b1x = match T {
        LP => gx + gx,
        HP => -(gx + gx),
        BP => V::ZERO,
        _ => a1 * x,
    };
    let b2x = if T == BP { -gx } else { gx };
    *s0 = b1x - a1 * y + *s1;
    *s1 = b2x - a2 * y;
    y
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    c: Coefs,
    s: [Section; 2],
    started: bool,
    /// The type and slope the state belongs to.
    kind: Option<(FilterType, FilterSlope)>,
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
    pub fn process(
        &mut self,
        kind: FilterType,
        target: &Coefs,
        slope: FilterSlope,
        buf: &mut [f32],
    ) {
        // Bypass has no slope: switching slope under it is no change.
        let slope = if kind == FilterType::Bypass {
            FilterSlope::Db12
        } else {
            slope
        };
        if self.started && self.kind.is_some_and(|k| k != (kind, slope)) && buf.len() <= FADE {
            let (old_kind, old_slope) = self.kind.unwrap_or((kind, slope));
            let mut old = *self;
            let mut faded = [0.0f32; FADE];
            let faded = &mut faded[..buf.len()];
            faded.copy_from_slice(buf);
            old.kind = None;
            let c = old.c;
            old.filter(old_kind, &c, old_slope, faded);
            self.s = Default::default();
            self.c = *target;
            self.filter(kind, target, slope, buf);
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
            self.filter(kind, target, slope, buf);
        }
        self.kind = Some((kind, slope));
    }

    fn filter(&mut self, kind: FilterType, target: &Coefs, slope: FilterSlope, buf: &mut [f32]) {
        use FilterSlope::{Db12, Db24};
        match (kind, slope) {
            (FilterType::LowPass, Db12) => self.run::<LP, 1>(target, buf),
            (FilterType::LowPass, Db24) => self.run::<LP, 2>(target, buf),
            (FilterType::HighPass, Db12) => self.run::<HP, 1>(target, buf),
            (FilterType::HighPass, Db24) => self.run::<HP, 2>(target, buf),
            (FilterType::BandPass, Db12) => self.run::<BP, 1>(target, buf),
            (FilterType::BandPass, Db24) => self.run::<BP, 2>(target, buf),
            (FilterType::Notch, Db12) => self.run::<NOTCH, 1>(target, buf),
            (FilterType::Notch, Db24) => self.run::<NOTCH, 2>(target, buf),
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
        if STAGES == 2 {
            return self.run_pipelined::<T>(target, buf);
        }
        let d = self.c.delta(target, buf.len() as f64);
        let mut c = self.c;
        let [mut s0, s1] = self.s;
        for x in buf.iter_mut() {
            c.g += d.g;
            c.a1 += d.a1;
            c.a2 += d.a2;
            *x = s0.tick::<T>(&c, f64::from(*x)) as f32;
        }
        self.c = *target;
        self.s = [s0, s1];
    }

    /// Two sections in series, computed as one pipelined pair: while the first section takes
    /// sample i, the second takes the first's output for sample i − 1, with the coefficients it
    /// would have had then. The two lanes do exactly the operations of the plain sample-by-sample
    /// cascade, so the output is the same to the bit, at nearly the cost of one section.
    fn run_pipelined<const T: u8>(&mut self, target: &Coefs, buf: &mut [f32]) {
        let d = self.c.delta(target, buf.len() as f64);
        let [mut first, mut second] = self.s;
        if let Some((x0, rest)) = buf.split_first_mut() {
            let c0 = self.c;
            let c = Coefs {
                g: c0.g + d.g,
                a1: c0.a1 + d.a1,
                a2: c0.a2 + d.a2,
            };
            let mut y = first.tick::<T>(&c, f64::from(*x0));
            let (mut g, mut a1, mut a2) =
                (Pair([c.g, c0.g]), Pair([c.a1, c0.a1]), Pair([c.a2, c0.a2]));
            let (dg, da1, da2) = (Pair::splat(d.g), Pair::splat(d.a1), Pair::splat(d.a2));
            let mut s0 = Pair([first.s0, second.s0]);
            let mut s1 = Pair([first.s1, second.s1]);
            let mut out = x0;
            for x in rest.iter_mut() {
                g = g + dg;
                a1 = a1 + da1;
                a2 = a2 + da2;
                let ys = tick::<T, Pair>(&mut s0, &mut s1, g, a1, a2, Pair([f64::from(*x), y]));
                *out = ys.0[1] as f32;
                y = ys.0[0];
                out = x;
            }
            first = Section {
                s0: s0.0[0],
                s1: s1.0[0],
            };
            second = Section {
                s0: s0.0[1],
                s1: s1.0[1],
            };
            let c = Coefs {
                g: g.0[0],
                a1: a1.0[0],
                a2: a2.0[0],
            };
            *out = second.tick::<T>(&c, y) as f32;
        }
        self.c = *target;
        self.s = [first, second];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two-section cascade sample by sample, as `run_pipelined` must reproduce it.
    fn cascade<const T: u8>(f: &mut Filter, target: &Coefs, buf: &mut [f32]) {
        let d = f.c.delta(target, buf.len() as f64);
        let mut c = f.c;
        let [mut s0, mut s1] = f.s;
        for x in buf.iter_mut() {
            c.g += d.g;
            c.a1 += d.a1;
            c.a2 += d.a2;
            let y = s0.tick::<T>(&c, f64::from(*x));
            *x = s1.tick::<T>(&c, y) as f32;
        }
        f.c = *target;
        f.s = [s0, s1];
    }

    #[test]
    fn the_pipelined_cascade_matches_the_plain_one_bit_for_bit() {
        fn check<const T: u8>(kind: FilterType) {
            let sr = 48_000.0;
            let mut seed = 0x9E37_79B9_7F4A_7C15u64;
            let mut noise = move || {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (seed >> 40) as f32 / (1u64 << 23) as f32 - 1.0
            };
            let (mut fast, mut slow) = (Filter::default(), Filter::default());
            fast.c = Coefs::new(kind, 1000.0, 0.7, sr);
            slow.c = fast.c;
            for (b, n) in [1usize, 2, 3, 64, 64, 5, 64, 1, 64, 63]
                .into_iter()
                .enumerate()
            {
                let fc = 50.0 * 1.9f64.powi(b as i32);
                let target = Coefs::new(kind, fc, 0.5 + b as f64, sr);
                let x: Vec<f32> = (0..n).map(|_| noise()).collect();
                let (mut a, mut s) = (x.clone(), x);
                fast.run::<T, 2>(&target, &mut a);
                cascade::<T>(&mut slow, &target, &mut s);
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&a), bits(&s), "{kind:?} block {b}");
                for (p, q) in fast.s.iter().zip(&slow.s) {
                    assert_eq!(p.s0.to_bits(), q.s0.to_bits());
                    assert_eq!(p.s1.to_bits(), q.s1.to_bits());
                }
            }
        }
        check::<LP>(FilterType::LowPass);
        check::<HP>(FilterType::HighPass);
        check::<BP>(FilterType::BandPass);
        check::<NOTCH>(FilterType::Notch);
    }

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
            (FilterType::LowPass, FilterSlope::Db24),
            (FilterType::HighPass, FilterSlope::Db24),
            (FilterType::BandPass, FilterSlope::Db12),
            (FilterType::Notch, FilterSlope::Db24),
            (FilterType::LowPass, FilterSlope::Db12),
            (FilterType::Bypass, FilterSlope::Db12),
            (FilterType::LowPass, FilterSlope::Db24),
        ];
        for (b, chunk) in x.chunks_mut(64).enumerate() {
            let (kind, slope) = plan[(b / 100) % plan.len()];
            filt.process(kind, &Coefs::new(kind, 400.0, 0.707, sr), slope, chunk);
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
                        filt.process(kind, &c, FilterSlope::Db12, chunk);
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
