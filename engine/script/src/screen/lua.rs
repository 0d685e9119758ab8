//! The `_wyrd.screen_*` primitives (norns' `_norns.screen_*`), with norns' argument
//! conventions: 0-based pixel coordinates, levels 0..15 (clamped), `aa`, `level` and
//! `font_face` integers, `line_rel` truncating its offsets to whole pixels as norns' binding
//! does. Bad arguments (a missing number, a string where a number goes, NaN or infinity) are
//! Lua errors naming the `screen` function.

use mlua::{Lua, Table, Value};

use super::image::decode_png;
use super::Screen;
use crate::api::{bad, with_state};

/// norns' `screen.font_face_names`, 1-based.
pub(crate) const FACE_NAMES: [&str; 69] = [
    "norns",
    "liquid",
    "Roboto-Thin",
    "Roboto-Light",
    "Roboto-Regular",
    "Roboto-Medium",
    "Roboto-Bold",
    "Roboto-Black",
    "Roboto-ThinItalic",
    "Roboto-LightItalic",
    "Roboto-Italic",
    "Roboto-MediumItalic",
    "Roboto-BoldItalic",
    "Roboto-BlackItalic",
    "VeraBd",
    "VeraBI",
    "VeraIt",
    "VeraMoBd",
    "VeraMoBI",
    "VeraMoIt",
    "VeraMono",
    "VeraSeBd",
    "VeraSe",
    "Vera",
    "bmp/tom-thumb",
    "bmp/creep",
    "bmp/ctrld-fixed-10b",
    "bmp/ctrld-fixed-10r",
    "bmp/ctrld-fixed-13b",
    "bmp/ctrld-fixed-13b-i",
    "bmp/ctrld-fixed-13r",
    "bmp/ctrld-fixed-13r-i",
    "bmp/ctrld-fixed-16b",
    "bmp/ctrld-fixed-16b-i",
    "bmp/ctrld-fixed-16r",
    "bmp/ctrld-fixed-16r-i",
    "bmp/scientifica-11",
    "bmp/scientificaBold-11",
    "bmp/scientificaItalic-11",
    "bmp/ter-u12b",
    "bmp/ter-u12n",
    "bmp/ter-u14b",
    "bmp/ter-u14n",
    "bmp/ter-u14v",
    "bmp/ter-u16b",
    "bmp/ter-u16n",
    "bmp/ter-u16v",
    "bmp/ter-u18b",
    "bmp/ter-u18n",
    "bmp/ter-u20b",
    "bmp/ter-u20n",
    "bmp/ter-u22b",
    "bmp/ter-u22n",
    "bmp/ter-u24b",
    "bmp/ter-u24n",
    "bmp/ter-u28b",
    "bmp/ter-u28n",
    "bmp/ter-u32b",
    "bmp/ter-u32n",
    "bmp/unscii-16-full",
    "bmp/unscii-16",
    "bmp/unscii-8-alt",
    "bmp/unscii-8-fantasy",
    "bmp/unscii-8-mcr",
    "bmp/unscii-8",
    "bmp/unscii-8-tall",
    "bmp/unscii-8-thin",
    "Particle",
    "04B_03__",
];

fn with_screen<R>(lua: &Lua, f: impl FnOnce(&mut Screen) -> R) -> mlua::Result<R> {
    with_state(lua, |s| f(&mut s.screen))
}

/// A number argument (numbers and numeric strings, as luaL_checknumber), finite.
fn num(lua: &Lua, f: &str, what: &str, v: Value) -> mlua::Result<f64> {
    let type_name = v.type_name();
    let n = match v {
        Value::Integer(i) => i as f64,
        Value::Number(n) => n,
        Value::String(_) => match lua.coerce_number(v)? {
            Some(n) => n,
            None => {
                return Err(bad(format!(
                    "screen.{f}: {what} must be a number, got a string"
                )))
            }
        },
        _ => {
            return Err(bad(format!(
                "screen.{f}: {what} must be a number, got {type_name}"
            )))
        }
    };
    if n.is_finite() {
        Ok(n)
    } else {
        Err(bad(format!(
            "screen.{f}: {what} must be a finite number, got {n}"
        )))
    }
}

/// An integer argument (luaL_checkinteger: a float only if it is whole).
fn int(lua: &Lua, f: &str, what: &str, v: Value) -> mlua::Result<i64> {
    let n = num(lua, f, what, v)?;
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Ok(n as i64)
    } else {
        Err(bad(format!(
            "screen.{f}: {what} must be a whole number, got {n}"
        )))
    }
}

/// A string argument (strings and numbers, as luaL_checkstring).
fn text(lua: &Lua, f: &str, v: Value) -> mlua::Result<String> {
    let type_name = v.type_name();
    match v {
        Value::String(s) => Ok(s.to_string_lossy()),
        Value::Integer(_) | Value::Number(_) => Ok(lua
            .coerce_string(v)?
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()),
        _ => Err(bad(format!(
            "screen.{f}: expected a string, got {type_name}"
        ))),
    }
}

fn nums<const N: usize>(
    lua: &Lua,
    f: &str,
    names: [&str; N],
    args: mlua::Variadic<Value>,
) -> mlua::Result<[f64; N]> {
    let mut out = [0.0; N];
    let mut args = args.into_iter();
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = num(lua, f, name, args.next().unwrap_or(Value::Nil))?;
    }
    Ok(out)
}

/// `_wyrd.<key>` = a function of N numbers given to `f` on the screen.
fn numeric<const N: usize>(
    lua: &Lua,
    t: &Table,
    name: &'static str,
    names: [&'static str; N],
    f: impl Fn(&mut Screen, [f64; N]) -> Result<(), String> + Send + 'static,
) -> mlua::Result<()> {
    t.set(
        format!("screen_{name}"),
        lua.create_function(move |lua, args: mlua::Variadic<Value>| {
            let a = nums(lua, name, names, args)?;
            with_screen(lua, |s| f(s, a))?.map_err(|e| bad(format!("screen.{name}: {e}")))
        })?,
    )
}

const NO_POINT: &str = "no current point (stroke and fill end the path: move first)";

pub(crate) fn install(lua: &Lua, t: &Table) -> mlua::Result<()> {
    let unit = |f: fn(&mut Screen)| lua.create_function(move |lua, ()| with_screen(lua, f));
    t.set("screen_update", unit(|s| s.update())?)?;
    t.set("screen_clear", unit(|s| s.canvas.clear())?)?;
    t.set("screen_save", unit(|s| s.canvas.save())?)?;
    t.set("screen_restore", unit(|s| s.canvas.restore())?)?;
    t.set("screen_close", unit(|s| s.canvas.close())?)?;
    t.set("screen_stroke", unit(|s| s.canvas.stroke())?)?;
    t.set("screen_fill", unit(|s| s.canvas.fill())?)?;

    t.set(
        "screen_level",
        lua.create_function(|lua, v: Value| {
            let z = int(lua, "level", "level", v)?;
            with_screen(lua, |s| s.canvas.level(z))
        })?,
    )?;
    t.set(
        "screen_aa",
        lua.create_function(|lua, v: Value| {
            let on = match v {
                Value::Boolean(b) => b,
                v => int(lua, "aa", "state", v)? != 0,
            };
            with_screen(lua, |s| s.canvas.aa(on))
        })?,
    )?;
    t.set(
        "screen_line_cap",
        lua.create_function(|lua, v: Value| {
            let style = text(lua, "line_cap", v)?;
            with_screen(lua, |s| s.canvas.line_cap(&style))
        })?,
    )?;
    t.set(
        "screen_line_join",
        lua.create_function(|lua, v: Value| {
            let style = text(lua, "line_join", v)?;
            with_screen(lua, |s| s.canvas.line_join(&style))
        })?,
    )?;
    t.set(
        "screen_font_face",
        lua.create_function(|lua, v: Value| {
            let i = int(lua, "font_face", "face", v)?;
            with_screen(lua, |s| s.canvas.font_face(i))
        })?,
    )?;
    t.set(
        "screen_set_operator",
        lua.create_function(|lua, v: Value| {
            let i = num(lua, "blend_mode", "mode", v)? as i64;
            with_screen(lua, |s| s.canvas.blend(i))
        })?,
    )?;
    numeric(lua, t, "line_width", ["width"], |s, [w]| {
        s.canvas.line_width(w);
        Ok(())
    })?;
    numeric(lua, t, "miter_limit", ["limit"], |s, [l]| {
        s.canvas.miter_limit(l);
        Ok(())
    })?;
    // norns truncates the size to an integer.
    numeric(lua, t, "font_size", ["size"], |s, [z]| {
        s.canvas.font_size(z.trunc());
        Ok(())
    })?;
    numeric(lua, t, "move", ["x", "y"], |s, [x, y]| {
        s.canvas.move_to(x, y);
        Ok(())
    })?;
    numeric(lua, t, "line", ["x", "y"], |s, [x, y]| {
        s.canvas.line_to(x, y);
        Ok(())
    })?;
    numeric(lua, t, "move_rel", ["x", "y"], |s, [x, y]| {
        s.canvas.move_rel(x, y).then_some(()).ok_or(NO_POINT.into())
    })?;
    // norns' binding truncates line_rel's offsets to whole pixels.
    numeric(lua, t, "line_rel", ["x", "y"], |s, [x, y]| {
        s.canvas
            .line_rel(x.trunc(), y.trunc())
            .then_some(())
            .ok_or(NO_POINT.into())
    })?;
    numeric(
        lua,
        t,
        "curve",
        ["x1", "y1", "x2", "y2", "x3", "y3"],
        |s, [x1, y1, x2, y2, x3, y3]| {
            s.canvas.curve_to(x1, y1, x2, y2, x3, y3);
            Ok(())
        },
    )?;
    numeric(
        lua,
        t,
        "curve_rel",
        ["x1", "y1", "x2", "y2", "x3", "y3"],
        |s, c| s.canvas.curve_rel(c).then_some(()).ok_or(NO_POINT.into()),
    )?;
    numeric(
        lua,
        t,
        "arc",
        ["x", "y", "r", "angle1", "angle2"],
        |s, [x, y, r, a1, a2]| {
            s.canvas.arc(x, y, r, a1, a2);
            Ok(())
        },
    )?;
    numeric(lua, t, "circle", ["x", "y", "r"], |s, [x, y, r]| {
        s.canvas.arc(x, y, r, 0.0, 2.0 * std::f64::consts::PI);
        Ok(())
    })?;
    numeric(lua, t, "rect", ["x", "y", "w", "h"], |s, [x, y, w, h]| {
        s.canvas.rect(x, y, w, h);
        Ok(())
    })?;
    numeric(lua, t, "translate", ["x", "y"], |s, [x, y]| {
        s.canvas.translate(x, y);
        Ok(())
    })?;
    numeric(lua, t, "rotate", ["radians"], |s, [r]| {
        s.canvas.rotate(r);
        Ok(())
    })?;

    t.set(
        "screen_text",
        lua.create_function(|lua, v: Value| {
            let str = text(lua, "text", v)?;
            with_screen(lua, |s| s.canvas.text(&str, 0.0))
        })?,
    )?;
    t.set(
        "screen_text_right",
        lua.create_function(|lua, v: Value| {
            let str = text(lua, "text_right", v)?;
            with_screen(lua, |s| s.canvas.text_aligned(&str, 1.0))
        })?,
    )?;
    t.set(
        "screen_text_center",
        lua.create_function(|lua, v: Value| {
            let str = text(lua, "text_center", v)?;
            with_screen(lua, |s| s.canvas.text_aligned(&str, 0.5))
        })?,
    )?;
    t.set(
        "screen_text_trim",
        lua.create_function(|lua, (v, w): (Value, Value)| {
            let str = text(lua, "text_trim", v)?;
            let w = num(lua, "text_trim", "width", w)?;
            with_screen(lua, |s| s.canvas.text_trim(&str, w))
        })?,
    )?;
    // norns' legacy API: the ink's width and height, truncated to integers.
    t.set(
        "screen_text_extents",
        lua.create_function(|lua, v: Value| {
            let str = text(lua, "text_extents", v)?;
            let (w, h) = with_screen(lua, |s| s.canvas.text_extents(&str))?;
            Ok((w.trunc() as i64, h.trunc() as i64))
        })?,
    )?;
    t.set(
        "screen_current_point",
        lua.create_function(|lua, ()| with_screen(lua, |s| s.canvas.current_point()))?,
    )?;
    t.set(
        "screen_peek",
        lua.create_function(|lua, args: mlua::Variadic<Value>| {
            let mut it = args.into_iter();
            let mut next = |what| int(lua, "peek", what, it.next().unwrap_or(Value::Nil));
            let (x, y, w, h) = (next("x")?, next("y")?, next("w")?, next("h")?);
            let bytes = with_screen(lua, |s| s.canvas.peek(x, y, w, h))?;
            lua.create_string(&bytes)
        })?,
    )?;
    t.set(
        "screen_poke",
        lua.create_function(|lua, args: mlua::Variadic<Value>| {
            let mut it = args.into_iter();
            let mut next = |what| int(lua, "poke", what, it.next().unwrap_or(Value::Nil));
            let (x, y, w, h) = (next("x")?, next("y")?, next("w")?, next("h")?);
            let buf = match it.next() {
                Some(Value::String(s)) => s.as_bytes().to_vec(),
                other => {
                    return Err(bad(format!(
                        "screen.poke: the pixels must be a string of levels, got {}",
                        other.map_or("nil", |v| v.type_name())
                    )))
                }
            };
            with_screen(lua, |s| s.canvas.poke(x, y, w, h, &buf))
        })?,
    )?;
    t.set(
        "screen_display_png",
        lua.create_function(|lua, (file, x, y): (Value, Value, Value)| {
            let file = text(lua, "display_png", file)?;
            let x = num(lua, "display_png", "x", x)?;
            let y = num(lua, "display_png", "y", y)?;
            let bytes = std::fs::read(&file)
                .map_err(|e| bad(format!("screen.display_png: {file}: {e}")))?;
            let img =
                decode_png(&bytes).map_err(|e| bad(format!("screen.display_png: {file}: {e}")))?;
            with_screen(lua, |s| s.canvas.image(&img, x, y))
        })?,
    )?;
    t.set(
        "screen_export_png",
        lua.create_function(|lua, (file, scale): (Value, Option<f64>)| {
            let file = text(lua, "export_png", file)?;
            let scale = scale.unwrap_or(1.0).clamp(1.0, 16.0) as usize;
            let frame = with_screen(lua, |s| s.canvas.frame())?;
            frame
                .write_png(std::path::Path::new(&file), scale)
                .map_err(|e| bad(format!("screen.export_png: {e}")))
        })?,
    )?;
    t.set(
        "screen_invert",
        lua.create_function(|lua, v: Value| {
            let on = match v {
                Value::Boolean(b) => b,
                v => int(lua, "invert", "state", v)? != 0,
            };
            with_screen(lua, |s| s.handle.set_inverted(on))
        })?,
    )?;
    t.set(
        "screen_face_names",
        lua.create_function(|lua, ()| lua.create_sequence_from(FACE_NAMES))?,
    )?;
    Ok(())
}
