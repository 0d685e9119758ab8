//! What a norns' hardware tells its script (keys, encoders, MIDI, grid presses, arc turns),
//! as host events: from OSC `/remote/key` and `/remote/enc`, the REPL terminal, the JACK MIDI
//! port live, and from an events file in offline renders (`wyrd render --events FILE`), where
//! each lands on its exact frame.
//!
//! An events file has one event per line, `TIME KIND ARGS...`; `#` starts a comment. TIME is
//! in seconds (`1.5`) or beats at the render's tempo (`4b`). Kinds:
//!
//! ```text
//! 0.5   key 2 1              # K2 down (z 1), `key 2 0` is its release
//! 0.6   enc 1 -3             # E1 turned 3 steps anticlockwise
//! 1     midi note_on 60 100  # [ch 1..16, default 1]
//! 1.5   midi note_off 60
//! 2     midi cc 74 20
//! 2     midi pitchbend 8192  # also key_pressure, channel_pressure, program_change,
//! 2     midi bytes 0xf8      #   start, stop, continue, clock; `bytes` sends raw bytes
//! 3     grid 1 4 1           # x y z, 1-based as norns' g.key
//! 3     arc 1 5              # ring, delta
//! ```

use wyrd_engine::MidiBytes;

use crate::events::OscArg;
use crate::runtime::Runtime;
use crate::state::Now;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HostEvent {
    /// Key `n` (1..3) down (`z` 1) or up (0).
    Key { n: i64, z: i64 },
    /// Encoder `n` (1..3) turned by `d` steps.
    Enc { n: i64, d: i64 },
    /// A MIDI message from device `device` (1: wyrd's MIDI port).
    Midi { device: i64, bytes: MidiBytes },
    /// A grid press at `x`, `y` (1-based), `z` 1 down, 0 up.
    GridKey { x: i64, y: i64, z: i64 },
    /// An arc ring `n` turned by `d`.
    ArcDelta { n: i64, d: i64 },
}

/// A host event at a frame of the engine clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedEvent {
    pub frame: u64,
    pub event: HostEvent,
}

impl Runtime {
    /// Hands a host event to the script's modules (`lib/core/hooks.lua`) at `now`.
    pub fn host_event(&mut self, event: &HostEvent, now: Now) {
        let ints = |v: &[i64]| v.iter().map(|&i| OscArg::Int(i)).collect::<Vec<_>>();
        match *event {
            HostEvent::Key { n, z } => self.event("key", &ints(&[n, z]), now),
            HostEvent::Enc { n, d } => self.event("enc", &ints(&[n, d]), now),
            HostEvent::Midi { device, bytes } => {
                let mut args = vec![OscArg::Int(device)];
                args.extend(bytes.as_slice().iter().map(|&b| OscArg::Int(i64::from(b))));
                self.event("midi", &args, now)
            }
            HostEvent::GridKey { x, y, z } => self.event("grid_key", &ints(&[1, x, y, z]), now),
            HostEvent::ArcDelta { n, d } => self.event("arc_delta", &ints(&[1, n, d]), now),
        }
    }
}

/// Reads an events file's text; an error names `file:line` and what is wrong there.
pub fn parse_events(
    text: &str,
    file: &str,
    sample_rate: u32,
    bpm: f64,
) -> Result<Vec<TimedEvent>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = |why: String| format!("{file}:{}: {why}", i + 1);
        if words.len() < 2 {
            return Err(at(format!("expected TIME KIND ARGS..., got '{line}'")));
        }
        let seconds = time(words[0], bpm).map_err(at)?;
        let event = event(&words[1..]).map_err(at)?;
        let frame = (seconds * f64::from(sample_rate)).round() as u64;
        out.push(TimedEvent { frame, event });
    }
    // A file need not be in time order; events on one frame keep the file's order.
    out.sort_by_key(|e| e.frame);
    Ok(out)
}

fn time(word: &str, bpm: f64) -> Result<f64, String> {
    let (number, beats) = match word.strip_suffix('b') {
        Some(n) => (n, true),
        None => (word.strip_suffix('s').unwrap_or(word), false),
    };
    let v: f64 = number
        .parse()
        .map_err(|_| format!("'{word}' is not a time (seconds, or beats as '4b')"))?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(format!("time '{word}' must be 0 or more"));
    }
    Ok(if beats { v * 60.0 / bpm } else { v })
}

fn int(word: &str, what: &str) -> Result<i64, String> {
    let parsed = match word.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => word.parse().ok(),
    };
    parsed.ok_or_else(|| format!("{what} '{word}' is not an integer"))
}

fn ranged(word: &str, what: &str, lo: i64, hi: i64) -> Result<i64, String> {
    let v = int(word, what)?;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{what} {v} is outside {lo}..{hi}"))
    }
}

fn args<'a>(
    words: &'a [&'a str],
    kind: &str,
    usage: &str,
    n: usize,
) -> Result<&'a [&'a str], String> {
    if words.len() == n {
        Ok(words)
    } else {
        Err(format!("{kind} takes {usage}"))
    }
}

fn event(words: &[&str]) -> Result<HostEvent, String> {
    let (kind, rest) = (words[0], &words[1..]);
    Ok(match kind {
        "key" => {
            let a = args(rest, "key", "N Z (key 1..3, z 1 down or 0 up)", 2)?;
            HostEvent::Key {
                n: ranged(a[0], "key", 1, 3)?,
                z: ranged(a[1], "z", 0, 1)?,
            }
        }
        "enc" => {
            let a = args(rest, "enc", "N DELTA (encoder 1..3)", 2)?;
            HostEvent::Enc {
                n: ranged(a[0], "encoder", 1, 3)?,
                d: ranged(a[1], "delta", -1000, 1000)?,
            }
        }
        "grid" => {
            let a = args(rest, "grid", "X Y Z (1-based, z 1 or 0)", 3)?;
            HostEvent::GridKey {
                x: ranged(a[0], "x", 1, 256)?,
                y: ranged(a[1], "y", 1, 256)?,
                z: ranged(a[2], "z", 0, 1)?,
            }
        }
        "arc" => {
            let a = args(rest, "arc", "RING DELTA", 2)?;
            HostEvent::ArcDelta {
                n: ranged(a[0], "ring", 1, 4)?,
                d: ranged(a[1], "delta", -1000, 1000)?,
            }
        }
        "midi" => HostEvent::Midi {
            device: 1,
            bytes: midi(rest)?,
        },
        _ => {
            return Err(format!(
                "unknown event '{kind}' (key, enc, midi, grid or arc)"
            ))
        }
    })
}

/// `note_on 60 100 [ch]` and the other norns message names, or `bytes B...`.
fn midi(words: &[&str]) -> Result<MidiBytes, String> {
    let Some((&name, rest)) = words.split_first() else {
        return Err(
            "midi takes a message: note_on NOTE VEL [CH], cc CC VAL [CH], ... or bytes B...".into(),
        );
    };
    let byte = |w: &str, what: &str| ranged(w, what, 0, 127).map(|v| v as u8);
    // Data bytes, then an optional channel.
    let channel = |data: usize, usage: &str| -> Result<(Vec<u8>, u8), String> {
        if rest.len() != data && rest.len() != data + 1 {
            return Err(format!("midi {name} takes {usage} [CH]"));
        }
        let ch = match rest.get(data) {
            Some(w) => ranged(w, "channel", 1, 16)? as u8,
            None => 1,
        };
        let mut out = vec![];
        for w in &rest[..data] {
            out.push(byte(w, "data byte")?);
        }
        Ok((out, ch - 1))
    };
    let status = |s: u8, data: usize, usage: &str| -> Result<Vec<u8>, String> {
        let (d, ch) = channel(data, usage)?;
        Ok([vec![s | ch], d].concat())
    };
    let bytes: Vec<u8> = match name {
        "note_on" => status(0x90, 2, "NOTE VEL")?,
        "note_off" => {
            // Velocity is optional, as in norns' m:note_off(note, vel, ch).
            if rest.len() == 1 {
                vec![0x80, byte(rest[0], "note")?, 100]
            } else {
                status(0x80, 2, "NOTE [VEL]")?
            }
        }
        "cc" => status(0xb0, 2, "CC VAL")?,
        "key_pressure" => status(0xa0, 2, "NOTE VAL")?,
        "channel_pressure" => status(0xd0, 1, "VAL")?,
        "program_change" => status(0xc0, 1, "VAL")?,
        "pitchbend" => {
            if rest.is_empty() || rest.len() > 2 {
                return Err("midi pitchbend takes VAL (0..16383, 8192 centre) [CH]".into());
            }
            let v = ranged(rest[0], "pitchbend", 0, 16383)? as u16;
            let ch = match rest.get(1) {
                Some(w) => ranged(w, "channel", 1, 16)? as u8 - 1,
                None => 0,
            };
            vec![0xe0 | ch, (v & 0x7f) as u8, (v >> 7) as u8]
        }
        "start" => vec![0xfa],
        "stop" => vec![0xfc],
        "continue" => vec![0xfb],
        "clock" => vec![0xf8],
        "bytes" => {
            let mut out = vec![];
            for w in rest {
                out.push(ranged(w, "byte", 0, 255)? as u8);
            }
            if out.first().is_none_or(|s| s & 0x80 == 0) {
                return Err("midi bytes must start with a status byte (0x80..0xff)".into());
            }
            out
        }
        _ => return Err(format!("unknown midi message '{name}'")),
    };
    MidiBytes::new(&bytes).ok_or_else(|| "midi messages here are 1 to 3 bytes (no sysex)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Result<TimedEvent, String> {
        parse_events(line, "ev.txt", 48_000, 120.0).map(|v| v[0])
    }

    #[test]
    fn events_land_on_frames_in_seconds_or_beats() {
        let e = one("0.5 key 2 1").unwrap();
        assert_eq!(e.frame, 24_000);
        assert_eq!(e.event, HostEvent::Key { n: 2, z: 1 });
        assert_eq!(one("4b enc 1 -3").unwrap().frame, 96_000);
        let text = "# a comment\n2 key 3 0\n\n1 enc 3 1 # turn\n";
        let all = parse_events(text, "ev.txt", 48_000, 120.0).unwrap();
        assert_eq!(
            all.iter().map(|e| e.frame).collect::<Vec<_>>(),
            [48_000, 96_000]
        );
    }

    #[test]
    fn midi_messages_by_norns_names_and_channels() {
        let bytes = |l: &str| match one(l).unwrap().event {
            HostEvent::Midi { bytes, .. } => bytes.as_slice().to_vec(),
            e => panic!("{e:?}"),
        };
        assert_eq!(bytes("0 midi note_on 60 100"), [0x90, 60, 100]);
        assert_eq!(bytes("0 midi note_on 60 100 16"), [0x9f, 60, 100]);
        assert_eq!(bytes("0 midi note_off 60"), [0x80, 60, 100]);
        assert_eq!(bytes("0 midi cc 74 20 2"), [0xb1, 74, 20]);
        assert_eq!(bytes("0 midi pitchbend 8192"), [0xe0, 0, 64]);
        assert_eq!(bytes("0 midi program_change 5"), [0xc0, 5]);
        assert_eq!(bytes("0 midi clock"), [0xf8]);
        assert_eq!(bytes("0 midi bytes 0x90 61 1"), [0x90, 61, 1]);
    }

    #[test]
    fn bad_lines_say_where_and_what() {
        let err = |text: &str| parse_events(text, "ev.txt", 48_000, 120.0).unwrap_err();
        assert_eq!(
            err("\nx key 1 1"),
            "ev.txt:2: 'x' is not a time (seconds, or beats as '4b')"
        );
        assert_eq!(err("1 key 4 1"), "ev.txt:1: key 4 is outside 1..3");
        assert_eq!(
            err("1 key 1"),
            "ev.txt:1: key takes N Z (key 1..3, z 1 down or 0 up)"
        );
        assert_eq!(err("1"), "ev.txt:1: expected TIME KIND ARGS..., got '1'");
        assert_eq!(
            err("1 bop 2"),
            "ev.txt:1: unknown event 'bop' (key, enc, midi, grid or arc)"
        );
        assert_eq!(
            err("1 midi note_on 200 1"),
            "ev.txt:1: data byte 200 is outside 0..127"
        );
        assert_eq!(
            err("1 midi note_on 60 1 17"),
            "ev.txt:1: channel 17 is outside 1..16"
        );
        assert_eq!(
            err("1 midi bytes 60"),
            "ev.txt:1: midi bytes must start with a status byte (0x80..0xff)"
        );
        assert_eq!(err("-1 key 1 1"), "ev.txt:1: time '-1' must be 0 or more");
        assert_eq!(err("nan key 1 1"), "ev.txt:1: time 'nan' must be 0 or more");
    }
}
