//! The `_wyrd` table: the few primitives the Lua libraries in `lib/core` are built on.
//! Everything musical (clock coroutines, metros, params, engine commands) is Lua on top of
//! these, in one module per concept as in norns' `lua/core`.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use mlua::{Lua, MultiValue, Table, Value, Variadic};
use wyrd_engine::Action;
use wyrd_schema::{NUM_PARAMS, PARAMS};

use crate::sources::{PollValue, POLL_NAMES};
use crate::state::State;
use crate::timers::Timer;
use crate::transport::Transport;

pub(crate) fn with_state<R>(lua: &Lua, f: impl FnOnce(&mut State) -> R) -> mlua::Result<R> {
    let mut state = lua
        .try_app_data_mut::<State>()
        .map_err(|_| mlua::Error::runtime("wyrd: state is busy (re-entered)"))?
        .ok_or_else(|| mlua::Error::runtime("wyrd: no state"))?;
    Ok(f(&mut state))
}

pub(crate) fn bad(msg: impl Into<String>) -> mlua::Error {
    mlua::Error::runtime(msg.into())
}

fn finite(name: &str, v: f64) -> mlua::Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(bad(format!("{name}: expected a finite number, got {v}")))
    }
}

fn midi_byte(what: &str, v: f64) -> mlua::Result<u8> {
    let r = v.round();
    if v.is_finite() && (0.0..=127.0).contains(&r) {
        Ok(r as u8)
    } else {
        Err(bad(format!("{what} must be 0..127, got {v}")))
    }
}

pub fn install(lua: &Lua) -> mlua::Result<()> {
    let t = lua.create_table()?;
    time_api(lua, &t)?;
    clock_api(lua, &t)?;
    repeat_api(lua, &t)?;
    engine_api(lua, &t)?;
    perc_api(lua, &t)?;
    misc_api(lua, &t)?;
    crate::models_api::install(lua, &t)?;
    crate::midi_api::install(lua, &t)?;
    crate::screen::lua::install(lua, &t)?;
    lua.globals().set("_wyrd", t)?;
    Ok(())
}

fn time_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set(
        "sample_rate",
        lua.create_function(|lua, ()| with_state(lua, |s| s.time.sample_rate))?,
    )?;
    t.set(
        "frame",
        lua.create_function(|lua, ()| with_state(lua, |s| s.time.now.frame()))?,
    )?;
    t.set(
        "time",
        lua.create_function(|lua, ()| {
            with_state(lua, |s| s.time.now.frame / f64::from(s.time.sample_rate))
        })?,
    )?;
    t.set(
        "beats",
        lua.create_function(|lua, ()| with_state(lua, |s| s.time.beat()))?,
    )?;
    t.set(
        "tempo",
        lua.create_function(|lua, ()| with_state(lua, |s| s.time.transport.bpm()))?,
    )?;
    t.set(
        "set_tempo",
        lua.create_function(|lua, bpm: f64| {
            let bpm = finite("clock.set_tempo", bpm)?;
            with_state(lua, |s| set_tempo(s, bpm))
        })?,
    )?;
    Ok(())
}

/// New tempo from now on; clocks waiting on a beat move to that beat's new frame.
fn set_tempo(s: &mut State, bpm: f64) -> f64 {
    let t = &mut s.time;
    let beat = t.beat();
    t.transport.set_bpm(bpm, t.now.frame, beat);
    for (timer, beat) in s.schedule.timers.beat_waits() {
        let at = t.transport.frame_of_f(beat).max(t.now.frame);
        s.schedule.timers.arm(at, Some(beat), timer);
    }
    t.transport.bpm()
}

fn clock_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set(
        "clock_sleep",
        lua.create_function(|lua, (id, seconds): (u64, f64)| {
            let seconds = finite("clock.sleep", seconds)?.max(0.0);
            with_state(lua, |s| {
                let at = s.time.now.frame + s.time.seconds_to_frames(seconds);
                s.schedule.timers.arm(at, None, Timer::Clock(id));
            })
        })?,
    )?;
    t.set(
        "clock_sync",
        lua.create_function(|lua, (id, beats, offset): (u64, f64, Option<f64>)| {
            let beats = finite("clock.sync", beats)?;
            if beats <= 0.0 {
                return Err(bad(format!("clock.sync: beats must be > 0, got {beats}")));
            }
            let offset = finite("clock.sync offset", offset.unwrap_or(0.0))?;
            with_state(lua, |s| {
                let target = Transport::next_sync(s.time.beat(), beats, offset);
                let at = s.time.transport.frame_of_f(target).max(s.time.now.frame);
                s.schedule.timers.arm(at, Some(target), Timer::Clock(id));
            })
        })?,
    )?;
    t.set(
        "clock_cancel",
        lua.create_function(|lua, id: u64| {
            with_state(lua, |s| s.schedule.timers.cancel(Timer::Clock(id)))
        })?,
    )?;
    Ok(())
}

/// Metros and polls: ticks at `start + k * period`, computed from the start so they never drift.
fn repeat_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set(
        "metro_start",
        lua.create_function(|lua, (id, time, count, stage): (u64, f64, i64, i64)| {
            let time = finite("metro time", time)?;
            if time <= 0.0 {
                return Err(bad(format!("metro: time must be > 0 seconds, got {time}")));
            }
            with_state(lua, |s| {
                let period = s.time.seconds_to_frames(time);
                s.schedule
                    .start_metro(id, s.time.now.frame, period, count, stage);
            })
        })?,
    )?;
    t.set(
        "metro_stop",
        lua.create_function(|lua, id: u64| with_state(lua, |s| s.schedule.stop_metro(id)))?,
    )?;
    t.set(
        "metro_set_time",
        lua.create_function(|lua, (id, time): (u64, f64)| {
            let time = finite("metro time", time)?;
            if time <= 0.0 {
                return Err(bad(format!("metro: time must be > 0 seconds, got {time}")));
            }
            with_state(lua, |s| {
                let period = s.time.seconds_to_frames(time);
                s.schedule.set_metro_period(id, period);
            })
        })?,
    )?;
    t.set(
        "poll_names",
        lua.create_function(|lua, ()| lua.create_sequence_from(POLL_NAMES.iter().copied()))?,
    )?;
    t.set(
        "poll_value",
        lua.create_function(|lua, name: String| {
            let v = with_state(lua, |s| s.sources.value(&name))?;
            poll_value_to_lua(lua, &name, v)
        })?,
    )?;
    t.set(
        "poll_start",
        lua.create_function(|lua, (id, name, time): (u64, String, f64)| {
            let time = finite("poll time", time)?;
            if time <= 0.0 {
                return Err(bad(format!("poll: time must be > 0 seconds, got {time}")));
            }
            if !POLL_NAMES.contains(&name.as_str()) {
                return Err(bad(format!("poll: no poll named '{name}'")));
            }
            with_state(lua, |s| {
                let period = s.time.seconds_to_frames(time);
                s.schedule.start_poll(id, name, s.time.now.frame, period);
            })
        })?,
    )?;
    t.set(
        "poll_stop",
        lua.create_function(|lua, id: u64| with_state(lua, |s| s.schedule.stop_poll(id)))?,
    )?;
    Ok(())
}

pub(crate) fn poll_value_to_lua(
    lua: &Lua,
    name: &str,
    v: Option<PollValue>,
) -> mlua::Result<Value> {
    match v {
        Some(PollValue::Number(x)) => Ok(Value::Number(x)),
        Some(PollValue::List(xs)) => Ok(Value::Table(
            lua.create_sequence_from(xs.into_iter().map(f64::from))?,
        )),
        None => Err(bad(format!("poll: no poll named '{name}'"))),
    }
}

fn engine_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set(
        "note_on",
        lua.create_function(|lua, (note, vel): (f64, Option<f64>)| {
            let note = midi_byte("engine.note_on: note", note)?;
            let velocity = midi_byte("engine.note_on: velocity", vel.unwrap_or(100.0))?;
            with_state(lua, |s| {
                let at = s.time.now.at();
                s.sink.send(at, Action::NoteOn { note, velocity })
            })
        })?,
    )?;
    t.set(
        "note_off",
        lua.create_function(|lua, note: f64| {
            let note = midi_byte("engine.note_off: note", note)?;
            with_state(lua, |s| {
                let at = s.time.now.at();
                s.sink.send(at, Action::NoteOff { note })
            })
        })?,
    )?;
    t.set(
        "all_off",
        lua.create_function(|lua, ()| {
            with_state(lua, |s| {
                let at = s.time.now.at();
                s.sink.send(at, Action::AllNotesOff)
            })
        })?,
    )?;
    t.set(
        "set_param",
        lua.create_function(|lua, (index, value): (usize, f64)| {
            let spec = PARAMS
                .get(index)
                .ok_or_else(|| bad(format!("engine: no parameter {index}")))?;
            if value.is_nan() {
                return Err(bad(format!("engine.{}: value is NaN", spec.id)));
            }
            let v = spec.sanitize(value as f32);
            with_state(lua, |s| {
                s.sink.patch[index] = v;
                let at = s.time.now.at();
                s.sink.send(at, Action::SetParam { index, value: v });
                f64::from(v)
            })
        })?,
    )?;
    t.set(
        "denormalize",
        lua.create_function(|_, (index, n): (usize, f64)| {
            let spec = PARAMS
                .get(index)
                .ok_or_else(|| bad(format!("engine: no parameter {index}")))?;
            Ok(f64::from(spec.denormalize(n.clamp(0.0, 1.0))))
        })?,
    )?;
    t.set(
        "patch",
        lua.create_function(|lua, ()| {
            let values = with_state(lua, |s| s.sink.patch)?;
            lua.create_sequence_from(values.iter().map(|&v| f64::from(v)))
        })?,
    )?;
    t.set(
        "load_preset",
        lua.create_function(|lua, (bank, n): (String, i64)| {
            let patch = bank_preset("engine.load_preset", &bank, n)?;
            let values: [f32; NUM_PARAMS] = *patch.values();
            with_state(lua, |s| {
                s.sink.patch = values;
                let at = s.time.now.at();
                s.sink.send(at, Action::LoadPatch(Box::new(values)));
            })?;
            let t = lua.create_sequence_from(values.iter().map(|&v| f64::from(v)))?;
            Ok((t, patch.name.clone()))
        })?,
    )?;
    t.set("schema", lua.create_function(|lua, ()| schema_table(lua))?)?;
    Ok(())
}

/// The engines `engine.name` may select, as `lib/core/engine.lua` spells them.
pub const ENGINES: [&str; 2] = ["amsynth", "PolyPerc"];

/// norns' PolyPerc beside the amSynth voice: its note (`engine.hz`), its parameters (for the
/// notes after them, as in norns) and the list of engines.
fn perc_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    use wyrd_schema::polyperc;
    t.set(
        "perc_hz",
        lua.create_function(|lua, hz: f64| {
            // A pitch of 0 or below is silent, as in SuperCollider; only NaN and ∞ are errors.
            let hz = finite("engine.hz", hz)?;
            with_state(lua, |s| {
                let at = s.time.now.at();
                s.sink.send(at, Action::PercNote { hz: hz as f32 })
            })
        })?,
    )?;
    t.set(
        "perc_set",
        lua.create_function(|lua, (index, value): (usize, f64)| {
            let id = *polyperc::ParamId::ALL
                .get(index)
                .ok_or_else(|| bad(format!("engine: PolyPerc has no parameter {index}")))?;
            if value.is_nan() {
                return Err(bad(format!("engine.{}: value is NaN", id.spec().id)));
            }
            let value = id.spec().sanitize(value as f32);
            with_state(lua, |s| {
                let at = s.time.now.at();
                s.sink.send(at, Action::PercParam { id, value });
                f64::from(value)
            })
        })?,
    )?;
    t.set(
        "perc_schema",
        lua.create_function(
            |lua, ()| match json_to_lua(lua, &polyperc::to_json()["params"])? {
                Value::Table(t) => Ok(t),
                _ => Err(bad("PolyPerc's schema has no parameter list")),
            },
        )?,
    )?;
    t.set(
        "engines",
        lua.create_function(|lua, ()| lua.create_sequence_from(ENGINES))?,
    )?;
    Ok(())
}

/// Preset `n` of a bank named as [`resolve_bank`] takes it; errors name `what`, the file and
/// the presets it has.
pub(crate) fn bank_preset(what: &str, bank: &str, n: i64) -> mlua::Result<wyrd_schema::Patch> {
    let path = resolve_bank(what, bank)?;
    let mut b = wyrd_bank::read_bank(&path).map_err(|e| bad(format!("{e:#}")))?;
    let count = b.presets.len();
    match usize::try_from(n).ok().filter(|&i| i < count) {
        Some(i) => Ok(b.presets.swap_remove(i)),
        None => Err(bad(format!(
            "{what}: {} has no preset {n} (it has 0..{})",
            path.display(),
            count.saturating_sub(1)
        ))),
    }
}

/// A bank named as a path or by name in the banks folder ([`wyrd_bank::find_bank`]).
pub(crate) fn resolve_bank(what: &str, given: &str) -> mlua::Result<PathBuf> {
    wyrd_bank::find_bank(Path::new(given)).ok_or_else(|| {
        bad(format!(
            "{what}: no bank '{given}' (a path, or a file in the banks folder; \
             `./setup.sh banks` installs amSynth's)"
        ))
    })
}

/// `_wyrd.schema()`: the parameters exactly as `wyrd params --json` exports them (one export
/// for JSON, Lua and the training code), as Lua tables.
fn schema_table(lua: &Lua) -> mlua::Result<Table> {
    match json_to_lua(lua, &wyrd_schema::to_json()["params"])? {
        Value::Table(t) => Ok(t),
        _ => Err(bad("the schema export has no parameter list")),
    }
}

fn json_to_lua(lua: &Lua, v: &serde_json::Value) -> mlua::Result<Value> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => Value::Nil,
        J::Bool(b) => Value::Boolean(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::String(lua.create_string(s)?),
        J::Array(items) => {
            let t = lua.create_table()?;
            for item in items {
                t.raw_push(json_to_lua(lua, item)?)?;
            }
            Value::Table(t)
        }
        J::Object(fields) => {
            let t = lua.create_table()?;
            for (k, item) in fields {
                t.raw_set(k.as_str(), json_to_lua(lua, item)?)?;
            }
            Value::Table(t)
        }
    })
}

fn misc_api(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set(
        "report",
        lua.create_function(|lua, msg: String| with_state(lua, |s| s.log.report(&msg)))?,
    )?;
    t.set(
        "osc_send",
        lua.create_function(
            |_, (host, port, path, args): (String, u16, String, Option<Table>)| {
                osc_send(&host, port, path, args)
            },
        )?,
    )?;
    // print goes to stdout, or while a REPL line runs, to the REPL (once: the terminal REPL
    // shares stdout).
    let print = lua.create_function(|lua, args: Variadic<Value>| {
        let line = args
            .iter()
            .map(|v| v.to_string().unwrap_or_else(|_| format!("{v:?}")))
            .collect::<Vec<_>>()
            .join("\t");
        if !with_state(lua, |s| s.log.echo(&line))? {
            println!("{line}");
        }
        Ok(())
    })?;
    lua.globals().set("print", print)?;
    Ok(())
}

fn osc_send(host: &str, port: u16, path: String, args: Option<Table>) -> mlua::Result<()> {
    use rosc::{OscMessage, OscPacket, OscType};
    let mut osc_args = vec![];
    if let Some(args) = args {
        for v in args.sequence_values::<Value>() {
            osc_args.push(match v? {
                Value::Integer(i) => match i32::try_from(i) {
                    Ok(i) => OscType::Int(i),
                    Err(_) => OscType::Long(i),
                },
                Value::Number(x) => OscType::Float(x as f32),
                Value::Boolean(b) => OscType::Bool(b),
                Value::String(s) => OscType::String(s.to_str()?.to_string()),
                other => {
                    return Err(bad(format!(
                        "osc.send: cannot send a {} argument",
                        other.type_name()
                    )))
                }
            });
        }
    }
    let packet = OscPacket::Message(OscMessage {
        addr: path,
        args: osc_args,
    });
    let bytes = rosc::encoder::encode(&packet).map_err(|e| bad(format!("osc.send: {e}")))?;
    static SOCKET: OnceLock<Option<UdpSocket>> = OnceLock::new();
    let socket = SOCKET
        .get_or_init(|| UdpSocket::bind("0.0.0.0:0").ok())
        .as_ref()
        .ok_or_else(|| bad("osc.send: cannot open a UDP socket"))?;
    // A send error (no route, unknown host) is reported to the script, never fatal.
    socket
        .send_to(&bytes, (host, port))
        .map_err(|e| bad(format!("osc.send to {host}:{port}: {e}")))?;
    Ok(())
}

/// Lua values as a REPL shows them: strings quoted, others through `tostring`.
pub(crate) fn show(values: &MultiValue) -> String {
    values
        .iter()
        .map(|v| match v {
            Value::String(s) => format!("{:?}", s.to_string_lossy()),
            v => v.to_string().unwrap_or_else(|_| format!("{v:?}")),
        })
        .collect::<Vec<_>>()
        .join("\t")
}
