//! `_wyrd.midi_send`: what `m:note_on` and the other vport methods send, out of wyrd's MIDI
//! port on the frame of the callback's logical time, like any engine command; and
//! `_wyrd.midi_to_synth`: whether incoming MIDI also plays the synth.

use mlua::{Lua, Table};
use wyrd_engine::{Action, MidiBytes};

use crate::api::{bad, with_state};

pub(crate) fn install(lua: &Lua, t: &Table) -> mlua::Result<()> {
    t.set(
        "midi_send",
        lua.create_function(|lua, data: Table| {
            let mut bytes = Vec::with_capacity(3);
            for (i, v) in data.sequence_values::<f64>().enumerate() {
                let v = v.map_err(|_| bad(format!("midi: byte {} is not a number", i + 1)))?;
                let r = v.round();
                if !(v.is_finite() && (0.0..=255.0).contains(&r)) {
                    return Err(bad(format!("midi: byte {} must be 0..255, got {v}", i + 1)));
                }
                bytes.push(r as u8);
            }
            let Some(&status) = bytes.first() else {
                return Err(bad("midi: nothing to send (an empty message)"));
            };
            if status & 0x80 == 0 {
                return Err(bad(format!(
                    "midi: a message starts with a status byte (0x80..0xff), got {status}"
                )));
            }
            let msg = MidiBytes::new(&bytes).ok_or_else(|| {
                bad(format!(
                    "midi: wyrd sends messages of 1 to 3 bytes (no sysex), got {}",
                    bytes.len()
                ))
            })?;
            if bytes[1..].iter().any(|b| b & 0x80 != 0) {
                return Err(bad("midi: data bytes are 0..127"));
            }
            with_state(lua, |s| {
                let at = s.time.now.at();
                s.sink.send(at, Action::MidiOut(msg))
            })
        })?,
    )?;
    t.set(
        "midi_to_synth",
        lua.create_function(|lua, on: bool| {
            with_state(lua, |s| {
                let at = s.time.now.at();
                s.sink.send(at, Action::MidiToSynth(on))
            })
        })?,
    )?;
    Ok(())
}
