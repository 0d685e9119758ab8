//! norns' keys, encoders and MIDI in a script: from an offline render's events file on their
//! exact frames, from OSC `/remote/key` and `/remote/enc`, from the REPL's `:key`/`:enc`, and
//! MIDI out of the engine on the frames the script meant.

mod common;

use common::*;
use wyrd_script::render::{render_script, ScriptRender};
use wyrd_script::{parse_events, HostEvent, OscArg};

/// A string value as the REPL shows it, without its quotes.
fn text(b: &mut Bench, expr: &str) -> String {
    b.eval(expr).trim_matches('"').to_string()
}

fn render_with(file: &std::path::Path, seconds: f64, events: &str) -> ScriptRender {
    let mut spec = ScriptRender::new(file, seconds);
    spec.patch = sine_patch();
    spec.events = parse_events(events, "events.txt", SR, 120.0).unwrap();
    spec
}

/// What the script printed into its `log` table, as the REPL shows `table.concat(log, ' ')`.
const RECORDER: &str = r#"
log = {}
local function note(...) log[#log + 1] = table.concat({ ... }, ":") end
function key(n, z) note("key", _wyrd.frame(), n, z) end
function enc(n, d) note("enc", _wyrd.frame(), n, d) end
"#;

#[test]
fn keys_and_encoders_reach_the_script_on_their_frames_with_norns_sensitivity() {
    let s = Script::new("keys", RECORDER);
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    let events = parse_events(
        "0.5 key 2 1\n0.75 key 2 0\n1 enc 1 1\n1.5 enc 1 1\n2 enc 3 -5\n",
        "events.txt",
        SR,
        120.0,
    )
    .unwrap();
    for e in &events {
        b.runtime.host_event(&e.event, at(e.frame));
    }
    // Sensitivity 2 in play mode (norns): the first step of E1 is held back, the second
    // completes a delta; -5 steps give -2 and keep -1.
    assert_eq!(
        text(&mut b, "table.concat(log, ' ')"),
        "key:24000:2:1 key:36000:2:0 enc:72000:1:1 enc:96000:3:-2"
    );
}

#[test]
fn encoder_acceleration_and_sensitivity_follow_norns_enc() {
    let s = Script::new("accel", RECORDER);
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    // Two steps 4 ms apart: the second counts 6 times (norns' time-based acceleration).
    b.runtime.host_event(&HostEvent::Enc { n: 2, d: 1 }, at(0));
    b.runtime
        .host_event(&HostEvent::Enc { n: 2, d: 1 }, at(192));
    assert_eq!(text(&mut b, "table.concat(log, ' ')"), "enc:192:2:3");
    // Acceleration off and sensitivity 1: each step is one delta.
    b.eval("norns.enc.accel(0, false); norns.enc.sens(0, 1); log = {}");
    for i in 0..3u64 {
        b.runtime
            .host_event(&HostEvent::Enc { n: 1, d: -1 }, at(1000 + i));
    }
    assert_eq!(
        text(&mut b, "table.concat(log, ' ')"),
        "enc:1000:1:-1 enc:1001:1:-1 enc:1002:1:-1"
    );
    // Sensitivity 4 needs four steps; norns clamps it to 1..16.
    b.eval("norns.enc.sens(3, 4); log = {}");
    for i in 0..8u64 {
        b.runtime
            .host_event(&HostEvent::Enc { n: 3, d: 1 }, at(2000 + i));
    }
    assert_eq!(
        text(&mut b, "table.concat(log, ' ')"),
        "enc:2003:3:1 enc:2007:3:1"
    );
    b.eval("norns.enc.sens(1, 100)");
    assert_eq!(b.eval("norns.encoders.sens[1]"), "16");
}

#[test]
fn an_events_file_plays_keys_into_a_render_on_exact_frames() {
    // A key press starts a note at the press's frame: the onset shows where it landed.
    let s = Script::new(
        "keyplay",
        "function key(n, z) if z == 1 then engine.note_on(69, 100) else engine.note_off(69) end end",
    );
    let spec = render_with(&s.file, 2.0, "0.5 key 2 1\n1.0 key 2 0\n");
    let (out, report) = render_script(&spec).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let first = out.left.iter().position(|x| x.abs() > 0.0).unwrap();
    assert!(
        (24_000..24_000 + 64).contains(&first),
        "first sound at {first}"
    );
    assert!(out.left[..24_000].iter().all(|&x| x == 0.0));
    let tail = &out.left[(1.3 * SR as f64) as usize..];
    assert!(tail.iter().all(|x| x.abs() < 1e-4), "the release ends it");
}

#[test]
fn midi_in_reaches_m_event_on_its_frame_and_plays_the_synth() {
    let s = Script::new(
        "midiin",
        r#"
        got = {}
        local m = midi.connect()
        m.event = function(data)
          local msg = midi.to_msg(data)
          got[#got + 1] = table.concat({ _wyrd.frame(), msg.type, msg.note or msg.cc, msg.vel or msg.val, msg.ch }, ":")
        end
        dev_events = 0
        midi.devices[1].event = function() dev_events = dev_events + 1 end
        "#,
    );
    let mut spec = render_with(
        &s.file,
        2.0,
        "0.25 midi note_on 69 100 3\n1 midi note_off 69\n1 midi cc 74 20\n",
    );
    spec.seconds = 1.5;
    let (out, report) = render_script(&spec).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // By default incoming MIDI also plays the synth, from the message's frame.
    let first = out.left.iter().position(|x| x.abs() > 0.0).unwrap();
    assert!(
        (12_000..12_000 + 64).contains(&first),
        "first sound at {first}"
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    for e in &spec.events {
        b.runtime.host_event(&e.event, at(e.frame));
    }
    assert_eq!(
        text(&mut b, "table.concat(got, ' ')"),
        "12000:note_on:69:100:3 48000:note_off:69:100:1 48000:cc:74:20:1"
    );
    assert_eq!(b.eval("dev_events"), "3");
    assert_eq!(
        text(
            &mut b,
            "midi.vports[1].name .. ' ' .. tostring(midi.vports[1].connected)"
        ),
        "wyrd true"
    );
    assert_eq!(text(&mut b, "tostring(midi.vports[2].connected)"), "false");
}

#[test]
fn midi_out_leaves_on_the_frames_of_the_scripts_clock() {
    let s = Script::new(
        "midiout",
        r#"
        local m = midi.connect(1)
        local quiet = midi.connect(2) -- no device: sends nothing, as on norns
        function init()
          clock.run(function()
            for i = 1, 3 do
              clock.sync(1/2)
              m:note_on(60 + i, 90, 2)
              quiet:note_on(1, 1)
              clock.sleep(0.1)
              m:note_off(60 + i)
            end
            m:cc(7, 100)
            m:pitchbend(16383)
            m:program_change(3, 16)
            m:send{0xf8}
            m:send{type = "start"}
          end)
        end
        "#,
    );
    let spec = render_with(&s.file, 2.5, "");
    let (_, report) = render_script(&spec).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let sent: Vec<(u64, Vec<u8>)> = report
        .midi_out
        .iter()
        .map(|e| (e.frame, e.bytes.as_slice().to_vec()))
        .collect();
    let beat = 24_000u64; // 120 bpm
    let off = (0.1 * SR as f64) as u64;
    let end = 3 * beat / 2 + off;
    assert_eq!(
        sent,
        vec![
            (beat / 2, vec![0x91, 61, 90]),
            (beat / 2 + off, vec![0x80, 61, 100]),
            (beat, vec![0x91, 62, 90]),
            (beat + off, vec![0x80, 62, 100]),
            (3 * beat / 2, vec![0x91, 63, 90]),
            (end, vec![0x80, 63, 100]),
            (end, vec![0xb0, 7, 100]),
            (end, vec![0xe0, 0x7f, 0x7f]),
            (end, vec![0xcf, 3]),
            (end, vec![0xf8]),
            (end, vec![0xfa]),
        ]
    );
}

#[test]
fn midi_messages_convert_both_ways_as_norns_does() {
    let s = Script::new("conv", "");
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.eval(
        r#"(function()
          show = function(t) local k = {} for key in pairs(t) do k[#k+1] = key end table.sort(k)
            local out = {} for _, key in ipairs(k) do out[#out+1] = key .. "=" .. tostring(t[key]) end
            return table.concat(out, ",") end
          bytes = function(t) return table.concat(t, " ") end
        end)()"#,
    );
    for (msg, data) in [
        ("{type='note_on', note=60, vel=100, ch=1}", "144 60 100"),
        ("{type='note_off', note=60, vel=64, ch=2}", "129 60 64"),
        ("{type='cc', cc=74, val=3, ch=16}", "191 74 3"),
        ("{type='pitchbend', val=8192, ch=1}", "224 0 64"),
        ("{type='key_pressure', note=60, val=5, ch=1}", "160 60 5"),
        ("{type='channel_pressure', val=9, ch=1}", "208 9"),
        ("{type='program_change', val=7, ch=1}", "192 7"),
        ("{type='song_position', lsb=1, msb=2}", "242 1 2"),
        ("{type='clock'}", "248"),
        ("{type='start'}", "250"),
        ("{type='stop'}", "252"),
        ("{type='continue'}", "251"),
    ] {
        assert_eq!(
            text(&mut b, &format!("bytes(midi.to_data({msg}))")),
            data,
            "{msg}"
        );
        // And back: the same fields.
        assert_eq!(
            text(&mut b, &format!("show(midi.to_msg(midi.to_data({msg})))")),
            text(&mut b, &format!("show({msg})")),
            "{msg}"
        );
    }
    // Velocity 0 is a note-off; what wyrd does not know keeps its bytes.
    assert_eq!(text(&mut b, "midi.to_msg{0x90, 60, 0}.type"), "note_off");
    assert_eq!(text(&mut b, "midi.to_msg{0xf0, 1, 0xf7}.type"), "sysex");
    assert_eq!(text(&mut b, "midi.to_msg{0xf5}.type"), "other");
}

#[test]
fn bad_midi_calls_say_what_is_wrong() {
    let s = Script::new("badmidi", "m = midi.connect()");
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    for (line, why) in [
        ("midi.connect(17)", "midi.connect: vport 17 (1..16)"),
        ("m:send{}", "midi: nothing to send"),
        ("m:send{60, 1}", "midi: a message starts with a status byte"),
        ("m:send{0x90, 200, 1}", "midi: data bytes are 0..127"),
        (
            "m:send{0xf0, 1, 2, 0xf7}",
            "wyrd sends messages of 1 to 3 bytes (no sysex)",
        ),
        ("m:send{0x90, 'x'}", "midi: byte 2 is not a number"),
        ("m:send{type = 'bogus'}", "unknown message type 'bogus'"),
        ("m:note_on()", "note_on is missing a field"),
    ] {
        let r = b.runtime.repl(line, at(0));
        assert!(!r.ok && r.output.contains(why), "{line}: {}", r.output);
    }
    // The script is still there.
    assert_eq!(text(&mut b, "type(m)"), "table");
}

#[test]
fn osc_remote_key_and_enc_press_and_turn_as_norns_hardware() {
    let mut rc = wyrd_script::RuntimeConfig::new(SR);
    rc.budget = wyrd_script::Budget::Instructions(5_000_000);
    let mut rig = OscRig::new(
        wyrd_engine::EngineConfig::new(SR),
        rc,
        wyrd_script::osc::OscConfig::default(),
        Script::new("remote", RECORDER),
    )
    .unwrap();
    rig.send("/remote/key", vec![OscArg::Int(3), OscArg::Int(1)]);
    rig.send("/remote/enc", vec![OscArg::Int(2), OscArg::Float(4.0)]);
    // Wrong arguments are bad input, counted, and call nothing.
    rig.send("/remote/key", vec![OscArg::Int(4), OscArg::Int(1)]);
    rig.send("/remote/enc", vec![OscArg::Int(1)]);
    rig.send("/remote/enc", vec![OscArg::Int(1), OscArg::Float(0.5)]);
    let r = rig.runtime.repl("table.concat(log, ' ')", at(0));
    let log = r.output.trim().trim_matches('"').to_string();
    let fields: Vec<&str> = log.split(' ').collect();
    assert_eq!(fields.len(), 2, "{log}");
    assert!(
        fields[0].starts_with("key:") && fields[0].ends_with(":3:1"),
        "{log}"
    );
    assert!(
        fields[1].starts_with("enc:") && fields[1].ends_with(":2:2"),
        "{log}"
    );
    assert_eq!(rig.stats.counts().bad, 3);
}

#[test]
fn the_repl_presses_keys_and_turns_encoders() {
    let s = Script::new("replkeys", RECORDER);
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    let r = b.runtime.repl(":key 1 1", at(480));
    assert!(r.ok, "{}", r.output);
    b.runtime.repl(":enc 3 2", at(960));
    assert_eq!(
        text(&mut b, "table.concat(log, ' ')"),
        "key:480:1:1 enc:960:3:1"
    );
    let r = b.runtime.repl(":key 9 1", at(0));
    assert!(
        !r.ok && r.output.contains("key 9 is outside 1..3"),
        "{}",
        r.output
    );
}

#[test]
fn a_script_can_keep_incoming_midi_from_the_synth() {
    let s = Script::new(
        "thru",
        "got = 0\nfunction init() midi.synth_thru(false); midi.connect().event = function() got = got + 1 end end",
    );
    let spec = render_with(&s.file, 1.0, "0.25 midi note_on 69 100\n");
    let (out, report) = render_script(&spec).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        out.left.iter().all(|&x| x == 0.0),
        "the synth stayed silent"
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.runtime.host_event(&spec.events[0].event, at(12_000));
    assert_eq!(b.eval("got"), "1");
}

#[test]
fn mapped_ccs_move_params_and_mappings_load_from_norns_pmap_files() {
    let s = Script::new(
        "mapped",
        r#"
        params:add_control("cut", "cut", controlspec.new(0, 100, "lin", 0, 50))
        params:add_number("steps", "steps", 1, 16, 8)
        params:add_option("mode", "mode", {"a", "b", "c"}, 1)
        "#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    let cc = |b: &mut Bench, ch: u8, cc: u8, v: u8| {
        let bytes = wyrd_engine::MidiBytes::new(&[0xb0 + ch - 1, cc, v]).unwrap();
        b.runtime
            .host_event(&HostEvent::Midi { device: 1, bytes }, at(0));
    };
    // Learn: the next CC is mapped.
    b.eval("norns.pmap.learn('cut')");
    cc(&mut b, 3, 21, 0);
    assert_eq!(b.eval("params:get('cut')"), "50");
    cc(&mut b, 3, 21, 127);
    assert_eq!(b.eval("params:get('cut')"), "100");
    cc(&mut b, 3, 21, 0);
    assert_eq!(b.eval("params:get('cut')"), "0");
    // Another channel does nothing.
    cc(&mut b, 4, 21, 127);
    assert_eq!(b.eval("params:get('cut')"), "0");
    // Numbers and options take the whole of their range, rounded.
    b.eval("norns.pmap.assign('steps', 1, 1, 7); norns.pmap.assign('mode', 1, 1, 8)");
    cc(&mut b, 1, 7, 127);
    cc(&mut b, 1, 8, 64);
    assert_eq!(b.eval("params:get('steps')"), "16");
    assert_eq!(b.eval("params:get('mode')"), "2");
    // Written in norns' format, read back by the next load of the script.
    b.eval("norns.pmap.write()");
    let file = s.file.parent().unwrap().join("data/mapped.pmap");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains(r#""cut":"{"#) && saved.contains("cc=21"),
        "{saved}"
    );
    let mut again = Bench::start();
    again.load(&s.file).unwrap();
    cc(&mut again, 3, 21, 127);
    assert_eq!(again.eval("params:get('cut')"), "100");
    // Bad assignments are named.
    let r = again
        .runtime
        .repl("norns.pmap.assign('nope', 1, 1, 1)", at(0));
    assert!(
        !r.ok && r.output.contains("no param 'nope'"),
        "{}",
        r.output
    );
    let r = again
        .runtime
        .repl("norns.pmap.assign('cut', 1, 17, 1)", at(0));
    assert!(
        !r.ok && r.output.contains("channel 17 is outside 1..16"),
        "{}",
        r.output
    );
}

#[test]
fn the_arp_example_arpeggiates_held_midi_notes_on_the_clock_and_latches_with_k2() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/arp/arp.lua");
    let events = "0.1 midi note_on 60 100\n0.1 midi note_on 64 100\n0.1 midi note_on 67 100\n\
                  1 key 2 1\n1.1 key 2 0\n1.5 midi note_off 60\n1.5 midi note_off 64\n\
                  1.5 midi note_off 67\n2 enc 3 1\n2.5 enc 3 1\n";
    let spec = render_with(&file, 3.0, events);
    let (out, report) = render_script(&spec).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        out.left.iter().any(|x| x.abs() > 0.01),
        "it plays the synth"
    );
    let ons: Vec<(u64, u8)> = report
        .midi_out
        .iter()
        .filter(|e| e.bytes.as_slice()[0] == 0x91)
        .map(|e| (e.frame, e.bytes.as_slice()[1]))
        .collect();
    // Eighths at 120 bpm (3000 frames) from the first after the notes arrive, up the chord.
    assert_eq!(
        &ons[..4],
        &[(6000, 60), (9000, 64), (12000, 67), (15000, 60)]
    );
    assert!(ons.windows(2).all(|w| w[1].0 - w[0].0 == 3000), "{ons:?}");
    // Latched: still playing after the keys are let go; E3 adds an octave.
    assert!(ons.iter().any(|&(f, _)| f > 80_000));
    assert!(ons.iter().any(|&(f, n)| f > 96_000 && n >= 72), "{ons:?}");
    assert!(ons.iter().all(|&(f, n)| f > 96_000 || n < 72), "{ons:?}");
}
