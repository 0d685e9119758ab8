//! Parity with librosa (>= 0.10; fixtures made with the version in `fixtures/VERSIONS.txt`)
//! on fixtures from `tools/make_fixtures.py`. MFCCs are in `mfcc_parity.rs`.

mod common;

use common::{max_rel_error, read_npy, read_signal, signal_names};
use wyrd_analysis::{
    mel_lsd, rms, spectral_centroid, spectral_flatness, MelAnalyzer, MelConfig, MelFilterbank,
    MelLsd, MelNorm, PadMode, RmsConfig, SpectralConfig, Spectrogram, StftConfig,
};

const DB_TOLERANCE: f64 = 0.05;
const LSD_TOLERANCE: f64 = 0.01;
/// Per-frame RMS and centroid: relative error, against `max(|librosa|, floor)`.
const SCALAR_REL_TOLERANCE: f64 = 1e-9;
/// Flatness is a geometric mean, dominated by the weakest bins, whose FFT rounding is large
/// relative to themselves (measured ~2e-9 with power 1, ~6e-12 with power 2).
const FLATNESS_REL_TOLERANCE: f64 = 1e-7;

fn mel_db(signal: &[f32], cfg: MelConfig) -> Spectrogram {
    let mut power = MelAnalyzer::new(cfg).unwrap().power(signal);
    for v in power.as_mut_slice() {
        *v = 10.0 * v.max(1e-10).log10();
    }
    power
}

/// Largest |dB difference| over the bins librosa puts above its own peak - 80 dB.
fn max_db_diff(ours: &Spectrogram, fixture: &str) -> f64 {
    let theirs = read_npy(fixture);
    assert_eq!(
        theirs.shape,
        [ours.n_frames(), ours.n_bins()],
        "{fixture}: shape"
    );
    let floor = theirs
        .data
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        - 80.0;
    ours.as_slice()
        .iter()
        .zip(&theirs.data)
        .filter(|(_, &t)| t > floor)
        .map(|(o, t)| (o - t).abs())
        .fold(0.0, f64::max)
}

#[test]
fn mel_db_matches_librosa_frame_for_frame() {
    for name in signal_names() {
        let ours = mel_db(&read_signal(&name), MelConfig::new(48_000));
        let diff = max_db_diff(&ours, &format!("mel_db_{name}.npy"));
        eprintln!("{name}: max |dB diff| {diff:.2e}");
        assert!(diff < DB_TOLERANCE, "{name}: {diff} dB");
    }
}

#[test]
fn reflect_padding_matches_librosa() {
    let cfg = MelConfig {
        pad_mode: PadMode::Reflect,
        ..MelConfig::new(48_000)
    };
    let diff = max_db_diff(
        &mel_db(&read_signal("chirp"), cfg),
        "mel_db_reflect_chirp.npy",
    );
    assert!(diff < DB_TOLERANCE, "{diff} dB");
}

#[test]
fn other_sample_rate_matches_librosa() {
    let diff = max_db_diff(
        &mel_db(&read_signal("chirp"), MelConfig::new(44_100)),
        "mel_db_sr44100_chirp.npy",
    );
    assert!(diff < DB_TOLERANCE, "{diff} dB");
}

#[test]
fn mel_lsd_matches_librosa_for_every_pair() {
    let names = signal_names();
    let expected = read_npy("mel_lsd.npy");
    assert_eq!(expected.shape, [names.len(), names.len()]);
    let signals: Vec<Vec<f32>> = names.iter().map(|n| read_signal(n)).collect();
    let mut worst = 0.0f64;
    for (i, a) in signals.iter().enumerate() {
        for (j, b) in signals.iter().enumerate() {
            let want = expected.data[i * names.len() + j];
            let got = mel_lsd(a, b, 48_000);
            worst = worst.max((got - want).abs());
            assert!(
                (got - want).abs() < LSD_TOLERANCE,
                "{} vs {}: {got} != {want}",
                names[i],
                names[j]
            );
        }
    }
    eprintln!("max |mel-LSD diff| {worst:.2e}");
}

#[test]
fn mel_lsd_at_44100_matches_librosa() {
    let want = read_npy("mel_lsd_sr44100_chirp_noise.npy").data[0];
    let got = MelLsd::new(44_100)
        .unwrap()
        .distance(&read_signal("chirp"), &read_signal("noise"))
        .unwrap();
    assert!((got - want).abs() < LSD_TOLERANCE, "{got} != {want}");
}

fn assert_filterbank(fb: &MelFilterbank, fixture: &str) {
    let theirs = read_npy(fixture);
    assert_eq!(theirs.shape, [fb.n_mels(), fb.n_bins()], "{fixture}: shape");
    let scale = theirs.data.iter().copied().fold(0.0, f64::max);
    let worst = fb
        .to_dense()
        .iter()
        .zip(&theirs.data)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(
        worst <= 1e-12 * scale,
        "{fixture}: max diff {worst:e} (peak {scale})"
    );
}

#[test]
fn slaney_filterbank_matches_librosa() {
    let fb = MelFilterbank::new(22_050.0, 512, 40, 0.0, 11_025.0, false, MelNorm::Slaney).unwrap();
    assert_filterbank(&fb, "filterbank_slaney_22050_512_40.npy");
}

#[test]
fn htk_unnormalised_filterbank_matches_librosa() {
    let fb = MelFilterbank::new(16_000.0, 512, 40, 50.0, 7000.0, true, MelNorm::None).unwrap();
    assert_filterbank(&fb, "filterbank_htk_none_16000_512_40_50_7000.npy");
}

fn check_scalar(ours: &[f64], fixture: &str, floor: f64) {
    let tolerance = if fixture.starts_with("flatness") {
        FLATNESS_REL_TOLERANCE
    } else {
        SCALAR_REL_TOLERANCE
    };
    let err = max_rel_error(ours, fixture, floor);
    eprintln!("{fixture}: max relative error {err:.2e}");
    assert!(err <= tolerance, "{fixture}: {err:e}");
}

#[test]
fn rms_centroid_and_flatness_match_librosa() {
    let spectral = SpectralConfig::new(48_000);
    for name in signal_names() {
        let x = read_signal(&name);
        check_scalar(
            &rms(&x, &RmsConfig::default()).unwrap(),
            &format!("rms_{name}.npy"),
            1e-12,
        );
        check_scalar(
            &spectral_centroid(&x, &spectral).unwrap(),
            &format!("centroid_{name}.npy"),
            1e-9,
        );
        check_scalar(
            &spectral_flatness(&x, &spectral).unwrap(),
            &format!("flatness_{name}.npy"),
            1e-12,
        );
    }
}

#[test]
fn non_default_spectral_features_match_librosa() {
    // The fixtures' SPECTRAL_CUSTOM and FLATNESS_CUSTOM.
    let x = read_signal("chirp");
    let stft = StftConfig {
        n_fft: 1024,
        hop_length: 256,
        win_length: 800,
        center: true,
        pad_mode: PadMode::Reflect,
    };
    let framing = RmsConfig::from_stft(&stft);
    check_scalar(&rms(&x, &framing).unwrap(), "rms_custom_chirp.npy", 1e-12);
    let uncentred = RmsConfig {
        center: false,
        pad_mode: PadMode::Constant,
        ..framing
    };
    check_scalar(
        &rms(&x, &uncentred).unwrap(),
        "rms_uncentred_chirp.npy",
        1e-12,
    );
    let cfg = SpectralConfig {
        stft,
        flatness_amin: 1e-8,
        flatness_power: 1.0,
        ..SpectralConfig::new(48_000)
    };
    check_scalar(
        &spectral_centroid(&x, &cfg).unwrap(),
        "centroid_custom_chirp.npy",
        1e-9,
    );
    check_scalar(
        &spectral_flatness(&x, &cfg).unwrap(),
        "flatness_custom_chirp.npy",
        1e-12,
    );
}
