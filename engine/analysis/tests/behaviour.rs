//! Properties mel-LSD must have whatever librosa does.

mod common;

use std::f32::consts::PI;

use common::{read_signal, signal_names};
use wyrd_analysis::{
    mel_lsd, mel_spectrogram, try_mel_lsd, AnalysisError, MelConfig, MelFilterbank, MelLsd, MelNorm,
};

const SR: u32 = 48_000;

fn sine(freq: f32, amp: f32, len: usize) -> Vec<f32> {
    (0..len)
        .map(|i| amp * (2.0 * PI * freq * i as f32 / SR as f32).sin())
        .collect()
}

/// Deterministic white noise in [-0.5, 0.5) (xorshift; no dependency needed).
fn noise(seed: u64, len: usize) -> Vec<f32> {
    let mut s = seed.max(1);
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        })
        .collect()
}

fn gain(x: &[f32], g: f32) -> Vec<f32> {
    x.iter().map(|v| v * g).collect()
}

#[test]
fn identical_signals_are_zero_apart() {
    for name in signal_names() {
        let x = read_signal(&name);
        assert_eq!(mel_lsd(&x, &x, SR), 0.0, "{name}");
    }
    let silence = vec![0.0; 10_000];
    assert_eq!(mel_lsd(&silence, &silence, SR), 0.0);
}

#[test]
fn longer_signal_is_cut_to_the_shorter() {
    let x = noise(7, 30_000);
    let mut longer = x.clone();
    longer.extend(sine(1000.0, 0.9, 20_000));
    assert_eq!(mel_lsd(&x, &longer, SR), 0.0);
    assert_eq!(mel_lsd(&longer, &x, SR), 0.0);
}

#[test]
fn swapping_signals_of_similar_level_barely_matters() {
    // Not symmetric by definition (the floor comes from the reference), but with similar
    // peak levels the floor hardly bites.
    let (a, b) = (noise(1, SR as usize), noise(2, SR as usize));
    let (ab, ba) = (mel_lsd(&a, &b, SR), mel_lsd(&b, &a, SR));
    assert!(ab > 1.0 && (ab - ba).abs() < 0.01 * ab, "{ab} vs {ba}");
    let (c, d) = (read_signal("sine440"), read_signal("chirp"));
    let (cd, dc) = (mel_lsd(&c, &d, SR), mel_lsd(&d, &c, SR));
    assert!(cd > 1.0 && (cd - dc).abs() < 0.01 * cd, "{cd} vs {dc}");
}

#[test]
fn gain_change_reads_as_its_decibels() {
    // White noise keeps every mel bin far above the floor, so each differs by exactly the gain.
    let x = noise(3, 4 * SR as usize);
    let six = 20.0 * 2f64.log10();
    for (reference, other) in [
        (x.clone(), gain(&x, 2.0)),
        (x.clone(), gain(&x, 0.5)),
        (gain(&x, 0.5), x.clone()),
    ] {
        let d = mel_lsd(&reference, &other, SR);
        assert!((d - six).abs() < 1e-6, "{d} vs {six}");
    }
    // A sine has bins at the floor, which clamping keeps from differing by the full gain.
    let s = sine(440.0, 0.5, SR as usize);
    let d = mel_lsd(&s, &gain(&s, 2.0), SR);
    assert!(d > 1.0 && d <= six + 1e-9, "{d}");
}

#[test]
fn sine_energy_lands_in_its_mel_band() {
    let cfg = MelConfig::new(SR);
    let fb = MelFilterbank::new(
        f64::from(SR),
        cfg.n_fft,
        cfg.n_mels,
        0.0,
        cfg.fmax_hz(),
        false,
        MelNorm::Slaney,
    )
    .unwrap();
    for band in [12, 40, 64, 100, 120] {
        let centre = fb.center_frequencies()[band];
        let mel = mel_spectrogram(&sine(centre as f32, 0.5, SR as usize), &cfg).unwrap();
        let mut per_band = vec![0.0; mel.n_bins()];
        for frame in mel.frames() {
            per_band
                .iter_mut()
                .zip(frame)
                .for_each(|(acc, p)| *acc += p);
        }
        let loudest = (0..per_band.len())
            .max_by(|&a, &b| per_band[a].total_cmp(&per_band[b]))
            .unwrap();
        assert_eq!(loudest, band, "sine at {centre:.1} Hz");
        // The Hann main lobe (+-2 FFT bins) spans more than one of the ~32 Hz-wide low bands,
        // so allow two neighbours each side; beyond them is sidelobe leakage, 30 dB down.
        let total: f64 = per_band.iter().sum();
        let near: f64 = per_band[band - 2..=band + 2].iter().sum();
        assert!(
            total - near < 1e-3 * total,
            "{centre:.1} Hz: {:.2e} outside",
            (total - near) / total
        );
    }
}

#[test]
fn spectrogram_shape_follows_librosa() {
    let mel = mel_spectrogram(&vec![0.0; 48_000], &MelConfig::new(SR)).unwrap();
    assert_eq!(mel.shape(), (94, 128));
    assert_eq!(mel.to_nested_f32().len(), 94);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let x = sine(440.0, 0.5, 4800);
    assert_eq!(try_mel_lsd(&[], &x, SR), Err(AnalysisError::Empty));
    assert_eq!(try_mel_lsd(&x, &[], SR), Err(AnalysisError::Empty));
    assert!(mel_lsd(&[], &[], SR).is_nan());

    let mut broken = x.clone();
    broken[100] = f32::NAN;
    assert_eq!(
        try_mel_lsd(&x, &broken, SR),
        Err(AnalysisError::NonFinite { index: 100 })
    );
    broken[100] = f32::INFINITY;
    assert!(mel_lsd(&broken, &x, SR).is_nan());

    assert!(matches!(
        try_mel_lsd(&x, &x, 0),
        Err(AnalysisError::InvalidConfig(_))
    ));
    assert!(mel_lsd(&x, &x, 0).is_nan());
}

#[test]
fn single_sample_and_other_rates_work() {
    assert_eq!(mel_lsd(&[0.5], &[0.5], SR), 0.0);
    assert!(mel_lsd(&[0.5], &[-0.25], SR).is_finite());
    for sr in [8_000, 22_050, 44_100, 96_000] {
        let d = mel_lsd(&noise(4, 20_000), &noise(5, 20_000), sr);
        assert!(d.is_finite() && d > 0.0, "{sr}: {d}");
    }
}

#[test]
fn reused_analyser_gives_the_same_answers() {
    let (a, b) = (read_signal("saw_decay"), read_signal("chirp"));
    let mut lsd = MelLsd::new(SR).unwrap();
    let first = lsd.distance(&a, &b).unwrap();
    assert_eq!(lsd.distance(&b, &b).unwrap(), 0.0);
    assert_eq!(lsd.distance(&a, &b).unwrap(), first);
    assert_eq!(mel_lsd(&a, &b, SR), first);
}
