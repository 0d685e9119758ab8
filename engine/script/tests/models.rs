//! The models as an instrument from Lua, offline: `model.load`, latent mappers decoded on the
//! logical clock and rate-limited, presets in and out of the latent space, OSC `/latent`, and
//! resynthesis of an input file. Needs ONNX Runtime (`./setup.sh ort`) and the models in
//! `models/`, as the whole suite does.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use rosc::{OscPacket, OscType};
use wyrd_engine::EngineConfig;
use wyrd_render::{render_notes, NoteRender, Stereo};
use wyrd_schema::{Patch, NUM_PARAMS};
use wyrd_script::models_api::NO_MAPPER;
use wyrd_script::osc::{OscConfig, Outcome};
use wyrd_script::render::{render_script, RenderReport, ScriptRender};
use wyrd_script::{Budget, OscArg, RuntimeConfig};
use wyrd_testrig::{median_pitch, spectral_change, TempDir};

type Rig = OscRig;

/// Renders as `render_script` does (models inline).
impl OscRig {
    fn load(source: &str) -> Result<Rig, String> {
        let mut ec = EngineConfig::new(SR);
        ec.queue_capacity = 1 << 16;
        let mut rc = RuntimeConfig::new(SR);
        rc.budget = Budget::Instructions(50_000_000);
        rc.seed = Some(1);
        OscRig::new(ec, rc, OscConfig::default(), Script::new("models", source))
    }

    fn now(&self) -> wyrd_script::Now {
        at(self.out.len() as u64)
    }

    fn lua(&mut self, expr: &str) -> String {
        let r = self.runtime.repl(expr, self.now());
        assert!(r.ok, "{expr}: {}", r.output);
        r.output.trim_end().to_string()
    }

    fn lua_err(&mut self, expr: &str) -> String {
        let r = self.runtime.repl(expr, self.now());
        assert!(!r.ok, "{expr} did not fail: {}", r.output);
        r.output
    }

    fn numbers(&mut self, expr: &str) -> Vec<f32> {
        let s = self.lua(&format!("table.concat({expr}, ',')"));
        s.trim_matches('"')
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect()
    }

    fn render_to(&mut self, frame: usize) {
        self.render_periods(frame, 1024, 0);
    }
}

fn f(x: f64) -> OscArg {
    OscArg::Float(x)
}

fn reply(outcomes: &[Outcome]) -> (String, Vec<OscType>) {
    match outcomes {
        [Outcome::Reply { to, packet }] => {
            assert_eq!(*to, lo());
            match rosc::decoder::decode_udp(packet).unwrap().1 {
                OscPacket::Message(m) => (m.addr, m.args),
                b => panic!("a bundle: {b:?}"),
            }
        }
        other => panic!("expected one reply, got {other:?}"),
    }
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts")
        .join(name)
        .join(format!("{name}.lua"))
}

fn render_spec(spec: &ScriptRender) -> (Stereo, RenderReport) {
    let (audio, report) = render_script(spec).unwrap_or_else(|e| panic!("render failed: {e}"));
    assert_eq!(report.error_count, 0, "{:#?}", report.errors);
    assert_eq!(report.model_errors, 0);
    assert_eq!(report.late_commands, 0);
    assert_eq!(report.dropped_commands, 0);
    (audio, report)
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// A script playing a note every quarter second while dimension 1 of preset_vae8 goes from
/// `from` to `to` over two seconds, one set every 10 ms; the decoded patches at 0.5 s and
/// 1.95 s are kept. (Notes are restruck: a decoded patch that changes the keyboard mode ends
/// the notes sounding, as amSynth does.)
fn sweep_script(from: f64, to: f64) -> String {
    format!(
        r#"
function init()
  m = latent.new{{model = model.load("preset_vae8"), rate = 100}}
  clock.run(function()
    while true do
      clock.sleep(0.05)
      engine.note_on(48, 100)
      clock.sleep(0.2)
      engine.note_off(48)
    end
  end)
  clock.run(function()
    for k = 0, 200 do
      m:set(1, {from} + ({to} - {from}) * k / 200)
      if k == 50 then early = m:patch() end
      if k == 195 then late = m:patch() end
      clock.sleep(0.01)
    end
  end)
end
"#
    )
}

#[test]
fn a_latent_sweep_changes_the_patch_the_engine_plays() {
    let mut r = Rig::load(&sweep_script(-2.0, 2.0)).unwrap();
    r.render_to(2 * SR as usize);
    assert_eq!(r.runtime.error_count(), 0, "{:?}", r.runtime.errors());
    let early = r.numbers("early");
    let late = r.numbers("late");
    assert_eq!(early.len(), NUM_PARAMS);
    let moved = early
        .iter()
        .zip(&late)
        .filter(|(a, b)| (*a - *b).abs() > 1e-3)
        .count();
    assert!(moved >= 10, "only {moved} parameters moved");
    // The engine plays what was decoded: the same script holding z at -2 sounds the same at
    // first and differently once the sweep has moved on.
    let sweep = Script::new("sweep", &sweep_script(-2.0, 2.0));
    let still = Script::new("still", &sweep_script(-2.0, -2.0));
    let (a, ra) = render_spec(&ScriptRender::new(&sweep.file, 2.0));
    let (b, rb) = render_spec(&ScriptRender::new(&still.file, 2.0));
    assert!(rms(&b.left) > 0.01, "silent: {}", rms(&b.left));
    // One decode per 10 ms step (rate 100) in both.
    assert!((199..=202).contains(&ra.decodes), "{}", ra.decodes);
    assert_eq!(ra.decodes, rb.decodes);
    let first = 480;
    assert_eq!(a.left[..first], b.left[..first], "the first decode differs");
    let half = SR as usize;
    let diff: Vec<f32> = a.left[half..]
        .iter()
        .zip(&b.left[half..])
        .map(|(x, y)| x - y)
        .collect();
    assert!(
        rms(&diff) > 0.2 * rms(&b.left[half..]),
        "the sweep did not change the sound: {} vs {}",
        rms(&diff),
        rms(&b.left[half..])
    );
}

#[test]
fn decodes_are_rate_limited_however_often_the_point_moves() {
    let script = |rate: u32| {
        Script::new(
            "busy",
            &format!(
                r#"
function init()
  m = latent.new{{model = "vae8", rate = {rate}}}
  clock.run(function()
    local k = 0
    while true do
      m:set(1 + k % 8, math.sin(k / 50))
      k = k + 1
      clock.sleep(0.001)
    end
  end)
end
"#
            ),
        )
    };
    for (rate, want) in [(50, 50), (200, 200)] {
        let s = script(rate);
        let (_, report) = render_spec(&ScriptRender::new(&s.file, 1.0));
        // 1000 sets in a second: `rate` decodes (one every 48000 / rate frames from frame 0).
        assert!(
            report.decodes.abs_diff(want) <= 2,
            "rate {rate}: {} decodes",
            report.decodes
        );
    }
}

#[test]
fn the_latent_sweep_example_renders_identically_twice() {
    let spec = ScriptRender::new(&example("latent_sweep"), 6.0);
    let (a, ra) = render_spec(&spec);
    let (b, rb) = render_spec(&spec);
    assert!(a.left == b.left && a.right == b.right, "two renders differ");
    assert_eq!(ra.decodes, rb.decodes);
    assert!(ra.decodes > 300, "{} decodes", ra.decodes);
    assert!(rms(&a.left) > 0.02, "rms {}", rms(&a.left));
}

#[test]
fn a_preset_goes_into_the_latent_space_and_back_out() {
    let dir = TempDir::new("wyrd-latent-preset").unwrap();
    let mut r = Rig::load(
        r#"
function init()
  m = latent.new{model = model.load("amsynth_vae8")}
  name = m:from_preset("amsynth_factory.bank", 3)
end
"#,
    )
    .unwrap();
    assert_eq!(r.lua("name"), "\"Sweet Bass\"");
    let z = r.numbers("m:values()");
    assert_eq!(z.len(), 8);
    assert!(z.iter().all(|v| v.is_finite()) && z.iter().any(|&v| v != 0.0));
    assert_eq!(r.lua("m:patch()"), "nil", "decoded before its timer");
    r.render_to(4800);
    assert_eq!(r.runtime.model_stats().decodes, 1);
    let decoded = r.numbers("m:patch()");
    let path = dir.path().join("bass.amSynth");
    r.lua(&format!("m:to_preset('{}')", path.display()));
    let back = wyrd_bank::read_preset(&path).unwrap();
    assert_eq!(back.name, "bass");
    assert_eq!(back.values().as_slice(), decoded.as_slice());
    // The engine got that patch, and the script's patch is it too.
    assert_eq!(r.numbers("_wyrd.patch()"), decoded);

    // Before any decode, to_preset decodes the point now (and names it as asked).
    let path = dir.path().join("origin.amSynth");
    r.lua(&format!(
        "origin = latent.new{{model = 'preset_vae8'}}; origin:to_preset('{}', 'middle')",
        path.display()
    ));
    let origin = wyrd_bank::read_preset(&path).unwrap();
    assert_eq!(origin.name, "middle");
    assert_ne!(origin.values(), back.values());
    // The encoder reproduces the preset's character: the decoded bass is closer to the
    // preset than the middle of the space is.
    let bank = wyrd_bank::find_bank(Path::new("amsynth_factory.bank")).unwrap();
    let preset = wyrd_bank::read_bank(&bank).unwrap().presets[3].clone();
    let dist = |p: &Patch| {
        let (a, b) = (p.normalized(), preset.normalized());
        a.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum::<f64>()
    };
    assert!(
        dist(&back) < dist(&origin),
        "{} vs {}",
        dist(&back),
        dist(&origin)
    );
}

#[test]
fn model_errors_name_the_file_and_what_to_do() {
    let e = Rig::load("function init()\n  model.load('nope')\nend\n")
        .err()
        .unwrap();
    let dir = wyrd_models::instrument::models_dir().unwrap();
    assert!(
        e.contains("models.lua:2: model.load: no model 'nope'"),
        "{e}"
    );
    assert!(e.contains(&dir.display().to_string()), "{e}");
    assert!(e.contains("preset_vae8"), "lists what there is: {e}");

    let e = Rig::load("function init()\n  latent.new{model = model.load('live_matcher')}\nend\n")
        .err()
        .unwrap();
    assert!(
        e.contains("models.lua:2: latent.new: live_matcher is a live_matcher model"),
        "{e}"
    );
    assert!(e.contains("needs a VAE"), "{e}");

    let mut r = Rig::load("m = latent.new{model = 'preset_vae4'}").unwrap();
    assert!(r
        .lua_err("m:set(5, 1)")
        .contains("latent index 5 is outside 1..4"));
    assert!(r.lua_err("m:set(1, 0/0)").contains("not a finite number"));
    assert!(r
        .lua_err("m:set_all{1, 2, 3, 4, 5}")
        .contains("5 values for preset_vae4's 4 dimensions"));
    assert!(r
        .lua_err("m:from_preset('amsynth_factory.bank', 99)")
        .contains("has no preset 99"));
    assert!(r
        .lua_err("m:from_preset('no_such.bank', 1)")
        .contains("no bank 'no_such.bank'"));
    assert!(r
        .lua_err("latent.new{model = 'preset_vae4', rate = 0}")
        .contains("rate must be"));
    assert!(r
        .lua_err("latent.new{modle = 'x'}")
        .contains("unknown option"));
    assert!(r
        .lua_err("resynth.start{model = 'preset_vae4'}")
        .contains("resynthesis needs a live matcher"));
    assert!(r
        .lua_err("resynth.start{follow_pich = true}")
        .contains("unknown option follow_pich"));
    assert_eq!(r.lua("resynth.running()"), "false");
    // A failed call changes nothing.
    assert_eq!(
        r.lua("table.concat(m:values(), ',')"),
        "\"0.0,0.0,0.0,0.0\""
    );
    // Models load once per runtime: a second load is the same model.
    assert_eq!(
        r.lua("model.load('vae4').path == model.load('preset_vae4').path"),
        "true"
    );
    assert_eq!(r.lua("model.load('vae4').latent_dim"), "4");
    assert_eq!(r.lua("model.load('live_matcher').kind"), "\"live_matcher\"");
    assert_eq!(r.lua("model.load('live_matcher').latent_dim"), "nil");
}

#[test]
fn lfos_and_envs_drive_latent_dimensions() {
    let mut r = Rig::load(
        r#"
function init()
  m = latent.new{model = "preset_vae8", rate = 50}
  seen = {}
  wob = lfo:add{min = -2, max = 2, period = 1, action = function(v) m:set(1, v) end}
  swell = env.new{levels = {0, 1, 0}, times = {0.25, 0.25}, min = 0, max = 3, action = m:driver(2)}
  wob:start()
  swell:trigger()
end
"#,
    )
    .unwrap();
    r.render_to(SR as usize / 4 + 1);
    let z = r.numbers("m:values()");
    assert!((z[1] - 3.0).abs() < 1e-6, "the env's peak: {z:?}");
    r.render_to(SR as usize / 2 + 480);
    let z = r.numbers("m:values()");
    assert!(z[1].abs() < 1e-6, "the env's end: {z:?}");
    assert!(z[0] != 0.0 && z[0].abs() <= 2.0, "{z:?}");
    // Hundreds of lfo ticks, 50 decodes a second.
    let decodes = r.runtime.model_stats().decodes;
    assert!((25..=28).contains(&decodes), "{decodes}");
    assert!(r.lua_err("m:driver(9)").contains("outside 1..8"));
}

#[test]
fn osc_latent_paths_reach_the_active_mapper() {
    let mut r = Rig::load(
        r#"
seen = {}
function osc.event(path, args) seen[#seen + 1] = path end
function init()
  a = latent.new{model = "preset_vae8"}
  b = latent.new{model = "preset_vae4"}
end
"#,
    )
    .unwrap();
    // The newest is active.
    assert_eq!(r.lua("latent.active() == b"), "true");
    r.lua("a:activate()");
    assert!(r.send("/latent/2", vec![f(1.5)]).is_empty());
    let get = |r: &mut Rig, e: &str| r.lua(e).parse::<f64>().unwrap();
    assert_eq!(get(&mut r, "a:get(2)"), 1.5);
    assert_eq!(get(&mut r, "b:get(2)"), 0.0);
    let (path, args) = reply(&r.send("/latent/2/get", vec![]));
    assert_eq!(path, "/latent/2");
    assert_eq!(args, vec![OscType::Float(1.5)]);
    r.send("/latent", vec![f(0.1), OscArg::Int(-2)]);
    assert_eq!(get(&mut r, "a:get(1)"), f64::from(0.1f32));
    assert_eq!(get(&mut r, "a:get(2)"), -2.0);
    assert_eq!(get(&mut r, "a:get(3)"), 0.0);
    assert_eq!(r.stats.counts().bad, 0);
    // The script heard all of them first.
    assert_eq!(r.lua("#seen"), "3");

    // Past the mapper's dimensions: bad input, nothing changes.
    r.lua("b:activate()");
    r.send("/latent/5", vec![f(1.0)]);
    r.send("/latent/5/get", vec![]);
    r.send("/latent", vec![f(1.0); 5]);
    assert_eq!(r.stats.counts().bad, 3);
    assert_eq!(
        r.lua("table.concat(b:values(), ',')"),
        "\"0.0,0.0,0.0,0.0\""
    );
    assert_eq!(
        r.runtime.latent_set(5, 1.0, at(0)),
        Err("latent index 5 is outside 1..4 (preset_vae4 has 4 dimensions)".into())
    );

    // The point decodes at the mapper's rate: an OSC flood is a handful of decodes.
    for i in 0..500 {
        r.send("/latent/1", vec![f(f64::from(i) / 250.0)]);
    }
    r.render_to(4800);
    let decodes = r.runtime.model_stats().decodes;
    assert!(decodes <= 3, "{decodes} decodes");
    assert_eq!(get(&mut r, "b:get(1)"), f64::from(499.0f32 / 250.0));
}

#[test]
fn osc_latent_without_a_mapper_is_bad_input_the_script_still_hears() {
    let mut r = Rig::load(
        "seen = {}\nfunction osc.event(path, args) seen[#seen + 1] = path .. ' ' .. tostring(args[1]) end\n",
    )
    .unwrap();
    r.send("/latent/3", vec![f(0.5)]);
    r.send("/latent", vec![f(0.5)]);
    assert!(r.send("/latent/3/get", vec![]).is_empty());
    assert_eq!(r.stats.counts().bad, 3);
    assert_eq!(r.lua("seen[1]"), "\"/latent/3 0.5\"");
    assert_eq!(r.lua("#seen"), "3");
    assert_eq!(r.runtime.latent_set(3, 0.5, at(0)), Err(NO_MAPPER.into()));
    assert_eq!(
        NO_MAPPER,
        "no latent mapper (a script makes one with latent.new)"
    );
    // A reloaded script's mappers are gone with it.
    let mut r = Rig::load("m = latent.new{model = 'vae2'}").unwrap();
    r.send("/latent/1", vec![f(0.5)]);
    assert_eq!(r.stats.counts().bad, 0);
    r.runtime.unload(at(0));
    r.send("/latent/1", vec![f(0.5)]);
    assert_eq!(r.stats.counts().bad, 1);
}

#[test]
fn the_osc_latent_example_plays_and_moves_with_its_faders() {
    let mut r = Rig::load(&std::fs::read_to_string(example("osc_latent")).unwrap()).unwrap();
    r.render_to(2 * SR as usize);
    let patch = r.numbers("m:patch()");
    r.send("/latent/1", vec![f(2.0)]);
    r.render_to(4 * SR as usize);
    assert_ne!(r.numbers("m:patch()"), patch);
    // A second is a whole cycle of the arpeggio: two seconds before the fader moved sound
    // alike, a second after it does not.
    let second = |t: f64| r.out[(t * f64::from(SR)) as usize..][..SR as usize].to_vec();
    let (b0, b1, after) = (second(0.3), second(0.9), second(2.5));
    assert!(rms(&b1) > 0.02 && rms(&after) > 0.02);
    let same = spectral_change(&b0, &b1, SR);
    let moved = spectral_change(&b1, &after, SR);
    assert!(moved > 5.0 && moved > 3.0 * same, "{same} dB vs {moved} dB");
    assert_eq!(r.stats.counts().bad, 0);
    assert_eq!(r.runtime.error_count(), 0, "{:?}", r.runtime.errors());
    // Offline as `wyrd render` does it.
    let (audio, report) = render_spec(&ScriptRender::new(&example("osc_latent"), 4.0));
    assert!(rms(&audio.left) > 0.02, "rms {}", rms(&audio.left));
    assert_eq!(report.decodes, 1);
}

/// Two notes of the default patch, one after the other: (input, their pitches in Hz).
fn two_notes() -> (Stereo, [f64; 2]) {
    let mut input = Stereo {
        left: vec![],
        right: vec![],
        sample_rate: SR,
    };
    let notes = [52u8, 59];
    for n in notes {
        let spec = NoteRender {
            notes: vec![n],
            hold: 1.5,
            tail: 0.5,
            sample_rate: SR,
            ..NoteRender::default()
        };
        let a = render_notes(&Patch::default(), &spec);
        input.left.extend_from_slice(&a.left);
        input.right.extend_from_slice(&a.right);
    }
    let hz = notes.map(|n| 440.0 * 2f64.powf((f64::from(n) - 69.0) / 12.0));
    (input, hz)
}

#[test]
fn the_resynth_example_follows_an_input_file() {
    let (input, hz) = two_notes();
    let seconds = input.frames() as f64 / f64::from(SR) + 0.5;
    let mut spec = ScriptRender::new(&example("resynth"), seconds);
    spec.input = Some(input.clone());
    let (out, report) = render_spec(&spec);
    assert!(report.matches > 100, "{} matcher runs", report.matches);
    let second = 2 * SR as usize;
    let mut got = [0.0; 2];
    for (k, want) in hz.iter().enumerate() {
        // The middle of each held note.
        let s = &out.left[k * second + SR as usize / 2..k * second + 3 * SR as usize / 2];
        assert!(rms(s) > 0.01, "note {k}: silent ({})", rms(s));
        got[k] = median_pitch(s, SR);
        // The right note, loosely (the script's path to the follower is what is tested here;
        // `wyrd resynth`'s own test holds the tuning to 10 cents).
        let cents = 1200.0 * (got[k] / want).log2();
        assert!(cents.abs() < 150.0, "note {k}: {} Hz for {want} Hz", got[k]);
        // It follows the input's level too: about as loud.
        let level = rms(s) / rms(&input.left[k * second + SR as usize / 2..][..SR as usize]);
        assert!(
            (0.25..4.0).contains(&level),
            "note {k}: level ratio {level}"
        );
    }
    // The interval follows: the input rises a fifth.
    let interval = 1200.0 * (got[1] / got[0]).log2();
    assert!(interval > 400.0, "{got:?}");
    // Between the notes and after the input, the gate closes.
    let gap = &out.left[second - SR as usize / 4..second];
    assert!(rms(gap) < 0.01, "gap rms {}", rms(gap));
    // Deterministic, as every render is.
    let (again, _) = render_spec(&spec);
    assert!(again.left == out.left, "two renders differ");

    // No input: resynthesis runs and hears nothing.
    let (quiet, report) = render_spec(&ScriptRender::new(&example("resynth"), 1.0));
    assert_eq!(report.matches, 0);
    assert!(quiet.left.iter().all(|&s| s == 0.0));
}

#[test]
fn resynth_stops_with_its_script() {
    let (input, _) = two_notes();
    let dir = TempDir::new("wyrd-resynth-stop").unwrap();
    // The script stops resynthesis at 1 s: the note it plays ends there though the input goes on.
    let file = write_script(
        dir.path(),
        "stopper",
        r#"
function init()
  resynth.start{smoothing = 0}
  running = resynth.running()
  clock.run(function() clock.sleep(1) resynth.stop() stopped = not resynth.running() end)
end
"#,
    );
    let mut spec = ScriptRender::new(&file, 3.0);
    spec.input = Some(input);
    let (out, _) = render_spec(&spec);
    assert!(rms(&out.left[SR as usize / 2..SR as usize]) > 0.01);
    assert!(
        rms(&out.left[3 * SR as usize / 2..2 * SR as usize]) < 1e-3,
        "still playing"
    );
}
