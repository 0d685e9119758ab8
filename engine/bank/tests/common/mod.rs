//! Shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different part

use std::path::PathBuf;

use wyrd_bank::{banks_dir, debian_bank_files, read_bank, Bank};

/// The 28 bank files of Debian's amsynth 1.13.2. Missing banks fail the test loudly: a
/// silent pass would hide that nothing was checked.
pub fn debian_banks() -> Vec<(PathBuf, Bank)> {
    let hint = "run `./setup.sh banks` (or point WYRD_BANKS at amSynth's bank directory)";
    let dir = banks_dir().unwrap_or_else(|| panic!("amSynth bank directory not found; {hint}"));
    let files = debian_bank_files(&dir);
    assert_eq!(
        files.len(),
        28,
        "expected the 28 Debian bank files in {}; {hint}",
        dir.display()
    );
    files
        .into_iter()
        .map(|f| {
            let bank = read_bank(&f).unwrap_or_else(|e| panic!("{e}"));
            (f, bank)
        })
        .collect()
}

pub fn file_name(path: &std::path::Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

pub fn bank<'a>(banks: &'a [(PathBuf, Bank)], name: &str) -> &'a Bank {
    &banks
        .iter()
        .find(|(p, _)| file_name(p) == name)
        .unwrap_or_else(|| panic!("{name}"))
        .1
}

/// A scratch path unique to this process and `tag`.
pub fn temp_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("wyrd-bank-test-{}-{tag}", std::process::id()))
}
