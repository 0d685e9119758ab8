//! amSynth's preset files: banks (`.bank`, up to 128 presets) and single presets
//! (`amSynth1.0preset`, the plugin-state/export format).
//!
//! Reading reproduces amSynth 1.13's reader (../shared/amsynth-params.md §1), down to the bits
//! of every value, so a Debian bank loads into exactly the numbers amSynth holds in memory.
//! Where amSynth asserts or has undefined behaviour the reader is lenient or reports a
//! [`BankError`] with file, line and reason instead; it never panics.
//!
//! Decisions where amSynth gives no usable answer:
//! * unknown parameter names: a [`BankWarning`], the line is skipped;
//! * a 129th preset: an error (amSynth writes past its 128-slot array);
//! * a `<parameter>` line before the first preset, without a value, or with a value containing
//!   no digit at all (amSynth would read 0): an error;
//! * a value's other stray characters are ignored like amSynth does (`0.5\r`, `+0.5`).
//!
//! Writing checks each number against the reader that will parse it (amSynth's digit
//! accumulation for banks, a correctly rounded stream for presets) and picks amSynth's own
//! 6-digit `%g` text when that comes back bit for bit, else Rust's shortest decimal, else
//! shortest `e` notation. So write→read is exact, amSynth loads our files into the same bits,
//! and a bank read from amSynth is written back as the same text.

mod error;
mod locate;
mod number;
mod preset;
mod read;
mod write;

pub use error::{BankError, BankWarning, Reason, WarningKind};
pub use locate::{banks_dir, data_roots, debian_bank_files, find_bank, find_data};
pub use preset::{
    parse_preset, parse_preset_file, preset_to_string, read_preset, read_preset_file, write_preset,
    PresetFile,
};
pub use read::{parse_bank, read_bank};
pub use write::{bank_to_string, write_bank};

use wyrd_schema::Patch;

/// A bank holds at most this many presets; the index is the MIDI program number.
pub const MAX_PRESETS: usize = 128;

/// The presets present in a bank file, in file order, plus what the reader had to skip.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bank {
    pub presets: Vec<Patch>,
    pub warnings: Vec<BankWarning>,
}

impl Bank {
    /// The preset amSynth selects for a MIDI program change: slots beyond the end of the file
    /// are default presets (amSynth pads every bank to 128). `None` for numbers above 127.
    pub fn program(&self, number: usize) -> Option<Patch> {
        if number >= MAX_PRESETS {
            return None;
        }
        Some(self.presets.get(number).cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests;
