//! Power mel spectrograms as `librosa.feature.melspectrogram`.

use rayon::prelude::*;

use crate::error::{invalid, AnalysisError};
use crate::mel::{MelFilterbank, MelNorm};
use crate::spectrogram::Spectrogram;
use crate::stft::{PadMode, Stft, StftConfig};

/// Frames per parallel task: enough work (~1 ms) to outweigh a task's overhead.
const PARALLEL_FRAMES: usize = 256;

/// Parameters of `librosa.feature.melspectrogram` (with `power=2`, Hann window).
#[derive(Debug, Clone, PartialEq)]
pub struct MelConfig {
    pub sample_rate: u32,
    pub n_fft: usize,
    pub hop_length: usize,
    /// `None`: the window spans `n_fft` (librosa's `win_length=None`).
    pub win_length: Option<usize>,
    pub n_mels: usize,
    pub fmin: f64,
    /// `None`: Nyquist, `sample_rate / 2` (librosa's `fmax=None`); follows `sample_rate` if it changes.
    pub fmax: Option<f64>,
    /// HTK mel scale instead of Slaney's.
    pub htk: bool,
    pub norm: MelNorm,
    pub center: bool,
    pub pad_mode: PadMode,
}

impl MelConfig {
    /// librosa's defaults at `sample_rate`: n_fft 2048, hop 512, 128 Slaney-normalised Slaney
    /// mels from 0 Hz to Nyquist, centred frames with zero padding. `MelConfig::new(48_000)` is
    /// the mel-LSD configuration.
    pub fn new(sample_rate: u32) -> Self {
        MelConfig {
            sample_rate,
            n_fft: 2048,
            hop_length: 512,
            win_length: None,
            n_mels: 128,
            fmin: 0.0,
            fmax: None,
            htk: false,
            norm: MelNorm::Slaney,
            center: true,
            pad_mode: PadMode::Constant,
        }
    }

    pub fn fmax_hz(&self) -> f64 {
        self.fmax.unwrap_or(f64::from(self.sample_rate) / 2.0)
    }

    pub fn stft_config(&self) -> StftConfig {
        StftConfig {
            n_fft: self.n_fft,
            hop_length: self.hop_length,
            win_length: self.win_length.unwrap_or(self.n_fft),
            center: self.center,
            pad_mode: self.pad_mode,
        }
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        if self.sample_rate == 0 {
            return Err(invalid("sample rate must be positive"));
        }
        self.stft_config().validate()?;
        if self.n_mels == 0 {
            return Err(invalid("n_mels must be at least 1"));
        }
        Ok(())
    }
}

/// A mel analyser with its FFT plan and filterbank built once, for many signals.
#[derive(Clone)]
pub struct MelAnalyzer {
    config: MelConfig,
    stft: Stft,
    filterbank: MelFilterbank,
}

impl MelAnalyzer {
    pub fn new(config: MelConfig) -> Result<Self, AnalysisError> {
        config.validate()?;
        let stft = Stft::new(config.stft_config())?;
        let filterbank = MelFilterbank::new(
            f64::from(config.sample_rate),
            config.n_fft,
            config.n_mels,
            config.fmin,
            config.fmax_hz(),
            config.htk,
            config.norm,
        )?;
        Ok(MelAnalyzer {
            config,
            stft,
            filterbank,
        })
    }

    pub fn config(&self) -> &MelConfig {
        &self.config
    }

    pub fn filterbank(&self) -> &MelFilterbank {
        &self.filterbank
    }

    pub fn n_frames(&self, signal_len: usize) -> usize {
        self.stft.config().n_frames(signal_len)
    }

    /// Mel power spectrogram, `frames x n_mels`. Long signals are split between threads
    /// (rayon); every frame is computed the same way, so the result does not depend on it.
    pub fn power(&mut self, signal: &[f32]) -> Spectrogram {
        let n_mels = self.filterbank.n_mels();
        let n_frames = self.n_frames(signal.len());
        let mut out = Spectrogram::zeros(n_frames, n_mels);
        let filterbank = &self.filterbank;
        if n_frames < 2 * PARALLEL_FRAMES {
            self.stft
                .for_each_power_frame(signal, |t, p| filterbank.apply(p, out.frame_mut(t)));
            return out;
        }
        let stft = &self.stft;
        out.as_mut_slice()
            .par_chunks_mut(PARALLEL_FRAMES * n_mels)
            .enumerate()
            .for_each(|(chunk, block)| {
                let first = chunk * PARALLEL_FRAMES;
                let frames = first..first + block.len() / n_mels;
                let mut stft = stft.clone();
                stft.for_each_power_frame_in(signal, frames, |t, p| {
                    let row = (t - first) * n_mels;
                    filterbank.apply(p, &mut block[row..row + n_mels]);
                });
            });
        out
    }
}

/// Mel power spectrogram of `signal`, `frames x n_mels` (librosa's result transposed).
/// Builds the FFT plan and filterbank per call; keep a [`MelAnalyzer`] to reuse them.
pub fn mel_spectrogram(signal: &[f32], cfg: &MelConfig) -> Result<Spectrogram, AnalysisError> {
    Ok(MelAnalyzer::new(cfg.clone())?.power(signal))
}
