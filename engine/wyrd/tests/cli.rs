//! The `wyrd` command end to end: schema JSON, bank listing, rendering, and clear errors.
use std::path::PathBuf;
use std::process::Command;

fn wyrd(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(args)
        .output()
        .expect("wyrd runs")
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("wyrd-cli-{}-{name}", std::process::id()))
}

fn bank() -> String {
    let dir = wyrd_bank::banks_dir().expect("amSynth banks not found: run `./setup.sh banks`");
    dir.join("BriansBank01.amSynth.bank")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn params_json_is_the_schema() {
    let out = wyrd(&["params", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let params = v["params"].as_array().unwrap();
    assert_eq!(params.len(), 41);
    assert_eq!(params[0]["id"], "amp_attack");
    assert_eq!(params[40]["id"], "portamento_mode");
    assert_eq!(v["hash"], wyrd_schema::schema_hash());
}

#[test]
fn bank_list_prints_index_and_name() {
    let out = wyrd(&["bank", "list", &bank()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 128);
    let expected = &wyrd_bank::read_bank(std::path::Path::new(&bank()))
        .unwrap()
        .presets[3]
        .name;
    assert_eq!(lines[3].trim_start(), format!("3  {expected}"));
}

#[test]
fn render_writes_the_requested_notes_and_length() {
    let path = tmp("render.wav");
    let out = wyrd(&[
        "render",
        "--bank",
        &bank(),
        "--preset",
        "0",
        "--notes",
        "57",
        "--hold",
        "1",
        "--tail",
        "0.5",
        "--sr",
        "44100",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let audio = wyrd_render::read_wav(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(audio.sample_rate, 44_100);
    assert_eq!(audio.frames(), 66_150);
    let peak = audio.left.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!(peak > 0.01 && peak <= 1.0, "peak {peak}");
}

#[test]
fn malformed_bank_fails_with_file_and_line() {
    let path = tmp("bad.bank");
    std::fs::write(
        &path,
        "amSynth\n<preset> <name> ok\n<parameter> amp_attack 0.5\n<parameter> amp_decay abc\n",
    )
    .unwrap();
    let out = wyrd(&["bank", "list", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:4:", path.display())) && err.contains("amp_decay"),
        "{err}"
    );
}

#[test]
fn missing_bank_and_bad_preset_index_are_clear_errors() {
    let out = wyrd(&["render", "--bank", "no-such.bank", "-o", "/dev/null"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such bank file"));
    let out = wyrd(&[
        "render",
        "--bank",
        &bank(),
        "--preset",
        "200",
        "-o",
        "/dev/null",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no preset 200 (the bank has 128)"));
}

#[test]
fn a_reader_closing_the_pipe_is_not_an_error() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(["bank", "list", &bank()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        status.success() && !err.contains("panicked"),
        "{status}: {err}"
    );
}
