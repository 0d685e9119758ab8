//! The controller layouts in examples/osc must only send what wyrd understands: every message a
//! widget can send is a built-in path with arguments the built-in accepts, and every parameter
//! it names exists. A renamed path or parameter fails here rather than on stage, where wyrd
//! would only count it as bad input.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use serde_json::Value;
use wyrd_script::osc::builtin::{parse, Builtin};
use wyrd_script::OscArg;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/osc")
        .join(name)
}

fn session() -> Value {
    let path = example("wyrd-faders.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One message a widget can send.
#[derive(Debug)]
struct Sent {
    widget: String,
    path: String,
    args: Vec<OscArg>,
}

/// Open Stage Control sends numbers as floats unless `typeTags` says otherwise.
fn arg(v: &Value) -> Option<OscArg> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(OscArg::Bool(*b)),
        Value::Number(n) => Some(OscArg::Float(n.as_f64().unwrap())),
        Value::String(s) => Some(OscArg::Str(s.clone())),
        other => panic!("an argument Open Stage Control would not send as is: {other}"),
    }
}

/// `preArgs`: nothing (`""`), one value or an array of values.
fn pre_args(w: &Value) -> Vec<OscArg> {
    match w.get("preArgs") {
        None => vec![],
        Some(Value::String(s)) if s.is_empty() => vec![],
        Some(Value::Array(a)) => a.iter().filter_map(arg).collect(),
        Some(v) => arg(v).into_iter().collect(),
    }
}

fn number(w: &Value, key: &str) -> f64 {
    w.get(key)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{}: '{key}' must be a number", id(w)))
}

fn id(w: &Value) -> String {
    w.get("id")
        .and_then(Value::as_str)
        .expect("every widget has an explicit id")
        .to_string()
}

/// The widget's own address; "auto" (its id) would silently follow a rename of the widget.
fn address(w: &Value) -> String {
    let a = w
        .get("address")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{}: no address", id(w)));
    assert!(a.starts_with('/'), "{}: address '{a}'", id(w));
    a.to_string()
}

fn bypassed(w: &Value) -> bool {
    w.get("bypass").and_then(Value::as_bool).unwrap_or(false)
}

/// `send([target,] '/path', literal, ...)` calls in a script property. Anything but literal
/// arguments fails: this test could not tell what such a call sends.
fn script_sends(widget: &str, script: &str, out: &mut Vec<Sent>) {
    let mut rest = script;
    while let Some(at) = rest.find("send(") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "send(".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let end = rest
            .find(')')
            .unwrap_or_else(|| panic!("{widget}: unclosed send( in its script"));
        let inner = &rest[..end];
        assert!(
            !inner.contains('('),
            "{widget}: send() with a non-literal argument: send({inner})"
        );
        let mut args: Vec<OscArg> = inner
            .split(',')
            .map(|a| {
                let a = a.trim();
                let quoted = (a.starts_with('\'') && a.ends_with('\''))
                    || (a.starts_with('"') && a.ends_with('"'));
                if quoted && a.len() >= 2 {
                    OscArg::Str(a[1..a.len() - 1].to_string())
                } else {
                    OscArg::Float(a.parse().unwrap_or_else(|_| {
                        panic!("{widget}: send() with a non-literal argument '{a}'")
                    }))
                }
            })
            .collect();
        // A first argument that is not an address is a target ("ip:port").
        if matches!(args.first(), Some(OscArg::Str(s)) if !s.starts_with('/')) {
            args.remove(0);
        }
        let Some(OscArg::Str(path)) = args.first().cloned() else {
            panic!("{widget}: send({inner}) has no address");
        };
        out.push(Sent {
            widget: widget.to_string(),
            path,
            args: args.split_off(1),
        });
        rest = &rest[end..];
    }
}

/// Every message each widget under `w` can send, and every widget id.
fn walk(w: &Value, out: &mut Vec<Sent>, ids: &mut Vec<String>) {
    let kind = w.get("type").and_then(Value::as_str).unwrap_or("?");
    let wid = id(w);
    ids.push(wid.clone());
    for prop in ["onCreate", "onValue", "onTouch"] {
        if let Some(script) = w.get(prop).and_then(Value::as_str) {
            script_sends(&wid, script, out);
        }
    }
    let mut send = |values: Vec<Option<OscArg>>| {
        if bypassed(w) {
            return;
        }
        let path = address(w);
        for v in values {
            let mut args = pre_args(w);
            args.extend(v);
            out.push(Sent {
                widget: wid.clone(),
                path: path.clone(),
                args,
            });
        }
    };
    match kind {
        "root" | "panel" => {
            assert!(
                w.get("tabs")
                    .and_then(Value::as_array)
                    .is_none_or(Vec::is_empty),
                "{wid}: tabs send their index; this test does not cover them"
            );
            for child in w
                .get("widgets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(child, out, ids);
            }
        }
        // Indicators: they show, they never send.
        "text" => {}
        "fader" | "knob" => {
            let range = w.get("range").unwrap_or_else(|| panic!("{wid}: no range"));
            let (min, max) = (number(range, "min"), number(range, "max"));
            let default = number(w, "default");
            assert!(
                min < max && (min..=max).contains(&default),
                "{wid}: range {min}..{max}, default {default}"
            );
            send(
                [min, default, (min + max) / 2.0, max]
                    .into_iter()
                    .map(|v| Some(OscArg::Float(v)))
                    .collect(),
            );
        }
        "button" => {
            // Open Stage Control's defaults; `null` sends no argument.
            let on = w.get("on").map_or(Some(OscArg::Float(1.0)), arg);
            let off = w.get("off").map_or(Some(OscArg::Float(0.0)), arg);
            match w.get("mode").and_then(Value::as_str).unwrap_or("toggle") {
                "toggle" | "push" => send(vec![on, off]),
                "tap" => send(vec![on]),
                "momentary" => send(vec![None]),
                m => panic!("{wid}: unknown button mode '{m}'"),
            }
        }
        other => panic!("{wid}: this test does not know what a '{other}' widget sends"),
    }
}

fn layout() -> (Vec<Sent>, Vec<String>) {
    let s = session();
    assert_eq!(s["createdWith"], "Open Stage Control");
    assert_eq!(s["type"], "session", "Open Stage Control 1.x session file");
    assert_eq!(s["content"]["type"], "root");
    let (mut sent, mut ids) = (vec![], vec![]);
    walk(&s["content"], &mut sent, &mut ids);
    (sent, ids)
}

#[test]
fn every_message_of_the_fader_layout_is_a_valid_builtin() {
    let (sent, ids) = layout();
    assert!(!sent.is_empty());
    for m in &sent {
        let what = format!("{} sends {} {:?}", m.widget, m.path, m.args);
        let builtin = match parse(&m.path, &m.args) {
            Ok(Some(b)) => b,
            Ok(None) => panic!("{what}: not a built-in path"),
            Err(why) => panic!("{what}: {why}"),
        };
        match builtin {
            Builtin::Param { id, norm, .. } => {
                assert!(
                    wyrd_schema::find(&id).is_some(),
                    "{what}: no parameter '{id}'"
                );
                if norm {
                    // parse clamps /norm values; a fader beyond 0..1 would have dead travel.
                    let Some(OscArg::Float(v)) = m.args.last() else {
                        panic!("{what}: no value");
                    };
                    assert!((0.0..=1.0).contains(v), "{what}: outside 0..1");
                }
            }
            Builtin::ParamGet { id } => {
                assert!(
                    wyrd_schema::find(&id).is_some(),
                    "{what}: no parameter '{id}'"
                );
            }
            Builtin::NoteOn { velocity, .. } => {
                assert!(velocity > 0.0, "{what}: velocity 0 is a note-off");
            }
            Builtin::Eval(_) | Builtin::ScriptLoad(_) => {
                panic!("{what}: a layout for the stage must not load or run code")
            }
            _ => {}
        }
    }
    // Open Stage Control treats widgets sharing an id as clones of each other.
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate widget ids: {ids:?}");
}

#[test]
fn the_fader_layout_has_eight_latent_faders_params_pads_and_all_off() {
    let (sent, _) = layout();
    let paths: BTreeSet<&str> = sent.iter().map(|m| m.path.as_str()).collect();
    for i in 1..=8 {
        let path = format!("/latent/{i}");
        let values: Vec<f64> = sent
            .iter()
            .filter(|m| m.path == path)
            .filter_map(|m| match m.args[..] {
                [OscArg::Float(v)] => Some(v),
                _ => None,
            })
            .collect();
        assert!(!values.is_empty(), "no fader sends {path}: {paths:?}");
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!((lo, hi), (-3.0, 3.0), "{path}'s range");
    }
    for id in [
        "filter_cutoff",
        "filter_resonance",
        "amp_attack",
        "reverb_wet",
        "master_vol",
    ] {
        let path = format!("/param/{id}/norm");
        assert!(paths.contains(path.as_str()), "no fader sends {path}");
    }
    assert!(
        sent.iter()
            .any(|m| m.path == "/all_off" && m.args.is_empty()),
        "no /all_off button"
    );
    // Each pad releases the note it pressed.
    let pads: Vec<&Sent> = sent.iter().filter(|m| m.path == "/note_on").collect();
    assert!(pads.len() >= 2, "note pads: {pads:?}");
    for on in pads {
        let note = &on.args[0];
        assert!(
            sent.iter().any(|m| m.widget == on.widget
                && m.path == "/note_off"
                && m.args.first() == Some(note)),
            "{} sends /note_on {:?} but no /note_off for it",
            on.widget,
            on.args
        );
    }
}

#[test]
fn the_readme_lists_every_address_the_layout_sends() {
    let (sent, _) = layout();
    let readme = std::fs::read_to_string(example("README.md")).unwrap();
    for m in &sent {
        // /latent/1 .. /latent/8 are one row of the table.
        let path = match m.path.strip_prefix("/latent/") {
            Some(_) => "/latent/<i>",
            None => m.path.as_str(),
        };
        assert!(readme.contains(path), "README.md does not mention {path}");
    }
}
