//! The preset split against the real Debian banks (`./setup.sh banks`; CI has them).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use wyrd_dataset::split::{diff_lists, key_hash, BankPresets, DEBIAN_BANKS, KEPT_PRESETS};
use wyrd_dataset::{SplitName, Splits};

fn banks() -> Option<PathBuf> {
    let dir = wyrd_bank::banks_dir();
    if dir
        .as_deref()
        .is_none_or(|d| wyrd_bank::debian_bank_files(d).is_empty())
    {
        eprintln!("note: no amSynth banks found (run ./setup.sh banks); split tests skipped");
        return None;
    }
    dir
}

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/splits")
}

#[test]
fn the_split_keeps_3303_presets() {
    let Some(banks) = banks() else { return };
    let s = Splits::compute(&banks).unwrap();
    assert_eq!(s.banks.len(), DEBIAN_BANKS);
    assert_eq!(s.len(), KEPT_PRESETS);
    assert_eq!(
        (s.train.len(), s.validation.len(), s.test.len()),
        (2644, 345, 314)
    );
    let all = BankPresets::read(&banks).unwrap();
    assert_eq!(all.presets.len(), KEPT_PRESETS + s.dropped.len());
    // No key in two splits, every key in the split its hash says.
    let mut seen = HashSet::new();
    for name in SplitName::ALL {
        for e in s.get(name) {
            assert!(seen.insert(e.key.clone()), "{} twice", e.key);
            assert_eq!(SplitName::of_key(&e.key), name, "{}", e.key);
            let digit = key_hash(&e.key) % 10;
            match name {
                SplitName::Test => assert_eq!(digit, 0),
                SplitName::Validation => assert_eq!(digit, 1),
                SplitName::Train => assert!(digit >= 2),
            }
        }
    }
    // Read order: banks by file name, presets by index.
    let order: Vec<&str> = all.presets.iter().map(|e| e.key.as_str()).collect();
    for name in SplitName::ALL {
        let pos: Vec<usize> = s
            .get(name)
            .iter()
            .map(|e| order.iter().position(|k| *k == e.key).unwrap())
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{name} out of order");
    }
}

#[test]
fn duplicates_are_dropped_by_their_bits() {
    let Some(banks) = banks() else { return };
    let s = Splits::compute(&banks).unwrap();
    let all = BankPresets::read(&banks).unwrap();
    let find = |key: &str| all.presets.iter().find(|e| e.key == key).unwrap();
    // A known duplicate: equal bits, the later one dropped and in no split.
    let (dup, first) = (DUPLICATE, DUPLICATE_OF);
    let d = s.dropped.iter().find(|d| d.key == dup).expect("dropped");
    assert_eq!(d.same_as, first);
    let bits = |key: &str| find(key).patch.values().map(f32::to_bits);
    assert_eq!(bits(dup), bits(first));
    for name in SplitName::ALL {
        assert!(s.get(name).iter().all(|e| e.key != dup));
    }
    // Every dropped preset equals the kept one it names, and the kept ones are all distinct.
    for d in &s.dropped {
        assert_eq!(bits(&d.key), bits(&d.same_as), "{}", d.key);
    }
    let kept: HashSet<_> = SplitName::ALL
        .iter()
        .flat_map(|&n| s.get(n))
        .map(|e| e.patch.values().map(f32::to_bits))
        .collect();
    assert_eq!(kept.len(), KEPT_PRESETS);
}

/// "Lead3new" repeats "Lead3" parameter line for parameter line (checked on the bank text).
const DUPLICATE: &str = "BriansBank04.amSynth.bank#28";
const DUPLICATE_OF: &str = "BriansBank03.amSynth.bank#13";

#[test]
fn the_committed_lists_are_the_split() {
    let Some(banks) = banks() else { return };
    let s = Splits::compute(&banks).unwrap();
    let diff = diff_lists(&committed(), &s);
    assert!(diff.is_empty(), "{diff:#?}");
    let loaded = Splits::load(&committed(), &banks).unwrap();
    for name in SplitName::ALL {
        assert_eq!(loaded.get(name), s.get(name), "{name}");
    }
}

#[test]
fn a_missing_key_is_named() {
    let Some(banks) = banks() else { return };
    let dir = std::env::temp_dir().join(format!("wyrd-split-missing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let s = Splits::compute(&banks).unwrap();
    s.write(&dir).unwrap();
    let path = dir.join("validation.txt");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("NoSuchBank.bank#3\n");
    std::fs::write(&path, text).unwrap();
    let err = format!("{:#}", Splits::load(&dir, &banks).unwrap_err());
    assert!(err.contains("validation.txt:346"), "{err}");
    assert!(err.contains("NoSuchBank.bank#3"), "{err}");
    let diff = diff_lists(&dir, &s);
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert!(diff[0].contains("unexpected 1"), "{diff:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
