//! The model examples under a real JACK server (`wyrd run`, the live rig): the latent sweep
//! plays, OSC faders sent by liblo's `oscsend` move the latent mapper audibly, resynthesis
//! starts, and without ONNX Runtime wyrd says so in one line and plays on. Also `wyrd render
//! --input`, which needs no JACK.

// Shared with the other live tests; this file uses only some of its helpers.
#[allow(dead_code)]
mod rig;

use std::net::UdpSocket;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rig::{rms, wait_for, Rig, SR};
use wyrd_script::osc::{decode, encode};
use wyrd_script::OscArg;
use wyrd_testrig::{spectral_change, Job, TempDir};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts")
        .join(name)
        .join(format!("{name}.lua"))
        .display()
        .to_string()
}

/// `wyrd run` with an example script, once the script runs.
fn start(name: &str, extra: &[&str]) -> (Rig, TempDir) {
    let data = TempDir::new("wyrd-live-models").unwrap();
    let (script, dir) = (example(name), data.path().display().to_string());
    let mut args = vec![
        script.as_str(),
        "--repl-port",
        "0",
        "--no-watch",
        "--data-dir",
        &dir,
    ];
    args.extend_from_slice(extra);
    let rig = Rig::start(&args);
    wait_for(&rig, &format!("{name}.lua running"), 1);
    (rig, data)
}

/// Ctrl-C, and what wyrd said: no Lua errors, models never off.
fn stop(rig: &mut Rig) -> String {
    let log = rig.interrupt();
    assert!(!log.contains("wyrd: lua:"), "{log}");
    assert!(!log.contains("models off"), "{log}");
    // The model thread logs each kind of inference error once, as `wyrd: models: <error>`;
    // the exit summary is the only other line of its.
    let summary = |l: &&str| l.contains("latent decodes");
    let errors: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("wyrd: models: ") && !summary(l))
        .collect();
    assert!(errors.is_empty(), "inference failed:\n{log}");
    assert!(log.contains(" 0 inference errors"), "{log}");
    log
}

/// The number in wyrd's exit summary: `wyrd: models: N latent decodes, ...`.
fn decodes(log: &str) -> u64 {
    let line = log
        .lines()
        .find(|l| l.starts_with("wyrd: models:") && l.contains("latent decodes"))
        .unwrap_or_else(|| panic!("no models summary:\n{log}"));
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

/// A job that records `seconds` of wyrd's output in real time.
fn listen(seconds: f64) -> Job {
    let mut job = Job::new(vec![], 0, (seconds * f64::from(SR)) as u32);
    job.freewheel = false;
    job
}

/// liblo's `oscsend` to wyrd on IPv4 loopback.
fn oscsend(rig: &Rig, path: &str, types: &str, args: &[&str]) {
    let out = Command::new("oscsend")
        .args(["127.0.0.1", &rig.osc_port.to_string(), path, types])
        .args(args)
        .output()
        .expect("oscsend comes with liblo-tools (./setup.sh deps)");
    assert!(out.status.success(), "oscsend: {out:?}");
}

#[test]
fn the_latent_sweep_plays_live() {
    let (mut rig, _data) = start("latent_sweep", &[]);
    let out = rig.play(&listen(4.0));
    assert!(rms(&out) > 0.02, "rms {}", rms(&out));
    let log = stop(&mut rig);
    assert!(log.contains("around \"Sweet Bass\""), "{log}");
    // About 100 decodes a second while the lfos move, on the model thread.
    let n = decodes(&log);
    assert!(n > 200, "{n} decodes:\n{log}");
}

#[test]
fn osc_faders_move_the_latent_mapper_live() {
    let (mut rig, _data) = start("osc_latent", &[]);
    assert!(rig
        .wyrd
        .log()
        .contains("oscsend localhost 10111 /latent/1 f 1.5"));
    // Four seconds; the fader moves at two. A second is a whole cycle of the arpeggio.
    let started = Instant::now();
    let mut sent = false;
    let osc_port = rig.osc_port;
    let out = rig.play_while(&listen(4.0), || {
        if !sent && started.elapsed() >= Duration::from_secs(2) {
            sent = true;
            let out = Command::new("oscsend")
                .args(["127.0.0.1", &osc_port.to_string(), "/latent/1", "f", "2.0"])
                .output()
                .expect("oscsend comes with liblo-tools (./setup.sh deps)");
            assert!(out.status.success(), "oscsend: {out:?}");
        }
    });
    assert!(sent);
    let second = |t: f64| out[(t * f64::from(SR)) as usize..][..SR as usize].to_vec();
    let (b0, b1, after) = (second(0.3), second(0.9), second(2.8));
    assert!(rms(&b1) > 0.02 && rms(&after) > 0.02, "silent");
    let same = spectral_change(&b0, &b1, SR);
    let moved = spectral_change(&b1, &after, SR);
    assert!(
        moved > 5.0 && moved > 3.0 * same,
        "the fader was not heard: {same:.2} dB apart before, {moved:.2} dB after"
    );

    // /latent/1/get answers the sender with the value the mapper holds.
    oscsend(&rig, "/latent/2", "f", &["-1.25"]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    for (i, want) in [(1, 2.0), (2, -1.25)] {
        socket
            .send_to(
                &encode(&format!("/latent/{i}/get"), &[]),
                ("127.0.0.1", rig.osc_port),
            )
            .unwrap();
        let mut buf = [0u8; 1024];
        let (n, from) = socket.recv_from(&mut buf).unwrap();
        let got = decode(&buf[..n], from).unwrap();
        let m = &got[0].messages[0];
        assert_eq!(m.path, format!("/latent/{i}"));
        assert_eq!(m.args, vec![OscArg::Float(want)]);
    }
    let log = stop(&mut rig);
    // Two fader moves: the first decode and one after each move.
    let n = decodes(&log);
    assert!((2..=4).contains(&n), "{n} decodes:\n{log}");
    assert!(log.contains(" 0 bad"), "{log}");
}

#[test]
fn the_resynth_example_starts_live() {
    // The end-to-end check of resynthesis lives with the models' tests; here the example
    // script starts, runs and stops cleanly.
    let (mut rig, _data) = start("resynth", &[]);
    rig.play(&listen(1.0));
    let log = rig.interrupt();
    assert!(!log.contains("wyrd: lua:"), "{log}");
    assert!(log.contains("resynth: listening"), "{log}");
}

#[test]
fn without_onnx_runtime_wyrd_plays_on_and_says_how_to_install_it() {
    let missing = "/nonexistent/libonnxruntime.so.1.31.1";
    let data = TempDir::new("wyrd-live-models").unwrap();
    let (script, dir) = (example("osc_latent"), data.path().display().to_string());
    let mut rig = Rig::start(&[
        &script,
        "--repl-port",
        "0",
        "--no-watch",
        "--data-dir",
        &dir,
        "--ort-lib",
        missing,
    ]);
    wait_for(&rig, "osc_latent.lua not loaded", 1);
    let log = rig.wyrd.log();
    let off = log
        .lines()
        .find(|l| l.starts_with("wyrd: models off:"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        off.contains(missing) && off.contains("./setup.sh ort"),
        "{off}"
    );
    assert!(
        log.contains("osc_latent.lua:23: model.load:"),
        "the script's error names its line:\n{log}"
    );
    // Still a synth: MIDI and OSC notes play.
    oscsend(&rig, "/note_on", "ii", &["60", "100"]);
    let out = rig.play(&listen(0.5));
    assert!(rms(&out) > 0.01);
    rig.interrupt();

    // Offline, the same message stops the render.
    let out = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args([
            "render",
            &script,
            "--seconds",
            "1",
            "--ort-lib",
            missing,
            "-o",
        ])
        .arg(data.path().join("x.wav"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!("ONNX Runtime library not found at {missing}"))
            && err.contains("./setup.sh ort"),
        "{err}"
    );
}

/// `wyrd render SCRIPT --input IN.wav` (no JACK needed): a 48 kHz mono file is resynthesised,
/// anything else is refused with a reason.
#[test]
fn wyrd_render_plays_an_input_file_into_a_script() {
    let dir = TempDir::new("wyrd-render-input").unwrap();
    let wav = |name: &str, rate: u32, channels: u16| {
        let path = dir.path().join(name);
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for i in 0..rate * 2 {
            let t = f64::from(i) / f64::from(rate);
            let v = (0.3 * (2.0 * std::f64::consts::PI * 220.0 * t).sin() * 32767.0) as i16;
            for _ in 0..channels {
                w.write_sample(if t < 1.5 { v } else { 0 }).unwrap();
            }
        }
        w.finalize().unwrap();
        path
    };
    let render = |input: &Path, out: &str| {
        Command::new(env!("CARGO_BIN_EXE_wyrd"))
            .args(["render", &example("resynth"), "--seconds", "2", "--input"])
            .arg(input)
            .arg("-o")
            .arg(dir.path().join(out))
            .output()
            .unwrap()
    };
    let out = render(&wav("a3.wav", 48_000, 1), "a3-out.wav");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("0 errors") && err.contains("live-matcher runs"),
        "{err}"
    );
    let played = wyrd_render::read_wav(&dir.path().join("a3-out.wav")).unwrap();
    assert!(rms(&played.left[SR as usize / 2..SR as usize]) > 0.01);

    // A CD-rate file is resampled to the engine's rate and played.
    let out = render(&wav("cd.wav", 44_100, 2), "cd-out.wav");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let played = wyrd_render::read_wav(&dir.path().join("cd-out.wav")).unwrap();
    assert!(rms(&played.left[SR as usize / 2..SR as usize]) > 0.01);
    let out = render(&wav("quad.wav", 48_000, 4), "quad-out.wav");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("4 channels"), "{err}");
}
