use super::*;

#[test]
fn program_pads_with_defaults_like_amsynth() {
    let mut named = Patch::default();
    named.name = "one".into();
    let bank = Bank {
        presets: vec![named.clone()],
        warnings: vec![],
    };
    assert_eq!(bank.program(0), Some(named));
    assert_eq!(bank.program(1), Some(Patch::default()));
    assert_eq!(bank.program(127), Some(Patch::default()));
    assert_eq!(bank.program(128), None);
}
