//! Decibel conversion as `librosa.power_to_db`.

use rayon::prelude::*;

use crate::error::{invalid, AnalysisError};

/// What 0 dB means (librosa's `ref`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DbRef {
    /// A fixed power; `Value(1.0)` gives absolute dB.
    Value(f64),
    /// The largest value being converted (`ref=np.max`), so the peak becomes 0 dB.
    Max,
}

/// librosa's default `amin`: powers below it read as -100 dB, so silence stays finite.
pub const DEFAULT_AMIN: f64 = 1e-10;

/// `10 log10(max(power, amin))`.
pub fn power_to_db_value(power: f64, amin: f64) -> f64 {
    10.0 * power.max(amin).log10()
}

/// In-place `librosa.power_to_db(S, ref=, amin=, top_db=)` over all of `values`
/// (a whole spectrogram, since both `DbRef::Max` and `top_db` look at its global maximum).
pub fn power_to_db(
    values: &mut [f64],
    reference: DbRef,
    amin: f64,
    top_db: Option<f64>,
) -> Result<(), AnalysisError> {
    if amin.is_nan() || amin <= 0.0 {
        return Err(invalid(format!("amin {amin} must be positive")));
    }
    if let Some(t) = top_db {
        if t.is_nan() || t < 0.0 {
            return Err(invalid(format!("top_db {t} must be non-negative")));
        }
    }
    let ref_power = match reference {
        DbRef::Value(v) => v.abs(),
        DbRef::Max => values
            .par_iter()
            .copied()
            .reduce(|| f64::NEG_INFINITY, f64::max),
    };
    let offset = power_to_db_value(ref_power, amin);
    // A log per value is most of a long clip's dB conversion; chunks go to all cores.
    let peak = values
        .par_chunks_mut(CHUNK)
        .map(|chunk| {
            let mut peak = f64::NEG_INFINITY;
            for v in chunk {
                *v = power_to_db_value(*v, amin) - offset;
                peak = peak.max(*v);
            }
            peak
        })
        .reduce(|| f64::NEG_INFINITY, f64::max);
    if let Some(t) = top_db {
        values
            .par_chunks_mut(CHUNK)
            .for_each(|chunk| floor_db(chunk, peak - t));
    }
    Ok(())
}

/// Values per parallel task.
const CHUNK: usize = 1 << 15;

/// Raises every value below `floor` to it.
pub fn floor_db(values: &mut [f64], floor: f64) {
    for v in values {
        *v = v.max(floor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_librosa_semantics() {
        let mut v = vec![1.0, 0.1, 1e-12, 100.0];
        power_to_db(&mut v, DbRef::Value(1.0), DEFAULT_AMIN, None).unwrap();
        let expected = [0.0, -10.0, -100.0, 20.0];
        assert!(
            v.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12),
            "{v:?}"
        );

        let mut v = vec![1.0, 0.1, 1e-12, 100.0];
        power_to_db(&mut v, DbRef::Max, DEFAULT_AMIN, Some(80.0)).unwrap();
        let expected = [-20.0, -30.0, -80.0, 0.0];
        assert!(
            v.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12),
            "{v:?}"
        );
    }

    #[test]
    fn rejects_what_librosa_rejects() {
        assert!(power_to_db(&mut [1.0], DbRef::Max, 0.0, None).is_err());
        assert!(power_to_db(&mut [1.0], DbRef::Max, 1e-10, Some(-1.0)).is_err());
    }
}
