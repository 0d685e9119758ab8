//! A loaded script: one Lua state per load, the norns globals built from `lib/core`, and the
//! protected, watchdogged calls that run its callbacks at their logical times.
//!
//! Loading builds the new script in a fresh state beside the running one ("on trial": its
//! engine commands are held back). Only when its chunk and `init()` succeed does the old
//! script get `cleanup()` and go; otherwise the old one plays on untouched and the error,
//! with file:line, is reported.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Value, VmState};
use wyrd_engine::{Action, Command, Controller};
use wyrd_models::instrument::{ModelHost, ModelStats};
use wyrd_schema::NUM_PARAMS;

use crate::api::{self, with_state};
use crate::events::{OscArg, ReplReply};
use crate::models_api::{self, ModelHostRef, Models};
use crate::modules;
use crate::sources::PollSource;
use crate::state::{Budget, Now, Sink, State, Watchdog, HOOK_INTERVAL};
use crate::timers::{Timer, Timers};
use crate::transport::Transport;

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
    pub models: Option<ModelHostRef>,
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

/// A script that failed to load or a callback that failed; the message names file:line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ScriptError(pub String);

/// The Lua functions `lib/core` registers for the host to call.
struct Dispatch {
    clock: Function,
    metro: Function,
    poll: Function,
    osc: Function,
    osc_builtin: Function,
    cleanup: Function,
}

struct Instance {
    lua: Lua,
    script: Option<ScriptPaths>,
    dispatch: Dispatch,
}

pub struct Runtime {
    config: RuntimeConfig,
    controller: Controller,
    sources: Arc<dyn PollSource>,
    models: Arc<Models>,
    current: Instance,
    /// An incomplete REPL chunk waiting for more lines.
    pending: String,
    /// Errors of instances already dropped, plus the current one's (see [`Runtime::errors`]).
    old_errors: Vec<String>,
    old_error_count: u64,
    old_runaways: u64,
    old_dropped: u64,
}

impl Runtime {
    /// A runtime with no script loaded yet (the REPL works; params hold the synth's).
    pub fn new(
        controller: Controller,
        sources: Arc<dyn PollSource>,
        config: RuntimeConfig,
    ) -> Result<Runtime, ScriptError> {
        let transport = Transport::new(config.sample_rate, config.bpm);
        let now = Now {
            frame: 0.0,
            beat: None,
            exact: false,
        };
        let host = match &config.models {
            Some(m) => Arc::clone(&m.0),
            None => Arc::new(ModelHost::inline(controller.clone())),
        };
        let models = Arc::new(Models::new(host));
        let state = fresh_state(
            &config,
            &controller,
            &sources,
            &models,
            now,
            transport,
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
            old_errors: vec![],
            old_error_count: 0,
            old_runaways: 0,
            old_dropped: 0,
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.config.sample_rate
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
            // What it started in the model host goes with it.
            next.forget();
            return Err(e);
        }

        // The new script is good: retire the old one, then let the new one be heard.
        let old = std::mem::replace(&mut self.current, next);
        old.retire(now);
        self.absorb(old);
        let mut s = self.current.lua.app_data_mut::<State>().expect("state");
        // No note of the old script may hang on into the new one.
        let at = s.now.at();
        s.sink.release(Command {
            at,
            action: Action::AllNotesOff,
        });
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
        let (transport, patch) = {
            let s = self.current.lua.app_data_ref::<State>().expect("state");
            (s.transport, s.patch)
        };
        fresh_state(
            &self.config,
            &self.controller,
            &self.sources,
            &self.models,
            now,
            transport,
            patch,
            hold,
        )
    }

    /// Keeps a retired script's error record and counters.
    fn absorb(&mut self, old: Instance) {
        let s = old.lua.app_data_ref::<State>().expect("state");
        self.old_error_count += s.error_count;
        self.old_errors.extend(s.errors.iter().cloned());
        let excess = self.old_errors.len().saturating_sub(64);
        self.old_errors.drain(..excess);
        self.old_runaways += s.watchdog.tripped;
        self.old_dropped += s.sink.dropped;
    }

    /// The frame of the next timer (clock wake-up, metro or poll tick).
    pub fn next_due(&mut self) -> Option<u64> {
        let mut s = self.current.lua.app_data_mut::<State>()?;
        s.timers.next_frame()
    }

    /// Runs every timer due at or before `until`, each at its own logical time.
    pub fn run_due(&mut self, until: u64) -> usize {
        let mut n = 0;
        loop {
            let due = {
                let Some(mut s) = self.current.lua.app_data_mut::<State>() else {
                    return n;
                };
                let Some(due) = s.timers.pop_due(until) else {
                    return n;
                };
                s.now = Now {
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

    /// An OSC message for the script: its `osc.event(path, args, from)`. The built-in paths
    /// run after it ([`crate::osc::Dispatcher`]).
    pub fn osc(&mut self, path: &str, args: &[OscArg], from: std::net::SocketAddr, now: Now) {
        self.current.set_now(now);
        let lua = &self.current.lua;
        let args = match osc_args(lua, args) {
            Ok(a) => a,
            Err(e) => return self.current.report(&error_text(&e)),
        };
        let from = match lua.create_sequence_from([from.ip().to_string(), from.port().to_string()])
        {
            Ok(f) => f,
            Err(e) => return self.current.report(&error_text(&e)),
        };
        self.current
            .call(&self.current.dispatch.osc, (path.to_string(), args, from));
    }

    /// Runs one of the built-in OSC paths Lua keeps (`lib/core/startup.lua`). `Err`: bad input
    /// (unknown id, wrong value); a failing param action is the script's error, reported.
    pub fn osc_builtin(
        &mut self,
        name: &str,
        args: &[OscArg],
        now: Now,
    ) -> Result<Option<OscArg>, String> {
        self.current.set_now(now);
        let lua = &self.current.lua;
        let mut values = vec![Value::String(
            lua.create_string(name).map_err(|e| error_text(&e))?,
        )];
        for a in args {
            values.push(osc_value(lua, a).map_err(|e| error_text(&e))?);
        }
        let f = &self.current.dispatch.osc_builtin;
        match self
            .current
            .protected(|| f.call::<(bool, Value)>(MultiValue::from_vec(values)))
        {
            Ok((true, v)) => Ok(lua_to_osc(&v)),
            Ok((false, why)) => Err(why.to_string().unwrap_or_else(|_| "refused".into())),
            Err(e) => {
                self.current.report(&e.0);
                Ok(None)
            }
        }
    }

    /// `/latent/<i> v` (`index` from 1) for the active latent mapper. `Err`: bad input (no
    /// mapper, an index past its dimensions).
    pub fn latent_set(&mut self, index: usize, value: f64, now: Now) -> Result<(), String> {
        self.current.set_now(now);
        self.current
            .with_state(|s| models_api::osc_set(s, index, value))
    }

    /// `/latent v1 ... vn` for the active latent mapper.
    pub fn latent_set_all(&mut self, values: &[f64], now: Now) -> Result<(), String> {
        self.current.set_now(now);
        self.current
            .with_state(|s| models_api::osc_set_all(s, values))
    }

    /// The active latent mapper's dimension `index` (from 1).
    pub fn latent_get(&mut self, index: usize) -> Result<f64, String> {
        self.current.with_state(|s| models_api::osc_get(s, index))
    }

    /// What the model host has done for this runtime's scripts.
    pub fn model_stats(&self) -> ModelStats {
        self.models.host().stats()
    }

    /// Runs a chunk sent from elsewhere (`/eval`): like a REPL line, but complete in itself.
    pub fn eval(&mut self, source: &str, now: Now) -> ReplReply {
        self.current.set_now(now);
        let lua = &self.current.lua;
        let f = lua
            .load(format!("return {source}"))
            .set_name("=eval")
            .into_function()
            .or_else(|_| lua.load(source).set_name("=eval").into_function());
        match f {
            Ok(f) => self.current.eval(f),
            Err(e) => ReplReply {
                output: error_text(&e),
                more: false,
                ok: false,
            },
        }
    }

    /// One REPL line (matron's rules: first as `return <line>`; incomplete chunks wait).
    pub fn repl(&mut self, line: &str, now: Now) -> ReplReply {
        self.current.set_now(now);
        let lua = &self.current.lua;
        let chunk = if self.pending.is_empty() {
            if let Ok(f) = lua
                .load(format!("return {line}"))
                .set_name("=repl")
                .into_function()
            {
                return self.current.eval(f);
            }
            line.to_string()
        } else {
            format!("{}\n{line}", self.pending)
        };
        match lua.load(&chunk).set_name("=repl").into_function() {
            Ok(f) => {
                self.pending.clear();
                self.current.eval(f)
            }
            Err(mlua::Error::SyntaxError {
                incomplete_input: true,
                ..
            }) => {
                self.pending = chunk;
                ReplReply {
                    output: String::new(),
                    more: true,
                    ok: true,
                }
            }
            Err(e) => {
                self.pending.clear();
                ReplReply {
                    output: error_text(&e),
                    more: false,
                    ok: false,
                }
            }
        }
    }

    /// Every error reported since the runtime started (most recent last, bounded).
    pub fn errors(&self) -> Vec<String> {
        let s = self.current.lua.app_data_ref::<State>().expect("state");
        let mut all = self.old_errors.clone();
        all.extend(s.errors.iter().cloned());
        all
    }

    pub fn error_count(&self) -> u64 {
        let s = self.current.lua.app_data_ref::<State>().expect("state");
        self.old_error_count + s.error_count
    }

    /// Callbacks interrupted by the watchdog so far.
    pub fn runaways(&self) -> u64 {
        let s = self.current.lua.app_data_ref::<State>().expect("state");
        self.old_runaways + s.watchdog.tripped
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
        self.old_dropped + s.sink.dropped
    }

    /// Runs Lua source in the current state at `now` (used by tests and `--eval`-style tools).
    pub fn exec(&mut self, source: &str, now: Now) -> Result<(), ScriptError> {
        self.current.set_now(now);
        let f = self
            .current
            .lua
            .load(source)
            .set_name("=exec")
            .into_function()
            .map_err(|e| ScriptError(error_text(&e)))?;
        self.current.protected(|| f.call::<()>(()))
    }
}

impl Instance {
    fn build(
        state: State,
        script: Option<ScriptPaths>,
        config: &RuntimeConfig,
    ) -> mlua::Result<Instance> {
        // The debug library is needed for tracebacks; io/os stay available as on norns.
        let lua =
            unsafe { Lua::unsafe_new_with(StdLib::ALL_SAFE | StdLib::DEBUG, LuaOptions::new()) };
        lua.set_app_data(state);
        lua.set_global_hook(
            HookTriggers::new().every_nth_instruction(HOOK_INTERVAL),
            |lua, _| {
                let over = with_state(lua, |s| s.watchdog.over().then(|| s.watchdog.describe()))?;
                match over {
                    Some(budget) => Err(mlua::Error::runtime(format!(
                        "runaway: interrupted after {budget} without returning (an endless loop?)"
                    ))),
                    None => Ok(VmState::Continue),
                }
            },
        )?;
        modules::install(&lua, script.as_ref().map(|p| p.dir.as_path()))?;
        api::install(&lua)?;
        install_include(&lua, script.as_ref().map(|p| p.dir.clone()))?;
        if let Some(seed) = config.seed {
            lua.load(format!("math.randomseed({seed})")).exec()?;
        }
        let startup: Function = lua.load("return require 'startup'").eval()?;
        let (data_dir, name) = match &script {
            Some(p) => (p.data_dir.display().to_string(), p.name.clone()),
            None => (String::new(), String::new()),
        };
        let dispatch: mlua::Table = startup.call((data_dir, name))?;
        let dispatch = Dispatch {
            clock: dispatch.get("clock")?,
            metro: dispatch.get("metro")?,
            poll: dispatch.get("poll")?,
            osc: dispatch.get("osc")?,
            osc_builtin: dispatch.get("osc_builtin")?,
            cleanup: dispatch.get("cleanup")?,
        };
        Ok(Instance {
            lua,
            script,
            dispatch,
        })
    }

    /// Runs the script's chunk, then `init()`, each protected and watchdogged.
    fn run_script(&self, source: &str, paths: &ScriptPaths) -> Result<(), ScriptError> {
        let chunk = self
            .lua
            .load(source)
            .set_name(format!("@{}", paths.file.display()))
            .into_function()
            .map_err(|e| ScriptError(error_text(&e)))?;
        self.protected(|| chunk.call::<()>(()))?;
        let init: Value = self
            .lua
            .globals()
            .get("init")
            .map_err(|e| ScriptError(error_text(&e)))?;
        if let Value::Function(init) = init {
            self.protected(|| init.call::<()>(()))?;
        }
        Ok(())
    }

    /// Calls the script's `cleanup()` and stops everything it started.
    fn retire(&self, now: Now) {
        self.set_now(now);
        self.call(&self.dispatch.cleanup, ());
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.timers.clear();
            s.metros.clear();
            s.polls.clear();
            models_api::retire(&mut s);
            // Held commands of a script that never went live are dropped with it.
        }
    }

    /// A script that failed to load: what it started in the model host stops.
    fn forget(&self) {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            models_api::retire(&mut s);
        }
    }

    fn with_state<R>(&self, f: impl FnOnce(&mut State) -> Result<R, String>) -> Result<R, String> {
        match self.lua.app_data_mut::<State>() {
            Some(mut s) => f(&mut s),
            None => Err("wyrd: no state".into()),
        }
    }

    fn set_now(&self, now: Now) {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.now = now;
        }
    }

    fn report(&self, msg: &str) {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.report(msg);
        }
    }

    /// Runs `f` with the watchdog armed; an error comes back as a [`ScriptError`].
    fn protected<R>(&self, f: impl FnOnce() -> mlua::Result<R>) -> Result<R, ScriptError> {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.watchdog.arm();
        }
        let r = f();
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.watchdog.disarm();
        }
        r.map_err(|e| ScriptError(error_text(&e)))
    }

    /// Calls a callback; an error is reported with its traceback and the host carries on.
    fn call(&self, f: &Function, args: impl mlua::IntoLuaMulti) {
        if let Err(e) = self.protected(|| f.call::<()>(args)) {
            self.report(&e.0);
        }
    }

    fn eval(&self, f: Function) -> ReplReply {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.capture = Some(String::new());
        }
        let result = self.protected(|| f.call::<MultiValue>(()));
        let mut output = self
            .lua
            .app_data_mut::<State>()
            .and_then(|mut s| s.capture.take())
            .unwrap_or_default();
        let ok = match result {
            Ok(values) => {
                if !values.is_empty() {
                    output.push_str(&api::show(&values));
                    output.push('\n');
                }
                true
            }
            Err(e) => {
                output.push_str(&e.0);
                output.push('\n');
                false
            }
        };
        ReplReply {
            output,
            more: false,
            ok,
        }
    }

    /// Advances a metro that is due: its stage, whether this is its last tick, and its next
    /// tick armed unless it is done.
    fn tick_metro(&self, id: u64) -> Option<(i64, bool)> {
        let mut s = self.lua.app_data_mut::<State>()?;
        let mut r = *s.metros.get(&id)?;
        let stage = r.stage;
        let last = r.count >= 0 && r.ticks >= r.count as u64;
        if last {
            s.metros.remove(&id);
        } else {
            r.stage += 1;
            r.ticks += 1;
            s.timers.arm(r.next_frame(), None, Timer::Metro(id));
            s.metros.insert(id, r);
        }
        Some((stage, last))
    }

    fn tick_poll(&self, id: u64) -> Option<Value> {
        let (name, value) = {
            let mut s = self.lua.app_data_mut::<State>()?;
            let (name, mut r) = s.polls.get(&id)?.clone();
            r.ticks += 1;
            s.timers.arm(r.next_frame(), None, Timer::Poll(id));
            s.polls.insert(id, (name.clone(), r));
            let v = s.sources.value(&name);
            (name, v)
        };
        match api::poll_value_to_lua(&self.lua, &name, value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.report(&error_text(&e));
                None
            }
        }
    }
}

/// Instances (script loads) so far, in every runtime of the process.
static INSTANCES: AtomicU64 = AtomicU64::new(0);

/// A new instance's Rust side; `hold` keeps its engine commands back while it is on trial.
#[allow(clippy::too_many_arguments)]
fn fresh_state(
    config: &RuntimeConfig,
    controller: &Controller,
    sources: &Arc<dyn PollSource>,
    models: &Arc<Models>,
    now: Now,
    transport: Transport,
    patch: [f32; NUM_PARAMS],
    hold: bool,
) -> State {
    State {
        sample_rate: config.sample_rate,
        now,
        transport,
        timers: Timers::default(),
        sink: Sink::new(controller.clone(), hold),
        patch,
        watchdog: Watchdog::new(config.budget),
        metros: Default::default(),
        polls: Default::default(),
        sources: Arc::clone(sources),
        capture: None,
        errors: vec![],
        error_count: 0,
        models: Arc::clone(models),
        instance: INSTANCES.fetch_add(1, Ordering::Relaxed) + 1,
        latents: Default::default(),
        active_latent: None,
        last_latent: 0,
    }
}

/// `include(file)`: the script's folder, the scripts root, then wyrd's library; runs the file
/// each time (norns semantics) and returns what it returns.
fn install_include(lua: &Lua, dir: Option<PathBuf>) -> mlua::Result<()> {
    let include = lua.create_function(move |lua, file: String| {
        let mut looked = vec![];
        if let Some(dir) = &dir {
            for c in modules::include_candidates(dir, &file) {
                if c.is_file() {
                    let text = std::fs::read_to_string(&c).map_err(|e| {
                        mlua::Error::runtime(format!("include: {}: {e}", c.display()))
                    })?;
                    return lua
                        .load(text)
                        .set_name(format!("@{}", c.display()))
                        .call::<MultiValue>(());
                }
                looked.push(c.display().to_string());
            }
        }
        if let Some((text, name)) = modules::library_source(&file) {
            return lua.load(text).set_name(name).call::<MultiValue>(());
        }
        Err(mlua::Error::runtime(format!(
            "include: no file '{file}' (looked in {} and wyrd's lib)",
            looked.join(", ")
        )))
    })?;
    lua.globals().set("include", include)
}

fn osc_args(lua: &Lua, args: &[OscArg]) -> mlua::Result<mlua::Table> {
    let t = lua.create_table()?;
    for (i, a) in args.iter().enumerate() {
        // By index: a nil must not shift the arguments after it.
        t.raw_set(i + 1, osc_value(lua, a)?)?;
    }
    Ok(t)
}

fn osc_value(lua: &Lua, a: &OscArg) -> mlua::Result<Value> {
    Ok(match a {
        OscArg::Int(i) => Value::Integer(*i),
        OscArg::Float(x) => Value::Number(*x),
        OscArg::Str(s) => Value::String(lua.create_string(s)?),
        OscArg::Bool(b) => Value::Boolean(*b),
        OscArg::Blob(b) => Value::String(lua.create_string(b)?),
        OscArg::Nil => Value::Nil,
        OscArg::List(l) => Value::Table(osc_args(lua, l)?),
    })
}

/// A value Lua answered with, as an OSC argument (`None`: nothing to send).
fn lua_to_osc(v: &Value) -> Option<OscArg> {
    match v {
        Value::Integer(i) => Some(OscArg::Int(*i)),
        Value::Number(x) => Some(OscArg::Float(*x)),
        Value::String(s) => Some(OscArg::Str(s.to_string_lossy())),
        Value::Boolean(b) => Some(OscArg::Bool(*b)),
        _ => None,
    }
}

/// An mlua error as a musician should read it: Lua's own `file:line: message`, then the
/// traceback, without mlua's wrapping.
pub fn error_text(e: &mlua::Error) -> String {
    match e {
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        mlua::Error::RuntimeError(m) => m.clone(),
        mlua::Error::CallbackError { traceback, cause } => {
            format!("{}\n{traceback}", error_text(cause))
        }
        mlua::Error::WithContext { context, cause } => format!("{context}: {}", error_text(cause)),
        other => other.to_string(),
    }
}
