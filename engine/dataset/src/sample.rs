//! Patches that are not presets (`models/FORMAT.md`, "Sampling"): variations of a preset and
//! uniformly random patches.
//!
//! Each patch has its own ChaCha8 generator seeded from what identifies it, so the same
//! configuration gives the same patches whatever the thread count, sharding or order of
//! rendering. The 32-byte ChaCha seed is, little-endian:
//!
//! - variations: `seed` (u64), preset index (u64), variant (u64), `b"wyrd-var"`;
//! - random: `seed` (u64), patch index (u64), `0` (u64), `b"wyrd-rnd"`.
//!
//! Draws are made in schema order, the same number of them whatever `sigma` and `p_cat` are:
//! a continuous (or stepped) parameter takes two uniforms (Box–Muller, the cosine branch), a
//! categorical one takes one uniform for "resample?" and one for the new option.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use wyrd_schema::{Kind, Patch, NUM_PARAMS, PARAMS};

const VARIATION_TAG: &[u8; 8] = b"wyrd-var";
const RANDOM_TAG: &[u8; 8] = b"wyrd-rnd";

fn rng(a: u64, b: u64, c: u64, tag: &[u8; 8]) -> ChaCha8Rng {
    let mut seed = [0u8; 32];
    seed[0..8].copy_from_slice(&a.to_le_bytes());
    seed[8..16].copy_from_slice(&b.to_le_bytes());
    seed[16..24].copy_from_slice(&c.to_le_bytes());
    seed[24..32].copy_from_slice(tag);
    ChaCha8Rng::from_seed(seed)
}

/// A standard normal draw (Box–Muller, cosine branch); always consumes two uniforms.
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.gen(); // [0, 1)
    let u2: f64 = rng.gen();
    let r = (-2.0 * (1.0 - u1).ln()).sqrt(); // 1 - u1 in (0, 1]: finite
    r * (std::f64::consts::TAU * u2).cos()
}

/// How variations of a preset are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variation {
    /// Variants per preset (`k`).
    pub per_preset: usize,
    /// Standard deviation of the step in the 0..1 view of continuous and stepped parameters.
    pub sigma: f64,
    /// Probability that a categorical parameter is resampled (uniformly over its options, so it
    /// may come out unchanged).
    pub p_cat: f64,
    pub seed: u64,
}

impl Default for Variation {
    fn default() -> Self {
        Variation {
            per_preset: 4,
            sigma: 0.08,
            p_cat: 0.1,
            seed: 1,
        }
    }
}

impl Variation {
    /// Variant `variant` of the preset at `preset_index` in its split: every continuous or
    /// stepped value moved by N(0, sigma²) in the 0..1 view, then clamped (and stepped ones
    /// snapped) by `ParamSpec::denormalize`; each categorical resampled with probability `p_cat`.
    pub fn variant(&self, preset: &Patch, preset_index: usize, variant: usize) -> Patch {
        let mut rng = rng(
            self.seed,
            preset_index as u64,
            variant as u64,
            VARIATION_TAG,
        );
        let mut values = [0.0f32; NUM_PARAMS];
        for (p, v) in PARAMS.iter().zip(values.iter_mut()) {
            let old = preset.get(p.index);
            *v = match p.kind {
                Kind::Continuous | Kind::Stepped => {
                    let step = self.sigma * normal(&mut rng);
                    if step == 0.0 {
                        old
                    } else {
                        p.denormalize(p.normalize(old) + step)
                    }
                }
                Kind::Categorical { options } => {
                    let coin: f64 = rng.gen();
                    let option = rng.gen_range(0..options.len());
                    if coin < self.p_cat {
                        option as f32
                    } else {
                        old
                    }
                }
            };
        }
        Patch::from_values(format!("{} ~{variant}", preset.name), values)
    }
}

/// A uniformly random patch: continuous and stepped values uniform in the 0..1 view (stepped
/// ones snapped by `ParamSpec::denormalize`), categoricals uniform over their options.
pub fn random_patch(seed: u64, index: usize) -> Patch {
    let mut rng = rng(seed, index as u64, 0, RANDOM_TAG);
    let mut values = [0.0f32; NUM_PARAMS];
    for (p, v) in PARAMS.iter().zip(values.iter_mut()) {
        *v = match p.kind {
            Kind::Continuous | Kind::Stepped => p.denormalize(rng.gen::<f64>()),
            Kind::Categorical { options } => rng.gen_range(0..options.len()) as f32,
        };
    }
    Patch::from_values(format!("random {index}"), values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wyrd_schema::defaults;

    fn preset() -> Patch {
        let mut p = Patch::from_values("p", defaults());
        p.set_by_id("filter_cutoff", 0.3);
        p.set_by_id("osc2_waveform", 2.0);
        p.set_by_id("osc2_pitch", -5.0);
        p
    }

    #[test]
    fn normal_draws_have_unit_variance() {
        let mut r = rng(7, 0, 0, b"testtest");
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut r)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.03, "{mean}");
        assert!((var - 1.0).abs() < 0.05, "{var}");
    }

    #[test]
    fn variants_are_deterministic_and_distinct() {
        let v = Variation::default();
        let p = preset();
        assert_eq!(v.variant(&p, 3, 1), v.variant(&p, 3, 1));
        assert_ne!(v.variant(&p, 3, 1).values(), v.variant(&p, 3, 2).values());
        assert_ne!(v.variant(&p, 3, 1).values(), v.variant(&p, 4, 1).values());
        let other_seed = Variation { seed: 2, ..v };
        assert_ne!(
            v.variant(&p, 3, 1).values(),
            other_seed.variant(&p, 3, 1).values()
        );
        assert_eq!(random_patch(1, 5), random_patch(1, 5));
        assert_ne!(random_patch(1, 5).values(), random_patch(1, 6).values());
        assert_ne!(random_patch(1, 5).values(), random_patch(2, 5).values());
    }
}
