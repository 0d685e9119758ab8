//! Scripts offline: the same runtime on the offline driver's virtual clock. Time only advances
//! when the engine has rendered up to the next timer, so every callback runs at its exact frame and two
//! renders of one script are bit-identical (seeded `math.random`, seeded noise, and a
//! watchdog that counts instructions instead of wall time). Models run inline on the same
//! clock: a latent decode lands on the frame its timer fired at, and an input file (`input`)
//! is analysed hop by hop and fed to resynthesis exactly as the live analysis thread would.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wyrd_engine::offline::Sink;
use wyrd_engine::{EngineConfig, MidiEvent, Offline};
use wyrd_models::instrument::offline::Listener;
use wyrd_models::instrument::ModelRunner;
use wyrd_render::Stereo;
use wyrd_schema::Patch;

use crate::host_events::TimedEvent;
use crate::models_api::ModelRunnerRef;
use crate::runtime::{Runtime, RuntimeConfig, ScriptError};
pub use crate::screen::capture::FrameSink;
use crate::screen::capture::ScreenCapture;
use crate::sources::Silence;
use crate::state::{Budget, Now};
use crate::timeline::ScriptTimeline;

#[derive(Debug, Clone)]
pub struct ScriptRender {
    pub script: PathBuf,
    pub seconds: f64,
    pub sample_rate: u32,
    /// Seeds the synth's noise and Lua's `math.random`.
    pub seed: u64,
    pub patch: Patch,
    pub voices: usize,
    pub bpm: f64,
    /// Lua instructions one callback may run before it is interrupted.
    pub instruction_budget: u64,
    /// psets go to `<data_root>/<name>/` instead of the script's `data/`.
    pub data_root: Option<PathBuf>,
    /// Audio played into the script's input (what `resynth` hears), at `sample_rate`;
    /// silence after it ends.
    pub input: Option<Stereo>,
    /// Keys, encoders, MIDI, grid and arc events played to the script on their frames
    /// (MIDI also to the synth, as the MIDI port's is).
    pub events: Vec<TimedEvent>,
}

impl ScriptRender {
    pub fn new(script: &Path, seconds: f64) -> Self {
        ScriptRender {
            script: script.to_path_buf(),
            seconds,
            sample_rate: 48_000,
            seed: 1,
            patch: Patch::default(),
            voices: wyrd_engine::DEFAULT_VOICES,
            bpm: 120.0,
            instruction_budget: 50_000_000,
            data_root: None,
            input: None,
            events: Vec::new(),
        }
    }
}

/// What happened besides the audio.
#[derive(Debug, Clone, Default)]
pub struct RenderReport {
    /// Errors the script raised (tracebacks), most recent last.
    pub errors: Vec<String>,
    pub error_count: u64,
    /// Callbacks interrupted by the watchdog.
    pub runaways: u64,
    /// Commands the engine received for a frame already rendered (0 offline unless a bug).
    pub late_commands: u64,
    pub dropped_commands: u64,
    pub callbacks: u64,
    /// Latent decodes and live-matcher runs the models made, and their inference errors.
    pub decodes: u64,
    pub matches: u64,
    pub model_errors: u64,
    /// What the script sent out of the MIDI port, on its frames.
    pub midi_out: Vec<MidiEvent>,
}

/// Renders `spec.seconds` of the script on the offline driver. A script that fails to load is
/// an error; errors in its callbacks are reported and the render goes on.
pub fn render_script(spec: &ScriptRender) -> Result<(Stereo, RenderReport), ScriptError> {
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let report = render_script_into(spec, &mut |l, r| {
        left.extend_from_slice(l);
        right.extend_from_slice(r);
        Ok(())
    })?;
    let out = Stereo {
        left,
        right,
        sample_rate: spec.sample_rate,
    };
    Ok((out, report))
}

/// The same samples as [`render_script`], handed to `sink` chunk by chunk as they are rendered
/// (a file writer: any length in bounded memory).
pub fn render_script_into(
    spec: &ScriptRender,
    sink: &mut Sink<'_>,
) -> Result<RenderReport, ScriptError> {
    render_script_with_screen(spec, sink, None)
}

/// [`render_script_into`], also handing the screen's shown frame to `screen.1` at each tick
/// of `screen.0` frames per second on the virtual clock (from frame 0, after what is due there
/// ran).
pub fn render_script_with_screen(
    spec: &ScriptRender,
    sink: &mut Sink<'_>,
    screen: Option<(f64, &mut FrameSink<'_>)>,
) -> Result<RenderReport, ScriptError> {
    let sr = spec.sample_rate;
    if let Some((fps, _)) = &screen {
        if !(fps.is_finite() && *fps > 0.0) {
            return Err(ScriptError(format!("screen frames: {fps} per second")));
        }
    }
    if let Some(input) = &spec.input {
        if input.sample_rate != sr {
            return Err(ScriptError(format!(
                "the input is at {} Hz but the render at {sr} Hz",
                input.sample_rate
            )));
        }
    }
    let total = (spec.seconds.max(0.0) * f64::from(sr)).round() as usize;
    let mut config = EngineConfig::new(sr);
    config.voices = spec.voices;
    config.patch = spec.patch.clone();
    // A script may send thousands of commands from one callback; offline nothing is real
    // time, so the queues can be generous.
    config.queue_capacity = 1 << 16;
    config.schedule_capacity = 1 << 16;
    let mut offline = Offline::new(config).record_midi_out();
    if let Some(input) = &spec.input {
        offline = offline.with_input(input.left.clone(), input.right.clone());
    }
    offline.engine_mut().seed_noise(spec.seed);
    let controller = offline.controller().clone();

    let mut rc = RuntimeConfig::new(sr);
    rc.budget = Budget::Instructions(spec.instruction_budget);
    rc.seed = Some(spec.seed);
    rc.bpm = spec.bpm;
    rc.data_root = spec.data_root.clone();
    rc.patch = *spec.patch.values();
    let host = Arc::new(ModelRunner::inline(controller.clone()));
    rc.models = Some(ModelRunnerRef(Arc::clone(&host)));
    let listener = match &spec.input {
        Some(_) => Some(
            Listener::new(sr, Arc::clone(&host)).map_err(|e| ScriptError(format!("input: {e}")))?,
        ),
        None => None,
    };
    let mut runtime = Runtime::new(controller.clone(), Arc::new(Silence { n_mfcc: 20 }), rc)?;
    let at = |frame: u64| Now {
        frame: frame as f64,
        beat: None,
        exact: true,
    };
    runtime.load(&spec.script, at(0))?;

    let shown = runtime.screen();
    let script_timeline = ScriptTimeline::new(&mut runtime)
        .with_events(spec.events.clone(), Some(controller.clone()));
    let mut timeline = (script_timeline, listener);
    let capture =
        screen.map(|(fps, frames)| ScreenCapture::new(shown, sr, fps, total as u64, frames));
    let mut with_screen = (&mut timeline, capture);
    offline
        .render_into(&mut with_screen, total, sink)
        .map_err(ScriptError)?;
    if let Some(e) = with_screen.1.and_then(|c| c.error) {
        return Err(ScriptError(format!("screen frames: {e}")));
    }
    let callbacks = timeline.0.callbacks;
    runtime.unload(at(total as u64));
    controller.collect_garbage();
    let stats = controller.stats().snapshot();
    let models = runtime.model_stats();
    let report = RenderReport {
        errors: runtime.errors(),
        error_count: runtime.error_count(),
        runaways: runtime.runaways(),
        late_commands: stats.late_commands,
        dropped_commands: runtime.dropped_commands() + stats.dropped_commands,
        callbacks,
        decodes: models.decodes,
        matches: models.matches,
        model_errors: models.errors,
        midi_out: offline.take_midi_out(),
    };
    Ok(report)
}
