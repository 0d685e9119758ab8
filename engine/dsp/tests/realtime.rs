//! The audio path never allocates: every call a host makes from its process callback runs under
//! an allocation guard that aborts the test process on any (de)allocation.
use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use rand::{Rng, SeedableRng};
use wyrd_dsp::Synth;
use wyrd_schema::{Patch, NUM_PARAMS};

#[global_allocator]
static ALLOC: AllocDisabler = AllocDisabler;

#[test]
fn process_and_controls_never_allocate() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let patches: Vec<Patch> = (0..64)
        .map(|_| {
            let n: [f64; NUM_PARAMS] = std::array::from_fn(|_| rng.gen());
            let mut p = Patch::from_normalized("", &n);
            p.set(27, 0.5); // reverb on: its delay lines are the biggest state
            p
        })
        .collect();
    let mut synth = Synth::new(48_000.0, 16);
    let mut l = vec![0.0f32; 256];
    let mut r = vec![0.0f32; 256];
    let mut ops = 0u32;
    assert_no_alloc(|| {
        for (b, patch) in patches.iter().enumerate() {
            if b % 8 == 0 {
                synth.load_patch(patch.values());
            } else {
                synth.set_patch(patch.values());
            }
            // More notes than voices: stealing and fading run too.
            for k in 0..24u8 {
                synth.note_on(36 + k + b as u8 % 12, 100);
            }
            synth.set_sustain(b % 2 == 0);
            synth.set_pitch_bend((b as f32 - 32.0) / 16.0);
            for len in [256usize, 1, 63, 64, 100] {
                synth.process(&mut l[..len], &mut r[..len]);
                ops += 1;
            }
            for k in 0..24u8 {
                synth.note_off(36 + k + b as u8 % 12);
            }
            synth.set_param(32, (b % 3) as f32); // keyboard mode changes kill voices
            synth.process(&mut l, &mut r);
        }
        synth.all_notes_off();
        synth.all_sound_off();
    });
    assert_eq!(ops, 64 * 5);
    assert!(l.iter().all(|s| s.is_finite()));
}
