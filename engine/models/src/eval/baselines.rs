//! The baselines a note matcher must beat, all from the training set: the nearest training
//! render by MFCC distance, the mean training patch, a random training patch.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use wyrd_dataset::Encoding;
use wyrd_schema::Patch;

use super::data::Dataset;

/// For each test item, the training item (same note where the training set has that note,
/// since a matcher is told the note too) with the least mean absolute MFCC difference over the
/// whole `[T, 20]` note features; its patch is the prediction.
pub fn knn(train: &Dataset, test: &Dataset) -> Vec<Patch> {
    let by_note = |note: i32| -> Vec<usize> {
        let same: Vec<usize> = (0..train.len())
            .filter(|&j| train.note[j] == note)
            .collect();
        if same.is_empty() {
            (0..train.len()).collect()
        } else {
            same
        }
    };
    let mut notes: Vec<i32> = test.note.clone();
    notes.sort_unstable();
    notes.dedup();
    let candidates: std::collections::HashMap<i32, Vec<usize>> =
        notes.into_iter().map(|n| (n, by_note(n))).collect();
    (0..test.len())
        .into_par_iter()
        .map(|i| {
            let q = test.mfcc_of(i);
            let best = candidates[&test.note[i]]
                .iter()
                .map(|&j| {
                    let d: f32 = q
                        .iter()
                        .zip(train.mfcc_of(j))
                        .map(|(a, b)| (a - b).abs())
                        .sum();
                    (d, j)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map_or(0, |(_, j)| j);
            let mut p = train.patch(best);
            p.name = format!("knn of item {i}");
            p
        })
        .collect()
}

/// Continuous mean and categorical mode of the training encodings (argmax of the mean one-hot
/// is the mode).
pub fn mean_patch(train: &Dataset) -> Patch {
    let e = Encoding::new();
    let mut sum = vec![0.0f64; e.width()];
    for x in &train.x {
        for (s, v) in sum.iter_mut().zip(x) {
            *s += f64::from(*v);
        }
    }
    let n = train.len().max(1) as f64;
    let mean: Vec<f32> = sum.iter().map(|s| (s / n) as f32).collect();
    let base = Patch::from_values("mean", wyrd_schema::defaults());
    let mut p = e.decode_x(&mean, &base);
    p.name = "mean training patch".into();
    p
}

/// A random training item's patch per test item, seeded.
pub fn random_patches(train: &Dataset, n: usize, seed: u64) -> Vec<Patch> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| train.patch(rng.gen_range(0..train.len().max(1))))
        .collect()
}

/// Uniform random patches: continuous uniform in the 0..1 view, categoricals uniform, seeded.
pub fn uniform_patches(n: usize, seed: u64) -> Vec<Patch> {
    let e = Encoding::new();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let base = Patch::from_values("uniform", wyrd_schema::defaults());
    (0..n)
        .map(|_| {
            let cont: Vec<f32> = (0..e.n_cont()).map(|_| rng.gen::<f32>()).collect();
            let mut cat = vec![0.0; e.n_cat()];
            for g in &e.groups {
                cat[g.offset + rng.gen_range(0..g.size())] = 1.0;
            }
            e.decode(&cont, &cat, &base)
        })
        .collect()
}

/// `n` latent vectors from N(0, I), seeded (Box–Muller, so no extra dependency).
pub fn normal_latents(n: usize, d: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            (0..d)
                .map(|_| {
                    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
                    let u2: f64 = rng.gen();
                    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
                })
                .collect()
        })
        .collect()
}
