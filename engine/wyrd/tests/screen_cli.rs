//! `wyrd render SCRIPT --screen DIR`: the script's screen as PNG frames on the virtual clock.
use std::path::{Path, PathBuf};
use std::process::Command;

fn wyrd(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(args)
        .output()
        .expect("wyrd runs")
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("wyrd-screen-cli-{}-{name}", std::process::id()))
}

fn demo() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/screen_demo/screen_demo.lua")
        .to_string_lossy()
        .into_owned()
}

fn png_size(file: &Path) -> (u32, u32) {
    // The IHDR chunk comes first: width and height, big-endian, after the signature.
    let bytes = std::fs::read(file).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn render_writes_one_png_per_tick_at_the_chosen_rate_and_scale() {
    let dir = tmp("frames");
    let wav = tmp("demo.wav");
    let out = wyrd(&[
        "render",
        &demo(),
        "--seconds",
        "1",
        "-o",
        wav.to_str().unwrap(),
        "--screen",
        dir.to_str().unwrap(),
        "--screen-fps",
        "10",
        "--screen-scale",
        "2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let want: Vec<String> = (0..10).map(|i| format!("frame_{i:05}.png")).collect();
    assert_eq!(names, want);
    assert_eq!(png_size(&dir.join("frame_00003.png")), (256, 128));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_file(&wav).ok();
}

#[test]
fn bad_screen_options_are_clear_errors() {
    let out = wyrd(&[
        "render",
        &demo(),
        "-o",
        "/dev/null",
        "--screen",
        tmp("bad").to_str().unwrap(),
        "--screen-fps",
        "0",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--screen-fps"));
    let out = wyrd(&["render", &demo(), "-o", "/dev/null", "--screen-fps", "30"]);
    assert!(!out.status.success(), "--screen-fps needs --screen");
}
