//! The runtime's side of OSC and of other host events: messages and events handed to the
//! script's Lua, and OSC arguments to Lua values and back.

use mlua::{Lua, MultiValue, Value};

use crate::errors::error_text;
use crate::events::OscArg;
use crate::runtime::Runtime;
use crate::state::Now;

impl Runtime {
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
}

impl Runtime {
    /// A host event for the script's modules (`lib/core/hooks.lua`): `kind` and its arguments,
    /// at logical time `now`. An error in the handler is the script's, reported.
    pub fn event(&mut self, kind: &str, args: &[OscArg], now: Now) {
        self.current.set_now(now);
        let lua = &self.current.lua;
        let mut values = Vec::with_capacity(args.len() + 1);
        match lua.create_string(kind) {
            Ok(k) => values.push(Value::String(k)),
            Err(e) => return self.current.report(&error_text(&e)),
        }
        for a in args {
            match osc_value(lua, a) {
                Ok(v) => values.push(v),
                Err(e) => return self.current.report(&error_text(&e)),
            }
        }
        self.current
            .call(&self.current.dispatch.event, MultiValue::from_vec(values));
    }
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
