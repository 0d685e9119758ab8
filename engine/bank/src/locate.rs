use std::env;
use std::path::{Path, PathBuf};

/// Where `./setup.sh banks` puts the banks, relative to the workspace root (or `$WYRD_DATA`).
const IN_DATA: &str = "amsynth/banks";
/// Debian's amsynth package.
const SYSTEM: &str = "/usr/share/amsynth/banks";

/// The directory holding amSynth's factory banks, first match of:
/// 1. `$WYRD_BANKS` if set (returned even if missing, so a typo shows up as an error there);
/// 2. `$WYRD_DATA/amsynth/banks`, the place `setup.sh` uses when `WYRD_DATA` is set;
/// 3. `data/amsynth/banks` in the workspace root, searched upwards from the current directory,
///    then from the executable's directory, then from this crate's source (compile time), so
///    tests, `cargo run` and a copied binary all find it;
/// 4. `/usr/share/amsynth/banks`.
pub fn banks_dir() -> Option<PathBuf> {
    if let Some(dir) = env::var_os("WYRD_BANKS").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    data_roots()
        .into_iter()
        .map(|data| data.join(IN_DATA))
        .chain([PathBuf::from(SYSTEM)])
        .find(|dir| dir.is_dir())
}

/// Candidate `data/` folders, most specific first: `$WYRD_DATA`, then `data` in every ancestor
/// of the current directory, of the executable's directory and of this crate's source.
/// Setup scripts fetch third-party files (banks, ONNX Runtime) into the first existing one.
pub fn data_roots() -> Vec<PathBuf> {
    let data = env::var_os("WYRD_DATA")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let mut roots: Vec<PathBuf> = data.into_iter().collect();
    let search_from = [
        env::current_dir().ok(),
        env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf)),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
    ];
    for start in search_from.into_iter().flatten() {
        roots.extend(start.ancestors().map(|a| a.join("data")));
    }
    roots
}

/// A bank given by path, or by file name in [`banks_dir`] (with or without `.bank` or
/// `.amSynth.bank`, so `BriansBank01` finds `BriansBank01.amSynth.bank`).
pub fn find_bank(given: &Path) -> Option<PathBuf> {
    if given.is_file() {
        return Some(given.to_path_buf());
    }
    let dir = banks_dir()?;
    let name = given.as_os_str().to_string_lossy();
    [
        name.to_string(),
        format!("{name}.bank"),
        format!("{name}.amSynth.bank"),
    ]
    .into_iter()
    .map(|n| dir.join(n))
    .find(|c| c.is_file())
}

/// `relative` inside the first data folder that has it (see [`data_roots`]).
pub fn find_data(relative: &str) -> Option<PathBuf> {
    data_roots()
        .into_iter()
        .map(|d| d.join(relative))
        .find(|p| p.exists())
}

/// The `*.bank` files in `dir`, sorted by file name bytes (the order amSynth lists them in).
/// Empty when the directory cannot be read.
pub fn debian_bank_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .is_some_and(|n| n.as_encoded_bytes().ends_with(b".bank"))
        })
        .collect();
    files.sort_by(|a, b| {
        let key = |p: &PathBuf| p.file_name().map(|n| n.as_encoded_bytes().to_vec());
        key(a).cmp(&key(b))
    });
    files
}
