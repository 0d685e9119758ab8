//! Where `require` and `include` find Lua code: the script's own folder first (norns order),
//! then wyrd's `lib/`, which is built into the binary so an installed `wyrd` needs no files
//! beside it. `WYRD_LIB` points at a lib folder on disk instead (for working on the libraries).

use std::path::{Path, PathBuf};

use mlua::{Lua, Value};

// LIBRARY: every `.lua` file under `lib/`, listed by build.rs.
include!(concat!(env!("OUT_DIR"), "/library.rs"));

/// A library module's source and the chunk name its errors cite (`lib/core/clock.lua:12`).
/// A module is named by its path under `lib/` without `.lua` (`core/params/number`);
/// `core/*.lua` also answers to its bare name (`clock`), as on norns, and a `core/` or `lib/`
/// prefix is ignored (`core/util`, `lib/lfo`: norns' package.path starts at its `lua/` folder,
/// so scripts write `require 'lib/lfo'`).
pub fn library_source(name: &str) -> Option<(String, String)> {
    resolve(name).map(|(_, text, chunk)| (text, chunk))
}

/// The file under `lib/` a module name means, its source and its chunk name.
fn resolve(name: &str) -> Option<(String, String, String)> {
    let name = name.strip_prefix("lib/").unwrap_or(name);
    let short = name.strip_prefix("core/").unwrap_or(name);
    let mut wanted = vec![format!("{name}.lua")];
    if !name.contains('/') {
        wanted.push(format!("core/{name}.lua"));
    }
    wanted.push(format!("{short}.lua"));
    // A lib folder on disk is searched first, so a library written since the build is found.
    if let Some(dir) = std::env::var_os("WYRD_LIB") {
        for w in &wanted {
            let path = Path::new(&dir).join(w);
            if let Ok(text) = std::fs::read_to_string(&path) {
                return Some((w.clone(), text, format!("@{}", path.display())));
            }
        }
    }
    let &(rel, builtin) = wanted
        .iter()
        .find_map(|w| LIBRARY.iter().find(|(r, _)| *r == w.as_str()))?;
    Some((rel.to_string(), builtin.to_string(), format!("@lib/{rel}")))
}

/// Every name `require` resolves to the file `rel` (`core/clock.lua`: `core/clock`, `clock`,
/// `lib/core/clock`, `lib/clock`), so a module already loaded under one of them is reused:
/// wyrd's startup requires `clock` where norns' requires `core/clock`, and a script's
/// `require 'core/clock'` must get the same clock, not a second one with its own state.
fn aliases(rel: &str) -> Vec<String> {
    let stem = rel.strip_suffix(".lua").unwrap_or(rel);
    let mut names = vec![stem.to_string()];
    match stem.strip_prefix("core/") {
        Some(bare) if !bare.contains('/') => names.push(bare.to_string()),
        None if !stem.contains('/') => names.push(format!("core/{stem}")),
        _ => {}
    }
    let prefixed: Vec<String> = names.iter().map(|n| format!("lib/{n}")).collect();
    names.extend(prefixed);
    names
}

/// norns libraries wyrd does not have, so `require` can say so instead of listing folders.
const NORNS_ONLY: &[&str] = &[
    "asl",
    "elca",
    "envgraph",
    "filtergraph",
    "graph",
    "gridbuf",
    "hotswap",
    "reflection",
    "textentry_kbd",
    "timeline",
    "container/observable",
    "core/gamepad",
    "gamepad",
    "core/serial",
    "core/wifi",
    "core/menu",
    "core/mods",
    "core/pmap",
];

/// Points `package.path` at the script's folders and the scripts root (norns resolves
/// `require '<script>/lib/foo'` from dust/code, where every script has its folder), and adds a
/// searcher for wyrd's library.
pub fn install(lua: &Lua, script_dir: Option<&Path>) -> mlua::Result<()> {
    let package: mlua::Table = lua.globals().get("package")?;
    let path = match script_dir {
        Some(dir) => {
            let d = lua_path(dir);
            let mut p = format!("{d}/?.lua;{d}/lib/?.lua;{d}/?/init.lua");
            if let Some(root) = dir.parent() {
                p.push_str(&format!(";{}/?.lua", lua_path(root)));
            }
            p
        }
        None => String::new(),
    };
    package.set("path", path)?;
    // C modules would bypass the watchdog and could crash the host.
    package.set("cpath", "")?;
    let searchers: mlua::Table = package.get("searchers")?;
    // Lua's two C-module searchers (3 and 4) only add "no file ''" lines to a failed
    // require's message, with cpath empty.
    for i in [4, 3] {
        let f: Value = searchers.raw_get(i)?;
        if matches!(f, Value::Function(_)) {
            searchers.raw_remove(i)?;
        }
    }
    let searcher = lua.create_function(|lua, name: String| match resolve(&name) {
        Some((rel, text, chunk)) => {
            let package: mlua::Table = lua.globals().get("package")?;
            let loaded: mlua::Table = package.get("loaded")?;
            for alias in aliases(&rel) {
                let v: Value = loaded.get(alias.as_str())?;
                if !v.is_nil() {
                    let f = lua.create_function(move |_, ()| Ok(v.clone()))?;
                    return Ok(Value::Function(f));
                }
            }
            let f = lua.load(text).set_name(chunk).into_function()?;
            Ok(Value::Function(f))
        }
        None => {
            let bare = name.strip_prefix("lib/").unwrap_or(&name);
            let why = if NORNS_ONLY.contains(&bare) {
                format!("'{name}' is a norns library that wyrd does not have")
            } else {
                format!("no module '{name}' in wyrd's lib")
            };
            Ok(Value::String(lua.create_string(why)?))
        }
    })?;
    searchers.raw_push(searcher)?;
    Ok(())
}

/// Candidates for `include(file)`: the script folder, the scripts root (so
/// `include('other/lib/x')` works as on norns' dust/code), and nothing else on disk.
pub fn include_candidates(script_dir: &Path, file: &str) -> Vec<PathBuf> {
    let file = file.strip_suffix(".lua").unwrap_or(file);
    let mut out = vec![script_dir.join(format!("{file}.lua"))];
    if let Some(root) = script_dir.parent() {
        out.push(root.join(format!("{file}.lua")));
    }
    out
}

fn lua_path(p: &Path) -> String {
    // `;` and `?` are special in package.path; a folder containing them cannot be searched.
    p.display().to_string().replace([';', '?'], "_")
}

#[cfg(test)]
mod tests {
    use super::{aliases, library_source};

    fn chunk(name: &str) -> Option<String> {
        library_source(name).map(|(_, chunk)| chunk)
    }

    #[test]
    fn modules_resolve_by_path_and_by_norns_short_name() {
        assert_eq!(chunk("util").as_deref(), Some("@lib/util.lua"));
        assert_eq!(chunk("paramset").as_deref(), Some("@lib/core/paramset.lua"));
        assert_eq!(
            chunk("core/paramset").as_deref(),
            Some("@lib/core/paramset.lua")
        );
        assert_eq!(chunk("core/util").as_deref(), Some("@lib/util.lua"));
        assert_eq!(
            chunk("core/params/number").as_deref(),
            Some("@lib/core/params/number.lua")
        );
        assert_eq!(chunk("params/number"), None);
        assert_eq!(chunk("lib/lfo").as_deref(), Some("@lib/lfo.lua"));
        assert_eq!(chunk("lib/util").as_deref(), Some("@lib/util.lua"));
    }

    #[test]
    fn every_name_of_a_library_file_is_an_alias() {
        assert_eq!(
            aliases("core/clock.lua"),
            ["core/clock", "clock", "lib/core/clock", "lib/clock"]
        );
        assert_eq!(
            aliases("util.lua"),
            ["util", "core/util", "lib/util", "lib/core/util"]
        );
        assert_eq!(
            aliases("core/params/number.lua"),
            ["core/params/number", "lib/core/params/number"]
        );
        assert_eq!(chunk("nope"), None);
    }
}
