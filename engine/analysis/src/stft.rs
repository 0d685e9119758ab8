//! Short-time Fourier transform framed exactly like `librosa.stft`.

use std::f64::consts::PI;
use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

use crate::error::{invalid, AnalysisError};
use crate::spectrogram::Spectrogram;

/// How centred frames see the signal beyond its ends (`np.pad` modes librosa accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PadMode {
    /// Zeros: librosa's default since 0.10.
    #[default]
    Constant,
    /// Mirror without repeating the edge sample: librosa before 0.10.
    Reflect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StftConfig {
    pub n_fft: usize,
    pub hop_length: usize,
    /// Length of the Hann window, centred inside `n_fft` and zero elsewhere.
    pub win_length: usize,
    /// Frame `t` is centred on sample `t * hop_length` (signal padded by `n_fft / 2` each side).
    pub center: bool,
    pub pad_mode: PadMode,
}

impl StftConfig {
    /// librosa's defaults for a given FFT size: hop `n_fft / 4`, full-length window, centred, zero padding.
    pub fn new(n_fft: usize) -> Self {
        StftConfig {
            n_fft,
            hop_length: (n_fft / 4).max(1),
            win_length: n_fft,
            center: true,
            pad_mode: PadMode::Constant,
        }
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        if self.n_fft == 0 {
            return Err(invalid("n_fft must be at least 1"));
        }
        if self.hop_length == 0 {
            return Err(invalid("hop_length must be at least 1"));
        }
        if self.win_length == 0 || self.win_length > self.n_fft {
            return Err(invalid(format!(
                "win_length {} must be in 1..=n_fft ({})",
                self.win_length, self.n_fft
            )));
        }
        Ok(())
    }

    pub fn n_bins(&self) -> usize {
        self.n_fft / 2 + 1
    }

    /// Frames librosa produces for `len` samples. Uncentred analysis of a signal shorter
    /// than `n_fft` gives 0 here where librosa raises.
    pub fn n_frames(&self, len: usize) -> usize {
        let padded = if self.center {
            len + 2 * (self.n_fft / 2)
        } else {
            len
        };
        if padded < self.n_fft {
            0
        } else {
            1 + (padded - self.n_fft) / self.hop_length
        }
    }
}

/// Periodic Hann window (`scipy.signal.get_window("hann", n, fftbins=True)`).
pub fn hann_periodic(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos())
        .collect()
}

/// A planned STFT with its window and buffers, reused across frames and signals. Clones share
/// the FFT plan and have their own buffers, one per thread.
#[derive(Clone)]
pub struct Stft {
    cfg: StftConfig,
    /// Hann of `win_length`, zero-padded to `n_fft` like `librosa.util.pad_center`.
    window: Vec<f64>,
    fft: Arc<dyn RealToComplex<f64>>,
    input: Vec<f64>,
    spectrum: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    power: Vec<f64>,
}

impl Stft {
    pub fn new(cfg: StftConfig) -> Result<Self, AnalysisError> {
        cfg.validate()?;
        let mut window = vec![0.0; cfg.n_fft];
        let lpad = (cfg.n_fft - cfg.win_length) / 2;
        window[lpad..lpad + cfg.win_length].copy_from_slice(&hann_periodic(cfg.win_length));
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(cfg.n_fft);
        let spectrum = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        Ok(Stft {
            cfg,
            window,
            input: vec![0.0; cfg.n_fft],
            spectrum,
            scratch,
            power: vec![0.0; cfg.n_bins()],
            fft,
        })
    }

    pub fn config(&self) -> &StftConfig {
        &self.cfg
    }

    pub fn window(&self) -> &[f64] {
        &self.window
    }

    /// Power spectrum `|rfft(window * frame)|^2` of one `n_fft`-sample frame: the unit a
    /// streaming analyser feeds. `out` must hold `n_fft / 2 + 1` values.
    pub fn power_of_frame(&mut self, frame: &[f64], out: &mut [f64]) {
        for ((dst, &x), &w) in self.input.iter_mut().zip(frame).zip(&self.window) {
            *dst = x * w;
        }
        self.transform();
        out.copy_from_slice(&self.power);
    }

    /// Calls `f(t, power)` for every frame of `signal`, without storing the linear spectrogram.
    pub fn for_each_power_frame(&mut self, signal: &[f32], f: impl FnMut(usize, &[f64])) {
        self.for_each_power_frame_in(signal, 0..self.cfg.n_frames(signal.len()), f);
    }

    /// As [`for_each_power_frame`](Self::for_each_power_frame) for the frames in `frames` only,
    /// so a long signal can be split between threads.
    pub fn for_each_power_frame_in(
        &mut self,
        signal: &[f32],
        frames: std::ops::Range<usize>,
        mut f: impl FnMut(usize, &[f64]),
    ) {
        let offset = if self.cfg.center {
            (self.cfg.n_fft / 2) as isize
        } else {
            0
        };
        for t in frames {
            let start = (t * self.cfg.hop_length) as isize - offset;
            self.fill_windowed(signal, start);
            self.transform();
            f(t, &self.power);
        }
    }

    /// Power spectrogram, `frames x (n_fft / 2 + 1)`.
    pub fn power_spectrogram(&mut self, signal: &[f32]) -> Spectrogram {
        let mut out = Spectrogram::zeros(self.cfg.n_frames(signal.len()), self.cfg.n_bins());
        self.for_each_power_frame(signal, |t, p| out.frame_mut(t).copy_from_slice(p));
        out
    }

    fn fill_windowed(&mut self, signal: &[f32], start: isize) {
        let n = self.cfg.n_fft;
        if start >= 0 && start as usize + n <= signal.len() {
            let s = start as usize;
            for ((dst, &x), &w) in self
                .input
                .iter_mut()
                .zip(&signal[s..s + n])
                .zip(&self.window)
            {
                *dst = f64::from(x) * w;
            }
        } else {
            // Only the first and last few frames reach into the padding.
            for (j, (dst, &w)) in self.input.iter_mut().zip(&self.window).enumerate() {
                *dst = padded_sample(signal, start + j as isize, self.cfg.pad_mode) * w;
            }
        }
    }

    fn transform(&mut self) {
        self.fft
            .process_with_scratch(&mut self.input, &mut self.spectrum, &mut self.scratch)
            .expect("FFT buffers are sized by the plan at construction");
        for (p, c) in self.power.iter_mut().zip(&self.spectrum) {
            *p = c.norm_sqr();
        }
    }
}

/// Sample `i` of the signal as extended by `np.pad(signal, pad, mode)`.
fn padded_sample(signal: &[f32], i: isize, mode: PadMode) -> f64 {
    let len = signal.len() as isize;
    if (0..len).contains(&i) {
        return f64::from(signal[i as usize]);
    }
    match mode {
        PadMode::Constant => 0.0,
        PadMode::Reflect => match len {
            0 => 0.0,
            1 => f64::from(signal[0]),
            _ => {
                // np.pad reflects repeatedly when the pad exceeds the signal, which is a
                // mirror image with period 2 * (len - 1).
                let period = 2 * (len - 1);
                let m = i.rem_euclid(period);
                f64::from(signal[if m < len { m } else { period - m } as usize])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflect_matches_numpy_pad() {
        // np.pad([1, 2, 3], 5, mode="reflect") == [2 1 2 3 2 | 1 2 3 | 2 1 2 3 2]
        let s = [1.0f32, 2.0, 3.0];
        let got: Vec<f64> = (-5..8)
            .map(|i| padded_sample(&s, i, PadMode::Reflect))
            .collect();
        assert_eq!(got, [2., 1., 2., 3., 2., 1., 2., 3., 2., 1., 2., 3., 2.]);
        assert_eq!(padded_sample(&[5.0], -2, PadMode::Reflect), 5.0);
        assert_eq!(padded_sample(&s, -1, PadMode::Constant), 0.0);
    }

    #[test]
    fn frame_counts_match_librosa() {
        let c = StftConfig {
            hop_length: 512,
            ..StftConfig::new(2048)
        };
        assert_eq!(c.n_frames(0), 1);
        assert_eq!(c.n_frames(48_000), 94);
        assert_eq!(c.n_frames(48_512), 95);
        let odd = StftConfig {
            hop_length: 500,
            ..StftConfig::new(2047)
        };
        assert_eq!(odd.n_frames(0), 0);
        assert_eq!(odd.n_frames(1), 1);
        let uncentred = StftConfig { center: false, ..c };
        assert_eq!(uncentred.n_frames(2047), 0);
        assert_eq!(uncentred.n_frames(2048), 1);
        assert_eq!(uncentred.n_frames(2048 + 511), 1);
        assert_eq!(uncentred.n_frames(2048 + 512), 2);
    }

    #[test]
    fn parseval_for_a_dc_frame() {
        // A constant frame puts all its windowed energy in bin 0: (sum of window)^2 = (n/2)^2.
        let mut stft = Stft::new(StftConfig::new(64)).unwrap();
        let mut out = vec![0.0; 33];
        stft.power_of_frame(&[1.0; 64], &mut out);
        assert!((out[0] - 32.0 * 32.0).abs() < 1e-9);
        assert!(out[2..].iter().all(|&p| p < 1e-20));
    }

    #[test]
    fn short_window_is_centred() {
        let stft = Stft::new(StftConfig {
            win_length: 4,
            ..StftConfig::new(8)
        })
        .unwrap();
        let expected = [0.0, 0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0];
        assert!(stft
            .window()
            .iter()
            .zip(expected)
            .all(|(w, e)| (w - e).abs() < 1e-15));
    }
}
