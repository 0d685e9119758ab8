use std::path::Path;

use wyrd_schema::Patch;

use crate::error::{excerpt, BankError, BankWarning, Reason, WarningKind};
use crate::number::parse_bank_value;
use crate::{Bank, MAX_PRESETS};

const HEADER: &str = "amSynth\n";
const PRESET_PREFIX: &str = "<preset> <name> ";
const PARAMETER_PREFIX: &str = "<parameter> ";

/// Read a bank file. Bytes that are not UTF-8 are replaced (with a warning) rather than
/// refused: they can only occur in preset names, which amSynth treats as opaque bytes.
pub fn read_bank(path: &Path) -> Result<Bank, BankError> {
    let bytes = std::fs::read(path).map_err(|error| BankError::Io {
        path: path.to_owned(),
        action: "read bank",
        error,
    })?;
    let origin = path.display().to_string();
    let (text, utf8_warning) = decode(&bytes, &origin);
    let mut bank = parse_bank(&text, &origin)?;
    if let Some(w) = utf8_warning {
        bank.warnings.insert(0, w);
    }
    Ok(bank)
}

pub(crate) fn decode(bytes: &[u8], origin: &str) -> (String, Option<BankWarning>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(e) => {
            let line = line_at(bytes, e.valid_up_to());
            let warning = BankWarning {
                origin: origin.to_owned(),
                line,
                kind: WarningKind::InvalidUtf8,
            };
            (String::from_utf8_lossy(bytes).into_owned(), Some(warning))
        }
    }
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// Parse the text of a bank; `origin` (usually the path) names it in errors and warnings.
pub fn parse_bank(text: &str, origin: &str) -> Result<Bank, BankError> {
    let mut reader = Reader {
        origin,
        presets: Vec::new(),
        warnings: Vec::new(),
        seen_cr: false,
    };

    // amSynth scans a NUL-terminated buffer, so nothing after a NUL byte exists for it.
    let text = match text.find('\0') {
        Some(pos) => {
            reader.warn(line_at(text.as_bytes(), pos), WarningKind::NulByte);
            &text[..pos]
        }
        None => text,
    };

    let Some(body) = text.strip_prefix(HEADER) else {
        let found = excerpt(text.split('\n').next().unwrap_or_default());
        return Err(BankError::syntax(
            origin,
            1,
            Reason::BadBankHeader { found },
        ));
    };

    let mut line_no = 1;
    let mut rest = body;
    while !rest.is_empty() {
        line_no += 1;
        let Some(end) = rest.find('\n') else {
            // amSynth only acts on a line when it meets its '\n'.
            let trimmed = rest.trim();
            if !trimmed.is_empty() && trimmed != "EOF" {
                let kind = WarningKind::UnterminatedLastLine {
                    text: excerpt(rest),
                };
                reader.warn(line_no, kind);
            }
            break;
        };
        reader.line(line_no, &rest[..end])?;
        rest = &rest[end + 1..];
    }

    let mut warnings = reader.warnings;
    warnings.sort_by_key(|w| w.line);
    Ok(Bank {
        presets: reader.presets,
        warnings,
    })
}

struct Reader<'a> {
    origin: &'a str,
    presets: Vec<Patch>,
    warnings: Vec<BankWarning>,
    seen_cr: bool,
}

impl Reader<'_> {
    fn warn(&mut self, line: usize, kind: WarningKind) {
        self.warnings.push(BankWarning {
            origin: self.origin.to_owned(),
            line,
            kind,
        });
    }

    fn fail(&self, line: usize, reason: Reason) -> BankError {
        BankError::syntax(self.origin, line, reason)
    }

    fn line(&mut self, no: usize, line: &str) -> Result<(), BankError> {
        if let Some(name) = line.strip_prefix(PRESET_PREFIX) {
            if self.presets.len() == MAX_PRESETS {
                return Err(self.fail(no, Reason::TooManyPresets));
            }
            if name.ends_with('\r') && !self.seen_cr {
                self.seen_cr = true;
                self.warn(no, WarningKind::CarriageReturnInName);
            }
            // Each preset starts from the defaults; missing parameters keep them.
            let mut patch = Patch::default();
            patch.name = name.to_owned();
            self.presets.push(patch);
        } else if let Some(rest) = line.strip_prefix(PARAMETER_PREFIX) {
            // The name runs to the first space, the value is everything after it.
            let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
            let Some(patch) = self.presets.last_mut() else {
                let name = excerpt(name);
                return Err(self.fail(no, Reason::ParameterBeforePreset { name }));
            };
            if value.trim().is_empty() {
                let reason = if name.is_empty() {
                    Reason::MissingName
                } else {
                    Reason::MissingValue {
                        name: excerpt(name),
                    }
                };
                return Err(self.fail(no, reason));
            }
            let Some(spec) = wyrd_schema::find(name) else {
                let kind = WarningKind::UnknownParameter {
                    name: excerpt(name),
                };
                self.warn(no, kind);
                return Ok(());
            };
            let Some(v) = parse_bank_value(value) else {
                let reason = Reason::BadValue {
                    name: name.to_owned(),
                    value: excerpt(value),
                };
                return Err(self.fail(no, reason));
            };
            patch.set(spec.index, v);
        } else {
            let trimmed = line.trim();
            if !trimmed.is_empty() && trimmed != "EOF" {
                self.warn(
                    no,
                    WarningKind::IgnoredLine {
                        text: excerpt(line),
                    },
                );
            }
        }
        Ok(())
    }
}
