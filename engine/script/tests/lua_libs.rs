//! The shipped Lua libraries' own unit tests (`tests/lua/test_*.lua`), run inside wyrd's
//! runtime, where `clock`, `params` and `_wyrd` exist. The same files run under plain
//! `lua5.4 tests/lua/run.lua`.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn lua_tests() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lua");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("test_") && name.ends_with(".lua")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_lua_library_test_passes_inside_wyrd() {
    let files = lua_tests();
    assert!(
        files.len() >= 6,
        "expected the library tests, found {files:?}"
    );
    let mut total = 0;
    let mut failures = vec![];
    for file in &files {
        let mut b = Bench::start();
        let dir = file.parent().unwrap().display().to_string();
        let source = format!(
            r#"
            -- The library files on disk (the same text wyrd embeds), for tests that inspect them.
            package.path = {dir:?} .. "/?.lua;" .. {dir:?} .. "/../../lib/?.lua;"
              .. {dir:?} .. "/../../lib/core/?.lua;" .. package.path
            local harness = require 'harness'
            harness.set_file({file:?})
            local chunk = assert(loadfile({file:?}))
            chunk()
            local passed, failed, report = harness.summary()
            __passed, __failed, __report = passed, failed, report
            "#,
            file = file.display().to_string()
        );
        if let Err(e) = b.runtime.exec(&source, at(0)) {
            failures.push(format!("{}: {e}", file.display()));
            continue;
        }
        let passed: usize = b.eval("__passed").parse().unwrap();
        let failed: usize = b.eval("__failed").parse().unwrap();
        assert!(passed > 0, "{}: no tests ran", file.display());
        total += passed;
        if failed > 0 {
            failures.push(b.eval("__report"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!("{total} Lua tests passed in {} files", files.len());
}
