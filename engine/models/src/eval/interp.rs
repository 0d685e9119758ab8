//! Interpolation smoothness: between two presets, how evenly does the sound change along a
//! path of patches? Each step's change is the MFCC-MAE between consecutive renders (note 60);
//! smoothness = largest step / path length: 1/(steps−1) for a perfectly even path, 1 when all
//! change happens in one jump. Lower is smoother.

use wyrd_dataset::Encoding;
use wyrd_schema::Patch;

pub const STEPS: usize = 8;

/// Interpolation weights 0, 1/7, …, 1.
pub fn weights() -> Vec<f32> {
    (0..STEPS).map(|k| k as f32 / (STEPS - 1) as f32).collect()
}

/// The naive path: linear in the 0..1 view for continuous parameters, categoricals switching
/// from `a`'s to `b`'s at the midpoint.
pub fn naive_path(a: &Patch, b: &Patch) -> Vec<Patch> {
    let e = Encoding::new();
    let (xa, xb) = (e.encode(a), e.encode(b));
    let n = e.n_cont();
    weights()
        .into_iter()
        .map(|t| {
            let mut x: Vec<f32> = xa[..n]
                .iter()
                .zip(&xb[..n])
                .map(|(p, q)| p + t * (q - p))
                .collect();
            x.extend_from_slice(if t < 0.5 { &xa[n..] } else { &xb[n..] });
            e.decode_x(&x, a)
        })
        .collect()
}

/// Latent vectors on the straight line from `za` to `zb`.
pub fn latent_line(za: &[f32], zb: &[f32]) -> Vec<Vec<f32>> {
    weights()
        .into_iter()
        .map(|t| za.iter().zip(zb).map(|(p, q)| p + t * (q - p)).collect())
        .collect()
}

/// Largest step over the total length of a path given its step sizes; NaN when the path does
/// not move (or a step is not finite).
pub fn smoothness(steps: &[f64]) -> f64 {
    let total: f64 = steps.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return f64::NAN;
    }
    steps.iter().copied().fold(0.0, f64::max) / total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothness_is_max_over_total() {
        assert!((smoothness(&[1.0; 7]) - 1.0 / 7.0).abs() < 1e-12);
        assert_eq!(smoothness(&[0.0, 0.0, 3.0]), 1.0);
        assert!(smoothness(&[0.0, 0.0]).is_nan());
    }

    #[test]
    fn the_naive_path_ends_at_both_presets() {
        let a = Patch::from_values("a", wyrd_schema::defaults());
        let mut b = a.clone();
        b.set_by_id("osc1_waveform", 4.0);
        b.set_by_id("filter_cutoff", 0.0);
        let path = naive_path(&a, &b);
        assert_eq!(path.len(), STEPS);
        assert_eq!(path[0].values(), a.values());
        assert_eq!(path[STEPS - 1].values(), b.values());
        assert_eq!(path[3].get(4), a.get(4));
        assert_eq!(path[4].get(4), 4.0);
    }
}
