//! Embeds every `.lua` file under the repository's `lib/` (see `src/modules.rs`), so a new
//! library needs no Rust edit.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let lib = manifest.join("../../lib");
    // A folder here makes cargo rerun this on any change below it, additions included.
    println!("cargo:rerun-if-changed=../../lib");
    let mut files = vec![];
    collect(&lib, "", &mut files);
    files.sort();
    let mut out = String::from("/// wyrd's Lua libraries: (path under `lib/`, source).\n");
    out.push_str("const LIBRARY: &[(&str, &str)] = &[\n");
    for rel in &files {
        let path = lib.join(rel);
        out.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var_os("OUT_DIR").unwrap()).join("library.rs");
    std::fs::write(dest, out).unwrap();
}

/// The `.lua` files below `dir`, as `/`-separated paths under `lib/` (`prefix` is `dir`'s).
fn collect(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap();
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let rel = format!("{prefix}{name}");
        if entry.file_type().unwrap().is_dir() {
            collect(&entry.path(), &format!("{rel}/"), out);
        } else if name.ends_with(".lua") {
            out.push(rel);
        }
    }
}
