//! Variations and random patches (`models/FORMAT.md`, "Sampling").

use wyrd_dataset::{random_patch, Variation};
use wyrd_schema::{defaults, Kind, Patch, PARAMS};

fn presets() -> Vec<Patch> {
    // A few patches away from the range edges, plus the defaults.
    let mut out = vec![Patch::from_values("defaults", defaults())];
    for k in 0..5 {
        let n: [f64; 41] =
            std::array::from_fn(|i| 0.2 + 0.6 * (((i * 7 + k * 13) % 10) as f64 / 10.0));
        out.push(Patch::from_normalized(format!("p{k}"), &n));
    }
    out
}

fn in_range_and_on_grid(p: &Patch) {
    for spec in &PARAMS {
        let v = p.get(spec.index);
        assert!(v >= spec.min && v <= spec.max, "{} = {v}", spec.id);
        assert_eq!(spec.sanitize(v).to_bits(), v.to_bits(), "{} = {v}", spec.id);
    }
}

fn categorical(i: usize) -> Option<usize> {
    match PARAMS[i].kind {
        Kind::Categorical { options } => Some(options.len()),
        _ => None,
    }
}

#[test]
fn variations_are_deterministic_and_in_range() {
    let v = Variation::default();
    for (i, p) in presets().iter().enumerate() {
        for k in 0..4 {
            let a = v.variant(p, i, k);
            assert_eq!(a, v.variant(p, i, k));
            in_range_and_on_grid(&a);
        }
    }
    // Order of computation does not matter (no shared generator).
    let p = &presets()[1];
    let forward: Vec<_> = (0..4).map(|k| v.variant(p, 9, k)).collect();
    let backward: Vec<_> = (0..4).rev().map(|k| v.variant(p, 9, k)).collect();
    assert!(forward.iter().eq(backward.iter().rev()));
}

#[test]
fn sigma_zero_and_p_cat_zero_give_the_preset_back() {
    let v = Variation {
        sigma: 0.0,
        p_cat: 0.0,
        ..Variation::default()
    };
    for (i, p) in presets().iter().enumerate() {
        for k in 0..3 {
            assert_eq!(v.variant(p, i, k).values(), p.values());
        }
    }
}

#[test]
fn p_cat_zero_keeps_categoricals_and_moves_the_rest_by_sigma() {
    let v = Variation {
        sigma: 0.05,
        p_cat: 0.0,
        ..Variation::default()
    };
    let p = &presets()[2];
    let mut steps = Vec::new();
    for k in 0..400 {
        let q = v.variant(p, 0, k);
        for spec in &PARAMS {
            let i = spec.index;
            if categorical(i).is_some() {
                assert_eq!(q.get(i), p.get(i), "{}", spec.id);
            } else if spec.kind == Kind::Continuous {
                steps.push(spec.normalize(q.get(i)) - spec.normalize(p.get(i)));
            }
        }
    }
    // Continuous values of this preset lie in 0.2..0.8, so 0.05 steps are rarely clamped.
    let n = steps.len() as f64;
    let mean = steps.iter().sum::<f64>() / n;
    let sd = (steps.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n).sqrt();
    assert!(mean.abs() < 0.003, "{mean}");
    assert!((sd - 0.05).abs() < 0.003, "{sd}");
}

#[test]
fn p_cat_one_resamples_every_categorical_uniformly() {
    let v = Variation {
        sigma: 0.0,
        p_cat: 1.0,
        ..Variation::default()
    };
    let p = &presets()[0];
    let trials = 4000;
    for spec in &PARAMS {
        let Some(n) = categorical(spec.index) else {
            continue;
        };
        let mut counts = vec![0usize; n];
        let mut changed = 0;
        for k in 0..trials {
            let q = v.variant(p, 3, k);
            let o = q.get(spec.index);
            counts[o as usize] += 1;
            if o != p.get(spec.index) {
                changed += 1;
            }
        }
        // Resampled uniformly: unchanged with probability 1/n.
        let rate = changed as f64 / trials as f64;
        let want = 1.0 - 1.0 / n as f64;
        assert!((rate - want).abs() < 0.03, "{}: {rate} vs {want}", spec.id);
        for (o, &c) in counts.iter().enumerate() {
            let f = c as f64 / trials as f64;
            assert!(
                (f - 1.0 / n as f64).abs() < 0.03,
                "{} option {o}: {f}",
                spec.id
            );
        }
    }
    // With p_cat 0.1 the change rate is 0.1 * (1 - 1/n).
    let v = Variation { p_cat: 0.1, ..v };
    let i = PARAMS.iter().position(|s| s.id == "osc1_waveform").unwrap();
    let changed = (0..trials)
        .filter(|&k| v.variant(p, 5, k).get(i) != p.get(i))
        .count();
    let rate = changed as f64 / trials as f64;
    assert!((rate - 0.08).abs() < 0.015, "{rate}");
}

#[test]
fn random_patches_cover_the_ranges() {
    let patches: Vec<Patch> = (0..2000).map(|i| random_patch(1, i)).collect();
    assert_eq!(patches[17], random_patch(1, 17));
    assert_ne!(patches[17].values(), random_patch(2, 17).values());
    for p in &patches {
        in_range_and_on_grid(p);
    }
    for spec in &PARAMS {
        let n: Vec<f64> = patches
            .iter()
            .map(|p| spec.normalize(p.get(spec.index)))
            .collect();
        let mean = n.iter().sum::<f64>() / n.len() as f64;
        if let Some(options) = categorical(spec.index) {
            let k = (options - 1) as f64;
            // Uniform option index, mean (n-1)/2 of n-1 in the 0..1 view = 0.5.
            assert!((mean - 0.5).abs() < 0.05, "{}: {mean} ({k})", spec.id);
        } else {
            assert!((mean - 0.5).abs() < 0.05, "{}: {mean}", spec.id);
            assert!(
                n.iter().any(|&x| x < 0.1) && n.iter().any(|&x| x > 0.9),
                "{}",
                spec.id
            );
        }
    }
}
