//! wyrd's audio analysis, numerically matching librosa so results can be checked against it.
//!
//! - [`stft`]: framing, periodic Hann window and power spectra (`librosa.stft`).
//! - [`mel`]: mel scales and filterbank (`librosa.filters.mel`).
//! - [`db`]: decibels (`librosa.power_to_db`).
//! - [`melspec`]: [`MelConfig`] and [`MelAnalyzer`] (`librosa.feature.melspectrogram`).
//! - [`distance`]: mel-LSD, the project's audio distance ([`mel_lsd`]).
//!
//! Spectrograms are `frames x bins` ([`Spectrogram`]), the transpose of librosa's layout.
//! Everything after the input samples is computed in f64.

pub mod db;
pub mod distance;
mod error;
pub mod mel;
pub mod melspec;
mod spectrogram;
pub mod stft;

pub use distance::{log_spectral_distance, mel_lsd, try_mel_lsd, MelLsd, MEL_LSD_TOP_DB};
pub use error::AnalysisError;
pub use mel::{MelFilterbank, MelNorm};
pub use melspec::{mel_spectrogram, MelAnalyzer, MelConfig};
pub use spectrogram::Spectrogram;
pub use stft::{PadMode, Stft, StftConfig};
