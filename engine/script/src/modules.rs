//! Where `require` and `include` find Lua code: the script's own folder first (norns order),
//! then wyrd's `lib/`, which is built into the binary so an installed `wyrd` needs no files
//! beside it. `WYRD_LIB` points at a lib folder on disk instead (for working on the libraries).

use std::path::{Path, PathBuf};

use mlua::{Lua, Value};

/// wyrd's Lua libraries: (module name, path under `lib/`, source).
const LIBRARY: &[(&str, &str, &str)] = &[
    ("util", "util.lua", include_str!("../../../lib/util.lua")),
    (
        "musicutil",
        "musicutil.lua",
        include_str!("../../../lib/musicutil.lua"),
    ),
    ("lfo", "lfo.lua", include_str!("../../../lib/lfo.lua")),
    ("env", "env.lua", include_str!("../../../lib/env.lua")),
    (
        "controlspec",
        "core/controlspec.lua",
        include_str!("../../../lib/core/controlspec.lua"),
    ),
    (
        "paramset",
        "core/paramset.lua",
        include_str!("../../../lib/core/paramset.lua"),
    ),
    (
        "clock",
        "core/clock.lua",
        include_str!("../../../lib/core/clock.lua"),
    ),
    (
        "metro",
        "core/metro.lua",
        include_str!("../../../lib/core/metro.lua"),
    ),
    (
        "poll",
        "core/poll.lua",
        include_str!("../../../lib/core/poll.lua"),
    ),
    (
        "engine",
        "core/engine.lua",
        include_str!("../../../lib/core/engine.lua"),
    ),
    (
        "osc",
        "core/osc.lua",
        include_str!("../../../lib/core/osc.lua"),
    ),
    (
        "model",
        "core/model.lua",
        include_str!("../../../lib/core/model.lua"),
    ),
    (
        "latent",
        "core/latent.lua",
        include_str!("../../../lib/core/latent.lua"),
    ),
    (
        "resynth",
        "core/resynth.lua",
        include_str!("../../../lib/core/resynth.lua"),
    ),
    (
        "startup",
        "core/startup.lua",
        include_str!("../../../lib/core/startup.lua"),
    ),
];

/// A library module's source and the chunk name its errors cite (`lib/core/clock.lua:12`).
pub fn library_source(name: &str) -> Option<(String, String)> {
    let name = name.strip_prefix("core/").unwrap_or(name);
    let &(_, rel, builtin) = LIBRARY.iter().find(|(n, _, _)| *n == name)?;
    if let Some(dir) = std::env::var_os("WYRD_LIB") {
        let path = Path::new(&dir).join(rel);
        if let Ok(text) = std::fs::read_to_string(&path) {
            return Some((text, format!("@{}", path.display())));
        }
    }
    Some((builtin.to_string(), format!("@lib/{rel}")))
}

/// Points `package.path` at the script's folders and adds a searcher for wyrd's library.
pub fn install(lua: &Lua, script_dir: Option<&Path>) -> mlua::Result<()> {
    let package: mlua::Table = lua.globals().get("package")?;
    let path = match script_dir {
        Some(dir) => {
            let d = lua_path(dir);
            format!("{d}/?.lua;{d}/lib/?.lua;{d}/?/init.lua")
        }
        None => String::new(),
    };
    package.set("path", path)?;
    // C modules would bypass the watchdog and could crash the host.
    package.set("cpath", "")?;
    let searchers: mlua::Table = package.get("searchers")?;
    let searcher = lua.create_function(|lua, name: String| match library_source(&name) {
        Some((text, chunk)) => {
            let f = lua.load(text).set_name(chunk).into_function()?;
            Ok(Value::Function(f))
        }
        None => Ok(Value::String(
            lua.create_string(format!("\n\tno module '{name}' in wyrd's lib"))?,
        )),
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
