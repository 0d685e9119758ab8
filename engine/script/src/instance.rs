//! One load of a script: its own Lua state with the norns globals built from `lib/core`, and
//! the protected, watchdogged calls that run its callbacks at their logical times.

use std::path::PathBuf;

use mlua::{Function, Lua, LuaOptions, MultiValue, StdLib, Value};

use crate::api;
use crate::errors::{error_text, ScriptError};
use crate::events::ReplReply;
use crate::modules;
use crate::runtime::{RuntimeConfig, ScriptPaths};
use crate::state::{Now, State};
use crate::watchdog;

/// The Lua functions `lib/core` registers for the host to call.
pub(crate) struct Dispatch {
    pub clock: Function,
    pub metro: Function,
    pub poll: Function,
    pub osc: Function,
    pub osc_builtin: Function,
    /// `hooks.dispatch(kind, ...)`: keys, encoders, MIDI, devices, redraw.
    pub event: Function,
    pub cleanup: Function,
}

pub(crate) struct Instance {
    pub lua: Lua,
    pub script: Option<ScriptPaths>,
    pub dispatch: Dispatch,
}

impl Instance {
    pub fn build(
        state: State,
        script: Option<ScriptPaths>,
        config: &RuntimeConfig,
    ) -> mlua::Result<Instance> {
        // The debug library is needed for tracebacks; io/os stay available as on norns.
        let lua =
            unsafe { Lua::unsafe_new_with(StdLib::ALL_SAFE | StdLib::DEBUG, LuaOptions::new()) };
        lua.set_app_data(state);
        watchdog::install(&lua)?;
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
            event: dispatch.get("event")?,
            cleanup: dispatch.get("cleanup")?,
        };
        Ok(Instance {
            lua,
            script,
            dispatch,
        })
    }

    /// Runs the script's chunk, then `init()`, each protected and watchdogged.
    pub fn run_script(&self, source: &str, paths: &ScriptPaths) -> Result<(), ScriptError> {
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
        // norns then clears the screen, shows it and calls redraw() (lib/core/screen.lua); an
        // error there is reported, the script stays loaded.
        self.call(&self.dispatch.event, "init_done");
        Ok(())
    }

    /// Calls the script's `cleanup()` and stops everything it started.
    pub fn retire(&self, now: Now) {
        self.set_now(now);
        self.call(&self.dispatch.cleanup, ());
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.schedule.clear();
            // Held commands of a script that never went live are dropped with it.
        }
        self.forget();
    }

    /// What the script started in the model runner stops (also for a script that failed to load).
    pub fn forget(&self) {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            let at = s.time.now.at();
            s.models.retire(at);
        }
    }

    pub fn with_state<R>(
        &self,
        f: impl FnOnce(&mut State) -> Result<R, String>,
    ) -> Result<R, String> {
        match self.lua.app_data_mut::<State>() {
            Some(mut s) => f(&mut s),
            None => Err("wyrd: no state".into()),
        }
    }

    pub fn set_now(&self, now: Now) {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.time.now = now;
        }
    }

    pub fn report(&self, msg: &str) {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.log.report(msg);
        }
    }

    /// Runs `f` with the watchdog armed; an error comes back as a [`ScriptError`].
    pub fn protected<R>(&self, f: impl FnOnce() -> mlua::Result<R>) -> Result<R, ScriptError> {
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
    pub fn call(&self, f: &Function, args: impl mlua::IntoLuaMulti) {
        if let Err(e) = self.protected(|| f.call::<()>(args)) {
            self.report(&e.0);
        }
    }

    /// Runs a REPL chunk: what it prints and reports, then what it returns or its error.
    pub fn eval(&self, f: Function) -> ReplReply {
        if let Some(mut s) = self.lua.app_data_mut::<State>() {
            s.log.capture();
        }
        let result = self.protected(|| f.call::<MultiValue>(()));
        let mut output = self
            .lua
            .app_data_mut::<State>()
            .and_then(|mut s| s.log.captured())
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

    /// Advances a metro that is due: its stage and whether this is its last tick.
    pub fn tick_metro(&self, id: u64) -> Option<(i64, bool)> {
        self.lua.app_data_mut::<State>()?.schedule.tick_metro(id)
    }

    /// Advances a poll that is due: the value it reports, as Lua sees it.
    pub fn tick_poll(&self, id: u64) -> Option<Value> {
        let (name, value) = {
            let mut s = self.lua.app_data_mut::<State>()?;
            let name = s.schedule.tick_poll(id)?;
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
