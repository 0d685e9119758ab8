//! Frame-level descriptors as librosa computes them from a signal: `librosa.feature.rms`,
//! `spectral_centroid` and `spectral_flatness`.
//!
//! Each has an offline function over a whole signal (one value per frame) and a per-frame
//! helper taking what a streaming analyser has at hand (the raw frame, or its power spectrum),
//! so offline and streamed values come from the same arithmetic.

use crate::error::{check_finite, invalid, AnalysisError};
use crate::mel::fft_frequencies;
use crate::stft::{PadMode, Stft, StftConfig};

/// Framing of `librosa.feature.rms(y=...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RmsConfig {
    pub frame_length: usize,
    pub hop_length: usize,
    /// Frame `t` centred on sample `t * hop_length`: the signal is padded by
    /// `frame_length / 2` each side first.
    pub center: bool,
    pub pad_mode: PadMode,
}

impl Default for RmsConfig {
    /// librosa's defaults: 2048-sample frames, hop 512, centred, zero padding.
    fn default() -> Self {
        RmsConfig {
            frame_length: 2048,
            hop_length: 512,
            center: true,
            pad_mode: PadMode::Constant,
        }
    }
}

impl RmsConfig {
    /// The framing of an STFT (`n_fft` as the frame length), so RMS lines up with its frames.
    pub fn from_stft(stft: &StftConfig) -> Self {
        RmsConfig {
            frame_length: stft.n_fft,
            hop_length: stft.hop_length,
            center: stft.center,
            pad_mode: stft.pad_mode,
        }
    }

    fn framing(&self) -> StftConfig {
        StftConfig {
            n_fft: self.frame_length,
            hop_length: self.hop_length,
            win_length: self.frame_length,
            center: self.center,
            pad_mode: self.pad_mode,
        }
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        self.framing().validate()
    }

    /// Frames produced for `len` samples (0 where librosa would raise).
    pub fn n_frames(&self, len: usize) -> usize {
        self.framing().n_frames(len)
    }
}

/// STFT settings of `librosa.feature.spectral_centroid` / `spectral_flatness`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpectralConfig {
    pub sample_rate: u32,
    pub stft: StftConfig,
    /// Flatness: floor on each bin of `|X|^power` before the means (librosa's `amin`).
    pub flatness_amin: f64,
    /// Flatness: exponent on the magnitude spectrum (librosa's `power`, 2 by default).
    pub flatness_power: f64,
}

impl SpectralConfig {
    /// librosa's defaults at `sample_rate`: n_fft 2048, hop 512, Hann, centred, zero
    /// padding; flatness amin 1e-10, power 2.
    pub fn new(sample_rate: u32) -> Self {
        SpectralConfig {
            sample_rate,
            stft: StftConfig {
                hop_length: 512,
                ..StftConfig::new(2048)
            },
            flatness_amin: 1e-10,
            flatness_power: 2.0,
        }
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        if self.sample_rate == 0 {
            return Err(invalid("sample rate must be positive"));
        }
        self.stft.validate()?;
        if !(self.flatness_amin.is_finite() && self.flatness_amin > 0.0) {
            return Err(invalid(format!(
                "flatness amin {} must be positive",
                self.flatness_amin
            )));
        }
        if !(self.flatness_power.is_finite() && self.flatness_power > 0.0) {
            return Err(invalid(format!(
                "flatness power {} must be positive",
                self.flatness_power
            )));
        }
        Ok(())
    }
}

/// Where sample `i` of `np.pad(signal, pad, mode)` comes from in a signal of `len` samples:
/// `None` for a zero.
pub(crate) fn padded_index(len: usize, i: isize, mode: PadMode) -> Option<usize> {
    let n = len as isize;
    if (0..n).contains(&i) {
        return Some(i as usize);
    }
    match (mode, n) {
        (PadMode::Constant, _) | (PadMode::Reflect, 0) => None,
        (PadMode::Reflect, 1) => Some(0),
        (PadMode::Reflect, _) => {
            // np.pad reflects again when the pad is longer than the signal: a mirror image
            // with period 2 (len - 1).
            let period = 2 * (n - 1);
            let m = i.rem_euclid(period);
            Some(if m < n { m } else { period - m } as usize)
        }
    }
}

/// `sqrt(mean(x^2))` of one unwindowed frame, as librosa's RMS takes it.
pub fn frame_rms(frame: &[f64]) -> f64 {
    if frame.is_empty() {
        return 0.0;
    }
    (frame.iter().map(|x| x * x).sum::<f64>() / frame.len() as f64).sqrt()
}

/// Spectral centroid in Hz of one frame from its power spectrum `|X|^2`, weighting each bin's
/// frequency by its magnitude `|X|`. A frame whose magnitudes sum to less than the smallest
/// normal f64 (silence) is left unnormalised, as `librosa.util.normalize` does, giving ~0.
pub fn centroid_from_power(power: &[f64], freqs: &[f64]) -> f64 {
    let mut total = 0.0;
    let mut weighted = 0.0;
    for (&p, &f) in power.iter().zip(freqs) {
        let m = p.sqrt();
        total += m;
        weighted += f * m;
    }
    if total < f64::MIN_POSITIVE {
        weighted
    } else {
        weighted / total
    }
}

/// Spectral flatness of one frame from its power spectrum `|X|^2`: geometric over arithmetic
/// mean of `max(|X|^exponent, amin)`. 1 for white spectra, near 0 for tones.
pub fn flatness_from_power(power: &[f64], amin: f64, exponent: f64) -> f64 {
    if power.is_empty() {
        return 0.0;
    }
    let mut log_sum = 0.0;
    let mut sum = 0.0;
    for &p in power {
        // The power spectrum is already |X|^2: no root and re-raise for the default exponent.
        let s = if exponent == 2.0 {
            p
        } else {
            p.sqrt().powf(exponent)
        }
        .max(amin);
        log_sum += s.ln();
        sum += s;
    }
    let n = power.len() as f64;
    (log_sum / n).exp() / (sum / n)
}

/// `librosa.feature.rms(y=signal, frame_length=, hop_length=, center=, pad_mode=)`, one value
/// per frame. Errors on a bad configuration or a non-finite sample.
pub fn rms(signal: &[f32], cfg: &RmsConfig) -> Result<Vec<f64>, AnalysisError> {
    cfg.validate()?;
    check_finite(signal)?;
    let offset = if cfg.center {
        (cfg.frame_length / 2) as isize
    } else {
        0
    };
    let n = signal.len();
    Ok((0..cfg.n_frames(n))
        .map(|t| {
            let start = (t * cfg.hop_length) as isize - offset;
            let sum: f64 = (start..start + cfg.frame_length as isize)
                .filter_map(|i| padded_index(n, i, cfg.pad_mode))
                .map(|i| f64::from(signal[i]).powi(2))
                .sum();
            (sum / cfg.frame_length as f64).sqrt()
        })
        .collect())
}

fn per_power_frame(
    signal: &[f32],
    cfg: &SpectralConfig,
    mut f: impl FnMut(&[f64]) -> f64,
) -> Result<Vec<f64>, AnalysisError> {
    cfg.validate()?;
    check_finite(signal)?;
    let mut stft = Stft::new(cfg.stft)?;
    let mut out = Vec::with_capacity(cfg.stft.n_frames(signal.len()));
    stft.for_each_power_frame(signal, |_, p| out.push(f(p)));
    Ok(out)
}

/// `librosa.feature.spectral_centroid(y=signal, sr=, n_fft=, hop_length=, win_length=,
/// center=, pad_mode=)`, in Hz per frame.
pub fn spectral_centroid(signal: &[f32], cfg: &SpectralConfig) -> Result<Vec<f64>, AnalysisError> {
    let freqs = fft_frequencies(f64::from(cfg.sample_rate), cfg.stft.n_fft);
    per_power_frame(signal, cfg, |p| centroid_from_power(p, &freqs))
}

/// `librosa.feature.spectral_flatness(y=signal, n_fft=, hop_length=, win_length=, center=,
/// pad_mode=, amin=, power=)`, per frame.
pub fn spectral_flatness(signal: &[f32], cfg: &SpectralConfig) -> Result<Vec<f64>, AnalysisError> {
    per_power_frame(signal, cfg, |p| {
        flatness_from_power(p, cfg.flatness_amin, cfg.flatness_power)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflect_index_matches_numpy_pad() {
        // np.pad([1, 2, 3], 5, mode="reflect") == [2 1 2 3 2 | 1 2 3 | 2 1 2 3 2]
        let got: Vec<Option<usize>> = (-5..8)
            .map(|i| padded_index(3, i, PadMode::Reflect))
            .collect();
        let want = [1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1].map(Some);
        assert_eq!(got, want);
        assert_eq!(padded_index(1, -3, PadMode::Reflect), Some(0));
        assert_eq!(padded_index(0, -3, PadMode::Reflect), None);
        assert_eq!(padded_index(3, 3, PadMode::Constant), None);
    }

    #[test]
    fn rms_of_a_constant_counts_the_zero_padding() {
        let cfg = RmsConfig {
            frame_length: 8,
            hop_length: 4,
            ..RmsConfig::default()
        };
        let r = rms(&[1.0; 16], &cfg).unwrap();
        assert_eq!(r.len(), 5);
        // First frame: 4 zeros then 4 ones.
        assert!((r[0] - 0.5f64.sqrt()).abs() < 1e-15);
        assert!((r[2] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn centroid_of_silence_is_zero_and_of_one_bin_is_its_frequency() {
        let freqs = [0.0, 100.0, 200.0, 300.0];
        assert_eq!(centroid_from_power(&[0.0; 4], &freqs), 0.0);
        assert!((centroid_from_power(&[0.0, 0.0, 4.0, 0.0], &freqs) - 200.0).abs() < 1e-12);
    }

    #[test]
    fn flatness_is_one_for_flat_spectra() {
        assert!((flatness_from_power(&[3.0; 10], 1e-10, 2.0) - 1.0).abs() < 1e-12);
        assert!((flatness_from_power(&[3.0; 10], 1e-10, 1.0) - 1.0).abs() < 1e-12);
        assert!(flatness_from_power(&[1.0, 0.0, 0.0, 0.0], 1e-10, 2.0) < 1e-6);
    }

    #[test]
    fn bad_input_is_an_error() {
        let cfg = SpectralConfig::new(48_000);
        assert!(spectral_centroid(&[f32::NAN], &cfg).is_err());
        assert!(spectral_flatness(
            &[0.0],
            &SpectralConfig {
                flatness_amin: 0.0,
                ..cfg
            }
        )
        .is_err());
        assert!(rms(
            &[0.0],
            &RmsConfig {
                hop_length: 0,
                ..RmsConfig::default()
            }
        )
        .is_err());
    }
}
