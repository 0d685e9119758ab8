//! wyrd's audio analysis, numerically matching librosa so results can be checked against it.
//!
//! - [`stft`]: framing, periodic Hann window and power spectra (`librosa.stft`).
//! - [`mel`]: mel scales and filterbank (`librosa.filters.mel`).
//! - [`db`]: decibels (`librosa.power_to_db`).
//! - [`melspec`]: [`MelConfig`] and [`MelAnalyzer`] (`librosa.feature.melspectrogram`).
//! - [`dct`]: orthonormal DCT-II (`scipy.fft.dct(norm="ortho")`).
//! - [`mfcc`](mod@mfcc): [`MfccConfig`] and [`MfccAnalyzer`] (`librosa.feature.mfcc`).
//! - [`spectral`]: RMS, spectral centroid and flatness (`librosa.feature.rms` etc.).
//! - [`streaming`]: all of the above per hop from chunked input, allocation-free
//!   ([`StreamingAnalyzer`]).
//! - [`distance`]: the project's audio distances, mel-LSD ([`mel_lsd`]) and MFCC-MAE
//!   ([`mfcc_mae`]).
//! - [`matching`]: the distance sound matching searches on ([`matching::MatchAnalyzer`]).
//!
//! Spectrograms are `frames x bins` ([`Spectrogram`]), the transpose of librosa's layout.
//! Everything after the input samples is computed in f64.

pub mod amp;
pub mod db;
pub mod dct;
pub mod distance;
mod error;
pub mod live;
pub mod matching;
pub mod mel;
pub mod melspec;
pub mod mfcc;
pub mod pitch;
pub mod spectral;
mod spectrogram;
pub mod stft;
pub mod streaming;

pub use dct::Dct;
pub use distance::{
    log_spectral_distance, mean_absolute_difference, mel_lsd, mfcc_mae, try_mel_lsd, try_mfcc_mae,
    MelLsd, MfccMae, MEL_LSD_TOP_DB,
};
pub use error::AnalysisError;
pub use mel::{MelFilterbank, MelNorm};
pub use melspec::{mel_spectrogram, MelAnalyzer, MelConfig};
pub use mfcc::{mfcc, MfccAnalyzer, MfccConfig};
pub use spectral::{rms, spectral_centroid, spectral_flatness, RmsConfig, SpectralConfig};
pub use spectrogram::Spectrogram;
pub use stft::{PadMode, Stft, StftConfig};
pub use streaming::{FeatureConfig, FeatureFrame, StreamingAnalyzer};
