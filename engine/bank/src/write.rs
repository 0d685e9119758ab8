use std::fmt::Write as _;
use std::path::Path;

use wyrd_schema::{Patch, PARAMS};

use crate::error::BankError;
use crate::number::{format_value, parse_bank_value};
use crate::MAX_PRESETS;

/// A bank as amSynth writes it: header, each preset with all 41 parameters in index order,
/// `EOF`. Unlike amSynth, presets named "unused" are written too, so indices stay program
/// numbers. Line breaks in names become spaces (they would split the preset line). More than
/// 128 presets are all written, but no reader accepts the result; [`write_bank`] refuses them.
pub fn bank_to_string(presets: &[Patch]) -> String {
    let mut out = String::with_capacity(64 + presets.len() * 1400);
    out.push_str("amSynth\n");
    for patch in presets {
        // '\0' too: amSynth stops reading a bank at the first NUL.
        let name = patch.name.replace(['\n', '\0'], " ");
        push_preset(&mut out, &name, patch, parse_bank_value);
    }
    out.push_str("EOF\n");
    out
}

/// `reader` is how amSynth will parse the values back (it differs between banks and presets).
pub(crate) fn push_preset(
    out: &mut String,
    name: &str,
    patch: &Patch,
    reader: fn(&str) -> Option<f32>,
) {
    let _ = writeln!(out, "<preset> <name> {name}");
    for (spec, &v) in PARAMS.iter().zip(patch.values()) {
        let _ = writeln!(out, "<parameter> {} {}", spec.id, format_value(v, reader));
    }
}

/// Write a bank file (see [`bank_to_string`]).
pub fn write_bank(path: &Path, presets: &[Patch]) -> Result<(), BankError> {
    if presets.len() > MAX_PRESETS {
        let origin = path.display().to_string();
        return Err(BankError::TooManyToWrite {
            origin,
            count: presets.len(),
        });
    }
    std::fs::write(path, bank_to_string(presets)).map_err(|error| BankError::Io {
        path: path.to_owned(),
        action: "write bank",
        error,
    })
}
