//! No parameter combination sends NaN/Inf or a sample above 0 dBFS to the output.
mod common;
use common::*;
use rand::{Rng, SeedableRng};
use wyrd_dsp::Synth;
use wyrd_schema::{Patch, NUM_PARAMS};

fn check(l: &[f32], r: &[f32], what: &str) {
    for (i, s) in l.iter().chain(r).enumerate() {
        assert!(s.is_finite() && s.abs() <= 1.0, "{what}: sample {i} is {s}");
    }
}

#[test]
fn ten_thousand_random_patches_stay_finite_and_within_0dbfs() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2024);
    let mut l = vec![0.0f32; 2400];
    let mut r = vec![0.0f32; 2400];
    let mut loud = 0;
    for i in 0..10_000 {
        let n: [f64; NUM_PARAMS] = std::array::from_fn(|_| rng.gen());
        let patch = Patch::from_normalized("random", &n);
        let mut synth = Synth::new(SR, 16);
        synth.seed_noise(i);
        synth.load_patch(patch.values());
        let notes = [
            rng.gen_range(0..128u8),
            rng.gen_range(0..128u8),
            rng.gen_range(0..128u8),
        ];
        for &k in &notes {
            synth.note_on(k, rng.gen_range(1..=127));
        }
        synth.process(&mut l[..1200], &mut r[..1200]);
        for &k in &notes {
            synth.note_off(k);
        }
        synth.process(&mut l[1200..], &mut r[1200..]);
        check(&l, &r, &format!("patch {i}: {:?}", patch.values()));
        loud += usize::from(peak(&l) > 0.01);
    }
    // The property is only meaningful if most random patches actually make sound.
    assert!(
        loud > 5_000,
        "only {loud} of 10000 random patches were audible"
    );
}

#[test]
fn extreme_patches_and_garbage_values_are_safe() {
    let specs = &wyrd_schema::PARAMS;
    let all_min: [f32; NUM_PARAMS] = std::array::from_fn(|i| specs[i].min);
    let all_max: [f32; NUM_PARAMS] = std::array::from_fn(|i| specs[i].max);
    let garbage = [f32::NAN; NUM_PARAMS];
    let huge = [f32::INFINITY; NUM_PARAMS];
    for (name, p) in [
        ("min", all_min),
        ("max", all_max),
        ("nan", garbage),
        ("inf", huge),
    ] {
        let mut synth = Synth::new(SR, 16);
        synth.load_patch(&p);
        for k in [0u8, 60, 127] {
            synth.note_on(k, 127);
        }
        let mut l = vec![0.0; 48_000];
        let mut r = vec![0.0; 48_000];
        synth.process(&mut l, &mut r);
        check(&l, &r, name);
    }
}

#[test]
fn streaming_random_values_every_block_is_safe() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut synth = Synth::new(SR, 16);
    let mut l = [0.0f32; 64];
    let mut r = [0.0f32; 64];
    for block in 0..20_000 {
        if block % 50 == 0 {
            synth.note_on(rng.gen_range(20..110), rng.gen_range(1..=127));
        }
        if block % 70 == 0 {
            synth.note_off(rng.gen_range(20..110));
        }
        let i = rng.gen_range(0..NUM_PARAMS);
        let v = wyrd_schema::PARAMS[i].denormalize(rng.gen());
        synth.set_param(i, v);
        synth.process(&mut l, &mut r);
        check(&l, &r, &format!("block {block}"));
    }
}
