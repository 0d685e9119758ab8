//! The `_wyrd` primitives under `lib/core/model.lua`, `latent.lua` and `resynth.lua`.
//!
//! - Models are loaded once per runtime (by file) and shared by its scripts.
//! - A latent mapper's point lives here, in the script's state. Setting a dimension only marks
//!   it; a [`Timer::Latent`] decodes at most `rate` times a second, on the frame the script
//!   meant (`At::Frame`, like clocks), so several sets between decodes cost one decode and an
//!   offline render is deterministic.
//! - Inference runs on the [`ModelRunner`]: its own thread live, inline offline. Nothing here
//!   waits on it except `from_preset` (one encode) and `to_preset` before any decode.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use mlua::{FromLuaMulti, Function, IntoLuaMulti, Lua, MultiValue, Table, Value};
use wyrd_engine::At;
use wyrd_models::instrument::{self, Loaded, Mapper, ModelRunner, Resynth, ResynthConfig};
use wyrd_schema::Patch;

use crate::api::{bad, bank_preset, with_state};
use crate::runtime::Runtime;
use crate::state::{Now, State};
use crate::timers::Timer;

/// Decodes a second a mapper makes at most unless it asks otherwise.
pub const DEFAULT_RATE: f64 = 200.0;
/// The most a mapper may ask for (a decode every 1 ms).
pub const MAX_RATE: f64 = 1000.0;

/// A model runner handed to a runtime ([`crate::RuntimeConfig::models`]); a newtype because
/// the host itself is not `Debug`.
#[derive(Clone)]
pub struct ModelRunnerRef(pub Arc<ModelRunner>);

impl fmt::Debug for ModelRunnerRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModelRunner")
            .field("inline", &self.0.is_inline())
            .finish()
    }
}

/// What a runtime's scripts share: the model runner, the models loaded so far, and which
/// instance (script load) started the resynthesis running, if any.
pub struct Models {
    host: Arc<ModelRunner>,
    cache: Mutex<HashMap<PathBuf, Loaded>>,
    resynth_owner: Mutex<Option<u64>>,
}

impl Models {
    pub fn new(host: Arc<ModelRunner>) -> Self {
        Models {
            host,
            cache: Mutex::new(HashMap::new()),
            resynth_owner: Mutex::new(None),
        }
    }

    pub fn host(&self) -> &Arc<ModelRunner> {
        &self.host
    }

    /// `name` (a name in the models folder or a path), loaded once per runtime.
    pub fn load(&self, name: &str) -> Result<Loaded, String> {
        let path = instrument::find::resolve(name).map_err(|e| e.to_string())?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(l) = cache.get(&path) {
            return Ok(l.clone());
        }
        let loaded = instrument::load(&path.to_string_lossy()).map_err(|e| e.to_string())?;
        cache.insert(path, loaded.clone());
        Ok(loaded)
    }

    fn owner(&self) -> std::sync::MutexGuard<'_, Option<u64>> {
        self.resynth_owner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One latent mapper of a script.
pub struct Latent {
    pub mapper: Arc<Mapper>,
    /// The point, in raw latent units (the prior is N(0, 1)).
    pub z: Vec<f32>,
    /// Frames between decodes, at least.
    pub period: f64,
    /// Exact frame of the last decode.
    pub last_decode: Option<f64>,
    /// A decode is waiting ([`Timer::Latent`]).
    pub armed: bool,
}

/// The active mapper's refusal when a script has none.
pub const NO_MAPPER: &str = "no latent mapper (a script makes one with latent.new)";

/// Instances (script loads) so far, in every runtime of the process.
static INSTANCES: AtomicU64 = AtomicU64::new(0);

/// One script instance's side of the models.
pub struct ScriptModels {
    /// The runtime's model runner and loaded models (shared by its scripts).
    pub shared: Arc<Models>,
    /// This instance (a load of a script), for what outlives it in the shared model runner.
    pub instance: u64,
    /// The script's latent mappers by id, and the one OSC `/latent` reaches.
    pub latents: BTreeMap<u64, Latent>,
    pub active_latent: Option<u64>,
    pub last_latent: u64,
}

impl ScriptModels {
    /// A new instance's, numbered after every instance before it.
    pub fn new(shared: Arc<Models>) -> Self {
        ScriptModels {
            shared,
            instance: INSTANCES.fetch_add(1, Ordering::Relaxed) + 1,
            latents: BTreeMap::new(),
            active_latent: None,
            last_latent: 0,
        }
    }

    fn latent(&mut self, what: &str, id: u64) -> mlua::Result<&mut Latent> {
        self.latents
            .get_mut(&id)
            .ok_or_else(|| bad(format!("{what}: no latent mapper {id}")))
    }

    fn active(&self) -> Result<u64, String> {
        self.active_latent
            .filter(|id| self.latents.contains_key(id))
            .ok_or_else(|| NO_MAPPER.to_string())
    }

    /// The instance goes (unloaded, replaced, or never loaded): the resynthesis it started
    /// stops with it, and its mappers are forgotten.
    pub(crate) fn retire(&mut self, at: At) {
        let mut owner = self.shared.owner();
        if *owner == Some(self.instance) {
            *owner = None;
            self.shared.host().resynth_stop(at);
        }
        drop(owner);
        self.latents.clear();
        self.active_latent = None;
    }
}

impl State {
    /// Arms the mapper's next decode unless one waits: now, or one period after the last.
    fn touch_latent(&mut self, id: u64) {
        let now = self.time.now.frame;
        let Some(l) = self.models.latents.get_mut(&id) else {
            return;
        };
        if l.armed {
            return;
        }
        l.armed = true;
        let at = match l.last_decode {
            Some(last) => (last + l.period).max(now),
            None => now,
        };
        self.schedule.timers.arm(at, None, Timer::Latent(id));
    }

    /// Sets dimension `index` (from 0) of mapper `id`.
    fn set_latent(&mut self, id: u64, index: usize, value: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err(format!("latent value {value} is not a finite number"));
        }
        let l = self
            .models
            .latents
            .get_mut(&id)
            .ok_or_else(|| format!("no latent mapper {id}"))?;
        let dim = l.z.len();
        let slot = l.z.get_mut(index).ok_or_else(|| {
            format!(
                "latent index {} is outside 1..{dim} ({} has {dim} dimensions)",
                index + 1,
                l.mapper.name()
            )
        })?;
        *slot = value as f32;
        self.touch_latent(id);
        Ok(())
    }

    fn set_latents(&mut self, id: u64, values: &[f64]) -> Result<(), String> {
        let l = self
            .models
            .latents
            .get(&id)
            .ok_or_else(|| format!("no latent mapper {id}"))?;
        if values.len() > l.z.len() {
            return Err(format!(
                "{} values for {}'s {} dimensions",
                values.len(),
                l.mapper.name(),
                l.z.len()
            ));
        }
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(format!("latent value {v} is not a finite number"));
        }
        for (i, &v) in values.iter().enumerate() {
            self.set_latent(id, i, v)?;
        }
        Ok(())
    }
}

/// OSC's way to the active latent mapper.
impl Runtime {
    /// `/latent/<i> v` (`index` from 1) for the active latent mapper. `Err`: bad input (no
    /// mapper, an index past its dimensions).
    pub fn latent_set(&mut self, index: usize, value: f64, now: Now) -> Result<(), String> {
        self.current.set_now(now);
        self.current.with_state(|s| {
            let id = s.models.active()?;
            s.set_latent(id, index.saturating_sub(1), value)
        })
    }

    /// `/latent v1 ... vn` for the active latent mapper: its first n dimensions.
    pub fn latent_set_all(&mut self, values: &[f64], now: Now) -> Result<(), String> {
        self.current.set_now(now);
        self.current.with_state(|s| {
            let id = s.models.active()?;
            s.set_latents(id, values)
        })
    }

    /// The active latent mapper's dimension `index` (from 1): `/latent/<i>/get`.
    pub fn latent_get(&mut self, index: usize) -> Result<f64, String> {
        self.current.with_state(|s| {
            let id = s.models.active()?;
            let l = &s.models.latents[&id];
            l.z.get(index.wrapping_sub(1))
                .map(|&v| f64::from(v))
                .ok_or_else(|| {
                    format!(
                        "latent index {index} is outside 1..{} ({} has {} dimensions)",
                        l.z.len(),
                        l.mapper.name(),
                        l.z.len()
                    )
                })
        })
    }
}

/// A mapper's decode is due (the timer fired; `s.time.now` is its frame): decode its point and
/// send the patch to the engine on that frame.
pub(crate) fn fire(s: &mut State, id: u64) {
    let at = s.time.now.at();
    let frame = s.time.now.frame;
    let Some(l) = s.models.latents.get_mut(&id) else {
        return;
    };
    l.armed = false;
    l.last_decode = Some(frame);
    let mapper = Arc::clone(&l.mapper);
    s.models.shared.host().decode(&mapper, l.z.clone(), at);
    // Offline the patch is the one just decoded; live, the latest the model thread finished.
    if let Some(p) = mapper.last_patch() {
        s.sink.patch = *p.values();
    }
}

pub fn install(lua: &Lua, t: &Table) -> mlua::Result<()> {
    model_api(lua, t)?;
    latent_api(lua, t)?;
    resynth_api(lua, t)?;
    Ok(())
}

/// A primitive for the Lua libraries: `true, results...` or, when it fails, `false, message`
/// (the library raises it at the script's line, without a Rust traceback).
fn soft<A, R, F>(lua: &Lua, f: F) -> mlua::Result<Function>
where
    A: FromLuaMulti,
    R: IntoLuaMulti,
    F: Fn(&Lua, A) -> mlua::Result<R> + Send + 'static,
{
    lua.create_function(move |lua, args: A| match f(lua, args) {
        Ok(r) => {
            let mut v: MultiValue = r.into_lua_multi(lua)?;
            v.push_front(Value::Boolean(true));
            Ok(v)
        }
        Err(mlua::Error::RuntimeError(m)) => (false, m).into_lua_multi(lua),
        Err(e) => Err(e),
    })
}

fn models(lua: &Lua) -> mlua::Result<Arc<Models>> {
    with_state(lua, |s| Arc::clone(&s.models.shared))
}

fn model_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    // model_load(name) -> name, kind, latent_dim (nil unless a VAE), path
    t.set(
        "model_load",
        soft(lua, |lua, name: String| {
            let m = models(lua)?
                .load(&name)
                .map_err(|e| bad(format!("model.load: {e}")))?;
            Ok((
                m.name(),
                m.kind(),
                m.latent_dim(),
                m.path().display().to_string(),
            ))
        })?,
    )?;
    Ok(())
}

fn latent_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    // latent_new(model name or path, rate) -> id, dim, model name
    t.set(
        "latent_new",
        soft(lua, |lua, (name, rate): (String, Option<f64>)| {
            let rate = rate.unwrap_or(DEFAULT_RATE);
            if !(rate.is_finite() && rate > 0.0 && rate <= MAX_RATE) {
                return Err(bad(format!(
                    "latent.new: rate must be 0..{MAX_RATE} decodes per second, got {rate}"
                )));
            }
            let loaded = models(lua)?
                .load(&name)
                .map_err(|e| bad(format!("latent.new: {e}")))?;
            let (decoder, encoder) = match loaded {
                Loaded::Vae { decoder, encoder } => (decoder, encoder),
                other => {
                    return Err(bad(format!(
                        "latent.new: {} is a {} model ({}); a latent mapper needs a VAE \
                         (preset_vae2, preset_vae4, preset_vae8 or preset_vae16)",
                        other.name(),
                        other.kind(),
                        other.path().display()
                    )))
                }
            };
            let mapper = Mapper::new(decoder, encoder);
            let dim = mapper.latent_dim();
            let model = mapper.name();
            with_state(lua, |s| {
                s.models.last_latent += 1;
                let id = s.models.last_latent;
                s.models.latents.insert(
                    id,
                    Latent {
                        mapper,
                        z: vec![0.0; dim],
                        period: f64::from(s.time.sample_rate) / rate,
                        last_decode: None,
                        armed: false,
                    },
                );
                // The newest mapper is the one OSC reaches.
                s.models.active_latent = Some(id);
                (id, dim, model)
            })
        })?,
    )?;
    t.set(
        "latent_set",
        soft(lua, |lua, (id, i, v): (u64, i64, f64)| {
            with_state(lua, |s| {
                let index = usize::try_from(i - 1).unwrap_or(usize::MAX);
                s.set_latent(id, index, v)
            })?
            .map_err(|e| bad(format!("latent:set: {e}")))
        })?,
    )?;
    t.set(
        "latent_get",
        soft(lua, |lua, (id, i): (u64, i64)| {
            with_state(lua, |s| {
                let l = s.models.latent("latent:get", id)?;
                usize::try_from(i - 1)
                    .ok()
                    .and_then(|k| l.z.get(k))
                    .map(|&v| f64::from(v))
                    .ok_or_else(|| {
                        bad(format!("latent:get: index {i} is outside 1..{}", l.z.len()))
                    })
            })?
        })?,
    )?;
    t.set(
        "latent_set_all",
        soft(lua, |lua, (id, values): (u64, Table)| {
            let mut v = Vec::new();
            for x in values.sequence_values::<f64>() {
                v.push(x.map_err(|_| bad("latent:set_all: expects a table of numbers"))?);
            }
            with_state(lua, |s| s.set_latents(id, &v))?
                .map_err(|e| bad(format!("latent:set_all: {e}")))
        })?,
    )?;
    t.set(
        "latent_values",
        soft(lua, |lua, id: u64| {
            let z = with_state(lua, |s| {
                s.models.latent("latent:values", id).map(|l| l.z.clone())
            })??;
            lua.create_sequence_from(z.into_iter().map(f64::from))
        })?,
    )?;
    t.set(
        "latent_from_preset",
        soft(lua, |lua, (id, bank, n): (u64, String, i64)| {
            let mapper = with_state(lua, |s| {
                s.models
                    .latent("latent:from_preset", id)
                    .map(|l| Arc::clone(&l.mapper))
            })??;
            let patch = bank_preset("latent:from_preset", &bank, n)?;
            let z = mapper
                .encode(&patch)
                .map_err(|e| bad(format!("latent:from_preset: {e}")))?;
            let z: Vec<f64> = z.into_iter().map(f64::from).collect();
            with_state(lua, |s| s.set_latents(id, &z))?
                .map_err(|e| bad(format!("latent:from_preset: {e}")))?;
            Ok(patch.name.clone())
        })?,
    )?;
    t.set(
        "latent_to_preset",
        soft(
            lua,
            |lua, (id, path, name): (u64, String, Option<String>)| {
                let (mapper, z) = with_state(lua, |s| {
                    s.models
                        .latent("latent:to_preset", id)
                        .map(|l| (Arc::clone(&l.mapper), l.z.clone()))
                })??;
                let values = match mapper.last_patch() {
                    Some(p) => *p.values(),
                    None => *mapper
                        .decode(&z)
                        .map_err(|e| bad(format!("latent:to_preset: {e}")))?,
                };
                let path = PathBuf::from(path);
                let name = name.unwrap_or_else(|| {
                    path.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "latent".into())
                });
                wyrd_bank::write_preset(&path, &Patch::from_values(name, values))
                    .map_err(|e| bad(format!("latent:to_preset: {e}")))?;
                Ok(path.display().to_string())
            },
        )?,
    )?;
    t.set(
        "latent_activate",
        soft(lua, |lua, id: u64| {
            with_state(lua, |s| {
                s.models.latent("latent:activate", id)?;
                s.models.active_latent = Some(id);
                Ok(())
            })?
        })?,
    )?;
    t.set(
        "latent_active",
        lua.create_function(|lua, ()| with_state(lua, |s| s.models.active().ok()))?,
    )?;
    t.set(
        "latent_patch",
        soft(lua, |lua, id: u64| {
            let mapper = with_state(lua, |s| {
                s.models
                    .latent("latent:patch", id)
                    .map(|l| Arc::clone(&l.mapper))
            })??;
            match mapper.last_patch() {
                Some(p) => Ok(Value::Table(
                    lua.create_sequence_from(p.values().iter().map(|&v| f64::from(v)))?,
                )),
                None => Ok(Value::Nil),
            }
        })?,
    )?;
    Ok(())
}

/// `resynth.start`'s options, as Lua gives them.
fn resynth_config(sample_rate: u32, opts: &Table) -> mlua::Result<ResynthConfig> {
    let mut c = ResynthConfig::new(sample_rate);
    let num = |key: &str| -> mlua::Result<Option<f64>> {
        match opts.get::<Value>(key)? {
            Value::Nil => Ok(None),
            Value::Integer(i) => Ok(Some(i as f64)),
            Value::Number(x) if x.is_finite() => Ok(Some(x)),
            other => Err(bad(format!(
                "resynth.start: {key} must be a finite number, got {}",
                other.type_name()
            ))),
        }
    };
    let flag = |key: &str| -> mlua::Result<Option<bool>> {
        match opts.get::<Value>(key)? {
            Value::Nil => Ok(None),
            Value::Boolean(b) => Ok(Some(b)),
            other => Err(bad(format!(
                "resynth.start: {key} must be true or false, got {}",
                other.type_name()
            ))),
        }
    };
    if let Some(b) = flag("follow_pitch")? {
        c.follow_pitch = b;
    }
    if let Some(b) = flag("follow_amp")? {
        c.follow_amp = b;
    }
    if let Some(false) = flag("search")? {
        c.search = None;
    }
    if let Some(s) = num("smoothing")? {
        if !(0.0..=10.0).contains(&s) {
            return Err(bad(format!(
                "resynth.start: smoothing must be 0..10 seconds, got {s}"
            )));
        }
        c.smoothing = s;
    }
    if let Some(n) = num("note")? {
        if !(0.0..=127.0).contains(&n.round()) {
            return Err(bad(format!("resynth.start: note must be 0..127, got {n}")));
        }
        c.note = n.round() as u8;
    }
    if let Some(g) = num("gate_db")? {
        if !(-120.0..=0.0).contains(&g) {
            return Err(bad(format!(
                "resynth.start: gate_db must be -120..0 dBFS, got {g}"
            )));
        }
        c.gate_db = g as f32;
    }
    Ok(c)
}

const RESYNTH_KEYS: &[&str] = &[
    "model",
    "follow_pitch",
    "follow_amp",
    "smoothing",
    "note",
    "gate_db",
    "search",
];

fn resynth_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set(
        "resynth_start",
        soft(lua, |lua, opts: Option<Table>| {
            let opts = match opts {
                Some(o) => o,
                None => lua.create_table()?,
            };
            for pair in opts.pairs::<Value, Value>() {
                let (k, _) = pair?;
                let known = k
                    .as_string()
                    .and_then(|s| s.to_str().ok().map(|s| RESYNTH_KEYS.contains(&&*s)))
                    .unwrap_or(false);
                if !known {
                    return Err(bad(format!(
                        "resynth.start: unknown option {} (known: {})",
                        k.to_string().unwrap_or_else(|_| k.type_name().into()),
                        RESYNTH_KEYS.join(", ")
                    )));
                }
            }
            let name: Option<String> = opts.get("model")?;
            let name = name.unwrap_or_else(|| "live_matcher".into());
            let (sample_rate, base, models, instance) = with_state(lua, |s| {
                (
                    s.time.sample_rate,
                    s.sink.patch,
                    Arc::clone(&s.models.shared),
                    s.models.instance,
                )
            })?;
            let config = resynth_config(sample_rate, &opts)?;
            let matcher = match models
                .load(&name)
                .map_err(|e| bad(format!("resynth.start: {e}")))?
            {
                Loaded::LiveMatcher(m) => m,
                other => {
                    return Err(bad(format!(
                        "resynth.start: {} is a {} model ({}); resynthesis needs a live matcher \
                         (live_matcher)",
                        other.name(),
                        other.kind(),
                        other.path().display()
                    )))
                }
            };
            models
                .host()
                .resynth_start(Resynth::new(matcher, config, base))
                .map_err(|e| bad(format!("resynth.start: {e}")))?;
            *models.owner() = Some(instance);
            Ok(())
        })?,
    )?;
    t.set(
        "resynth_stop",
        soft(lua, |lua, ()| {
            with_state(lua, |s| {
                let mut owner = s.models.shared.owner();
                if owner.take().is_some() {
                    s.models.shared.host().resynth_stop(s.time.now.at());
                }
            })
        })?,
    )?;
    t.set(
        "resynth_running",
        lua.create_function(|lua, ()| with_state(lua, |s| s.models.shared.owner().is_some()))?,
    )?;
    Ok(())
}
