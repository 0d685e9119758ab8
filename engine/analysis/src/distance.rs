//! mel-LSD, the project's audio distance: log-spectral distance between mel spectrograms.
//!
//! Definition (fixed; fixtures made with librosa pin it down):
//! 1. Mono signals starting at note-on, both cut to the shorter length.
//! 2. Power mel spectrogram of each, `librosa.feature.melspectrogram(sr, n_fft=2048,
//!    hop_length=512, n_mels=128)`: periodic Hann, centred frames with zero padding, power 2,
//!    Slaney mel scale and area norm, 0 Hz to Nyquist ([`MelConfig::new`]).
//! 3. dB = `10 log10(max(P, 1e-10))`, then both floored at (max dB of the reference - 80 dB).
//! 4. Per frame, the RMS over the mel bands of the dB difference; then the mean over frames.
//!
//! The floor comes from the reference alone, so the range compared is set by the target, and
//! detail more than 80 dB under its peak (inaudible, and in silence mostly numerical noise)
//! cannot dominate the distance.

use crate::db::{power_to_db, DbRef, DEFAULT_AMIN};
use crate::error::{check_finite, AnalysisError};
use crate::melspec::{MelAnalyzer, MelConfig};
use crate::spectrogram::Spectrogram;

/// Dynamic range below the reference's peak that mel-LSD compares.
pub const MEL_LSD_TOP_DB: f64 = 80.0;

/// mel-LSD with its analyser kept, for comparing many signals at one sample rate.
pub struct MelLsd {
    analyzer: MelAnalyzer,
}

impl MelLsd {
    /// The standard mel-LSD at `sample_rate` (n_fft 2048 and hop 512 at every rate).
    pub fn new(sample_rate: u32) -> Result<Self, AnalysisError> {
        Self::with_config(MelConfig::new(sample_rate))
    }

    /// Same distance over a different mel analysis; no longer "mel-LSD" as the project defines it.
    pub fn with_config(config: MelConfig) -> Result<Self, AnalysisError> {
        Ok(MelLsd {
            analyzer: MelAnalyzer::new(config)?,
        })
    }

    pub fn analyzer(&self) -> &MelAnalyzer {
        &self.analyzer
    }

    /// Mel spectrogram in absolute dB (`10 log10(max(P, 1e-10))`, unfloored), the form
    /// [`log_spectral_distance`] takes.
    pub fn mel_db(&mut self, signal: &[f32]) -> Result<Spectrogram, AnalysisError> {
        check_finite(signal)?;
        let mut mel = self.analyzer.power(signal);
        power_to_db(mel.as_mut_slice(), DbRef::Value(1.0), DEFAULT_AMIN, None)?;
        Ok(mel)
    }

    /// mel-LSD in dB between `reference` and `other`, cut to the shorter.
    pub fn distance(&mut self, reference: &[f32], other: &[f32]) -> Result<f64, AnalysisError> {
        let n = reference.len().min(other.len());
        if n == 0 {
            return Err(AnalysisError::Empty);
        }
        let r = self.mel_db(&reference[..n])?;
        let o = self.mel_db(&other[..n])?;
        log_spectral_distance(&r, &o, MEL_LSD_TOP_DB)
    }
}

/// Mean over frames of the per-frame RMS dB difference, both spectrograms floored at
/// `reference_db.max() - top_db`. Inputs are dB spectrograms of the same shape.
pub fn log_spectral_distance(
    reference_db: &Spectrogram,
    other_db: &Spectrogram,
    top_db: f64,
) -> Result<f64, AnalysisError> {
    if reference_db.shape() != other_db.shape() {
        return Err(AnalysisError::ShapeMismatch {
            left: reference_db.shape(),
            right: other_db.shape(),
        });
    }
    let (frames, bins) = reference_db.shape();
    if frames == 0 || bins == 0 {
        return Err(AnalysisError::Empty);
    }
    let floor = reference_db.max() - top_db;
    let total: f64 = reference_db
        .frames()
        .zip(other_db.frames())
        .map(|(r, o)| {
            let sq: f64 = r
                .iter()
                .zip(o)
                .map(|(&a, &b)| (a.max(floor) - b.max(floor)).powi(2))
                .sum();
            (sq / bins as f64).sqrt()
        })
        .sum();
    Ok(total / frames as f64)
}

/// Fallible mel-LSD: errors on empty input (after cutting to the shorter), NaN or infinite
/// samples, or a zero sample rate.
pub fn try_mel_lsd(
    reference: &[f32],
    other: &[f32],
    sample_rate: u32,
) -> Result<f64, AnalysisError> {
    MelLsd::new(sample_rate)?.distance(reference, other)
}

/// mel-LSD in dB between `reference` and `other` (0 = identical mel spectra).
///
/// Never panics. Where [`try_mel_lsd`] would fail (an empty signal, a non-finite sample,
/// sample rate 0) it returns NaN: the distance is undefined, and NaN fails every threshold
/// comparison, so a broken render can never pass for a match.
pub fn mel_lsd(reference: &[f32], other: &[f32], sample_rate: u32) -> f64 {
    try_mel_lsd(reference, other, sample_rate).unwrap_or(f64::NAN)
}
