//! The distance sound matching searches on: how far a candidate's render sounds from a target,
//! smoother than mel-LSD alone so that a search can follow it, and mel-LSD itself, which is
//! what results are reported in.
//!
//! Three terms, each over the whole note (attack, sustain, release: the envelope over time,
//! never one frame):
//! - **mel-LSD** ([`crate::distance`]): 128 mels, n_fft 2048, hop 512.
//! - **fine mel-LSD**: 64 mels, n_fft 512, hop 128. Four times the time resolution, so attacks
//!   and short envelopes count, and coarser bands, so a partial a few cents off costs less
//!   than in the 2048-point analysis (the search can still move towards it).
//! - **cepstral distance**: the mean absolute difference of the first 20 DCT coefficients of
//!   the 2048-point mel dB frames, each clip floored 80 dB under its own peak (MFCC-MAE's
//!   rule): the spectral envelope's shape, blind to fine harmonic detail.
//!
//! The two spectral terms are floored at the target's peak minus 80 dB, as mel-LSD is.

use crate::dct::Dct;
use crate::distance::{log_spectral_distance, mean_absolute_difference, MelLsd, MEL_LSD_TOP_DB};
use crate::error::AnalysisError;
use crate::melspec::MelConfig;
use crate::spectrogram::Spectrogram;

/// Cepstral coefficients the envelope term compares (librosa's MFCC default).
pub const N_CEPSTRA: usize = 20;

/// A sound analysed for matching: computed once per target, once per candidate.
#[derive(Debug, Clone)]
pub struct MatchFeatures {
    /// dB mel spectrogram, mel-LSD's analysis.
    pub coarse: Spectrogram,
    /// dB mel spectrogram at four times the time resolution.
    pub fine: Spectrogram,
    /// Cepstra of `coarse` floored at its own peak minus 80 dB.
    pub cepstra: Spectrogram,
}

/// The terms of the distance between a target and a candidate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MatchTerms {
    /// mel-LSD in dB: the reported metric.
    pub mel_lsd: f64,
    /// mel-LSD of the fine analysis, in dB.
    pub fine_lsd: f64,
    /// Mean absolute cepstral difference (cepstral units, as MFCC-MAE).
    pub cepstral: f64,
}

/// The analysers, kept for many calls at one sample rate. Clone one per thread.
#[derive(Clone)]
pub struct MatchAnalyzer {
    coarse: MelLsd,
    fine: MelLsd,
    dct: Dct,
}

impl MatchAnalyzer {
    pub fn new(sample_rate: u32) -> Result<Self, AnalysisError> {
        let mut fine = MelConfig::new(sample_rate);
        fine.n_fft = 512;
        fine.hop_length = 128;
        fine.n_mels = 64;
        let coarse = MelConfig::new(sample_rate);
        Ok(MatchAnalyzer {
            dct: Dct::new(coarse.n_mels, N_CEPSTRA)?,
            coarse: MelLsd::with_config(coarse)?,
            fine: MelLsd::with_config(fine)?,
        })
    }

    /// Analyses a mono sound (errors for empty or non-finite input).
    pub fn features(&mut self, audio: &[f32]) -> Result<MatchFeatures, AnalysisError> {
        let coarse = self.coarse.mel_db(audio)?;
        let fine = self.fine.mel_db(audio)?;
        let floor = coarse.max() - MEL_LSD_TOP_DB;
        let mut cepstra = Spectrogram::zeros(coarse.n_frames(), N_CEPSTRA);
        let mut floored = vec![0.0; coarse.n_bins()];
        for t in 0..coarse.n_frames() {
            for (f, &v) in floored.iter_mut().zip(coarse.frame(t)) {
                *f = v.max(floor);
            }
            self.dct.apply(&floored, cepstra.frame_mut(t));
        }
        Ok(MatchFeatures {
            coarse,
            fine,
            cepstra,
        })
    }

    /// The terms between `target` and `candidate` (analysed from sounds of the same length).
    pub fn terms(
        target: &MatchFeatures,
        candidate: &MatchFeatures,
    ) -> Result<MatchTerms, AnalysisError> {
        let mel_lsd = log_spectral_distance(&target.coarse, &candidate.coarse, MEL_LSD_TOP_DB)?;
        let fine_lsd = log_spectral_distance(&target.fine, &candidate.fine, MEL_LSD_TOP_DB)?;
        let cepstral = mean_absolute_difference(&target.cepstra, &candidate.cepstra)?;
        Ok(MatchTerms {
            mel_lsd,
            fine_lsd,
            cepstral,
        })
    }
}
