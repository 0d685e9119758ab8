//! Shared by the script tests: scripts written to temporary folders, test patches, renders.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use wyrd_engine::{Controller, EngineConfig, Offline};
use wyrd_render::Stereo;
use wyrd_schema::{find, Patch};
use wyrd_script::osc::{Clock, Dispatcher, Message, OscConfig, OscStats, Outcome, Packet, When};
use wyrd_script::render::{render_script, RenderReport, ScriptRender};
use wyrd_script::timeline::ScriptTimeline;
use wyrd_script::{Budget, Now, OscArg, Runtime, RuntimeConfig, Silence};
#[allow(unused_imports)] // not every test file measures onsets
pub use wyrd_testrig::onsets;
use wyrd_testrig::TempDir;

pub const SR: u32 = 48_000;

pub fn set(p: &mut Patch, id: &str, v: f32) {
    p.set(find(id).unwrap().index, v);
}

/// A plain sine, no filter, no reverb, a fast release: notes end in exact silence.
pub fn sine_patch() -> Patch {
    let mut p = Patch::default();
    for (id, v) in [
        ("osc1_waveform", 0.0),
        ("osc_mix", -1.0),
        ("filter_type", 4.0),
        ("amp_attack", 0.0),
        ("amp_decay", 0.0),
        ("amp_sustain", 1.0),
        ("amp_release", 0.05),
        ("master_vol", 0.4),
        ("reverb_wet", 0.0),
    ] {
        set(&mut p, id, v);
    }
    p
}

/// A saw through the low-pass filter, for spectra that move with the cutoff.
pub fn saw_patch() -> Patch {
    let mut p = sine_patch();
    set(&mut p, "osc1_waveform", 2.0);
    set(&mut p, "filter_type", 0.0);
    set(&mut p, "filter_resonance", 0.0);
    set(&mut p, "filter_env_amount", 0.0);
    p
}

/// `scripts/<name>/<name>.lua` in a fresh temporary folder.
pub struct Script {
    pub dir: TempDir,
    pub file: PathBuf,
}

impl Script {
    pub fn new(name: &str, source: &str) -> Script {
        let dir = TempDir::new("wyrd-script-test").unwrap();
        let file = write_script(dir.path(), name, source);
        Script { dir, file }
    }

    /// Another script beside this one (same scripts root).
    pub fn sibling(&self, name: &str, source: &str) -> PathBuf {
        write_script(self.dir.path(), name, source)
    }
}

pub fn write_script(root: &Path, name: &str, source: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.lua"));
    std::fs::write(&file, source).unwrap();
    file
}

pub fn render(file: &Path, seconds: f64, patch: Patch) -> (Stereo, RenderReport) {
    let mut spec = ScriptRender::new(file, seconds);
    spec.patch = patch;
    render_script(&spec).unwrap_or_else(|e| panic!("render failed: {e}"))
}

/// A runtime driven by hand (no audio): for timing and lifecycle checks.
pub struct Bench {
    pub runtime: Runtime,
    pub offline: Offline,
}

impl Bench {
    pub fn start() -> Bench {
        let mut ec = EngineConfig::new(SR);
        ec.queue_capacity = 1 << 16;
        let mut rc = RuntimeConfig::new(SR);
        rc.budget = Budget::Instructions(5_000_000);
        rc.seed = Some(1);
        let (runtime, offline) = hand_driven(ec, rc);
        Bench { runtime, offline }
    }

    pub fn load(&mut self, file: &Path) -> Result<(), String> {
        self.runtime.load(file, at(0)).map_err(|e| e.0)
    }

    /// Evaluates a Lua expression in the running script and returns what the REPL shows.
    pub fn eval(&mut self, expr: &str) -> String {
        let r = self.runtime.repl(expr, at(0));
        assert!(r.ok, "{expr}: {}", r.output);
        r.output.trim_end().to_string()
    }

    /// Runs every timer up to `frame` (the engine is not rendered; commands are drained).
    pub fn run_to(&mut self, frame: u64) {
        self.runtime.run_due(frame);
        self.offline.controller().collect_garbage();
    }
}

/// An engine on the offline driver and a runtime on it with no audio input, for tests that
/// drive both by hand.
pub fn hand_driven(ec: EngineConfig, rc: RuntimeConfig) -> (Runtime, Offline) {
    let offline = Offline::new(ec);
    let controller = offline.controller().clone();
    let runtime = Runtime::new(controller, Arc::new(Silence { n_mfcc: 20 }), rc).unwrap();
    (runtime, offline)
}

/// The Unix time of frame 0 for [`OscRig`]'s clock.
pub const T0: f64 = 1_800_000_000.0;

/// Where OSC messages come from unless a test says otherwise.
pub fn lo() -> SocketAddr {
    "127.0.0.1:9000".parse().unwrap()
}

pub fn msg(path: &str, args: Vec<OscArg>) -> Message {
    Message {
        path: path.into(),
        args,
    }
}

/// A script running on a hand-driven runtime and engine with an OSC dispatcher in front: the
/// OSC and model tests each render it their own way into `out`.
pub struct OscRig {
    pub runtime: Runtime,
    pub offline: Offline,
    pub osc: Dispatcher,
    pub stats: Arc<OscStats>,
    pub out: Vec<f32>,
    pub script: Script,
}

impl OscRig {
    pub fn new(
        ec: EngineConfig,
        rc: RuntimeConfig,
        config: OscConfig,
        script: Script,
    ) -> Result<OscRig, String> {
        let (mut runtime, offline) = hand_driven(ec, rc);
        runtime.load(&script.file, at(0)).map_err(|e| e.0)?;
        let stats = Arc::new(OscStats::default());
        Ok(OscRig {
            runtime,
            offline,
            osc: Dispatcher::new(config, Arc::clone(&stats), SR),
            stats,
            out: vec![],
            script,
        })
    }

    /// Where the audio is: `out.len()` frames rendered, timers run 960 frames ahead.
    pub fn clock(&self) -> Clock {
        let frame = self.out.len() as f64;
        Clock {
            playhead: frame,
            unix: T0 + frame / f64::from(SR),
            horizon: self.out.len() as u64 + 960,
        }
    }

    pub fn send_from(
        &mut self,
        from: SocketAddr,
        messages: Vec<Message>,
        when: When,
    ) -> Vec<Outcome> {
        let clock = self.clock();
        let packet = Packet {
            messages,
            from,
            when,
        };
        self.osc.receive(&mut self.runtime, packet, clock)
    }

    pub fn send(&mut self, path: &str, args: Vec<OscArg>) -> Vec<Outcome> {
        self.send_from(lo(), vec![msg(path, args)], When::Now)
    }

    pub fn controller(&self) -> &Controller {
        self.offline.controller()
    }

    /// Renders up to `frame` on the offline driver in `period`-frame periods, with the script's
    /// timers and waiting bundles run `ahead` frames early, as the Lua thread does live.
    pub fn render_periods(&mut self, frame: usize, period: usize, ahead: u64) {
        while self.out.len() < frame {
            let n = period.min(frame - self.out.len());
            let (mut l, mut r) = (vec![0.0; n], vec![0.0; n]);
            let mut timeline =
                ScriptTimeline::new(&mut self.runtime).with_osc(&mut self.osc, ahead);
            self.offline
                .render(&mut timeline, &mut l, &mut r)
                .expect("no input to fail");
            self.out.extend_from_slice(&l);
        }
    }
}

pub fn at(frame: u64) -> Now {
    Now {
        frame: frame as f64,
        beat: None,
        exact: true,
    }
}
