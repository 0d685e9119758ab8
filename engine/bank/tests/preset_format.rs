//! Single presets (`amSynth1.0preset`).

mod common;

use rand::{Rng, SeedableRng};
use wyrd_bank::{
    parse_preset, parse_preset_file, preset_to_string, read_preset, read_preset_file, write_preset,
    BankError, Reason, WarningKind,
};
use wyrd_schema::{find, Patch, NUM_PARAMS, PARAMS};

fn value(p: &Patch, id: &str) -> f32 {
    p.get(find(id).unwrap().index)
}

/// What amSynth's plugin state looks like (Preset::toString plus properties).
const STATE: &str =
    "amSynth1.0preset\n<preset> <name> Fat  Bass \n<parameter> amp_attack 0.0333333\n\
<parameter> unused 0\n<parameter> osc2_range -1\n<parameter> portamento_mode 1\n\
<property> max_polyphony 10\n<property> tuning_scl_file /home/me/my scales/a.scl\n\
<property> pitch_bend_range 2\n";

#[test]
fn reads_amsynth_state() {
    let file = parse_preset_file(STATE, "state").unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let p = &file.patch;
    assert_eq!(p.name, "Fat  Bass ");
    // Preset values go through a stream, i.e. correctly rounded (unlike banks).
    assert_eq!(value(p, "amp_attack"), 0.0333333);
    assert_eq!(value(p, "osc2_range"), -1.0);
    assert_eq!(value(p, "portamento_mode"), 1.0);
    assert_eq!(value(p, "master_vol"), 0.67); // absent: default
    assert_eq!(file.properties["max_polyphony"], "10");
    assert_eq!(
        file.properties["tuning_scl_file"],
        "/home/me/my scales/a.scl"
    );
    assert_eq!(file.properties.len(), 3);
    assert_eq!(parse_preset(STATE, "state").unwrap(), file.patch);
}

#[test]
fn lenient_about_layout() {
    let text = "  amSynth1.0preset <preset> <name> x\r\n\r\n<parameter>\tamp_decay   0.5\r\n\
                <parameter> wobble 1\n<parameter> amp_release 0.25 extra\nEOF";
    let file = parse_preset_file(text, "p").unwrap();
    assert_eq!(file.patch.name, "x");
    assert_eq!(value(&file.patch, "amp_decay"), 0.5);
    assert_eq!(value(&file.patch, "amp_release"), 0.25);
    let kinds: Vec<_> = file
        .warnings
        .iter()
        .map(|w| (w.line, w.kind.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                4,
                WarningKind::UnknownParameter {
                    name: "wobble".into()
                }
            ),
            (
                5,
                WarningKind::ExtraText {
                    text: "extra".into()
                }
            ),
            (6, WarningKind::IgnoredLine { text: "EOF".into() }),
        ]
    );
    let empty_name = parse_preset("amSynth1.0preset\n<preset> <name>\n", "p").unwrap();
    assert_eq!(empty_name.name, "");
}

fn error(text: &str) -> (usize, Reason) {
    match parse_preset(text, "dir/p.amSynthPreset").expect_err(text) {
        e @ BankError::Syntax { .. } => {
            let line = e.line().unwrap();
            assert!(
                e.to_string()
                    .starts_with(&format!("dir/p.amSynthPreset:{line}: ")),
                "{e}"
            );
            (line, e.reason().unwrap().clone())
        }
        other => panic!("{other}"),
    }
}

#[test]
fn malformed_presets() {
    assert_eq!(error("").0, 1);
    assert!(matches!(
        error("amSynth\n<preset> <name> x\n").1,
        Reason::BadPresetHeader { .. }
    ));
    assert!(matches!(
        error("\n\nsomething else\n"),
        (3, Reason::BadPresetHeader { .. })
    ));
    assert_eq!(error("amSynth1.0preset\n"), (2, Reason::NoPreset));
    assert_eq!(
        error("amSynth1.0preset\n<preset> x\n"),
        (2, Reason::MalformedPresetLine)
    );
    assert_eq!(
        error("amSynth1.0preset\n<preset> <name> a\n<preset> <name> b\n"),
        (3, Reason::SecondPreset)
    );
    assert_eq!(
        error("amSynth1.0preset\n<parameter> amp_attack 1\n<preset> <name> a\n"),
        (
            2,
            Reason::ParameterBeforePreset {
                name: "amp_attack".into()
            }
        )
    );
    assert_eq!(
        error("amSynth1.0preset\n<preset> <name> a\n<parameter> amp_attack\n"),
        (
            3,
            Reason::MissingValue {
                name: "amp_attack".into()
            }
        )
    );
    assert_eq!(
        error("amSynth1.0preset\n<preset> <name> a\n<parameter>\n"),
        (3, Reason::MissingName)
    );
    assert_eq!(
        error("amSynth1.0preset\n<preset> <name> a\n<parameter> amp_attack abc\n"),
        (
            3,
            Reason::BadValue {
                name: "amp_attack".into(),
                value: "abc".into()
            }
        )
    );
}

#[test]
fn random_presets_round_trip_exactly() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for i in 0..2000 {
        let values: [f32; NUM_PARAMS] = std::array::from_fn(|k| match rng.gen_range(0..4) {
            0 => f32::from_bits(rng.gen()),
            _ => rng.gen_range(PARAMS[k].min..=PARAMS[k].max),
        });
        let name: String = (0..rng.gen_range(0..16))
            .map(|_| rng.gen_range(' '..='~'))
            .collect();
        let patch = Patch::from_values(format!("{i} {name} "), values);
        let text = preset_to_string(&patch);
        assert!(text.starts_with("amSynth1.0preset\n<preset> <name> "));
        let back = parse_preset_file(&text, "written").unwrap();
        assert!(back.warnings.is_empty());
        assert_eq!(back.patch.name, patch.name);
        assert_eq!(
            back.patch.values().map(f32::to_bits),
            patch.values().map(f32::to_bits)
        );
    }
}

#[test]
fn preset_files_on_disk() {
    let mut patch = Patch::default();
    patch.name = "line\nbreak".into();
    patch.set(find("filter_cutoff").unwrap().index, 0.123_456_79);
    let path = common::temp_path("p.amSynthPreset");
    write_preset(&path, &patch).unwrap();
    let back = read_preset(&path).unwrap();
    let file = read_preset_file(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(back.name, "line break");
    assert_eq!(back.values(), patch.values());
    assert!(file.properties.is_empty() && file.warnings.is_empty());
    assert!(matches!(read_preset(&path), Err(BankError::Io { .. })));
}
