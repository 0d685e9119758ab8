//! Orthonormal DCT-II, as `scipy.fft.dct(x, type=2, norm="ortho")[:n_out]`, the transform
//! `librosa.feature.mfcc` applies.

use std::f64::consts::PI;

use crate::error::{invalid, AnalysisError};

/// A truncated orthonormal DCT-II held as an `n_out x n_in` matrix.
///
/// MFCCs keep a few coefficients of a short vector (20 of 128 mel bands), where a direct
/// matrix product is cheaper than an FFT-based transform and needs no scratch space, so
/// [`Dct::apply`] can run in a real-time callback.
#[derive(Debug, Clone, PartialEq)]
pub struct Dct {
    n_in: usize,
    n_out: usize,
    /// Row-major: `matrix[k * n_in + n]` is the weight of input `n` in coefficient `k`.
    matrix: Vec<f64>,
}

impl Dct {
    /// `y[k] = s_k * sum_n x[n] cos(pi k (2n + 1) / (2 n_in))` for `k < n_out`, with
    /// `s_0 = sqrt(1 / n_in)` and `s_k = sqrt(2 / n_in)` otherwise.
    pub fn new(n_in: usize, n_out: usize) -> Result<Self, AnalysisError> {
        if n_in == 0 || n_out == 0 || n_out > n_in {
            return Err(invalid(format!(
                "DCT needs 1 <= n_out <= n_in, got n_in {n_in}, n_out {n_out}"
            )));
        }
        let period = 4 * n_in;
        let mut matrix = Vec::with_capacity(n_out * n_in);
        for k in 0..n_out {
            let scale = if k == 0 {
                (1.0 / n_in as f64).sqrt()
            } else {
                (2.0 / n_in as f64).sqrt()
            };
            for n in 0..n_in {
                // Reducing the angle's numerator modulo the cosine's period in integers keeps
                // the argument small, so high coefficients lose no accuracy to a huge angle.
                let m = (k * (2 * n + 1)) % period;
                matrix.push(scale * (PI * m as f64 / (2 * n_in) as f64).cos());
            }
        }
        Ok(Dct {
            n_in,
            n_out,
            matrix,
        })
    }

    pub fn n_in(&self) -> usize {
        self.n_in
    }

    pub fn n_out(&self) -> usize {
        self.n_out
    }

    /// Writes the first `n_out` coefficients of `input` (`n_in` values) to `out`.
    /// Mismatched lengths are a caller bug: checked in debug builds, and in release only the
    /// overlapping part is written.
    pub fn apply(&self, input: &[f64], out: &mut [f64]) {
        debug_assert_eq!(input.len(), self.n_in);
        debug_assert_eq!(out.len(), self.n_out);
        for (o, row) in out.iter_mut().zip(self.matrix.chunks_exact(self.n_in)) {
            *o = row.iter().zip(input).map(|(w, x)| w * x).sum();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_orthonormal() {
        let dct = Dct::new(12, 12).unwrap();
        for a in 0..12 {
            for b in 0..12 {
                let dot: f64 = (0..12)
                    .map(|n| dct.matrix[a * 12 + n] * dct.matrix[b * 12 + n])
                    .sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-13, "rows {a}, {b}: {dot}");
            }
        }
    }

    #[test]
    fn constant_input_is_all_dc() {
        let dct = Dct::new(8, 4).unwrap();
        let mut out = [1.0; 4];
        dct.apply(&[2.0; 8], &mut out);
        // Orthonormal: the DC coefficient of a constant c over n points is c * sqrt(n).
        assert!((out[0] - 2.0 * 8f64.sqrt()).abs() < 1e-12);
        assert!(out[1..].iter().all(|v| v.abs() < 1e-12), "{out:?}");
    }

    #[test]
    fn matches_scipy_on_a_small_vector() {
        // scipy.fft.dct([1., 2., 0., -1.], norm="ortho")
        let want = [1.0, 1.84775907, -1.0, -0.76536686];
        let dct = Dct::new(4, 4).unwrap();
        let mut out = [0.0; 4];
        dct.apply(&[1.0, 2.0, 0.0, -1.0], &mut out);
        for (o, w) in out.iter().zip(want) {
            assert!((o - w).abs() < 1e-7, "{out:?}");
        }
    }

    #[test]
    fn rejects_bad_sizes() {
        assert!(Dct::new(0, 0).is_err());
        assert!(Dct::new(4, 0).is_err());
        assert!(Dct::new(4, 5).is_err());
    }
}
