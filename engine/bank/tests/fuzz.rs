//! Seeded property test: no input makes a reader panic, and whatever loads is sane.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use wyrd_bank::{bank_to_string, parse_bank, parse_preset_file, preset_to_string, MAX_PRESETS};
use wyrd_schema::{Patch, NUM_PARAMS, PARAMS};

/// Fragments that steer mutations into the parsers' interesting branches.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\0",
    b" ",
    b"\t",
    b"<preset> <name> ",
    b"<parameter> ",
    b"<property> ",
    b"amSynth\n",
    b"amSynth1.0preset",
    b"EOF",
    b"e",
    b"E",
    b"-",
    b"+",
    b".",
    b"1e",
    b"e-45",
    b"e39",
    b"999999999999999999999999999999999999999999999",
    b"0.",
    b"nan",
    b"inf",
    b"amp_attack ",
    b"portamento_mode ",
    b"osc2_range ",
    b"unused ",
    b"\xff",
    b"\xc3\xa9",
];

fn seed_texts(rng: &mut StdRng) -> Vec<Vec<u8>> {
    let patches: Vec<Patch> = (0..3)
        .map(|i| {
            let values: [f32; NUM_PARAMS] =
                std::array::from_fn(|k| rng.gen_range(PARAMS[k].min..=PARAMS[k].max));
            Patch::from_values(format!("p{i}"), values)
        })
        .collect();
    vec![
        bank_to_string(&patches).into_bytes(),
        preset_to_string(&patches[0]).into_bytes(),
    ]
}

fn mutate(rng: &mut StdRng, mut data: Vec<u8>) -> Vec<u8> {
    for _ in 0..rng.gen_range(1..12) {
        let at = rng.gen_range(0..=data.len());
        match rng.gen_range(0..6) {
            0 if at < data.len() => data[at] = rng.gen(),
            1 => {
                let token = TOKENS[rng.gen_range(0..TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            2 => {
                let end = (at + rng.gen_range(0..40)).min(data.len());
                data.drain(at..end);
            }
            3 => data.truncate(at),
            4 => {
                // Duplicate a chunk, e.g. to exceed 128 presets.
                let end = (at + rng.gen_range(0..2000)).min(data.len());
                let chunk = data[at..end].to_vec();
                for _ in 0..rng.gen_range(1..80) {
                    data.extend_from_slice(&chunk);
                }
            }
            _ => {
                let noise: Vec<u8> = (0..rng.gen_range(0..16)).map(|_| rng.gen()).collect();
                data.splice(at..at, noise);
            }
        }
    }
    data
}

/// Returns which readers accepted the input, so the test can tell it explored both outcomes.
fn check(bytes: &[u8]) -> [bool; 2] {
    let text = String::from_utf8_lossy(bytes);
    let bank = parse_bank(&text, "fuzz");
    let preset = parse_preset_file(&text, "fuzz");
    let accepted = [bank.is_ok(), preset.is_ok()];
    if let Ok(bank) = bank {
        assert!(bank.presets.len() <= MAX_PRESETS);
        bank.presets.iter().for_each(check_patch);
        // Whatever loaded writes back to the same values.
        let again = parse_bank(&bank_to_string(&bank.presets), "again").unwrap();
        assert_eq!(again.presets.len(), bank.presets.len());
        for (a, b) in bank.presets.iter().zip(&again.presets) {
            assert_eq!(a.values().map(f32::to_bits), b.values().map(f32::to_bits));
        }
    }
    if let Ok(file) = preset {
        check_patch(&file.patch);
        let again = parse_preset_file(&preset_to_string(&file.patch), "again").unwrap();
        assert_eq!(
            again.patch.values().map(f32::to_bits),
            file.patch.values().map(f32::to_bits)
        );
    }
    accepted
}

fn check_patch(p: &Patch) {
    for (spec, &v) in PARAMS.iter().zip(p.values()) {
        assert!((spec.min..=spec.max).contains(&v), "{} = {v}", spec.id);
    }
}

#[test]
fn readers_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let seeds = seed_texts(&mut rng);
    let (mut banks, mut presets, mut runs) = (0, 0, 0);
    for _ in 0..2000 {
        let base = seeds[rng.gen_range(0..seeds.len())].clone();
        let [bank, preset] = check(&mutate(&mut rng, base));
        banks += usize::from(bank);
        presets += usize::from(preset);
        runs += 1;
    }
    // Both readers must have seen plenty of inputs they accept and plenty they refuse.
    for accepted in [banks, presets] {
        assert!(
            (runs / 20..runs - runs / 20).contains(&accepted),
            "{banks} {presets} of {runs}"
        );
    }
    for _ in 0..500 {
        let len = rng.gen_range(0..300);
        let mut raw: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        if rng.gen_bool(0.5) {
            let header: &[u8] = if rng.gen_bool(0.5) {
                b"amSynth\n"
            } else {
                b"amSynth1.0preset\n"
            };
            raw.splice(0..0, header.iter().copied());
        }
        check(&raw);
    }
}
