use std::fmt;
use std::path::PathBuf;

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    /// The file system refused. The io error is part of the message rather than a `source`,
    /// so a plain `{}` already tells the whole story.
    #[error("{}: cannot {action}: {error}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        error: std::io::Error,
    },
    /// The content is not a valid bank or preset; `line` is 1-based.
    #[error("{origin}:{line}: {reason}")]
    Syntax {
        origin: String,
        line: usize,
        reason: Reason,
    },
    /// Writing more presets than a bank can hold.
    #[error("{origin}: {count} presets, but a bank holds at most {max}", max = crate::MAX_PRESETS)]
    TooManyToWrite { origin: String, count: usize },
}

impl BankError {
    pub(crate) fn syntax(origin: &str, line: usize, reason: Reason) -> Self {
        BankError::Syntax {
            origin: origin.to_owned(),
            line,
            reason,
        }
    }

    /// The 1-based line of a syntax error.
    pub fn line(&self) -> Option<usize> {
        match self {
            BankError::Syntax { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The reason of a syntax error.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            BankError::Syntax { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// What is wrong with the line a [`BankError::Syntax`] points at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("not an amSynth bank: the file must begin with the line \"amSynth\", found {found:?}")]
    BadBankHeader { found: String },
    #[error("not an amSynth preset: the first word must be \"amSynth1.0preset\", found {found:?}")]
    BadPresetHeader { found: String },
    #[error("<parameter> line without a parameter name")]
    MissingName,
    #[error("<parameter> {name} has no value")]
    MissingValue { name: String },
    #[error("<parameter> {name}: {value:?} is not a number")]
    BadValue { name: String, value: String },
    #[error("<parameter> {name} comes before the first <preset> line")]
    ParameterBeforePreset { name: String },
    #[error(
        "more than {} presets (a bank holds at most {})",
        crate::MAX_PRESETS,
        crate::MAX_PRESETS
    )]
    TooManyPresets,
    #[error("<preset> must be followed by <name>")]
    MalformedPresetLine,
    #[error("a second <preset> line: a preset file holds one preset (use a bank for more)")]
    SecondPreset,
    #[error("no <preset> line")]
    NoPreset,
}

/// Something the reader skipped or kept only because amSynth does; the file still loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankWarning {
    pub origin: String,
    /// 1-based.
    pub line: usize,
    pub kind: WarningKind,
}

impl fmt::Display for BankWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.origin, self.line, self.kind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarningKind {
    #[error("unknown parameter {name:?} skipped")]
    UnknownParameter { name: String },
    #[error("line ignored: {text:?}")]
    IgnoredLine { text: String },
    #[error("last line has no line break and is ignored, as amSynth does: {text:?}")]
    UnterminatedLastLine { text: String },
    #[error("NUL byte: the rest of the file is ignored, as amSynth does")]
    NulByte,
    #[error("invalid UTF-8 replaced by U+FFFD")]
    InvalidUtf8,
    #[error("CRLF line breaks: preset names keep their trailing '\\r', as in amSynth")]
    CarriageReturnInName,
    #[error("text after the value ignored: {text:?}")]
    ExtraText { text: String },
}

/// Long garbage lines would drown the message; the line number finds the rest.
pub(crate) fn excerpt(line: &str) -> String {
    const MAX: usize = 60;
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}
