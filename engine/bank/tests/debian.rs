//! The 28 banks shipped with Debian's amsynth 1.13.2 (fetched by `./setup.sh banks`).

mod common;

use std::collections::{HashMap, HashSet};

use common::{bank, debian_banks, file_name};
use wyrd_bank::{bank_to_string, parse_bank};
use wyrd_schema::{find, Patch, PARAMS};

fn value(p: &Patch, id: &str) -> f32 {
    p.get(find(id).unwrap().index)
}

/// Equal to within the reader's single-precision accumulation (≤ a few ulps).
fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 4.0 * f32::EPSILON * b.abs().max(f32::MIN_POSITIVE)
}

#[test]
fn all_banks_load_without_warnings() {
    let banks = debian_banks();
    let total: usize = banks.iter().map(|(_, b)| b.presets.len()).sum();
    assert_eq!(total, 3482);
    for (path, bank) in &banks {
        assert!(
            bank.warnings.is_empty(),
            "{}: {:?}",
            path.display(),
            bank.warnings
        );
        let expected = if file_name(path) == "amsynth_factory.bank" {
            26
        } else {
            128
        };
        assert_eq!(bank.presets.len(), expected, "{}", path.display());
    }
}

/// ../shared/amsynth-params.md §4 counts 3303 distinct vectors. The count is the same whether
/// portamento_mode is truncated (the schema, like amSynth 1.13.x), rounded (amSynth HEAD) or kept
/// fractional: the 24 presets with a fractional value differ from each other elsewhere.
#[test]
fn distinct_parameter_vectors() {
    let banks = debian_banks();
    let vectors: HashSet<[u32; 41]> = banks
        .iter()
        .flat_map(|(_, b)| &b.presets)
        .map(|p| p.values().map(f32::to_bits))
        .collect();
    assert_eq!(vectors.len(), 3303);
    let with_names: HashSet<(&str, [u32; 41])> = banks
        .iter()
        .flat_map(|(_, b)| &b.presets)
        .map(|p| (p.name.as_str(), p.values().map(f32::to_bits)))
        .collect();
    assert_eq!(with_names.len(), 3307);
    let names: HashSet<&str> = with_names.iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), 3276);

    let mut counts: HashMap<[u32; 41], usize> = HashMap::new();
    for p in banks.iter().flat_map(|(_, b)| &b.presets) {
        *counts.entry(p.values().map(f32::to_bits)).or_default() += 1;
    }
    assert_eq!(counts.values().filter(|&&n| n > 1).count(), 116);
    assert_eq!(counts.values().filter(|&&n| n > 1).sum::<usize>(), 295);
    assert_eq!(counts.values().max(), Some(&59)); // "YouPickWhich"
}

#[test]
fn spot_checks_brians_bank_01() {
    let banks = debian_banks();
    let b = bank(&banks, "BriansBank01.amSynth.bank");
    let p = &b.presets[0];
    assert_eq!(p.name, "basic11");
    assert!(close(value(p, "amp_attack"), 0.0333333));
    assert!(close(value(p, "amp_decay"), 1.70001));
    assert_eq!(value(p, "amp_sustain"), 0.0);
    assert_eq!(value(p, "osc1_waveform"), 2.0);
    assert!(close(value(p, "filter_env_amount"), 11.84));
    assert!(close(value(p, "filter_cutoff"), -0.279528));
    assert_eq!(value(p, "osc2_waveform"), 1.0);
    assert_eq!(value(p, "lfo_freq"), 7.5);
    assert_eq!(value(p, "lfo_waveform"), 1.0);
    assert_eq!(value(p, "amp_mod_amount"), -1.0);
    assert_eq!(value(p, "filter_slope"), 1.0);
    // The reader's single-precision accumulation, not the nearest f32 to 0.0333333.
    let mut fact = 1.0f32;
    for _ in 0..7 {
        fact /= 10.0;
    }
    assert_eq!(
        value(p, "amp_attack").to_bits(),
        (333_333.0f32 * fact).to_bits()
    );
    // `e` notation is parsed correctly rounded (preset 28, line 1051).
    assert_eq!(value(&b.presets[28], "osc2_detune"), 1.42927e-08);
}

#[test]
fn spot_checks_41_parameter_bank_and_names() {
    let banks = debian_banks();
    let patrik = bank(&banks, "PatriksBank01.bank");
    // Names are the rest of the line verbatim, trailing space included.
    assert_eq!(patrik.presets[0].name, "Rockin' Piano ");
    let p = &patrik.presets[61];
    assert_eq!(p.name, "Drilling Lead");
    assert!(close(value(p, "filter_env_amount"), -6.07252));
    assert_eq!(value(p, "osc2_range"), 3.0);
    assert_eq!(value(p, "keyboard_mode"), 1.0);
    assert_eq!(value(p, "freq_mod_osc"), 0.0);
    assert!(close(value(p, "filter_kbd_track"), 0.580431));
    assert!(close(value(p, "amp_vel_sens"), 0.390286));
    // Stored 0.690891: amSynth 1.13.x treats it as 0 ("always"), and so does the schema.
    assert_eq!(value(p, "portamento_mode"), 0.0);

    let factory = bank(&banks, "amsynth_factory.bank");
    assert_eq!(factory.presets[0].name, "Derren 1");
    assert!(close(value(&factory.presets[0], "amp_attack"), 0.15));

    let you_pick = banks
        .iter()
        .flat_map(|(_, b)| &b.presets)
        .filter(|p| p.name == "YouPickWhich")
        .count();
    assert_eq!(you_pick, 59);
}

/// 36-parameter banks (BriansBank01–17, factory) lack params 36–40, BriansBank18 lacks 40:
/// those presets must carry the defaults (full velocity sensitivity and key tracking).
#[test]
fn missing_parameters_take_defaults() {
    let banks = debian_banks();
    let mut checked = 0;
    for (path, bank) in &banks {
        let text = std::fs::read_to_string(path).unwrap();
        let first_missing = if !text.contains("freq_mod_osc") {
            36
        } else if !text.contains("portamento_mode") {
            40
        } else {
            continue;
        };
        for p in &bank.presets {
            for spec in &PARAMS[first_missing..] {
                assert_eq!(
                    p.get(spec.index),
                    spec.default,
                    "{} {} {}",
                    path.display(),
                    p.name,
                    spec.id
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 2202 + 128);
}

#[test]
fn write_read_round_trip_is_exact_for_every_preset() {
    for (path, bank) in debian_banks() {
        let text = bank_to_string(&bank.presets);
        let back = parse_bank(&text, "written").unwrap();
        assert!(back.warnings.is_empty());
        assert_eq!(back.presets.len(), bank.presets.len());
        for (a, b) in bank.presets.iter().zip(&back.presets) {
            assert_eq!(a.name, b.name, "{}", path.display());
            assert_eq!(
                a.values().map(f32::to_bits),
                b.values().map(f32::to_bits),
                "{} {}",
                path.display(),
                a.name
            );
        }
    }
}

/// Our numbers are amSynth's own text whenever that reads back exactly, which it always does
/// for values amSynth wrote: every original line comes back unchanged, except the 24
/// fractional portamento_mode values the schema truncates. Banks with all 41 parameters and
/// no such value come back byte for byte (BriansBank19 lacks the final line break).
#[test]
fn writing_reproduces_amsynth_text() {
    let mut changed = Vec::new();
    let mut identical = 0;
    for (path, bank) in debian_banks() {
        let original = std::fs::read_to_string(&path).unwrap();
        let written = bank_to_string(&bank.presets);
        let lines: HashSet<&str> = written.lines().collect();
        changed.extend(
            original
                .lines()
                .filter(|l| !lines.contains(l))
                .map(str::to_owned),
        );
        if original.contains("portamento_mode") && !original.contains("portamento_mode 0.") {
            let original = original.strip_suffix('\n').unwrap_or(&original);
            assert!(
                written.strip_suffix('\n') == Some(original),
                "{} differs",
                path.display()
            );
            identical += 1;
        }
    }
    assert_eq!(identical, 4); // BriansBank19, BriansBank20, PatriksBank03, PatriksBank05
    assert_eq!(changed.len(), 24, "{changed:?}");
    assert!(changed
        .iter()
        .all(|l| l.starts_with("<parameter> portamento_mode 0.")));
}
