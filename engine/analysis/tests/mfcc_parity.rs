//! MFCC, mel dB (with `top_db`) and MFCC-MAE parity with librosa (>= 0.10) on fixtures from
//! `tools/make_fixtures.py`, on every fixture signal including the wyrd render.
//!
//! Tolerances: mel dB within 0.05 dB in every cell (floored ones included); each MFCC within
//! 1e-3 relative, `|a - b| <= 1e-3 * max(|b|, RMS of librosa's coefficients in that frame)`.

mod common;

use common::{max_abs_error, max_mfcc_rel_error, read_npy, read_signal, signal_names, worse};
use wyrd_analysis::{
    mfcc, mfcc_mae, try_mfcc_mae, AnalysisError, MelConfig, MelNorm, MfccAnalyzer, MfccConfig,
    MfccMae, PadMode,
};

const DB_TOLERANCE: f64 = 0.05;
const MFCC_REL_TOLERANCE: f64 = 1e-3;
const MAE_TOLERANCE: f64 = 1e-3;

/// The fixtures' `MFCC_CUSTOM`.
fn custom_config() -> MfccConfig {
    MfccConfig {
        mel: MelConfig {
            n_fft: 1024,
            hop_length: 256,
            win_length: Some(800),
            n_mels: 40,
            htk: true,
            pad_mode: PadMode::Reflect,
            fmin: 30.0,
            fmax: Some(8000.0),
            norm: MelNorm::None,
            ..MelConfig::new(48_000)
        },
        n_mfcc: 13,
        ..MfccConfig::new(48_000)
    }
}

/// MFCCs of every signal under `cfg` against `mfcc_{prefix}{name}.npy`; returns the worst error.
fn check_mfcc(cfg: MfccConfig, prefix: &str) -> f64 {
    let mut analyzer = MfccAnalyzer::new(cfg).unwrap();
    let mut worst = 0.0f64;
    for name in signal_names() {
        let fixture = format!("mfcc_{prefix}{name}.npy");
        let ours = analyzer.mfcc(&read_signal(&name)).unwrap();
        assert_eq!(ours.n_bins(), analyzer.config().n_mfcc);
        let err = max_mfcc_rel_error(ours.as_slice(), ours.n_frames(), &fixture);
        eprintln!("{fixture}: max relative error {err:.2e}");
        assert!(err <= MFCC_REL_TOLERANCE, "{fixture}: {err:e}");
        worst = worse(worst, err);
    }
    worst
}

#[test]
fn mel_db_with_top_db_matches_librosa() {
    let mut analyzer = MfccAnalyzer::new(MfccConfig::new(48_000)).unwrap();
    for name in signal_names() {
        let fixture = format!("mel_db_top80_{name}.npy");
        let ours = analyzer.mel_db(&read_signal(&name)).unwrap();
        assert_eq!(read_npy(&fixture).shape, [ours.n_frames(), ours.n_bins()]);
        let err = max_abs_error(ours.as_slice(), &fixture);
        eprintln!("{fixture}: max |dB diff| {err:.2e}");
        assert!(err < DB_TOLERANCE, "{fixture}: {err} dB");
    }
}

#[test]
fn default_mfcc_at_48k_matches_librosa() {
    check_mfcc(MfccConfig::new(48_000), "");
}

#[test]
fn default_mfcc_at_22050_matches_librosa() {
    // The fixture signals analysed as if sampled at 22.05 kHz: only the filterbank changes.
    check_mfcc(MfccConfig::new(22_050), "sr22050_");
}

#[test]
fn custom_mfcc_matches_librosa() {
    check_mfcc(custom_config(), "custom_");
}

#[test]
fn liftered_mfcc_matches_librosa() {
    check_mfcc(
        MfccConfig {
            lifter: 22.0,
            ..MfccConfig::new(48_000)
        },
        "lifter_",
    );
}

#[test]
fn free_function_equals_the_analyzer() {
    let x = read_signal("chirp");
    let cfg = custom_config();
    assert_eq!(
        mfcc(&x, &cfg).unwrap(),
        MfccAnalyzer::new(cfg).unwrap().mfcc(&x).unwrap()
    );
}

#[test]
fn mfcc_mae_matches_librosa_for_every_pair() {
    let names = signal_names();
    let expected = read_npy("mfcc_mae.npy");
    assert_eq!(expected.shape, [names.len(), names.len()]);
    let signals: Vec<Vec<f32>> = names.iter().map(|n| read_signal(n)).collect();
    let mut metric = MfccMae::new(48_000).unwrap();
    let mut worst = 0.0f64;
    for (i, a) in signals.iter().enumerate() {
        for (j, b) in signals.iter().enumerate() {
            let want = expected.data[i * names.len() + j];
            let got = metric.distance(a, b).unwrap();
            assert_eq!(got, mfcc_mae(a, b, 48_000));
            worst = worse(worst, (got - want).abs());
            assert!(
                (got - want).abs() < MAE_TOLERANCE,
                "{} vs {}: {got} != {want}",
                names[i],
                names[j]
            );
        }
    }
    eprintln!("max |MFCC-MAE diff| {worst:.2e}");
}

#[test]
fn mfcc_mae_is_a_symmetric_premetric_over_the_shorter_length() {
    let a = read_signal("noise");
    let b = read_signal("wyrd_dxish");
    assert_eq!(mfcc_mae(&a, &a, 48_000), 0.0);
    assert_eq!(mfcc_mae(&a, &b, 48_000), mfcc_mae(&b, &a, 48_000));
    assert!(mfcc_mae(&a, &b, 48_000) > 1.0);
    // Cut to the shorter: a longer copy with anything appended is still identical.
    let mut longer = a.clone();
    longer.extend_from_slice(&b);
    assert_eq!(mfcc_mae(&a, &longer, 48_000), 0.0);
}

#[test]
fn mfcc_mae_reports_bad_input() {
    let x = read_signal("chirp");
    assert_eq!(try_mfcc_mae(&x, &[], 48_000), Err(AnalysisError::Empty));
    assert!(mfcc_mae(&x, &[], 48_000).is_nan());
    let mut bad = x.clone();
    bad[10] = f32::NAN;
    assert_eq!(
        try_mfcc_mae(&x, &bad, 48_000),
        Err(AnalysisError::NonFinite { index: 10 })
    );
    assert!(mfcc_mae(&x, &x, 0).is_nan());
    // Uncentred analysis of a clip shorter than one frame has nothing to compare.
    let mut m = MfccMae::with_config(MfccConfig {
        mel: MelConfig {
            center: false,
            ..MelConfig::new(48_000)
        },
        ..MfccConfig::new(48_000)
    })
    .unwrap();
    assert_eq!(m.distance(&x[..100], &x[..100]), Err(AnalysisError::Empty));
}
