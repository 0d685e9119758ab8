//! Measurements on recordings that tests and benches share.

use wyrd_analysis::melspec::{mel_spectrogram, MelConfig};
use wyrd_analysis::pitch::{track, PitchConfig};

/// Start frames of sounds that begin after at least `gap` frames of exact silence: note
/// onsets of a patch whose notes end in digital silence.
pub fn onsets(x: &[f32], gap: usize) -> Vec<usize> {
    let mut out = vec![];
    let mut quiet = gap;
    for (i, &s) in x.iter().enumerate() {
        if s != 0.0 {
            if quiet >= gap {
                out.push(i);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    out
}

/// Mean mel spectrum (dB, 40 bands) of a stretch of audio at `sample_rate`.
pub fn mean_mel_db(x: &[f32], sample_rate: u32) -> Vec<f64> {
    let mut c = MelConfig::new(sample_rate);
    c.n_mels = 40;
    let s = mel_spectrogram(x, &c).expect("a valid mel config and finite audio");
    let n = s.n_frames() as f64;
    (0..s.n_bins())
        .map(|b| {
            10.0 * (s.frames().map(|f| f[b]).sum::<f64>() / n)
                .max(1e-10)
                .log10()
        })
        .collect()
}

/// How far apart two sounds' mean mel spectra are: mean absolute difference, dB. A coarse
/// "did the timbre change" measure, blind to timing.
pub fn spectral_change(a: &[f32], b: &[f32], sample_rate: u32) -> f64 {
    let (a, b) = (mean_mel_db(a, sample_rate), mean_mel_db(b, sample_rate));
    a.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum::<f64>() / a.len() as f64
}

/// Median pitch (Hz) of the voiced frames of a stretch of audio; panics when fewer than four
/// frames are voiced, since a test asking for a pitch expects one.
pub fn median_pitch(x: &[f32], sample_rate: u32) -> f64 {
    let mut hz: Vec<f64> = track(x, &PitchConfig::new(sample_rate))
        .unwrap()
        .into_iter()
        .filter(|e| e.is_voiced())
        .map(|e| e.hz)
        .collect();
    assert!(hz.len() > 3, "no pitch found");
    hz.sort_by(f64::total_cmp);
    hz[hz.len() / 2]
}

#[cfg(test)]
mod tests {
    #[test]
    fn onsets_need_the_gap_before_them() {
        let x = [0.0, 0.5, 0.0, 0.2, 0.0, 0.0, 0.0, 0.1, 0.3];
        assert_eq!(super::onsets(&x, 3), vec![1, 7]);
        assert_eq!(super::onsets(&x, 1), vec![1, 3, 7]);
    }
}
