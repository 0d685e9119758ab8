//! The bank reader and writer on hand-made input.

mod common;

use rand::{Rng, SeedableRng};
use wyrd_bank::{
    bank_to_string, parse_bank, read_bank, write_bank, BankError, Reason, WarningKind,
};
use wyrd_schema::{find, Patch, NUM_PARAMS, PARAMS};

fn value(p: &Patch, id: &str) -> f32 {
    p.get(find(id).unwrap().index)
}

fn syntax_error(text: &str) -> (usize, Reason, String) {
    let err = parse_bank(text, "path/to/x.bank").expect_err(text);
    let shown = err.to_string();
    match err {
        BankError::Syntax {
            origin,
            line,
            reason,
        } => {
            assert_eq!(origin, "path/to/x.bank");
            (line, reason, shown)
        }
        other => panic!("{other}"),
    }
}

#[test]
fn minimal_bank() {
    let bank = parse_bank(
        "amSynth\n<preset> <name> Lead  2\n<parameter> amp_attack 0.5\nEOF\n",
        "m",
    )
    .unwrap();
    assert!(bank.warnings.is_empty());
    assert_eq!(bank.presets.len(), 1);
    assert_eq!(bank.presets[0].name, "Lead  2");
    assert_eq!(value(&bank.presets[0], "amp_attack"), 0.5);
    let empty = parse_bank("amSynth\n", "m").unwrap();
    assert!(empty.presets.is_empty() && empty.warnings.is_empty());
}

#[test]
fn missing_parameters_take_defaults_and_each_preset_starts_fresh() {
    let text =
        "amSynth\n<preset> <name> a\n<parameter> master_vol 0.25\n<parameter> osc2_range 2\n\
                <preset> <name> b\n<parameter> amp_sustain 0.5\n";
    let bank = parse_bank(text, "m").unwrap();
    let (a, b) = (&bank.presets[0], &bank.presets[1]);
    assert_eq!(value(a, "master_vol"), 0.25);
    assert_eq!(value(a, "osc2_range"), 2.0);
    assert_eq!(value(b, "master_vol"), 0.67);
    assert_eq!(value(b, "osc2_range"), 0.0);
    assert_eq!(value(b, "amp_sustain"), 0.5);
    for spec in &PARAMS {
        if spec.id != "amp_sustain" {
            assert_eq!(b.get(spec.index), spec.default, "{}", spec.id);
        }
    }
}

#[test]
fn values_pass_the_setter() {
    let text = "amSynth\n<preset> <name> s\n<parameter> osc2_range 1.5\n<parameter> osc2_pitch -20\n\
                <parameter> filter_resonance 2\n<parameter> osc1_waveform 2.4\n\
                <parameter> portamento_mode 0.9\n<parameter> master_vol 0.3\n<parameter> master_vol 0.4\n";
    let p = &parse_bank(text, "m").unwrap().presets[0];
    assert_eq!(value(p, "osc2_range"), 2.0); // nearest step, halves away from zero
    assert_eq!(value(p, "osc2_pitch"), -12.0); // clamped
    assert_eq!(value(p, "filter_resonance"), 0.97);
    assert_eq!(value(p, "osc1_waveform"), 2.0);
    assert_eq!(value(p, "portamento_mode"), 0.0); // amSynth 1.13.x truncates
    assert_eq!(value(p, "master_vol"), 0.4); // the last line wins
}

#[test]
fn value_text_follows_amsynth() {
    let text =
        "amSynth\n<preset> <name> v\n<parameter> amp_attack 0.5\r\n<parameter> amp_decay +1.25\n\
                <parameter> osc_mix -0.5 \n<parameter> osc2_detune -1.2e-07\n\
                <parameter> filter_env_amount 1.5E1\n<parameter> amp_release 2.5e0 # note\n";
    let bank = parse_bank(text, "m").unwrap();
    assert!(bank.warnings.is_empty());
    let p = &bank.presets[0];
    assert_eq!(value(p, "amp_attack"), 0.5);
    assert_eq!(value(p, "amp_decay"), 1.25);
    assert_eq!(value(p, "osc_mix"), -0.5);
    assert_eq!(value(p, "osc2_detune"), -1.2e-07);
    // Without a lowercase 'e', amSynth's digit reader skips 'E': "1.5E1" reads as 1.51.
    assert_eq!(value(p, "filter_env_amount").to_bits(), 1.51f32.to_bits());
    assert_eq!(value(p, "amp_release"), 2.5);
}

#[test]
fn unknown_names_warn_with_line_and_are_skipped() {
    let text = "amSynth\n<preset> <name> u\n<parameter> amp_attack 0.5\n<parameter> wobble 3\n\
                <parameter> amp_decay 0.25\n<parameter> unused 1\n";
    let bank = parse_bank(text, "dir/u.bank").unwrap();
    let p = &bank.presets[0];
    assert_eq!(value(p, "amp_attack"), 0.5);
    assert_eq!(value(p, "amp_decay"), 0.25);
    assert_eq!(bank.warnings.len(), 2);
    assert_eq!(bank.warnings[0].line, 4);
    assert_eq!(
        bank.warnings[0].kind,
        WarningKind::UnknownParameter {
            name: "wobble".into()
        }
    );
    assert_eq!(
        bank.warnings[0].to_string(),
        "dir/u.bank:4: unknown parameter \"wobble\" skipped"
    );
    assert_eq!(bank.warnings[1].line, 6);
}

#[test]
fn bad_header() {
    for text in [
        "",
        "amSynth",
        "amsynth\n",
        "amSynth\r\n<preset> <name> x\n",
        "\u{feff}amSynth\n",
        "x",
    ] {
        let (line, reason, shown) = syntax_error(text);
        assert_eq!(line, 1);
        assert!(matches!(reason, Reason::BadBankHeader { .. }), "{reason:?}");
        assert!(
            shown.starts_with("path/to/x.bank:1: not an amSynth bank"),
            "{shown}"
        );
    }
}

#[test]
fn unparseable_value() {
    let (line, reason, shown) =
        syntax_error("amSynth\n<preset> <name> a\n<parameter> amp_attack abc\n");
    assert_eq!(line, 3);
    assert_eq!(
        reason,
        Reason::BadValue {
            name: "amp_attack".into(),
            value: "abc".into()
        }
    );
    assert_eq!(
        shown,
        "path/to/x.bank:3: <parameter> amp_attack: \"abc\" is not a number"
    );
    for bad in ["-", ".", "1e", "e5", "abcde", "1e+", "--"] {
        let text = format!("amSynth\n<preset> <name> a\n\n<parameter> amp_decay {bad}\n");
        let (line, reason, _) = syntax_error(&text);
        assert_eq!(line, 4, "{bad}");
        assert!(
            matches!(reason, Reason::BadValue { .. }),
            "{bad}: {reason:?}"
        );
    }
}

#[test]
fn missing_value() {
    for (text, want) in [
        (
            "amSynth\n<preset> <name> a\n<parameter> amp_attack\n",
            "amp_attack",
        ),
        (
            "amSynth\n<preset> <name> a\n<parameter> amp_attack \n",
            "amp_attack",
        ),
        (
            "amSynth\n<preset> <name> a\n<parameter> amp_attack \r\n",
            "amp_attack",
        ),
    ] {
        let (line, reason, shown) = syntax_error(text);
        assert_eq!(line, 3);
        assert_eq!(reason, Reason::MissingValue { name: want.into() });
        assert_eq!(
            shown,
            "path/to/x.bank:3: <parameter> amp_attack has no value"
        );
    }
    let (line, reason, _) = syntax_error("amSynth\n<preset> <name> a\n<parameter> \n");
    assert_eq!((line, reason), (3, Reason::MissingName));
}

#[test]
fn parameter_before_first_preset() {
    let (line, reason, shown) = syntax_error("amSynth\n\n<parameter> amp_attack 1\n");
    assert_eq!(line, 3);
    assert_eq!(
        reason,
        Reason::ParameterBeforePreset {
            name: "amp_attack".into()
        }
    );
    assert!(shown.starts_with("path/to/x.bank:3: "), "{shown}");
}

#[test]
fn at_most_128_presets() {
    let mut text = String::from("amSynth\n");
    for i in 0..128 {
        text.push_str(&format!(
            "<preset> <name> p{i}\n<parameter> amp_attack 0.1\n"
        ));
    }
    assert_eq!(parse_bank(&text, "m").unwrap().presets.len(), 128);
    text.push_str("<preset> <name> one too many\n");
    let (line, reason, _) = syntax_error(&text);
    assert_eq!((line, reason), (1 + 128 * 2 + 1, Reason::TooManyPresets));
}

#[test]
fn lines_amsynth_ignores() {
    // No line break after the last line: amSynth drops it.
    let text = "amSynth\n<preset> <name> a\n<parameter> amp_attack 0.5\n<parameter> amp_decay 0.5";
    let bank = parse_bank(text, "m").unwrap();
    assert_eq!(value(&bank.presets[0], "amp_decay"), 0.0);
    assert_eq!(bank.warnings.len(), 1);
    assert_eq!(bank.warnings[0].line, 4);
    assert!(matches!(
        bank.warnings[0].kind,
        WarningKind::UnterminatedLastLine { .. }
    ));
    // An unterminated EOF, blank lines and EOF in the middle are silent.
    let text = "amSynth\n\n<preset> <name> a\nEOF\n<parameter> amp_attack 0.5\nEOF";
    let bank = parse_bank(text, "m").unwrap();
    assert!(bank.warnings.is_empty(), "{:?}", bank.warnings);
    assert_eq!(value(&bank.presets[0], "amp_attack"), 0.5);
    // Other lines are ignored with a warning; "<preset> <name>" without the space is not a
    // preset line for amSynth either.
    let text =
        "amSynth\n<preset> <name> a\n# comment\n<preset> <name>\n<parameter> amp_attack 0.5\n";
    let bank = parse_bank(text, "m").unwrap();
    assert_eq!(bank.presets.len(), 1);
    assert_eq!(value(&bank.presets[0], "amp_attack"), 0.5);
    assert_eq!(
        bank.warnings.iter().map(|w| w.line).collect::<Vec<_>>(),
        [3, 4]
    );
}

#[test]
fn nul_ends_the_file_and_crlf_stays_in_names() {
    let text =
        "amSynth\n<preset> <name> a\n<parameter> amp_attack 0.5\n\0<parameter> amp_decay 1\n";
    let bank = parse_bank(text, "m").unwrap();
    assert_eq!(value(&bank.presets[0], "amp_decay"), 0.0);
    assert_eq!(bank.warnings[0].kind, WarningKind::NulByte);
    assert_eq!(bank.warnings[0].line, 4);

    let text = "amSynth\r\n";
    assert!(parse_bank(text, "m").is_err());
    let text = "amSynth\n<preset> <name> a\r\n<parameter> amp_attack 0.5\r\n<preset> <name> b\r\n";
    let bank = parse_bank(text, "m").unwrap();
    assert_eq!(bank.presets[0].name, "a\r");
    assert_eq!(value(&bank.presets[0], "amp_attack"), 0.5);
    assert_eq!(bank.warnings.len(), 1); // once per file
    assert_eq!(bank.warnings[0].kind, WarningKind::CarriageReturnInName);
}

#[test]
fn files_name_the_path() {
    let missing = common::temp_path("does-not-exist.bank");
    let err = read_bank(&missing).unwrap_err();
    assert!(matches!(err, BankError::Io { .. }));
    assert!(
        err.to_string().starts_with(&missing.display().to_string()),
        "{err}"
    );

    let path = common::temp_path("bad.bank");
    std::fs::write(
        &path,
        "amSynth\n<preset> <name> a\n<parameter> amp_attack x\n",
    )
    .unwrap();
    let err = read_bank(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(err.line(), Some(3));
    assert!(
        err.to_string()
            .starts_with(&format!("{}:3: ", path.display())),
        "{err}"
    );

    // Non-UTF-8 bytes (an old Latin-1 name) load with a warning.
    let path = common::temp_path("latin1.bank");
    std::fs::write(
        &path,
        b"amSynth\n<preset> <name> Caf\xe9\n<parameter> amp_attack 1\n",
    )
    .unwrap();
    let bank = read_bank(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(bank.presets[0].name, "Caf\u{fffd}");
    assert_eq!(bank.warnings[0].kind, WarningKind::InvalidUtf8);
    assert_eq!(bank.warnings[0].line, 2);
}

fn random_patch(rng: &mut impl Rng, i: usize) -> Patch {
    let values: [f32; NUM_PARAMS] = std::array::from_fn(|k| {
        let spec = &PARAMS[k];
        match rng.gen_range(0..10) {
            0 => spec.min,
            1 => spec.max,
            2 => f32::from_bits(rng.gen()), // anything, NaN and infinities included
            3 => rng.gen_range(-1e-6f32..1e-6),
            _ => rng.gen_range(spec.min..=spec.max),
        }
    });
    let len = rng.gen_range(0..20);
    let name: String = (0..len)
        .map(|_| match rng.gen_range(0..8) {
            0 => ' ',
            1 => '\r', // survives in banks (not in preset files)
            2 => 'é',
            _ => rng.gen_range('!'..='~'),
        })
        .collect();
    Patch::from_values(format!("{i}{name}"), values)
}

#[test]
fn random_patches_round_trip_exactly() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(41);
    for round in 0..20 {
        let presets: Vec<Patch> = (0..rng.gen_range(0..=128))
            .map(|i| random_patch(&mut rng, i))
            .collect();
        let back = parse_bank(&bank_to_string(&presets), "written").unwrap();
        assert_eq!(back.presets.len(), presets.len(), "round {round}");
        for (a, b) in presets.iter().zip(&back.presets) {
            assert_eq!(a.name, b.name);
            assert_eq!(
                a.values().map(f32::to_bits),
                b.values().map(f32::to_bits),
                "{}",
                a.name
            );
        }
    }
}

#[test]
fn write_bank_to_disk_and_refuse_129_presets() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let presets: Vec<Patch> = (0..5).map(|i| random_patch(&mut rng, i)).collect();
    let path = common::temp_path("written.bank");
    write_bank(&path, &presets).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let back = read_bank(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(back.presets, presets);
    assert!(text.starts_with("amSynth\n<preset> <name> 0"));
    assert!(text.ends_with("\nEOF\n"));
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("<parameter> "))
            .count(),
        5 * 41
    );

    let too_many = vec![Patch::default(); 129];
    let err = write_bank(&path, &too_many).unwrap_err();
    assert!(
        matches!(err, BankError::TooManyToWrite { count: 129, .. }),
        "{err}"
    );
    assert!(!path.exists());
}

#[test]
fn names_with_line_breaks_cannot_break_the_file() {
    let mut p = Patch::default();
    p.name = "two\nlines".into();
    let back = parse_bank(&bank_to_string(&[p]), "m").unwrap();
    assert_eq!(back.presets.len(), 1);
    assert_eq!(back.presets[0].name, "two lines");
    assert!(back.warnings.is_empty());
}
