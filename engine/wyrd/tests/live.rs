//! `wyrd run` against a real JACK server: the harness (`rig`, shared with `osc_live.rs`) starts
//! `jackd --no-realtime -d dummy -r 48000 -p 64` (stopped by PID), runs the wyrd binary on it,
//! and plays into it with test clients that send MIDI and audio and record wyrd's output.

mod rig;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rig::{
    assert_kept_up, assert_on_grid, cents, free_port, goertzel, offline_onset, onsets_clear_of,
    pitch, rms, take_turn, wait_for, xruns, Rig, SR,
};
use wyrd_testrig::{Job, MidiEvent, TempDir};

#[test]
fn a_note_has_its_pitch_velocity_and_timing_and_stops_after_release() {
    let mut rig = Rig::start(&[]);
    // Note-ons mid-period (1000 = 15 periods + 40 frames), a second one softer.
    let (on1, on2, hold) = (1000u32, 40_000u32, 24_000u32);
    let job = Job::new(
        vec![
            MidiEvent::note_on(on1, 69, 127),
            MidiEvent::note_off(on1 + hold, 69),
            MidiEvent::note_on(on2, 69, 64),
            MidiEvent::note_off(on2 + hold, 69),
        ],
        0,
        80_000,
    );
    let out = rig.play(&job);
    // Sample-accurate: the note starts exactly where the same patch starts offline.
    let onset = out.iter().position(|&s| s != 0.0).expect("silence");
    assert_eq!(
        onset,
        on1 as usize + offline_onset(),
        "MIDI-in to audio-out offset"
    );

    let loud = &out[on1 as usize + 4800..(on1 + hold) as usize];
    let soft = &out[on2 as usize + 4800..(on2 + hold) as usize];
    assert!(cents(pitch(loud), 440.0).abs() < 5.0, "{}", pitch(loud));
    // Full velocity sensitivity: level proportional to velocity.
    let ratio = rms(soft) / rms(loud);
    assert!(
        (ratio - 64.0 / 127.0).abs() < 0.01,
        "velocity ratio {ratio}"
    );
    // After note-off and the 0.1 s release (plus the declicker), silence.
    let after = &out[(on1 + hold) as usize + 9600..on2 as usize];
    assert!(rms(after) < 1e-5, "still sounding: {}", rms(after));
    rig.interrupt();
}

#[test]
fn a_mapped_cc_moves_its_parameter() {
    let map = "21 master_vol\n";
    let dir = TempDir::new("wyrd-ccmap").unwrap();
    let map_path = dir.path().join("map.txt");
    std::fs::write(&map_path, map).unwrap();
    let mut rig = Rig::start(&["--cc-map", map_path.to_str().unwrap()]);
    let job = Job::new(
        vec![
            MidiEvent::note_on(100, 69, 127),
            // master_vol 0.4 (the preset) -> 32/127 of its 0..1 range.
            MidiEvent::control(24_000, 21, 32),
            MidiEvent::note_off(48_000, 69),
        ],
        0,
        48_000,
    );
    let out = rig.play(&job);
    let before = rms(&out[12_000..24_000]);
    let after = rms(&out[36_000..48_000]);
    let expected = (32.0f64 / 127.0 / 0.4).powi(2); // the gain law is vol²
    assert!(
        (after / before - expected).abs() < 0.01,
        "{} vs {expected}",
        after / before
    );
    rig.interrupt();
}

#[test]
fn program_change_switches_preset() {
    let mut rig = Rig::start(&[]);
    let job = Job::new(
        vec![
            MidiEvent::note_on(100, 57, 127),
            MidiEvent::note_off(12_000, 57),
            MidiEvent::program(20_000, 1),
            MidiEvent::note_on(24_000, 57, 127),
            MidiEvent::note_off(36_000, 57),
        ],
        0,
        40_000,
    );
    let out = rig.play(&job);
    // A sine has no harmonics; the saw has a strong 2nd. Compare the 440 Hz Goertzel power
    // with the 220 Hz one before and after the program change.
    let second = |x: &[f32]| goertzel(x, 440.0) / goertzel(x, 220.0);
    let sine = second(&out[2_400..12_000]);
    let saw = second(&out[26_400..36_000]);
    assert!(sine < 0.01, "sine: {sine}");
    assert!(
        (saw - 0.5).abs() < 0.1,
        "saw's 2nd harmonic is half its 1st: {saw}"
    );
    rig.interrupt();
}

#[test]
fn input_audio_reaches_the_analysis_ring_intact() {
    let dir = TempDir::new("wyrd-tap").unwrap();
    let tap = dir.path().join("tap.wav");
    let mut rig = Rig::start(&["--tap-input", tap.to_str().unwrap()]);
    // Distinct pseudo-random channels: any drop, repeat, swap or rounding shows.
    let mut state = 0x2545_f491_u32;
    let mut noise = || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state as f32 / u32::MAX as f32) - 0.5
    };
    // Freewheeling, the whole job fits in wyrd's 32768-frame input ring even if the analysis
    // thread did not read at all, so nothing may be missing.
    let n = 16_000;
    let left: Vec<f32> = (0..n).map(|_| noise()).collect();
    let right: Vec<f32> = (0..n).map(|_| noise()).collect();
    let mut job = Job::new(vec![], 0, n as u32 + 4800);
    job.input = Some((left.clone(), right.clone()));
    rig.play(&job);
    rig.interrupt();
    let mut reader = hound::WavReader::open(&tap).unwrap();
    let samples: Vec<f32> = reader.samples::<f32>().map(Result::unwrap).collect();
    let tapped_l: Vec<f32> = samples.iter().step_by(2).copied().collect();
    let tapped_r: Vec<f32> = samples.iter().skip(1).step_by(2).copied().collect();
    let start = tapped_l
        .iter()
        .position(|&s| s == left[0])
        .expect("the input never arrived");
    assert!(tapped_l.len() >= start + n, "the tap stops early");
    assert_eq!(&tapped_l[start..start + n], &left[..], "left channel");
    assert_eq!(&tapped_r[start..start + n], &right[..], "right channel");
}

#[test]
fn sixteen_voices_for_thirty_seconds_keep_up_in_real_time() {
    let mut rig = Rig::start(&[]);
    let seconds = 30;
    let mut events: Vec<MidiEvent> = (0..16)
        .map(|k| MidiEvent::note_on(100 + k, 48 + 2 * k as u8, 100))
        .collect();
    events.push(MidiEvent::control(seconds * SR - 4800, 123, 0));
    let mut job = Job::new(events, 0, seconds * SR);
    job.freewheel = false;
    let out = rig.play(&job);
    assert!(rms(&out[SR as usize..]) > 0.01, "the chord did not sound");
    // The dummy driver without real-time priority xruns on a busy machine whatever runs on
    // it; a voice too slow for 16 would overrun in most of the 22,500 periods.
    assert_kept_up(&rig.interrupt());
}

#[test]
fn a_period_size_change_is_followed() {
    let mut rig = Rig::start(&[]);
    let status = Command::new("jack_bufsize")
        .arg("256")
        .env("JACK_DEFAULT_SERVER", rig.server.name())
        .output()
        .expect("jack_bufsize comes with jackd2");
    assert!(status.status.success(), "{status:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while rig.capturer.period() != 256 {
        assert!(Instant::now() < deadline, "the server kept its period");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Still sample-accurate with the new period: a note at frame 1000 (3 periods + 232).
    let job = Job::new(
        vec![
            MidiEvent::note_on(1000, 69, 127),
            MidiEvent::note_off(13_000, 69),
        ],
        0,
        14_000,
    );
    let out = rig.play(&job);
    let onset = out.iter().position(|&s| s != 0.0).expect("silence");
    assert_eq!(onset, 1000 + offline_onset());
    assert!(cents(pitch(&out[5800..13_000]), 440.0).abs() < 5.0);
    rig.interrupt();
}

#[test]
fn doctor_reports_the_running_server() {
    let rig = Rig::start(&[]);
    let out = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .arg("doctor")
        .env("JACK_DEFAULT_SERVER", rig.server.name())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("48000 Hz, 64 frames per period"), "{text}");
    assert!(text.contains("wyrd:midi_in"), "{text}");
}

#[test]
fn losing_the_server_ends_wyrd_with_a_message() {
    let mut rig = Rig::start(&[]);
    rig.server.stop();
    let status = rig
        .wyrd
        .wait_exit(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("wyrd hangs without its server:\n{}", rig.wyrd.log()));
    assert!(!status.success());
    assert!(
        rig.wyrd.log().contains("the JACK server went away"),
        "{}",
        rig.wyrd.log()
    );
    let _ = &rig.dir;
}

#[test]
fn without_a_server_wyrd_says_how_to_start_one() {
    let _turn = take_turn();
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(["run", "--no-autoconnect"])
        .env("JACK_DEFAULT_SERVER", "wyrd-no-such-server")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(t.elapsed() < Duration::from_secs(10), "it must not hang");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no JACK server is running"), "{err}");
    assert!(
        err.contains("jackd -d alsa") && err.contains("-d dummy"),
        "{err}"
    );
}

#[test]
fn script_clock_events_land_on_their_exact_frames() {
    // A clock.sync(1/2) pattern at 120 bpm: one note every 12000 frames. 12000 is not a
    // multiple of the 64-frame period, so anything applied at period starts would show.
    let scripts = TempDir::new("wyrd-live-script").unwrap();
    let dir = scripts.path().join("pulse");
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("pulse.lua");
    std::fs::write(
        &script,
        r#"
        function init()
          clock.run(function()
            while true do
              clock.sync(1/2)
              engine.note_on(69, 127)
              clock.sleep(0.02)
              engine.note_off(69)
            end
          end)
        end"#,
    )
    .unwrap();
    let script = script.display().to_string();
    let mut rig = Rig::start(&[&script, "--lookahead-ms", "100", "--repl-port", "0"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rig.wyrd.log().contains("pulse.lua running") {
        assert!(
            Instant::now() < deadline,
            "script not running:\n{}",
            rig.wyrd.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // In real time: the Lua thread must keep up with the audio, as on stage.
    let mut job = Job::new(vec![], 0, 6 * SR);
    job.freewheel = false;
    let out = rig.play(&job);
    let holes = rig.capturer.last_holes();
    let on = onsets_clear_of(&out, &holes);
    assert!(on.len() >= 10, "{on:?} holes {holes:?}\n{}", rig.wyrd.log());
    let log = rig.interrupt();
    assert_on_grid(&on, 12_000, &holes, xruns(&log));
    assert!(log.contains(", 0 late"), "{log}");
}

#[test]
fn the_example_scripts_play_live() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts");
    for name in ["steps", "wobble", "gesture", "presets"] {
        let script = root.join(name).join(format!("{name}.lua"));
        let data = TempDir::new("wyrd-live-data").unwrap();
        let (script, data_dir) = (
            script.display().to_string(),
            data.path().display().to_string(),
        );
        let mut rig = Rig::start(&[
            &script,
            "--repl-port",
            "0",
            "--no-watch",
            "--data-dir",
            &data_dir,
        ]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !rig.wyrd.log().contains(&format!("{name}.lua running")) {
            assert!(
                Instant::now() < deadline,
                "{name} not running:\n{}",
                rig.wyrd.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut job = Job::new(vec![], 0, 3 * SR);
        job.freewheel = false;
        let out = rig.play(&job);
        assert!(rms(&out) > 0.01, "{name}: rms {}", rms(&out));
        let log = rig.interrupt();
        assert!(!log.contains("wyrd: lua:"), "{name}:\n{log}");
    }
}

/// `wyrd repl --port P -e LINE`: what the running host answers.
fn repl(port: u16, line: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wyrd"))
        .args(["repl", "--port", &port.to_string(), "-e", line])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn saving_a_script_reloads_it_and_a_broken_save_keeps_the_old_one() {
    let scripts = TempDir::new("wyrd-live-reload").unwrap();
    let dir = scripts.path().join("live");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("live.lua");
    std::fs::write(&file, "function init() version = 1 end\n").unwrap();
    let port = free_port();
    let (f, p) = (file.display().to_string(), port.to_string());
    let mut rig = Rig::start(&[&f, "--repl-port", &p]);
    wait_for(&rig, "live.lua running", 1);
    assert_eq!(repl(port, "version"), "1");
    // An engine command answers with the value it set.
    assert_eq!(repl(port, "engine.filter_cutoff(0.25)"), "0.25");

    std::fs::write(&file, "function init()\n  version = = 2\nend\n").unwrap();
    wait_for(&rig, "keeps running", 1);
    assert!(rig.wyrd.log().contains("live.lua:2:"), "{}", rig.wyrd.log());
    assert_eq!(repl(port, "version"), "1", "the old script was replaced");

    std::fs::write(&file, "function init() version = 3 end\n").unwrap();
    wait_for(&rig, "live.lua running", 2);
    assert_eq!(repl(port, "version"), "3");
    rig.interrupt();
}

#[test]
fn the_keeping_up_rule_reads_wyrds_exit_line() {
    let log = |caused: u32| {
        format!(
            "wyrd: ready (Ctrl-C to stop)\n\
             wyrd: stopped after 3.8 s; 284 xruns ({caused} caused by wyrd), 0 commands dropped, 0 late\n"
        )
    };
    assert_eq!(xruns(&log(1)), 284);
    // 3.8 s of 64-frame periods is 2,850: two may overrun, three may not.
    assert_kept_up(&log(2));
    assert!(std::panic::catch_unwind(|| assert_kept_up(&log(3))).is_err());
    assert!(std::panic::catch_unwind(|| xruns("wyrd: ready\n")).is_err());
}

#[test]
fn jack_midi_reaches_the_script_and_its_midi_out_leaves_on_its_frames() {
    // The script answers every note an octave up on wyrd's MIDI out, which is wired back into
    // wyrd's MIDI in: each answer comes back one lookahead (plus at most a period or two of
    // JACK's routing) after the note it answers.
    let scripts = TempDir::new("wyrd-live-midi").unwrap();
    let dir = scripts.path().join("echo");
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("echo.lua");
    std::fs::write(
        &script,
        r#"
        got = {}
        local m = midi.connect()
        m.event = function(data)
          local msg = midi.to_msg(data)
          if msg.type == "note_on" then
            got[#got + 1] = msg.note .. "@" .. math.floor(_wyrd.frame())
            if msg.note < 96 then m:note_on(msg.note + 12, 100, 2) end
          end
        end"#,
    )
    .unwrap();
    let script = script.display().to_string();
    let port = free_port().to_string();
    let mut rig = Rig::start(&[&script, "--repl-port", &port]);
    wait_for(&rig, "echo.lua running", 1);
    rig.capturer
        .client()
        .connect_ports_by_name("wyrd:midi_out", "wyrd:midi_in")
        .unwrap();
    let mut job = Job::new(vec![MidiEvent::note_on(4_800, 60, 100)], 0, SR);
    job.freewheel = false;
    rig.play(&job);
    std::thread::sleep(Duration::from_millis(300));
    let got = repl(port.parse().unwrap(), "return table.concat(got, ' ')");
    let got = got.trim_matches('"');
    let notes: Vec<(u32, u64)> = got
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (n, f) = s.split_once('@').unwrap();
            (n.parse().unwrap(), f.parse().unwrap())
        })
        .collect();
    assert_eq!(
        notes.iter().map(|n| n.0).collect::<Vec<_>>(),
        [60, 72, 84, 96],
        "{got}\n{}",
        rig.wyrd.log()
    );
    // The default lookahead is 20 ms: 960 frames.
    for pair in notes.windows(2) {
        let gap = pair[1].1 - pair[0].1;
        assert!(
            (960..=960 + 2 * 64).contains(&gap),
            "{got}: gap {gap} frames"
        );
    }
    let log = rig.interrupt();
    assert!(!log.contains("wyrd: lua:"), "{log}");
}
