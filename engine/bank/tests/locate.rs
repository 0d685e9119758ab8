//! Finding the banks. One test function, because it changes the process environment.

mod common;

use std::path::PathBuf;

use wyrd_bank::{banks_dir, debian_bank_files};

#[test]
fn banks_dir_and_file_listing() {
    // Under `cargo test` the current directory is inside the workspace.
    std::env::remove_var("WYRD_BANKS");
    std::env::remove_var("WYRD_DATA");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let in_workspace = root.join("data/amsynth/banks");
    match banks_dir() {
        Some(dir) if in_workspace.is_dir() => {
            assert_eq!(
                dir.canonicalize().unwrap(),
                in_workspace.canonicalize().unwrap()
            )
        }
        found => assert!(
            found.is_none() || found == Some(PathBuf::from("/usr/share/amsynth/banks")),
            "{found:?}"
        ),
    }

    std::env::set_var("WYRD_BANKS", "/somewhere/else");
    assert_eq!(banks_dir(), Some(PathBuf::from("/somewhere/else")));
    std::env::remove_var("WYRD_BANKS");

    let dir = common::temp_path("listing");
    std::fs::create_dir_all(dir.join("sub.bank")).unwrap();
    for name in ["b.bank", "B.bank", "a.bank", "notes.txt", "a.bank.bak"] {
        std::fs::write(dir.join(name), "amSynth\n").unwrap();
    }
    let data = common::temp_path("data");
    std::fs::create_dir_all(data.join("amsynth/banks")).unwrap();
    std::env::set_var("WYRD_DATA", &data);
    assert_eq!(banks_dir(), Some(data.join("amsynth/banks")));
    std::env::remove_var("WYRD_DATA");

    let names: Vec<String> = debian_bank_files(&dir)
        .iter()
        .map(|p| common::file_name(p))
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&data).unwrap();
    assert_eq!(names, ["B.bank", "a.bank", "b.bank"]);
    assert!(debian_bank_files(&dir).is_empty());
}
