//! MIDI in: channel messages decoded from raw bytes, and the CC → parameter map.

use std::fmt;
use std::path::Path;

use wyrd_schema::{find, ParamSpec, NUM_PARAMS, PARAMS};

/// The channel messages wyrd acts on (any channel: wyrd listens omni).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MidiMessage {
    NoteOn {
        note: u8,
        velocity: u8,
    },
    NoteOff {
        note: u8,
    },
    Control {
        cc: u8,
        value: u8,
    },
    Program(u8),
    /// -1..1 (14-bit value centred on 8192).
    PitchBend(f32),
}

/// Decodes one complete MIDI message; `None` for anything wyrd ignores (system messages,
/// aftertouch, truncated input).
pub fn decode(bytes: &[u8]) -> Option<MidiMessage> {
    let status = *bytes.first()?;
    let data = |i: usize| bytes.get(i).copied().filter(|b| b & 0x80 == 0);
    match status & 0xf0 {
        0x80 => Some(MidiMessage::NoteOff { note: data(1)? }),
        0x90 => {
            let (note, velocity) = (data(1)?, data(2)?);
            // Velocity 0 is a note-off by the MIDI spec (running-status keyboards send it).
            Some(if velocity == 0 {
                MidiMessage::NoteOff { note }
            } else {
                MidiMessage::NoteOn { note, velocity }
            })
        }
        0xb0 => Some(MidiMessage::Control {
            cc: data(1)?,
            value: data(2)?,
        }),
        0xc0 => Some(MidiMessage::Program(data(1)?)),
        0xe0 => {
            let v = i32::from(data(1)?) | i32::from(data(2)?) << 7;
            Some(MidiMessage::PitchBend(
                ((v - 8192) as f32 / 8192.0).max(-1.0),
            ))
        }
        _ => None,
    }
}

pub const CC_MOD_WHEEL: u8 = 1;
pub const CC_SUSTAIN: u8 = 64;
pub const CC_ALL_SOUND_OFF: u8 = 120;
pub const CC_ALL_NOTES_OFF: u8 = 123;

/// Which synth parameter each of the 128 CCs moves. A CC's value 0..127 maps linearly onto the
/// parameter's min..max, as amSynth does.
#[derive(Clone, PartialEq, Eq)]
pub struct CcMap {
    targets: [Option<u8>; 128],
}

impl fmt::Debug for CcMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries().map(|(cc, p)| (cc, p.id)))
            .finish()
    }
}

/// amSynth's default CC assignments (its current source; 1.13.2 had only CC1 and CC7).
/// CC1, the mod wheel, is amSynth's LFO-to-pitch amount.
pub const AMSYNTH_DEFAULT_CCS: [(u8, &str); 9] = [
    (1, "freq_mod_amount"),
    (5, "portamento_time"),
    (7, "master_vol"),
    (71, "filter_resonance"),
    (72, "amp_release"),
    (73, "amp_attack"),
    (74, "filter_cutoff"),
    (75, "amp_decay"),
    (91, "reverb_wet"),
];

/// An error in a CC map file, with its place.
#[derive(Debug, thiserror::Error)]
pub enum CcMapError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Syntax {
        path: String,
        line: usize,
        reason: String,
    },
}

impl Default for CcMap {
    fn default() -> Self {
        let mut map = CcMap::empty();
        for (cc, id) in AMSYNTH_DEFAULT_CCS {
            map.assign(cc, find(id).expect("default CC targets are schema ids"));
        }
        map
    }
}

impl CcMap {
    pub fn empty() -> Self {
        CcMap {
            targets: [None; 128],
        }
    }

    pub fn assign(&mut self, cc: u8, param: &ParamSpec) {
        if let Some(slot) = self.targets.get_mut(usize::from(cc)) {
            *slot = Some(param.index as u8);
        }
    }

    pub fn unassign(&mut self, cc: u8) {
        if let Some(slot) = self.targets.get_mut(usize::from(cc)) {
            *slot = None;
        }
    }

    pub fn target(&self, cc: u8) -> Option<&'static ParamSpec> {
        let index = (*self.targets.get(usize::from(cc))?)?;
        PARAMS.get(usize::from(index))
    }

    pub fn entries(&self) -> impl Iterator<Item = (u8, &'static ParamSpec)> + '_ {
        (0..128u8).filter_map(|cc| self.target(cc).map(|p| (cc, p)))
    }

    /// The parameter value (own units, before step rounding) a CC value sets.
    pub fn value(param: &ParamSpec, cc_value: u8) -> f32 {
        let t = f32::from(cc_value.min(127)) / 127.0;
        param.min + t * (param.max - param.min)
    }

    /// Reads a map file: one `CC PARAM_ID` pair per line (`74 filter_cutoff`), `CC none` to
    /// clear a default, `#` comments. Starts from amSynth's defaults unless the file's first
    /// directive is `clear`.
    pub fn read(path: &Path) -> Result<Self, CcMapError> {
        let text = std::fs::read_to_string(path).map_err(|source| CcMapError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Self, CcMapError> {
        let mut map = CcMap::default();
        let err = |line: usize, reason: String| CcMapError::Syntax {
            path: origin.to_string(),
            line,
            reason,
        };
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut words = line.split_whitespace();
            let first = words.next().unwrap_or_default();
            if first == "clear" {
                map = CcMap::empty();
                continue;
            }
            let cc: u8 = first
                .parse()
                .ok()
                .filter(|cc| *cc < 128)
                .ok_or_else(|| err(i + 1, format!("`{first}` is not a CC number 0..127")))?;
            let Some(target) = words.next() else {
                return Err(err(i + 1, format!("CC {cc} has no parameter id")));
            };
            if let Some(extra) = words.next() {
                return Err(err(i + 1, format!("unexpected `{extra}` after `{target}`")));
            }
            if matches!(cc, CC_SUSTAIN | CC_ALL_SOUND_OFF | CC_ALL_NOTES_OFF) {
                return Err(err(
                    i + 1,
                    format!("CC {cc} is reserved (sustain pedal and channel mode messages)"),
                ));
            }
            if target == "none" {
                map.unassign(cc);
                continue;
            }
            let param = find(target).ok_or_else(|| {
                err(
                    i + 1,
                    format!("unknown parameter `{target}` (see `wyrd params` for the ids)"),
                )
            })?;
            map.assign(cc, param);
        }
        Ok(map)
    }
}

const _: () = assert!(NUM_PARAMS < 256, "CcMap stores parameter indices as u8");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_channel_messages_on_any_channel() {
        assert_eq!(
            decode(&[0x93, 60, 100]),
            Some(MidiMessage::NoteOn {
                note: 60,
                velocity: 100
            })
        );
        assert_eq!(
            decode(&[0x90, 60, 0]),
            Some(MidiMessage::NoteOff { note: 60 })
        );
        assert_eq!(
            decode(&[0x8f, 61, 64]),
            Some(MidiMessage::NoteOff { note: 61 })
        );
        assert_eq!(
            decode(&[0xb0, 74, 127]),
            Some(MidiMessage::Control { cc: 74, value: 127 })
        );
        assert_eq!(decode(&[0xc1, 5]), Some(MidiMessage::Program(5)));
        assert_eq!(decode(&[0xe0, 0, 64]), Some(MidiMessage::PitchBend(0.0)));
        assert_eq!(decode(&[0xe0, 0, 0]), Some(MidiMessage::PitchBend(-1.0)));
        let up = match decode(&[0xe0, 0x7f, 0x7f]) {
            Some(MidiMessage::PitchBend(v)) => v,
            other => panic!("{other:?}"),
        };
        assert!((up - 8191.0 / 8192.0).abs() < 1e-6);
        // Truncated, system and malformed data bytes are ignored.
        assert_eq!(decode(&[0x90, 60]), None);
        assert_eq!(decode(&[0xf8]), None);
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[0x90, 0x80, 1]), None);
        assert_eq!(decode(&[0xd0, 10]), None);
    }

    #[test]
    fn default_map_is_amsynths() {
        let map = CcMap::default();
        assert_eq!(map.target(1).unwrap().id, "freq_mod_amount");
        assert_eq!(map.target(74).unwrap().id, "filter_cutoff");
        assert_eq!(map.target(7).unwrap().id, "master_vol");
        assert!(map.target(2).is_none());
        assert_eq!(map.entries().count(), AMSYNTH_DEFAULT_CCS.len());
        let cutoff = map.target(74).unwrap();
        assert_eq!(CcMap::value(cutoff, 0), cutoff.min);
        assert_eq!(CcMap::value(cutoff, 127), cutoff.max);
    }

    #[test]
    fn map_files_parse_and_report_line_numbers() {
        let map = CcMap::parse(
            "# my controller\n21 osc2_detune\n74 none   # knob 8 is broken\n\n",
            "x.ccmap",
        )
        .unwrap();
        assert_eq!(map.target(21).unwrap().id, "osc2_detune");
        assert!(map.target(74).is_none());
        assert_eq!(map.target(7).unwrap().id, "master_vol");
        let cleared = CcMap::parse("clear\n10 osc_mix\n", "y").unwrap();
        assert_eq!(cleared.entries().count(), 1);

        for (text, line, needle) in [
            ("1 osc_mix\n200 osc_mix\n", 2, "not a CC number"),
            ("\n\n3 nonsense\n", 3, "unknown parameter `nonsense`"),
            ("4\n", 1, "no parameter id"),
            ("64 osc_mix\n", 1, "reserved"),
            ("5 osc_mix extra\n", 1, "unexpected `extra`"),
        ] {
            let e = CcMap::parse(text, "map.txt").unwrap_err().to_string();
            assert!(e.starts_with(&format!("map.txt:{line}: ")), "{e}");
            assert!(e.contains(needle), "{e}");
        }
    }
}
