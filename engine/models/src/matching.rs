//! Preparing a recording for the note matcher (`wyrd match`): one note, from its onset, at the
//! dataset's sample rate and length, and its pitch when not given.

use anyhow::{bail, Result};
use wyrd_analysis::pitch::{track, PitchConfig};
use wyrd_dataset::ItemSpec;

/// Shortest note accepted, seconds from the onset: shorter and the features would be mostly
/// padding, and the match meaningless.
pub const MIN_SECONDS: f64 = 0.3;
/// Peak below which a recording counts as silent (−60 dBFS).
pub const SILENCE: f32 = 1e-3;

/// Energy onset: the first 5 ms block whose RMS reaches a tenth (−20 dB) of the loudest
/// block's. Relative to the recording's own level, so a quiet take works too; the block
/// start is then refined back to the first sample above a tenth of the peak in that block.
pub fn onset(audio: &[f32], sample_rate: u32) -> Option<usize> {
    let block = (sample_rate as usize / 200).max(1);
    let rms: Vec<f32> = audio
        .chunks(block)
        .map(|b| (b.iter().map(|s| s * s).sum::<f32>() / b.len() as f32).sqrt())
        .collect();
    let loudest = rms.iter().copied().fold(0.0f32, f32::max);
    if loudest <= 0.0 {
        return None;
    }
    let first = rms.iter().position(|&r| r >= 0.1 * loudest)?;
    let start = first * block;
    let chunk = &audio[start..(start + block).min(audio.len())];
    let peak = chunk.iter().fold(0.0f32, |a, s| a.max(s.abs()));
    let within = chunk
        .iter()
        .position(|s| s.abs() >= 0.1 * peak)
        .unwrap_or(0);
    Some(start + within)
}

/// The note to match: `spec.frames()` samples from the onset, padded with silence. Errors for
/// silence and for less than [`MIN_SECONDS`] of sound after the onset.
pub fn prepare(audio: &[f32], spec: &ItemSpec) -> Result<Vec<f32>> {
    if audio.iter().any(|s| !s.is_finite()) {
        bail!("the recording has NaN or infinite samples");
    }
    let peak = audio.iter().fold(0.0f32, |a, s| a.max(s.abs()));
    if peak < SILENCE {
        bail!(
            "the recording is silent (peak {:.1} dBFS, below -60 dBFS)",
            20.0 * f64::from(peak.max(1e-12)).log10()
        );
    }
    let start = onset(audio, spec.sample_rate).unwrap_or(0);
    let rest = &audio[start..];
    // The sound must last: count up to the last sample above the silence level.
    let sounding = rest
        .iter()
        .rposition(|s| s.abs() >= SILENCE)
        .map_or(0, |i| i + 1);
    let min = (MIN_SECONDS * f64::from(spec.sample_rate)) as usize;
    if sounding < min {
        bail!(
            "the note is too short: {:.2} s from its onset, at least {MIN_SECONDS} s needed",
            sounding as f64 / f64::from(spec.sample_rate)
        );
    }
    let mut note = rest[..rest.len().min(spec.frames())].to_vec();
    note.resize(spec.frames(), 0.0);
    Ok(note)
}

/// The MIDI note of `audio` (median of the voiced estimates in its first second, rounded).
pub fn detect_note(audio: &[f32], sample_rate: u32) -> Result<u8> {
    let cfg = PitchConfig::new(sample_rate);
    let part = &audio[..audio.len().min(sample_rate as usize)];
    let mut notes: Vec<f64> = track(part, &cfg)?.iter().filter_map(|e| e.midi()).collect();
    if notes.len() < 3 {
        bail!("no clear pitch found in the note (unvoiced or noisy); give --note");
    }
    notes.sort_by(f64::total_cmp);
    let m = notes[notes.len() / 2].round();
    if !(0.0..=127.0).contains(&m) {
        bail!("pitch out of the MIDI range; give --note");
    }
    Ok(m as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f32, start: usize, len: usize, total: usize) -> Vec<f32> {
        let mut a = vec![0.0; total];
        for (i, s) in a[start..start + len].iter_mut().enumerate() {
            *s = 0.5 * (2.0 * std::f32::consts::PI * hz * i as f32 / 48_000.0).sin();
        }
        a
    }

    #[test]
    fn the_onset_pitch_and_length_are_found() {
        let a = tone(261.63, 10_000, 48_000, 100_000);
        let o = onset(&a, 48_000).unwrap();
        assert!((10_000..10_100).contains(&o), "{o}");
        let spec = ItemSpec::default();
        let note = prepare(&a, &spec).unwrap();
        assert_eq!(note.len(), 72_000);
        assert_eq!(detect_note(&note, 48_000).unwrap(), 60);
    }

    #[test]
    fn silence_and_short_notes_are_refused() {
        let spec = ItemSpec::default();
        let e = prepare(&[0.0; 48_000], &spec).unwrap_err().to_string();
        assert!(e.contains("silent"), "{e}");
        let e = prepare(&tone(440.0, 100, 4800, 48_000), &spec)
            .unwrap_err()
            .to_string();
        assert!(e.contains("too short"), "{e}");
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let noise: Vec<f32> = (0..48_000).map(|_| rng.gen_range(-0.5..0.5)).collect();
        assert!(detect_note(&noise, 48_000)
            .unwrap_err()
            .to_string()
            .contains("give --note"));
    }
}
