//! Mel scales and the triangular mel filterbank, computed as `librosa.filters.mel` does.

use crate::error::{invalid, AnalysisError};

/// Area normalisation of the mel filters (librosa's `norm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MelNorm {
    /// Peak 1 at each filter's centre.
    None,
    /// Each triangle divided by its width in Hz, so bands have equal area: librosa's default.
    #[default]
    Slaney,
}

// Slaney's Auditory Toolbox scale: linear to 1 kHz, logarithmic above.
const SLANEY_F_SP: f64 = 200.0 / 3.0;
const SLANEY_MIN_LOG_HZ: f64 = 1000.0;
const SLANEY_MIN_LOG_MEL: f64 = SLANEY_MIN_LOG_HZ / SLANEY_F_SP;

fn slaney_logstep() -> f64 {
    6.4f64.ln() / 27.0
}

/// `librosa.hz_to_mel`: HTK (`2595 log10(1 + f/700)`) or Slaney (the default).
pub fn hz_to_mel(hz: f64, htk: bool) -> f64 {
    if htk {
        2595.0 * (1.0 + hz / 700.0).log10()
    } else if hz >= SLANEY_MIN_LOG_HZ {
        SLANEY_MIN_LOG_MEL + (hz / SLANEY_MIN_LOG_HZ).ln() / slaney_logstep()
    } else {
        hz / SLANEY_F_SP
    }
}

/// `librosa.mel_to_hz`, the inverse of [`hz_to_mel`].
pub fn mel_to_hz(mel: f64, htk: bool) -> f64 {
    if htk {
        700.0 * (10f64.powf(mel / 2595.0) - 1.0)
    } else if mel >= SLANEY_MIN_LOG_MEL {
        SLANEY_MIN_LOG_HZ * (slaney_logstep() * (mel - SLANEY_MIN_LOG_MEL)).exp()
    } else {
        SLANEY_F_SP * mel
    }
}

/// `librosa.mel_frequencies`: `n` frequencies evenly spaced in mel from `fmin` to `fmax`.
pub fn mel_frequencies(n: usize, fmin: f64, fmax: f64, htk: bool) -> Vec<f64> {
    let lo = hz_to_mel(fmin, htk);
    let hi = hz_to_mel(fmax, htk);
    // np.linspace: start + i * step, with the end pinned exactly to `stop`.
    let step = if n > 1 {
        (hi - lo) / (n - 1) as f64
    } else {
        0.0
    };
    let mut mels: Vec<f64> = (0..n).map(|i| lo + i as f64 * step).collect();
    if n > 1 {
        mels[n - 1] = hi;
    }
    mels.into_iter().map(|m| mel_to_hz(m, htk)).collect()
}

/// `librosa.fft_frequencies` (`np.fft.rfftfreq`): centre frequency of each rfft bin.
pub fn fft_frequencies(sample_rate: f64, n_fft: usize) -> Vec<f64> {
    let val = 1.0 / (n_fft as f64 * (1.0 / sample_rate));
    (0..=n_fft / 2).map(|k| k as f64 * val).collect()
}

/// Mel filterbank stored sparsely: each triangle is non-zero over one contiguous run of
/// bins, so applying it costs about two multiply-adds per FFT bin instead of `n_mels`.
#[derive(Debug, Clone, PartialEq)]
pub struct MelFilterbank {
    n_bins: usize,
    /// First FFT bin of each band's run.
    starts: Vec<usize>,
    /// `weights[offsets[m]..offsets[m + 1]]` is band `m`'s run.
    offsets: Vec<usize>,
    weights: Vec<f64>,
    /// Band edges and centres in Hz (`n_mels + 2` points).
    edges_hz: Vec<f64>,
}

impl MelFilterbank {
    /// Same arguments and result as `librosa.filters.mel(sr=, n_fft=, n_mels=, fmin=, fmax=, htk=, norm=)`
    /// (computed in f64; librosa rounds its result to f32 by default).
    pub fn new(
        sample_rate: f64,
        n_fft: usize,
        n_mels: usize,
        fmin: f64,
        fmax: f64,
        htk: bool,
        norm: MelNorm,
    ) -> Result<Self, AnalysisError> {
        if !(sample_rate.is_finite() && sample_rate > 0.0) {
            return Err(invalid(format!(
                "sample rate {sample_rate} must be positive"
            )));
        }
        if n_fft == 0 || n_mels == 0 {
            return Err(invalid("n_fft and n_mels must be at least 1"));
        }
        if !(fmin.is_finite() && fmax.is_finite() && 0.0 <= fmin && fmin < fmax) {
            return Err(invalid(format!(
                "need 0 <= fmin < fmax, got fmin {fmin}, fmax {fmax}"
            )));
        }
        let fftfreqs = fft_frequencies(sample_rate, n_fft);
        let edges_hz = mel_frequencies(n_mels + 2, fmin, fmax, htk);
        let mut starts = Vec::with_capacity(n_mels);
        let mut offsets = Vec::with_capacity(n_mels + 1);
        let mut weights = Vec::new();
        offsets.push(0);
        for m in 0..n_mels {
            let (lo, centre, hi) = (edges_hz[m], edges_hz[m + 1], edges_hz[m + 2]);
            let scale = match norm {
                MelNorm::Slaney => 2.0 / (hi - lo),
                MelNorm::None => 1.0,
            };
            // The triangle is zero at and beyond its edges, so only bins strictly inside are
            // computed: O(bins) for the whole bank instead of O(bins * mels).
            let first = fftfreqs.partition_point(|&f| f <= lo);
            let end = fftfreqs.partition_point(|&f| f < hi).max(first);
            starts.push(first);
            weights.extend(fftfreqs[first..end].iter().map(|&f| {
                // Written as librosa does (ramps over the two neighbouring edge gaps) so the
                // values agree to rounding, not just in shape.
                let lower = -(lo - f) / (centre - lo);
                let upper = (hi - f) / (hi - centre);
                lower.min(upper).max(0.0) * scale
            }));
            offsets.push(weights.len());
        }
        Ok(MelFilterbank {
            n_bins: fftfreqs.len(),
            starts,
            offsets,
            weights,
            edges_hz,
        })
    }

    pub fn n_mels(&self) -> usize {
        self.starts.len()
    }

    /// FFT bins the filterbank expects (`n_fft / 2 + 1`).
    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// Band `m` as (first FFT bin, weights of the non-zero run).
    pub fn band(&self, m: usize) -> (usize, &[f64]) {
        (
            self.starts[m],
            &self.weights[self.offsets[m]..self.offsets[m + 1]],
        )
    }

    /// Centre frequency in Hz of each band.
    pub fn center_frequencies(&self) -> &[f64] {
        &self.edges_hz[1..self.edges_hz.len() - 1]
    }

    /// Dense `n_mels x n_bins` matrix, row-major, as librosa returns it.
    pub fn to_dense(&self) -> Vec<f64> {
        let mut dense = vec![0.0; self.n_mels() * self.n_bins];
        for m in 0..self.n_mels() {
            let (start, w) = self.band(m);
            dense[m * self.n_bins + start..][..w.len()].copy_from_slice(w);
        }
        dense
    }

    /// `out[m] = sum_k W[m, k] * spectrum[k]` for one frame.
    pub fn apply(&self, spectrum: &[f64], out: &mut [f64]) {
        debug_assert_eq!(spectrum.len(), self.n_bins);
        for (m, o) in out.iter_mut().enumerate().take(self.n_mels()) {
            let (start, w) = self.band(m);
            *o = w.iter().zip(&spectrum[start..]).map(|(a, b)| a * b).sum();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_round_trip() {
        for hz in [0.0, 50.0, 999.0, 1000.0, 1001.0, 4000.0, 24_000.0] {
            for htk in [false, true] {
                let back = mel_to_hz(hz_to_mel(hz, htk), htk);
                assert!(
                    (back - hz).abs() < 1e-9 * hz.max(1.0),
                    "{hz} {htk} -> {back}"
                );
            }
        }
        // Slaney: 1 kHz is 15 mel; HTK: 1 kHz is ~1000 mel by construction.
        assert!((hz_to_mel(1000.0, false) - 15.0).abs() < 1e-12);
        assert!((hz_to_mel(1000.0, true) - 999.9855).abs() < 1e-3);
    }

    #[test]
    fn linspace_endpoints_are_exact() {
        let f = mel_frequencies(130, 0.0, 24_000.0, false);
        assert_eq!(f[0], 0.0);
        assert!((f[129] - 24_000.0).abs() < 1e-9);
    }

    #[test]
    fn unnormalised_triangles_peak_below_one() {
        let fb =
            MelFilterbank::new(48_000.0, 2048, 128, 0.0, 24_000.0, false, MelNorm::None).unwrap();
        for m in 0..fb.n_mels() {
            let (_, w) = fb.band(m);
            let peak = w.iter().copied().fold(0.0, f64::max);
            assert!(peak <= 1.0 && peak > 0.0, "band {m} peak {peak}");
        }
    }

    #[test]
    fn rejects_bad_ranges() {
        assert!(
            MelFilterbank::new(48_000.0, 2048, 128, 100.0, 100.0, false, MelNorm::Slaney).is_err()
        );
        assert!(MelFilterbank::new(0.0, 2048, 128, 0.0, 100.0, false, MelNorm::Slaney).is_err());
        assert!(MelFilterbank::new(48_000.0, 2048, 0, 0.0, 100.0, false, MelNorm::Slaney).is_err());
    }
}
