//! The project's audio distances: mel-LSD (spectral envelope, in dB) and MFCC-MAE (timbre,
//! in cepstral units). Each is defined once, here; everything that reports one calls these.
//!
//! **mel-LSD**, log-spectral distance between mel spectrograms (fixed; fixtures made with
//! librosa pin it down):
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
//!
//! **MFCC-MAE**, mean absolute MFCC difference (fixed likewise):
//! 1. Mono signals starting at note-on, both cut to the shorter length.
//! 2. MFCCs of each, `librosa.feature.mfcc(y, sr)` with its defaults ([`MfccConfig::new`]):
//!    the mel spectrogram of mel-LSD step 2, `power_to_db(ref=1.0, amin=1e-10, top_db=80)`
//!    with each clip floored 80 dB under *its own* peak, orthonormal DCT-II, 20 coefficients
//!    (c0 included), no lifter.
//! 3. The mean of `|a - b|` over all frames and all 20 coefficients.
//!
//! Unlike mel-LSD it is symmetric. Each clip's own floor means a quiet copy of a sound is not
//! penalised for detail under its floor, but a level difference still shows, mostly in c0
//! (a uniform `g` dB change moves c0 by `g sqrt(128)`, about 11.3 g).

use crate::db::{power_to_db, DbRef, DEFAULT_AMIN};
use crate::error::{check_finite, AnalysisError};
use crate::melspec::{MelAnalyzer, MelConfig};
use crate::mfcc::{MfccAnalyzer, MfccConfig};
use crate::spectrogram::Spectrogram;

/// Dynamic range below the reference's peak that mel-LSD compares.
pub const MEL_LSD_TOP_DB: f64 = 80.0;

/// mel-LSD with its analyser kept, for comparing many signals at one sample rate.
#[derive(Clone)]
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

/// MFCC-MAE with its analyser kept, for comparing many signals at one sample rate.
pub struct MfccMae {
    analyzer: MfccAnalyzer,
}

impl MfccMae {
    /// The standard MFCC-MAE at `sample_rate` (librosa's MFCC defaults).
    pub fn new(sample_rate: u32) -> Result<Self, AnalysisError> {
        Self::with_config(MfccConfig::new(sample_rate))
    }

    /// Same distance over a different MFCC analysis; no longer "MFCC-MAE" as the project
    /// defines it.
    pub fn with_config(config: MfccConfig) -> Result<Self, AnalysisError> {
        Ok(MfccMae {
            analyzer: MfccAnalyzer::new(config)?,
        })
    }

    pub fn analyzer(&self) -> &MfccAnalyzer {
        &self.analyzer
    }

    /// MFCC-MAE between `a` and `b`, cut to the shorter. Errors when that leaves no frame,
    /// or on a non-finite sample.
    pub fn distance(&mut self, a: &[f32], b: &[f32]) -> Result<f64, AnalysisError> {
        let n = a.len().min(b.len());
        if n == 0 {
            return Err(AnalysisError::Empty);
        }
        let ma = self.analyzer.mfcc(&a[..n])?;
        let mb = self.analyzer.mfcc(&b[..n])?;
        mean_absolute_difference(&ma, &mb)
    }
}

/// Mean of `|a - b|` over every cell of two same-shaped matrices.
pub fn mean_absolute_difference(a: &Spectrogram, b: &Spectrogram) -> Result<f64, AnalysisError> {
    if a.shape() != b.shape() {
        return Err(AnalysisError::ShapeMismatch {
            left: a.shape(),
            right: b.shape(),
        });
    }
    let cells = a.as_slice().len();
    if cells == 0 {
        return Err(AnalysisError::Empty);
    }
    let total: f64 = a
        .as_slice()
        .iter()
        .zip(b.as_slice())
        .map(|(x, y)| (x - y).abs())
        .sum();
    Ok(total / cells as f64)
}

/// Fallible MFCC-MAE: errors on empty input (after cutting to the shorter), NaN or infinite
/// samples, or a zero sample rate.
pub fn try_mfcc_mae(a: &[f32], b: &[f32], sample_rate: u32) -> Result<f64, AnalysisError> {
    MfccMae::new(sample_rate)?.distance(a, b)
}

/// MFCC-MAE between `a` and `b` (0 = identical MFCCs).
///
/// Never panics: where [`try_mfcc_mae`] would fail it returns NaN, for the same reason as
/// [`mel_lsd`].
pub fn mfcc_mae(a: &[f32], b: &[f32], sample_rate: u32) -> f64 {
    try_mfcc_mae(a, b, sample_rate).unwrap_or(f64::NAN)
}
