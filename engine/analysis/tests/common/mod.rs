//! Fixture loading shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// An array read from a `.npy` file: its shape and values (widened to f64).
pub struct Npy {
    pub shape: Vec<usize>,
    pub data: Vec<f64>,
}

/// Reads the little-endian float32/float64, C-order `.npy` files `make_fixtures.py` writes.
/// A reader this small avoids a dependency for the one format the fixtures use.
pub fn read_npy(name: &str) -> Npy {
    let path = fixture_path(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[..6], b"\x93NUMPY", "{name}: not a .npy file");
    let (header_len, header_start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        _ => (
            u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize,
            12,
        ),
    };
    let header = std::str::from_utf8(&bytes[header_start..header_start + header_len]).unwrap();
    assert!(
        header.contains("'fortran_order': False"),
        "{name}: {header}"
    );
    let descr = header
        .split("'descr':")
        .nth(1)
        .unwrap()
        .split('\'')
        .nth(1)
        .unwrap();
    let shape_text = header
        .split("'shape': (")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    let shape: Vec<usize> = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    let body = &bytes[header_start + header_len..];
    let data: Vec<f64> = match descr {
        "<f4" => body
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap())))
            .collect(),
        "<f8" => body
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect(),
        other => panic!("{name}: unsupported dtype {other}"),
    };
    assert_eq!(
        data.len(),
        shape.iter().product::<usize>(),
        "{name}: size does not match shape"
    );
    Npy { shape, data }
}

pub fn read_signal(name: &str) -> Vec<f32> {
    read_npy(&format!("signal_{name}.npy"))
        .data
        .iter()
        .map(|&x| x as f32)
        .collect()
}

pub fn signal_names() -> Vec<String> {
    std::fs::read_to_string(fixture_path("names.txt"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Worst MFCC error against a librosa fixture, relative per coefficient to
/// `max(|b|, frame RMS of b)`: the coefficient's own size, but never less than the typical
/// size of its frame's coefficients, so near-zero coefficients (a DCT of a nearly flat
/// spectrum) are judged on the frame's scale rather than demanding ever more digits.
pub fn max_mfcc_rel_error(ours: &[f64], n_frames: usize, fixture: &str) -> f64 {
    let theirs = read_npy(fixture);
    assert_eq!(theirs.shape.len(), 2, "{fixture}: not a matrix");
    assert_eq!(theirs.shape[0], n_frames, "{fixture}: frame count");
    assert_eq!(ours.len(), theirs.data.len(), "{fixture}: size");
    let n = theirs.shape[1];
    ours.chunks_exact(n)
        .zip(theirs.data.chunks_exact(n))
        .map(|(a, b)| {
            let scale = (b.iter().map(|v| v * v).sum::<f64>() / n as f64).sqrt();
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs() / y.abs().max(scale).max(f64::MIN_POSITIVE))
                .fold(0.0, worse)
        })
        .fold(0.0, worse)
}

/// Worst `|a - b|` over all cells, for same-shaped arrays.
pub fn max_abs_error(ours: &[f64], fixture: &str) -> f64 {
    let theirs = read_npy(fixture);
    assert_eq!(ours.len(), theirs.data.len(), "{fixture}: size");
    ours.iter()
        .zip(&theirs.data)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, worse)
}

/// Worst `|a - b| / max(|b|, floor)` for per-frame scalars.
pub fn max_rel_error(ours: &[f64], fixture: &str, floor: f64) -> f64 {
    let theirs = read_npy(fixture);
    assert_eq!(theirs.shape, [ours.len()], "{fixture}: frame count");
    ours.iter()
        .zip(&theirs.data)
        .map(|(a, b)| (a - b).abs() / b.abs().max(floor).max(f64::MIN_POSITIVE))
        .fold(0.0, worse)
}

/// `f64::max` that lets NaN through, so an error that is NaN fails the test instead of vanishing.
pub fn worse(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}
