//! A loaded script and its lifecycle: the runtime keeps one instance (one load, one Lua
//! state) at a time, runs its timers at their logical times, and keeps its stats across
//! reloads.
//!
//! Loading builds the new script in a fresh state beside the running one ("on trial": its
//! engine commands are held back). Only when its chunk and `init()` succeed does the old
//! script get `cleanup()` and go; otherwise the old one plays on untouched and the error,
//! with file:line, is reported.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mlua::Lua;
use wyrd_engine::{Action, Command, Controller};
use wyrd_models::instrument::{ModelRunner, ModelStats};
use wyrd_schema::NUM_PARAMS;

use crate::instance::Instance;
use crate::log::Log;
use crate::models_api::{self, ModelRunnerRef, Models, ScriptModels};
use crate::screen::{Screen, ScreenHandle};
use crate::sources::PollSource;
use crate::state::{Budget, Now, Sink, State, Watchdog};
use crate::time::Time;
use crate::timers::{Schedule, Timer};
use crate::transport::Transport;

// Where these lived before they had a module of their own.
pub use crate::errors::{error_text, ScriptError};

/// How scripts run.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    pub sample_rate: u32,
    /// How long one callback may run before it is interrupted.
    pub budget: Budget,
    /// Seeds `math.random` (offline renders, so two renders are identical); `None`: random.
    pub seed: Option<u64>,
    pub bpm: f64,
    /// psets go to `<data_root>/<script name>/`; default: the script's own `data/` folder.
    pub data_root: Option<PathBuf>,
    /// The patch playing when the first script starts.
    pub patch: [f32; NUM_PARAMS],
    /// Stamp what timers send with their frames (wyrd). Off: commands apply whenever Lua
    /// gets to them, as on norns; only for comparing the two in benchmarks.
    pub stamp_frames: bool,
    /// Where models run (`model`, `latent`, `resynth`): the model thread live, inline offline.
    /// `None`: an inline host of the runtime's own (inference on the Lua thread).
    pub models: Option<ModelRunnerRef>,
    /// Where `screen.update()` shows frames, for every script this runtime loads (clones
    /// of the config share it).
    pub screen: ScreenHandle,
}

impl RuntimeConfig {
    pub fn new(sample_rate: u32) -> Self {
        RuntimeConfig {
            sample_rate,
            budget: Budget::Time(std::time::Duration::from_millis(1000)),
            seed: None,
            bpm: 120.0,
            data_root: None,
            patch: wyrd_schema::defaults(),
            stamp_frames: true,
            models: None,
            screen: ScreenHandle::new(),
        }
    }
}

/// A script's files: `scripts/<name>/<name>.lua`, its folder, and where its psets go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptPaths {
    pub file: PathBuf,
    pub dir: PathBuf,
    pub name: String,
    pub data_dir: PathBuf,
}

impl ScriptPaths {
    pub fn new(file: &Path, data_root: Option<&Path>) -> Result<Self, ScriptError> {
        let file = std::fs::canonicalize(file)
            .map_err(|e| ScriptError(format!("{}: {e}", file.display())))?;
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "script".into());
        let data_dir = match data_root {
            Some(root) => root.join(&name),
            None => dir.join("data"),
        };
        Ok(ScriptPaths {
            file,
            dir,
            name,
            data_dir,
        })
    }
}

pub struct Runtime {
    config: RuntimeConfig,
    controller: Controller,
    sources: Arc<dyn PollSource>,
    models: Arc<Models>,
    pub(crate) current: Instance,
    /// An incomplete REPL chunk waiting for more lines.
    pub(crate) pending: String,
    /// Errors of instances already dropped (see [`Runtime::errors`]).
    retired: Log,
    retired_runaways: u64,
    retired_dropped: u64,
}

impl Runtime {
    /// A runtime with no script loaded yet (the REPL works; params hold the synth's).
    pub fn new(
        controller: Controller,
        sources: Arc<dyn PollSource>,
        config: RuntimeConfig,
    ) -> Result<Runtime, ScriptError> {
        let time = Time {
            sample_rate: config.sample_rate,
            now: Now {
                frame: 0.0,
                beat: None,
                exact: false,
            },
            transport: Transport::new(config.sample_rate, config.bpm),
        };
        let host = match &config.models {
            Some(m) => Arc::clone(&m.0),
            None => Arc::new(ModelRunner::inline(controller.clone())),
        };
        let models = Arc::new(Models::new(host));
        let state = fresh_state(
            &config,
            &controller,
            &sources,
            &models,
            time,
            config.patch,
            false,
        );
        let current = Instance::build(state, None, &config)
            .map_err(|e| ScriptError(format!("wyrd's Lua library failed to start: {e}")))?;
        Ok(Runtime {
            config,
            controller,
            sources,
            models,
            current,
            pending: String::new(),
            retired: Log::default(),
            retired_runaways: 0,
            retired_dropped: 0,
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.config.sample_rate
    }

    /// The frame the script last showed with `screen.update()` (shared: read it from any
    /// thread).
    pub fn screen(&self) -> ScreenHandle {
        self.config.screen.clone()
    }

    /// The running script, if any.
    pub fn script(&self) -> Option<&ScriptPaths> {
        self.current.script.as_ref()
    }

    /// Loads `file` as the new script at logical time `now`. On any error the running script
    /// (if any) keeps running as it was.
    pub fn load(&mut self, file: &Path, now: Now) -> Result<(), ScriptError> {
        let paths = ScriptPaths::new(file, self.config.data_root.as_deref())?;
        let source = std::fs::read_to_string(&paths.file)
            .map_err(|e| ScriptError(format!("{}: {e}", paths.file.display())))?;
        // Syntax first: the commonest mistake costs nothing and touches nothing.
        {
            let probe = Lua::new();
            probe
                .load(&source)
                .set_name(format!("@{}", paths.file.display()))
                .into_function()
                .map_err(|e| ScriptError(error_text(&e)))?;
        }
        let state = self.next_state(now, true);
        let next = Instance::build(state, Some(paths.clone()), &self.config)
            .map_err(|e| ScriptError(error_text(&e)))?;
        if let Err(e) = next.run_script(&source, &paths) {
            // What it started in the model runner goes with it.
            next.forget();
            return Err(e);
        }

        // The new script is good: retire the old one, then let the new one be heard.
        let old = std::mem::replace(&mut self.current, next);
        old.retire(now);
        self.absorb(old);
        let mut s = self.current.lua.app_data_mut::<State>().expect("state");
        // No note of the old script may hang on into the new one.
        let at = s.time.now.at();
        // Nor a MIDI setting of the old one.
        s.sink.release([
            Command {
                at,
                action: Action::AllNotesOff,
            },
            Command {
                at,
                action: Action::MidiToSynth(true),
            },
        ]);
        self.pending.clear();
        Ok(())
    }

    /// Runs the current script's `cleanup()` and drops it for a bare state.
    pub fn unload(&mut self, now: Now) {
        let state = self.next_state(now, false);
        if let Ok(bare) = Instance::build(state, None, &self.config) {
            let old = std::mem::replace(&mut self.current, bare);
            old.retire(now);
            self.absorb(old);
        }
    }

    /// State for the next instance: tempo and patch carry over from the current one.
    fn next_state(&self, now: Now, hold: bool) -> State {
        let (time, patch) = {
            let s = self.current.lua.app_data_ref::<State>().expect("state");
            (Time { now, ..s.time }, s.sink.patch)
        };
        fresh_state(
            &self.config,
            &self.controller,
            &self.sources,
            &self.models,
            time,
            patch,
            hold,
        )
    }

    /// Keeps a retired script's error record and counters.
    fn absorb(&mut self, old: Instance) {
        let s = old.lua.app_data_ref::<State>().expect("state");
        self.retired.absorb(&s.log);
        self.retired_runaways += s.watchdog.tripped;
        self.retired_dropped += s.sink.dropped;
    }

    /// The frame of the next timer (clock wake-up, metro or poll tick).
    pub fn next_due(&mut self) -> Option<u64> {
        let mut s = self.current.lua.app_data_mut::<State>()?;
        s.schedule.timers.next_frame()
    }

    /// Runs every timer due at or before `until`, each at its own logical time.
    pub fn run_due(&mut self, until: u64) -> usize {
        let mut n = 0;
        loop {
            let due = {
                let Some(mut s) = self.current.lua.app_data_mut::<State>() else {
                    return n;
                };
                let Some(due) = s.schedule.timers.pop_due(until) else {
                    return n;
                };
                s.time.now = Now {
                    frame: due.at,
                    beat: due.beat,
                    exact: self.config.stamp_frames,
                };
                due
            };
            n += 1;
            match due.timer {
                Timer::Clock(id) => self.current.call(&self.current.dispatch.clock, id),
                Timer::Metro(id) => {
                    if let Some((stage, last)) = self.current.tick_metro(id) {
                        self.current
                            .call(&self.current.dispatch.metro, (id, stage, last));
                    }
                }
                Timer::Poll(id) => {
                    if let Some(value) = self.current.tick_poll(id) {
                        self.current.call(&self.current.dispatch.poll, (id, value));
                    }
                }
                Timer::Latent(id) => {
                    if let Some(mut s) = self.current.lua.app_data_mut::<State>() {
                        models_api::fire(&mut s, id);
                    }
                }
            }
        }
    }

    /// What the model runner has done for this runtime's scripts.
    pub fn model_stats(&self) -> ModelStats {
        self.models.host().stats()
    }

    /// Every error reported since the runtime started (most recent last, bounded).
    pub fn errors(&self) -> Vec<String> {
        let s = self.current.lua.app_data_ref::<State>().expect("state");
        let mut all = self.retired.errors.clone();
        all.extend(s.log.errors.iter().cloned());
        all
    }

    pub fn error_count(&self) -> u64 {
        let s = self.current.lua.app_data_ref::<State>().expect("state");
        self.retired.error_count + s.log.error_count
    }

    /// Callbacks interrupted by the watchdog so far.
    pub fn runaways(&self) -> u64 {
        let s = self.current.lua.app_data_ref::<State>().expect("state");
        self.retired_runaways + s.watchdog.tripped
    }

    /// Whether the engine's command queue is more than three quarters full (the audio thread
    /// stalled, or a flood): senders of superseding changes should hold back.
    pub fn engine_congested(&self) -> bool {
        let (len, capacity) = self.controller.backlog();
        len * 4 > capacity * 3
    }

    /// Engine commands dropped because the engine's queue was full.
    pub fn dropped_commands(&self) -> u64 {
        let s = self.current.lua.app_data_ref::<State>().expect("state");
        self.retired_dropped + s.sink.dropped
    }
}

/// A new instance's Rust side; `hold` keeps its engine commands back while it is on trial.
fn fresh_state(
    config: &RuntimeConfig,
    controller: &Controller,
    sources: &Arc<dyn PollSource>,
    models: &Arc<Models>,
    time: Time,
    patch: [f32; NUM_PARAMS],
    hold: bool,
) -> State {
    State {
        time,
        schedule: Schedule::default(),
        sink: Sink::new(controller.clone(), patch, hold),
        watchdog: Watchdog::new(config.budget),
        sources: Arc::clone(sources),
        log: Log::default(),
        models: ScriptModels::new(Arc::clone(models)),
        screen: Screen::new(config.screen.clone()),
    }
}
