//! wyrd's built-in OSC paths, checked before anything runs: a built-in path with the wrong
//! arguments is bad input (counted, logged once per path), never a partial action. Paths that
//! are not built in are not errors: they are the script's, through `osc.event`.

use crate::events::OscArg;

/// Latent dimensions `/latent/<i>` may address (1-based, as controllers label faders).
pub const MAX_LATENT: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Builtin {
    /// `/param/<id> v` (own units) or `/param/<id>/norm v` (0..1).
    Param {
        id: String,
        value: OscArg,
        norm: bool,
    },
    /// `/param/<id>/get`: answers `/param/<id> v` to the sender.
    ParamGet {
        id: String,
    },
    /// `/note_on note [vel]` (velocity 1..127, default 100; 0 is a note-off, as in MIDI).
    NoteOn {
        note: f64,
        velocity: f64,
    },
    NoteOff {
        note: f64,
    },
    AllOff,
    /// `/preset n` (the current bank) or `/preset bank n`.
    Preset {
        bank: Option<String>,
        number: i64,
    },
    /// `/latent/<i> v`, `i` from 1.
    Latent {
        index: usize,
        value: f64,
    },
    /// `/latent v1 ... vn`.
    Latents(Vec<f64>),
    /// `/latent/<i>/get`: answers `/latent/<i> v` to the sender.
    LatentGet {
        index: usize,
    },
    /// `/script/load name-or-path`.
    ScriptLoad(String),
    /// `/ping [args]`: answers `/pong [args]`.
    Ping(Vec<OscArg>),
    /// `/eval lua`: only with `--allow-eval`, only from loopback.
    Eval(String),
    /// `/remote/key n z` and `/remote/enc n d`: norns' keys and encoders, as its hardware
    /// would press and turn them.
    Remote(crate::host_events::HostEvent),
}

/// Checks a message against the built-in paths. `Ok(None)`: not a built-in path.
pub fn parse(path: &str, args: &[OscArg]) -> Result<Option<Builtin>, String> {
    let b = match path {
        "/note_on" => {
            let (note, velocity) = match args {
                [n] => (note(n)?, 100.0),
                [n, v] => (note(n)?, velocity(v)?),
                _ => return Err(count("note [velocity]", args)),
            };
            Builtin::NoteOn { note, velocity }
        }
        "/note_off" => match args {
            [n] => Builtin::NoteOff { note: note(n)? },
            _ => return Err(count("note", args)),
        },
        "/all_off" => match args {
            [] => Builtin::AllOff,
            _ => return Err(count("no", args)),
        },
        "/preset" => match args {
            [n] => Builtin::Preset {
                bank: None,
                number: preset(n)?,
            },
            [OscArg::Str(bank), n] => Builtin::Preset {
                bank: Some(bank.clone()),
                number: preset(n)?,
            },
            [_, _] => return Err("the bank must be a string (a name or path)".into()),
            _ => return Err(count("[bank] number", args)),
        },
        "/latent" => {
            if args.is_empty() {
                return Err(count("one or more numbers", args));
            }
            if args.len() > MAX_LATENT {
                return Err(format!("at most {MAX_LATENT} latent values"));
            }
            Builtin::Latents(args.iter().map(number).collect::<Result<_, _>>()?)
        }
        "/script/load" => match args {
            [OscArg::Str(s)] if !s.is_empty() => Builtin::ScriptLoad(s.clone()),
            _ => return Err("expected one string: a script name or path".into()),
        },
        "/ping" => Builtin::Ping(args.to_vec()),
        "/remote/key" => match args {
            [n, z] => Builtin::Remote(crate::host_events::HostEvent::Key {
                n: whole(n, "key", 1, 3)?,
                z: whole(z, "z", 0, 1)?,
            }),
            _ => return Err(count("key z", args)),
        },
        "/remote/enc" => match args {
            [n, d] => Builtin::Remote(crate::host_events::HostEvent::Enc {
                n: whole(n, "encoder", 1, 3)?,
                d: whole(d, "delta", -1000, 1000)?,
            }),
            _ => return Err(count("encoder delta", args)),
        },
        "/eval" => match args {
            [OscArg::Str(s)] => Builtin::Eval(s.clone()),
            _ => return Err("expected one string of Lua".into()),
        },
        _ => {
            if let Some(rest) = path.strip_prefix("/param/") {
                return param(rest, args).map(Some);
            }
            if let Some(rest) = path.strip_prefix("/latent/") {
                return latent(rest, args).map(Some);
            }
            return Ok(None);
        }
    };
    Ok(Some(b))
}

fn latent(rest: &str, args: &[OscArg]) -> Result<Builtin, String> {
    let (index, tail) = match rest.split_once('/') {
        Some((i, tail)) => (i, Some(tail)),
        None => (rest, None),
    };
    let index = index
        .parse::<usize>()
        .ok()
        .filter(|i| (1..=MAX_LATENT).contains(i))
        .ok_or_else(|| format!("latent index must be 1..{MAX_LATENT}"))?;
    match (tail, args) {
        (None, [v]) => Ok(Builtin::Latent {
            index,
            value: number(v)?,
        }),
        (None, _) => Err(count("one number", args)),
        (Some("get"), []) => Ok(Builtin::LatentGet { index }),
        (Some("get"), _) => Err(count("no", args)),
        (Some(other), _) => Err(format!("unknown latent path '/{other}' (get)")),
    }
}

fn param(rest: &str, args: &[OscArg]) -> Result<Builtin, String> {
    let (id, tail) = match rest.split_once('/') {
        Some((id, tail)) => (id, Some(tail)),
        None => (rest, None),
    };
    if id.is_empty() {
        return Err("no parameter id".into());
    }
    let id = id.to_string();
    match (tail, args) {
        (None, [v]) => Ok(Builtin::Param {
            id,
            value: value(v)?,
            norm: false,
        }),
        (Some("norm"), [v]) => Ok(Builtin::Param {
            id,
            value: OscArg::Float(number(v)?.clamp(0.0, 1.0)),
            norm: true,
        }),
        (Some("get"), []) => Ok(Builtin::ParamGet { id }),
        (None | Some("norm"), _) => Err(count("one value", args)),
        (Some("get"), _) => Err(count("no", args)),
        (Some(other), _) => Err(format!("unknown param path '/{other}' (norm, get)")),
    }
}

/// A parameter value: a finite number, a string (text and option params) or a boolean.
fn value(v: &OscArg) -> Result<OscArg, String> {
    match v {
        OscArg::Str(_) | OscArg::Bool(_) => Ok(v.clone()),
        _ => number(v).map(OscArg::Float),
    }
}

fn number(v: &OscArg) -> Result<f64, String> {
    match v {
        OscArg::Int(i) => Ok(*i as f64),
        OscArg::Float(x) if x.is_finite() => Ok(*x),
        OscArg::Float(x) => Err(format!("{x} is not a finite number")),
        other => Err(format!("expected a number, got {}", kind(other))),
    }
}

/// A whole number in `lo..=hi` (integers, or floats that are whole: controllers send both).
fn whole(v: &OscArg, what: &str, lo: i64, hi: i64) -> Result<i64, String> {
    let n = number(v)?;
    if n.fract() != 0.0 {
        return Err(format!("{what} must be a whole number, got {n}"));
    }
    if (lo as f64..=hi as f64).contains(&n) {
        Ok(n as i64)
    } else {
        Err(format!("{what} {n} is outside {lo}..{hi}"))
    }
}

fn note(v: &OscArg) -> Result<f64, String> {
    let n = number(v)?;
    if (0.0..=127.0).contains(&n) {
        Ok(n)
    } else {
        Err(format!("note {n} is outside 0..127"))
    }
}

fn velocity(v: &OscArg) -> Result<f64, String> {
    let n = number(v)?;
    if (0.0..=127.0).contains(&n) {
        Ok(n)
    } else {
        Err(format!("velocity {n} is outside 0..127"))
    }
}

fn preset(v: &OscArg) -> Result<i64, String> {
    let n = number(v)?;
    if n.fract() == 0.0 && (0.0..=127.0).contains(&n) {
        Ok(n as i64)
    } else {
        Err(format!("preset number {n} is not one of 0..127"))
    }
}

fn count(expected: &str, args: &[OscArg]) -> String {
    format!("expected {expected} arguments, got {}", args.len())
}

fn kind(a: &OscArg) -> &'static str {
    match a {
        OscArg::Int(_) => "an integer",
        OscArg::Float(_) => "a number",
        OscArg::Str(_) => "a string",
        OscArg::Bool(_) => "a boolean",
        OscArg::Blob(_) => "a blob",
        OscArg::Nil => "nil",
        OscArg::List(_) => "an array",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> OscArg {
        OscArg::Float(x)
    }

    #[test]
    fn paths_parse_with_their_arguments() {
        assert_eq!(
            parse("/param/filter_cutoff", &[f(0.5)]).unwrap(),
            Some(Builtin::Param {
                id: "filter_cutoff".into(),
                value: f(0.5),
                norm: false
            })
        );
        assert_eq!(
            parse("/param/filter_cutoff/norm", &[f(1.5)]).unwrap(),
            Some(Builtin::Param {
                id: "filter_cutoff".into(),
                value: f(1.0),
                norm: true
            })
        );
        assert_eq!(
            parse("/param/x/get", &[]).unwrap(),
            Some(Builtin::ParamGet { id: "x".into() })
        );
        assert_eq!(
            parse("/note_on", &[OscArg::Int(60)]).unwrap(),
            Some(Builtin::NoteOn {
                note: 60.0,
                velocity: 100.0
            })
        );
        assert_eq!(
            parse("/preset", &[OscArg::Str("b".into()), OscArg::Int(3)]).unwrap(),
            Some(Builtin::Preset {
                bank: Some("b".into()),
                number: 3
            })
        );
        assert_eq!(
            parse("/latent/8", &[f(-1.0)]).unwrap(),
            Some(Builtin::Latent {
                index: 8,
                value: -1.0
            })
        );
        assert_eq!(
            parse("/latent", &[f(1.0), OscArg::Int(2)]).unwrap(),
            Some(Builtin::Latents(vec![1.0, 2.0]))
        );
        assert_eq!(
            parse("/latent/3/get", &[]).unwrap(),
            Some(Builtin::LatentGet { index: 3 })
        );
        assert_eq!(parse("/my/own/path", &[f(1.0)]).unwrap(), None);
        assert_eq!(parse("/param", &[f(1.0)]).unwrap(), None);
    }

    #[test]
    fn bad_arguments_are_errors_that_say_why() {
        let cases: &[(&str, Vec<OscArg>, &str)] = &[
            (
                "/note_on",
                vec![],
                "expected note [velocity] arguments, got 0",
            ),
            ("/note_on", vec![f(128.0)], "outside 0..127"),
            ("/note_on", vec![OscArg::Str("c".into())], "got a string"),
            ("/note_off", vec![f(f64::NAN)], "not a finite number"),
            ("/param/cutoff", vec![], "expected one value"),
            ("/param/cutoff", vec![f(f64::INFINITY)], "finite"),
            ("/param//norm", vec![f(0.1)], "no parameter id"),
            ("/param/cutoff/what", vec![f(0.1)], "unknown param path"),
            ("/param/cutoff/get", vec![f(0.1)], "expected no arguments"),
            ("/preset", vec![f(1.5)], "not one of 0..127"),
            ("/preset", vec![f(1.0), f(2.0)], "bank must be a string"),
            ("/latent/0", vec![f(0.0)], "latent index"),
            ("/latent/x", vec![f(0.0)], "latent index"),
            ("/latent", vec![], "one or more"),
            ("/latent/2", vec![], "expected one number"),
            ("/latent/2", vec![OscArg::Str("x".into())], "got a string"),
            ("/latent/65", vec![f(0.0)], "latent index must be 1..64"),
            ("/latent/2/get", vec![f(1.0)], "expected no arguments"),
            ("/latent/2/set", vec![f(1.0)], "unknown latent path"),
            ("/latent/x/get", vec![], "latent index"),
            ("/script/load", vec![OscArg::Int(1)], "script name"),
            ("/eval", vec![], "string of Lua"),
            ("/all_off", vec![f(1.0)], "expected no arguments"),
        ];
        for (path, args, why) in cases {
            let e = parse(path, args).expect_err(path);
            assert!(e.contains(why), "{path}: {e}");
        }
    }
}
