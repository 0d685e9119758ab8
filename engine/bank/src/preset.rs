//! Single presets: amSynth's export and plugin-state format.
//!
//! amSynth parses these as a stream of white-space separated words; this reader goes line by
//! line so that names survive verbatim and errors carry line numbers. Differences on purpose:
//! a preset starts from the defaults (amSynth overlays the file on whatever preset is
//! current), and `<parameter>` lines after `<property>` lines still count.

use std::collections::BTreeMap;
use std::path::Path;

use wyrd_schema::Patch;

use crate::error::{excerpt, BankError, BankWarning, Reason, WarningKind};
use crate::number::parse_c_float;
use crate::read::decode;
use crate::write::push_preset;

const MAGIC: &str = "amSynth1.0preset";

/// A parsed preset file with everything around the preset itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PresetFile {
    pub patch: Patch,
    /// `<property> key value` lines (polyphony, pitch-bend range, tuning files …), later
    /// lines winning; wyrd does not act on them but keeps them for whoever does.
    pub properties: BTreeMap<String, String>,
    pub warnings: Vec<BankWarning>,
}

/// Parse a single preset, dropping properties and warnings.
pub fn parse_preset(text: &str, origin: &str) -> Result<Patch, BankError> {
    parse_preset_file(text, origin).map(|f| f.patch)
}

/// Read a single preset file, dropping properties and warnings.
pub fn read_preset(path: &Path) -> Result<Patch, BankError> {
    read_preset_file(path).map(|f| f.patch)
}

pub fn read_preset_file(path: &Path) -> Result<PresetFile, BankError> {
    let bytes = std::fs::read(path).map_err(|error| BankError::Io {
        path: path.to_owned(),
        action: "read preset",
        error,
    })?;
    let origin = path.display().to_string();
    let (text, utf8_warning) = decode(&bytes, &origin);
    let mut file = parse_preset_file(&text, &origin)?;
    if let Some(w) = utf8_warning {
        file.warnings.insert(0, w);
    }
    Ok(file)
}

pub fn parse_preset_file(text: &str, origin: &str) -> Result<PresetFile, BankError> {
    let mut reader = Reader {
        origin,
        file: PresetFile::default(),
        seen_magic: false,
        seen_preset: false,
    };
    let mut last = 1;
    for (i, line) in text.split('\n').enumerate() {
        last = i + 1;
        reader.line(last, line.strip_suffix('\r').unwrap_or(line))?;
    }
    if !reader.seen_magic {
        return Err(BankError::syntax(
            origin,
            1,
            Reason::BadPresetHeader {
                found: String::new(),
            },
        ));
    }
    if !reader.seen_preset {
        return Err(BankError::syntax(origin, last, Reason::NoPreset));
    }
    Ok(reader.file)
}

struct Reader<'a> {
    origin: &'a str,
    file: PresetFile,
    seen_magic: bool,
    seen_preset: bool,
}

impl Reader<'_> {
    fn warn(&mut self, line: usize, kind: WarningKind) {
        let origin = self.origin.to_owned();
        self.file.warnings.push(BankWarning { origin, line, kind });
    }

    fn fail(&self, line: usize, reason: Reason) -> BankError {
        BankError::syntax(self.origin, line, reason)
    }

    fn line(&mut self, no: usize, line: &str) -> Result<(), BankError> {
        let line = line.trim_start();
        let mut words = line.split_ascii_whitespace();
        let Some(first) = words.next() else {
            return Ok(());
        };
        if !self.seen_magic {
            if first != MAGIC {
                return Err(self.fail(
                    no,
                    Reason::BadPresetHeader {
                        found: excerpt(first),
                    },
                ));
            }
            self.seen_magic = true;
            // amSynth reads words, not lines: whatever follows the magic word may continue.
            return self.line(no, &line[MAGIC.len()..]);
        }
        match first {
            "<preset>" => self.preset(no, &line["<preset>".len()..]),
            "<parameter>" => self.parameter(no, words),
            "<property>" => {
                self.property(no, &line["<property>".len()..]);
                Ok(())
            }
            _ => {
                self.warn(
                    no,
                    WarningKind::IgnoredLine {
                        text: excerpt(line),
                    },
                );
                Ok(())
            }
        }
    }

    fn preset(&mut self, no: usize, after: &str) -> Result<(), BankError> {
        if self.seen_preset {
            return Err(self.fail(no, Reason::SecondPreset));
        }
        let Some(rest) = after.trim_start().strip_prefix("<name>") else {
            return Err(self.fail(no, Reason::MalformedPresetLine));
        };
        // One separator after <name>; the rest is the name, spaces and all.
        let name = match rest.as_bytes().first() {
            None => "",
            Some(b' ' | b'\t') => &rest[1..],
            Some(_) => return Err(self.fail(no, Reason::MalformedPresetLine)),
        };
        self.seen_preset = true;
        self.file.patch.name = name.to_owned();
        Ok(())
    }

    fn parameter<'l>(
        &mut self,
        no: usize,
        mut words: impl Iterator<Item = &'l str>,
    ) -> Result<(), BankError> {
        let Some(name) = words.next() else {
            return Err(self.fail(no, Reason::MissingName));
        };
        if !self.seen_preset {
            let name = excerpt(name);
            return Err(self.fail(no, Reason::ParameterBeforePreset { name }));
        }
        let Some(value) = words.next() else {
            return Err(self.fail(
                no,
                Reason::MissingValue {
                    name: excerpt(name),
                },
            ));
        };
        let extra: Vec<&str> = words.collect();
        if !extra.is_empty() {
            self.warn(
                no,
                WarningKind::ExtraText {
                    text: excerpt(&extra.join(" ")),
                },
            );
        }
        // amSynth writes "unused" for retired parameter slots and skips them on reading.
        if name == "unused" {
            return Ok(());
        }
        let Some(spec) = wyrd_schema::find(name) else {
            self.warn(
                no,
                WarningKind::UnknownParameter {
                    name: excerpt(name),
                },
            );
            return Ok(());
        };
        let Some(v) = parse_c_float(value) else {
            let reason = Reason::BadValue {
                name: name.to_owned(),
                value: excerpt(value),
            };
            return Err(self.fail(no, reason));
        };
        self.file.patch.set(spec.index, v);
        Ok(())
    }

    fn property(&mut self, no: usize, after: &str) {
        let after = after.trim_start();
        let key_len = after
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(after.len());
        if key_len == 0 {
            self.warn(
                no,
                WarningKind::IgnoredLine {
                    text: "<property> without a key".into(),
                },
            );
            return;
        }
        let (key, rest) = after.split_at(key_len);
        // Like amSynth: skip one separator, the value is the rest of the line (may hold spaces).
        let value = rest.get(1..).unwrap_or_default();
        self.file
            .properties
            .insert(key.to_owned(), value.to_owned());
    }
}

/// A preset file as amSynth exports it. Line breaks and NULs in the name become spaces.
pub fn preset_to_string(patch: &Patch) -> String {
    let mut out = String::with_capacity(1400);
    out.push_str(MAGIC);
    out.push('\n');
    let name = patch.name.replace(['\r', '\n', '\0'], " ");
    push_preset(&mut out, &name, patch, parse_c_float);
    out
}

pub fn write_preset(path: &Path, patch: &Patch) -> Result<(), BankError> {
    std::fs::write(path, preset_to_string(patch)).map_err(|error| BankError::Io {
        path: path.to_owned(),
        action: "write preset",
        error,
    })
}
