//! MFCCs as `librosa.feature.mfcc(y=, sr=, ...)`: mel power spectrogram, `power_to_db`
//! (absolute, floored `top_db` under the clip's peak), orthonormal DCT-II, optional lifter.

use rayon::prelude::*;

use crate::db::{power_to_db, DbRef, DEFAULT_AMIN};
use crate::dct::Dct;
use crate::error::{check_finite, invalid, AnalysisError};
use crate::melspec::{MelAnalyzer, MelConfig};
use crate::spectrogram::Spectrogram;

/// Parameters of `librosa.feature.mfcc` computed from a signal (`dct_type=2, norm="ortho"`,
/// `power_to_db(ref=1.0)`). The mel filterbank's area norm is `mel.norm` (librosa's `mel_norm`).
#[derive(Debug, Clone, PartialEq)]
pub struct MfccConfig {
    pub mel: MelConfig,
    /// Coefficients kept per frame; at most `mel.n_mels`.
    pub n_mfcc: usize,
    /// Power floor before the log (`power_to_db`'s `amin`).
    pub amin: f64,
    /// dB range kept under the whole clip's peak (`power_to_db`'s `top_db`); `None` keeps all.
    pub top_db: Option<f64>,
    /// Sinusoidal cepstral liftering `1 + (L / 2) sin(pi (k + 1) / L)`; 0 disables it.
    pub lifter: f64,
}

impl MfccConfig {
    /// `librosa.feature.mfcc` defaults at `sample_rate`: 20 coefficients over
    /// [`MelConfig::new`] (n_fft 2048, hop 512, 128 Slaney mels, 0 Hz to Nyquist, centred,
    /// zero padding), amin 1e-10, top_db 80, no lifter.
    pub fn new(sample_rate: u32) -> Self {
        MfccConfig {
            mel: MelConfig::new(sample_rate),
            n_mfcc: 20,
            amin: DEFAULT_AMIN,
            top_db: Some(80.0),
            lifter: 0.0,
        }
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        self.mel.validate()?;
        if self.n_mfcc == 0 || self.n_mfcc > self.mel.n_mels {
            return Err(invalid(format!(
                "n_mfcc {} must be in 1..=n_mels ({})",
                self.n_mfcc, self.mel.n_mels
            )));
        }
        if !(self.amin.is_finite() && self.amin > 0.0) {
            return Err(invalid(format!("amin {} must be positive", self.amin)));
        }
        if let Some(t) = self.top_db {
            if t.is_nan() || t < 0.0 {
                return Err(invalid(format!("top_db {t} must be non-negative")));
            }
        }
        if !(self.lifter.is_finite() && self.lifter >= 0.0) {
            return Err(invalid(format!(
                "lifter {} must be a non-negative number",
                self.lifter
            )));
        }
        Ok(())
    }

    /// The lifter's weight for each coefficient (all 1 without a lifter).
    pub fn lifter_weights(&self) -> Vec<f64> {
        (0..self.n_mfcc)
            .map(|k| {
                if self.lifter > 0.0 {
                    let li = (std::f64::consts::PI * (k + 1) as f64 / self.lifter).sin();
                    1.0 + (self.lifter / 2.0) * li
                } else {
                    1.0
                }
            })
            .collect()
    }
}

/// The per-frame half of an MFCC analysis: DCT and lifter over one frame of mel dB.
/// Shared by [`MfccAnalyzer`] and the streaming analyser so both compute identical numbers.
#[derive(Debug, Clone)]
pub(crate) struct Cepstrum {
    dct: Dct,
    lifter: Vec<f64>,
}

impl Cepstrum {
    pub(crate) fn new(cfg: &MfccConfig) -> Result<Self, AnalysisError> {
        Ok(Cepstrum {
            dct: Dct::new(cfg.mel.n_mels, cfg.n_mfcc)?,
            lifter: cfg.lifter_weights(),
        })
    }

    pub(crate) fn apply(&self, mel_db: &[f64], out: &mut [f64]) {
        self.dct.apply(mel_db, out);
        for (c, w) in out.iter_mut().zip(&self.lifter) {
            *c *= w;
        }
    }
}

/// An MFCC analyser with its FFT plan, filterbank and DCT built once, for many signals.
#[derive(Clone)]
pub struct MfccAnalyzer {
    config: MfccConfig,
    mel: MelAnalyzer,
    cepstrum: Cepstrum,
}

impl MfccAnalyzer {
    pub fn new(config: MfccConfig) -> Result<Self, AnalysisError> {
        config.validate()?;
        Ok(MfccAnalyzer {
            mel: MelAnalyzer::new(config.mel.clone())?,
            cepstrum: Cepstrum::new(&config)?,
            config,
        })
    }

    pub fn config(&self) -> &MfccConfig {
        &self.config
    }

    pub fn mel_analyzer(&self) -> &MelAnalyzer {
        &self.mel
    }

    pub fn n_frames(&self, signal_len: usize) -> usize {
        self.mel.n_frames(signal_len)
    }

    /// The mel dB spectrogram the MFCCs are taken from, `frames x n_mels`:
    /// `power_to_db(melspectrogram, ref=1.0, amin, top_db)` with `top_db` measured from the
    /// peak of this whole signal, so the result depends on the clip's length and loudest part.
    pub fn mel_db(&mut self, signal: &[f32]) -> Result<Spectrogram, AnalysisError> {
        check_finite(signal)?;
        let mut mel = self.mel.power(signal);
        power_to_db(
            mel.as_mut_slice(),
            DbRef::Value(1.0),
            self.config.amin,
            self.config.top_db,
        )?;
        Ok(mel)
    }

    /// MFCCs, `frames x n_mfcc` (librosa's `(n_mfcc, frames)` transposed). A signal too
    /// short for one frame (possible only uncentred) gives zero frames.
    pub fn mfcc(&mut self, signal: &[f32]) -> Result<Spectrogram, AnalysisError> {
        let mel_db = self.mel_db(signal)?;
        let n_mfcc = self.config.n_mfcc;
        let mut out = Spectrogram::zeros(mel_db.n_frames(), n_mfcc);
        let cepstrum = &self.cepstrum;
        out.as_mut_slice()
            .par_chunks_mut(n_mfcc)
            .zip(mel_db.as_slice().par_chunks(self.config.mel.n_mels))
            .with_min_len(256)
            .for_each(|(c, frame)| cepstrum.apply(frame, c));
        Ok(out)
    }
}

/// MFCCs of `signal`, `frames x n_mfcc`. Builds the analysis per call; keep an
/// [`MfccAnalyzer`] to reuse it.
pub fn mfcc(signal: &[f32], cfg: &MfccConfig) -> Result<Spectrogram, AnalysisError> {
    MfccAnalyzer::new(cfg.clone())?.mfcc(signal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_configs() {
        let ok = MfccConfig::new(48_000);
        assert!(ok.validate().is_ok());
        for bad in [
            MfccConfig {
                n_mfcc: 0,
                ..ok.clone()
            },
            MfccConfig {
                n_mfcc: 129,
                ..ok.clone()
            },
            MfccConfig {
                amin: 0.0,
                ..ok.clone()
            },
            MfccConfig {
                top_db: Some(f64::NAN),
                ..ok.clone()
            },
            MfccConfig {
                top_db: Some(-1.0),
                ..ok.clone()
            },
            MfccConfig {
                lifter: -1.0,
                ..ok.clone()
            },
            MfccConfig {
                lifter: f64::INFINITY,
                ..ok.clone()
            },
        ] {
            assert!(MfccAnalyzer::new(bad.clone()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn non_finite_input_is_an_error() {
        let mut a = MfccAnalyzer::new(MfccConfig::new(48_000)).unwrap();
        let mut x = vec![0.0f32; 4096];
        x[100] = f32::NAN;
        assert_eq!(a.mfcc(&x), Err(AnalysisError::NonFinite { index: 100 }));
        x[100] = f32::INFINITY;
        assert_eq!(a.mel_db(&x), Err(AnalysisError::NonFinite { index: 100 }));
    }

    #[test]
    fn silence_has_only_c0() {
        let m = mfcc(&[0.0; 5000], &MfccConfig::new(48_000)).unwrap();
        assert_eq!(m.shape(), (10, 20));
        for f in m.frames() {
            // Every band sits at amin (-100 dB), a constant vector: c0 = -100 sqrt(128).
            assert!((f[0] + 100.0 * 128f64.sqrt()).abs() < 1e-9, "{f:?}");
            assert!(f[1..].iter().all(|c| c.abs() < 1e-9), "{f:?}");
        }
    }

    #[test]
    fn lifter_matches_librosa_formula() {
        let cfg = MfccConfig {
            lifter: 22.0,
            ..MfccConfig::new(48_000)
        };
        let w = cfg.lifter_weights();
        assert!((w[0] - (1.0 + 11.0 * (std::f64::consts::PI / 22.0).sin())).abs() < 1e-15);
        assert!((w[10] - 12.0).abs() < 1e-12); // sin(pi * 11 / 22) = 1
    }
}
