//! OSC dispatch on a runtime driven by hand: norns' order (osc.event, then built-ins), the
//! built-in paths, bundles on their frames, and what is refused.

mod common;

use std::net::SocketAddr;

use common::*;
use rosc::{OscPacket, OscType};
use wyrd_engine::EngineConfig;
use wyrd_schema::find;
use wyrd_script::osc::timetag::unix_to_ntp;
use wyrd_script::osc::{OscConfig, Outcome, When};
use wyrd_script::{Budget, OscArg, RuntimeConfig};

const SCRIPT: &str = r#"
seen = {}
function osc.event(path, args, from)
  -- What the script sees must be the state before the built-in acts.
  seen[#seen + 1] = { path = path, n = #args, cutoff = params:get("filter_cutoff"),
    first = args[1], host = from[1] }
end
function init()
  params:add_number("steps", "steps", 1, 16, 4)
  params:add_option("mode", "mode", {"up", "down", "random"}, 1)
  params:add_control("depth", "depth", controlspec.new(0, 10, "lin", 0, 5))
  params:add_trigger("go", "go")
  params:set_action("go", function() went = (went or 0) + 1 end)
end
"#;

type Rig = OscRig;

fn rig_with(config: OscConfig) -> Rig {
    rig_queue(config, 1 << 16)
}

fn rig_queue(config: OscConfig, queue_capacity: usize) -> Rig {
    let mut ec = EngineConfig::new(SR);
    ec.queue_capacity = queue_capacity;
    ec.patch = sine_patch();
    let mut rc = RuntimeConfig::new(SR);
    rc.budget = Budget::Instructions(5_000_000);
    rc.seed = Some(1);
    rc.patch = *sine_patch().values();
    OscRig::new(ec, rc, config, Script::new("remote", SCRIPT)).unwrap()
}

fn rig() -> Rig {
    rig_with(OscConfig::default())
}

impl OscRig {
    fn lua(&mut self, expr: &str) -> String {
        let r = self.runtime.repl(expr, at(0));
        assert!(r.ok, "{expr}: {}", r.output);
        r.output.trim_end().to_string()
    }

    /// Renders up to `frame` in 64-frame periods, running due bundles ahead as live does.
    fn render_to(&mut self, frame: usize) {
        self.render_periods(frame, 64, 960);
    }

    fn patch(&mut self, id: &str) -> f64 {
        let i = find(id).unwrap().index + 1;
        self.lua(&format!("_wyrd.patch()[{i}]")).parse().unwrap()
    }
}

/// The one reply among `outcomes`, decoded.
fn reply(outcomes: &[Outcome]) -> (SocketAddr, String, Vec<OscType>) {
    match outcomes {
        [Outcome::Reply { to, packet }] => match rosc::decoder::decode_udp(packet).unwrap().1 {
            OscPacket::Message(m) => (*to, m.addr, m.args),
            b => panic!("a bundle: {b:?}"),
        },
        other => panic!("expected one reply, got {other:?}"),
    }
}

fn f(x: f64) -> OscArg {
    OscArg::Float(x)
}

/// Where a sine note-on stamped for frame 0 first sounds (the synth's own delay).
fn intrinsic_onset() -> usize {
    let mut r = rig();
    r.runtime.exec("engine.note_on(69, 127)", at(0)).unwrap();
    r.render_to(1024);
    onsets(&r.out, 64)[0]
}

#[test]
fn osc_event_runs_first_then_the_builtin() {
    let mut r = rig();
    let before = r.patch("filter_cutoff");
    assert!(r.send("/param/filter_cutoff", vec![f(0.3)]).is_empty());
    assert_eq!(r.lua("seen[1].path"), "\"/param/filter_cutoff\"");
    assert_eq!(r.lua("seen[1].cutoff").parse::<f64>().unwrap(), before);
    assert_eq!(r.lua("seen[1].host"), "\"127.0.0.1\"");
    // Then the built-in: the engine and the param both have the new value.
    assert!((r.patch("filter_cutoff") - 0.3).abs() < 1e-6);
    assert!((r.lua("params:get('filter_cutoff')").parse::<f64>().unwrap() - 0.3).abs() < 1e-6);
    assert_eq!(r.stats.counts().bad, 0);
}

#[test]
fn norm_follows_the_schema_and_get_answers_the_sender() {
    let mut r = rig();
    r.send("/param/filter_cutoff/norm", vec![f(0.25)]);
    let expected = find("filter_cutoff").unwrap().denormalize(0.25);
    let (to, path, args) = reply(&r.send("/param/filter_cutoff/get", vec![]));
    assert_eq!((to, path.as_str()), (lo(), "/param/filter_cutoff"));
    assert_eq!(args, vec![OscType::Float(expected)]);

    // A categorical synth param: the number a bank stores (0-based), the option param 1-based.
    r.send("/param/osc1_waveform", vec![OscArg::Int(2)]);
    assert_eq!(r.patch("osc1_waveform"), 2.0);
    assert_eq!(r.lua("params:get('osc1_waveform')"), "3");
    let (_, _, args) = reply(&r.send("/param/osc1_waveform/get", vec![]));
    assert_eq!(args, vec![OscType::Float(2.0)]);
}

#[test]
fn script_params_take_their_own_values() {
    let mut r = rig();
    r.send("/param/steps", vec![OscArg::Int(9)]);
    assert_eq!(r.lua("params:get('steps')"), "9");
    r.send("/param/steps", vec![OscArg::Int(99)]);
    assert_eq!(r.lua("params:get('steps')"), "16", "clamped to its range");
    r.send("/param/mode", vec![OscArg::Int(3)]);
    assert_eq!(r.lua("params:string('mode')"), "\"random\"");
    r.send("/param/depth/norm", vec![f(0.5)]);
    assert_eq!(r.lua("params:get('depth')"), "5");
    r.send("/param/go", vec![OscArg::Int(1)]);
    assert_eq!(r.lua("went"), "1", "a trigger's action runs");
    let (_, _, args) = reply(&r.send("/param/depth/get", vec![]));
    assert_eq!(args, vec![OscType::Float(5.0)]);
}

#[test]
fn bad_input_is_counted_and_the_script_still_hears_it() {
    let mut r = rig();
    r.send("/param/nope", vec![f(1.0)]);
    r.send("/param/nope", vec![f(1.0)]);
    r.send("/note_on", vec![OscArg::Str("c4".into())]);
    r.send("/param/steps", vec![OscArg::Str("many".into())]);
    r.send("/param/filter_cutoff", vec![f(f64::NAN)]);
    assert!(r.send("/param/nope/get", vec![]).is_empty());
    let c = r.stats.counts();
    assert_eq!(c.bad, 6, "{c:?}");
    assert_eq!(r.lua("#seen"), "6", "osc.event sees every message");
    assert_eq!(r.lua("params:get('steps')"), "4");
    // Unknown paths are the script's, not errors.
    r.send("/my/fader", vec![f(0.5)]);
    assert_eq!(r.stats.counts().bad, 6);
    // A latent path without a latent mapper is bad input, but the script hears it first.
    r.send("/latent/3", vec![f(0.5)]);
    assert_eq!(r.stats.counts().bad, 7);
    assert_eq!(
        r.lua("seen[8].path .. ' ' .. seen[8].first"),
        "\"/latent/3 0.5\""
    );
}

#[test]
fn notes_ping_and_all_off() {
    let mut r = rig();
    r.send("/note_on", vec![OscArg::Int(69), OscArg::Int(127)]);
    r.render_to(4800);
    assert!(r.out[2400..].iter().any(|&s| s.abs() > 0.1));
    r.send("/all_off", vec![]);
    r.render_to(4800 + 24_000);
    assert!(
        r.out[4800 + 12_000..].iter().all(|&s| s == 0.0),
        "still sounding"
    );
    let (to, path, args) = reply(&r.send("/ping", vec![OscArg::Int(7), OscArg::Str("x".into())]));
    assert_eq!((to, path.as_str()), (lo(), "/pong"));
    assert_eq!(args, vec![OscType::Int(7), OscType::String("x".into())]);
}

#[test]
fn timetagged_bundles_land_on_their_frames() {
    let delay = intrinsic_onset();
    let mut r = rig();
    let note = || vec![msg("/note_on", vec![OscArg::Int(69), OscArg::Int(127)])];
    let off = || vec![msg("/note_off", vec![OscArg::Int(69)])];
    // 0.5 s and 0.75 s after the clock's start: frames 24000 and 36000, far past the horizon.
    for (t, m) in [(0.5, note()), (0.6, off()), (0.75, note()), (0.85, off())] {
        assert!(r
            .send_from(lo(), m, When::At(unix_to_ntp(T0 + t)))
            .is_empty());
    }
    assert_eq!(r.osc.next_due(), Some(24_000));
    assert_eq!(r.lua("#seen"), "0", "a bundle ran before its time");
    r.render_to(48_000);
    assert_eq!(onsets(&r.out, 3000), vec![24_000 + delay, 36_000 + delay]);
    assert_eq!(r.stats.counts().late, 0);

    // One whose time has passed plays at once and is counted late.
    r.send_from(lo(), note(), When::At(unix_to_ntp(T0)));
    assert_eq!(r.stats.counts().late, 1);
    r.render_to(48_000 + 1024);
    assert!(r.out[48_000..].iter().any(|&s| s != 0.0));
}

#[test]
fn an_immediate_bundle_applies_on_one_frame() {
    let delay = intrinsic_onset();
    let mut r = rig();
    r.render_to(1000);
    // A bundle: volume down and a note on. Applied together, the note's first sample is
    // already at the new volume; the frame is the Lua thread's horizon (1000 + 960).
    let bundle = vec![
        msg("/param/master_vol", vec![f(0.1)]),
        msg("/note_on", vec![OscArg::Int(69), OscArg::Int(127)]),
    ];
    r.send_from(lo(), bundle, When::Together);
    r.render_to(6000);
    assert_eq!(onsets(&r.out, 500), vec![1960 + delay]);
    let quiet = r.out[3000..6000].iter().fold(0f32, |m, s| m.max(s.abs()));

    let mut loud = rig();
    loud.render_to(1000);
    loud.send_from(
        lo(),
        vec![msg("/note_on", vec![OscArg::Int(69), OscArg::Int(127)])],
        When::Together,
    );
    loud.render_to(6000);
    let peak = loud.out[3000..6000]
        .iter()
        .fold(0f32, |m, s| m.max(s.abs()));
    assert!(quiet < peak * 0.5, "quiet {quiet} loud {peak}");
}

#[test]
fn eval_needs_allow_eval_and_loopback() {
    let mut r = rig();
    assert!(r
        .send("/eval", vec![OscArg::Str("hacked = 1".into())])
        .is_empty());
    assert_eq!(r.lua("hacked"), "nil");
    assert_eq!(r.stats.counts().refused, 1);

    let mut r = rig_with(OscConfig {
        allow_eval: true,
        ..OscConfig::default()
    });
    let far: SocketAddr = "192.168.1.20:9000".parse().unwrap();
    let code = || vec![msg("/eval", vec![OscArg::Str("hacked = 1".into())])];
    assert!(r.send_from(far, code(), When::Now).is_empty());
    let mapped: SocketAddr = "[::ffff:192.168.1.20]:9000".parse().unwrap();
    assert!(r.send_from(mapped, code(), When::Now).is_empty());
    assert_eq!(r.lua("hacked"), "nil");
    assert_eq!(r.stats.counts().refused, 2);

    let (_, path, args) = reply(&r.send("/eval", vec![OscArg::Str("1 + 1".into())]));
    assert_eq!(path, "/eval/reply");
    assert_eq!(args, vec![OscType::Int(1), OscType::String("2".into())]);
    let v6: SocketAddr = "[::1]:9000".parse().unwrap();
    let (_, _, args) = reply(&r.send_from(
        v6,
        vec![msg("/eval", vec![OscArg::Str("error('no')".into())])],
        When::Now,
    ));
    assert_eq!(args[0], OscType::Int(0));
}

#[test]
fn script_load_stays_in_the_scripts_folder() {
    let scripts = Script::new("one", "x = 1");
    let two = scripts.sibling("two", "x = 2");
    let elsewhere = Script::new("stray", "x = 3");
    let mut r = rig_with(OscConfig {
        scripts_dir: Some(scripts.dir.path().to_path_buf()),
        ..OscConfig::default()
    });
    let load = |r: &mut Rig, s: &str| r.send("/script/load", vec![OscArg::Str(s.into())]);
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).unwrap();
    assert_eq!(
        load(&mut r, "two"),
        vec![Outcome::Load {
            path: canonical(&two),
            from: lo()
        }]
    );
    assert_eq!(
        load(&mut r, "one/one.lua"),
        vec![Outcome::Load {
            path: canonical(&scripts.file),
            from: lo()
        }]
    );
    for outside in [
        elsewhere.file.display().to_string(),
        "/etc/passwd".to_string(),
        "../../../../../../etc/passwd".to_string(),
        "nothing".to_string(),
    ] {
        let (_, path, _) = reply(&load(&mut r, &outside));
        assert_eq!(path, "/script/error", "{outside}");
    }
    assert_eq!(r.stats.counts().bad, 4);
}

#[test]
fn presets_come_from_the_current_bank() {
    let dir = wyrd_testrig::TempDir::new("wyrd-osc-bank").unwrap();
    let bank = dir.path().join("two.bank");
    let mut saw = saw_patch();
    saw.name = "saw".into();
    wyrd_bank::write_bank(&bank, &[sine_patch(), saw]).unwrap();
    let mut r = rig();
    let bank_arg = OscArg::Str(bank.display().to_string());
    r.send("/preset", vec![bank_arg, OscArg::Int(1)]);
    assert_eq!(r.patch("osc1_waveform"), 2.0);
    assert_eq!(r.lua("params:get('osc1_waveform')"), "3");
    // The bank is remembered: `/preset n` picks from it.
    r.send("/preset", vec![OscArg::Int(0)]);
    assert_eq!(r.patch("osc1_waveform"), 0.0);
    r.send("/preset", vec![OscArg::Int(5)]);
    r.send(
        "/preset",
        vec![OscArg::Str("no-such-bank".into()), OscArg::Int(0)],
    );
    assert_eq!(r.stats.counts().bad, 2);
    assert_eq!(r.patch("osc1_waveform"), 0.0);
}

#[test]
fn the_faders_example_moves_a_latent_mapper() {
    let mut r = rig();
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/faders/faders.lua");
    r.runtime.load(&file, at(0)).unwrap();
    assert_eq!(r.lua("latent.active() == m"), "true");
    let cutoff = r.patch("filter_cutoff");
    // The built-in routing moves the mapper; the script leaves the patch to it.
    r.send("/latent/1", vec![f(3.0)]);
    assert_eq!(r.patch("filter_cutoff"), cutoff, "osc.event set the cutoff");
    r.send("/latent", vec![f(-3.0), f(-3.0)]);
    assert_eq!(r.lua("m:get(1)").parse::<f64>().unwrap(), -3.0);
    assert_eq!(r.lua("m:get(2)").parse::<f64>().unwrap(), -3.0);
    // The decode is a timer of the script's, due at the horizon the messages came in at.
    r.runtime.run_due(r.clock().horizon);
    r.render_to(4800);
    assert_eq!(r.runtime.model_stats().decodes, 1);
    assert_ne!(
        r.patch("filter_cutoff"),
        cutoff,
        "the decoded patch did not arrive"
    );
    assert_eq!(r.stats.counts().bad, 0);
    assert_eq!(r.runtime.error_count(), 0, "{:?}", r.runtime.errors());
}

#[test]
fn without_models_the_faders_example_turns_latent_faders_into_macros() {
    let mut r = rig();
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/faders/faders.lua"),
    )
    .unwrap()
    .replace(
        "local MODEL = 'preset_vae8'",
        "local MODEL = 'no_such_model'",
    );
    let script = Script::new("faders", &source);
    r.runtime.load(&script.file, at(0)).unwrap();
    assert_eq!(r.lua("latent.active()"), "nil");
    let cutoff = find("filter_cutoff").unwrap();
    assert!((r.patch("filter_cutoff") - f64::from(cutoff.denormalize(0.5))).abs() < 1e-6);
    r.send("/latent/1", vec![f(3.0)]);
    assert_eq!(r.patch("filter_cutoff"), f64::from(cutoff.max));
    r.send("/latent", vec![f(-3.0), f(-3.0)]);
    assert_eq!(r.patch("filter_cutoff"), f64::from(cutoff.min));
    assert_eq!(r.patch("filter_resonance"), 0.0);
    // The built-in part has no mapper to move: counted, while the script did the work.
    assert_eq!(r.stats.counts().bad, 2);
    assert_eq!(r.runtime.error_count(), 0, "{:?}", r.runtime.errors());
}

#[test]
fn a_fader_flood_cannot_crowd_out_a_note() {
    // The audio thread stalls (nothing renders) while a controller floods a fader.
    let mut r = rig_queue(OscConfig::default(), 64);
    for i in 0..200 {
        r.send("/param/filter_cutoff", vec![f(f64::from(i) / 200.0)]);
    }
    let c = r.stats.counts();
    // The script's load left an all-notes-off and a MIDI setting queued; 47 changes take the
    // queue to 49, past three quarters of 64, and the rest are shed.
    assert_eq!(c.shed, 200 - 47, "{c:?}");
    assert_eq!(c.bad, 0, "{c:?}");
    // Shed changes are still checked: an unknown id, and a string for a synth param or a
    // script's option param, are bad input, not shed.
    r.send("/param/no_such_param", vec![f(1.0)]);
    r.send("/param/filter_cutoff", vec![OscArg::Str("high".into())]);
    r.send("/param/mode", vec![OscArg::Str("up".into())]);
    r.send("/param/mode", vec![OscArg::Int(2)]);
    r.send("/param/depth/norm", vec![f(0.5)]);
    let c = r.stats.counts();
    assert_eq!((c.shed, c.bad), (200 - 47 + 2, 3), "{c:?}");
    // Shed means not applied: the script's param kept its value.
    assert_eq!(r.lua("params:get('mode')"), "1");
    r.send("/note_on", vec![OscArg::Int(69), OscArg::Int(127)]);
    assert_eq!(r.controller().stats().snapshot().dropped_commands, 0);
    r.render_to(4800);
    assert!(r.out.iter().any(|&s| s.abs() > 0.1), "the note was lost");
}
