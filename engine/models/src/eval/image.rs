//! Spectrogram comparison pictures (target | prediction), written with the `png` crate and a
//! small colormap, so no plotting library is needed.

use std::path::Path;

use anyhow::{Context, Result};
use wyrd_analysis::Spectrogram;

/// Dynamic range shown below the target's peak (mel-LSD's floor).
const RANGE_DB: f64 = 80.0;
const SCALE: usize = 2;
const GAP: usize = 4;

/// Magma-like stops from black through purple and orange to pale yellow.
const STOPS: [[f64; 3]; 5] = [
    [0.0, 0.0, 4.0],
    [81.0, 18.0, 124.0],
    [183.0, 55.0, 121.0],
    [252.0, 137.0, 97.0],
    [252.0, 253.0, 191.0],
];

pub fn color(t: f64) -> [u8; 3] {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    std::array::from_fn(|c| (STOPS[i][c] + f * (STOPS[i + 1][c] - STOPS[i][c])).round() as u8)
}

/// `target` and `pred` mel dB spectrograms side by side, low frequencies at the bottom, both
/// on the target's scale (its peak to 80 dB under it).
pub fn write_comparison(path: &Path, target: &Spectrogram, pred: &Spectrogram) -> Result<()> {
    let (frames, bins) = target.shape();
    let frames = frames.min(pred.n_frames());
    let width = (2 * frames + GAP) * SCALE;
    let height = bins * SCALE;
    let top = target.max();
    let mut rgb = vec![255u8; width * height * 3];
    for (side, spec) in [target, pred].into_iter().enumerate() {
        let x0 = side * (frames + GAP);
        for t in 0..frames {
            for b in 0..bins {
                let c = color((spec.get(t, b) - (top - RANGE_DB)) / RANGE_DB);
                for dy in 0..SCALE {
                    for dx in 0..SCALE {
                        let x = (x0 + t) * SCALE + dx;
                        let y = (bins - 1 - b) * SCALE + dy;
                        rgb[(y * width + x) * 3..][..3].copy_from_slice(&c);
                    }
                }
            }
        }
    }
    let file = std::fs::File::create(path)
        .with_context(|| format!("{}: cannot create", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()?.write_image_data(&rgb)?;
    Ok(())
}
