use std::fmt;

/// Why an analysis could not be computed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnalysisError {
    /// A configuration value is out of range; the message names it.
    InvalidConfig(String),
    /// The signal (after cutting both to the shorter) yields no frames to compare.
    Empty,
    /// A sample is NaN or infinite. Reported rather than silently floored, because a
    /// blown-up render must never look like silence.
    NonFinite { index: usize },
    /// Two spectrograms that must line up frame for frame do not.
    ShapeMismatch {
        left: (usize, usize),
        right: (usize, usize),
    },
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::InvalidConfig(msg) => write!(f, "invalid analysis configuration: {msg}"),
            AnalysisError::Empty => write!(f, "signal too short: no frames to analyse"),
            AnalysisError::NonFinite { index } => write!(f, "non-finite sample at index {index}"),
            AnalysisError::ShapeMismatch { left, right } => write!(
                f,
                "spectrogram shapes differ: {}x{} vs {}x{} (frames x bins)",
                left.0, left.1, right.0, right.1
            ),
        }
    }
}

impl std::error::Error for AnalysisError {}

pub(crate) fn invalid(msg: impl Into<String>) -> AnalysisError {
    AnalysisError::InvalidConfig(msg.into())
}

/// Index of the first NaN or infinite sample, as an error.
pub(crate) fn check_finite(signal: &[f32]) -> Result<(), AnalysisError> {
    match signal.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(AnalysisError::NonFinite { index }),
        None => Ok(()),
    }
}
