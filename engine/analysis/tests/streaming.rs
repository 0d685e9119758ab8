//! The streaming analyser equals the offline analysis frame for frame, whatever the chunking,
//! and never allocates once built.

mod common;

use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use common::{read_signal, worse};
use wyrd_analysis::{
    rms, spectral_centroid, spectral_flatness, AnalysisError, FeatureConfig, FeatureFrame,
    MelConfig, MelNorm, MfccAnalyzer, MfccConfig, PadMode, StreamingAnalyzer,
};

#[global_allocator]
static ALLOC: AllocDisabler = AllocDisabler;

const TOLERANCE: f64 = 1e-9;

/// One frame's features, owned.
#[derive(Debug, Clone, PartialEq)]
struct Frame {
    index: usize,
    mel_db: Vec<f64>,
    mfcc: Vec<f64>,
    rms: f64,
    centroid: f64,
    flatness: f64,
}

impl Frame {
    fn of(f: &FeatureFrame<'_>) -> Self {
        Frame {
            index: f.index,
            mel_db: f.mel_db.to_vec(),
            mfcc: f.mfcc.to_vec(),
            rms: f.rms,
            centroid: f.centroid,
            flatness: f.flatness,
        }
    }
}

/// The offline analysis the stream must reproduce: the module's documented equivalents.
fn offline(x: &[f32], cfg: &FeatureConfig) -> Vec<Frame> {
    let mut mfcc = MfccAnalyzer::new(cfg.offline_mfcc()).unwrap();
    let mel_db = mfcc.mel_db(x).unwrap();
    let coeffs = mfcc.mfcc(x).unwrap();
    let r = rms(x, &cfg.rms()).unwrap();
    let c = spectral_centroid(x, &cfg.spectral()).unwrap();
    let f = spectral_flatness(x, &cfg.spectral()).unwrap();
    assert_eq!(r.len(), mel_db.n_frames());
    (0..mel_db.n_frames())
        .map(|t| Frame {
            index: t,
            mel_db: mel_db.frame(t).to_vec(),
            mfcc: coeffs.frame(t).to_vec(),
            rms: r[t],
            centroid: c[t],
            flatness: f[t],
        })
        .collect()
}

fn streamed(analyzer: &mut StreamingAnalyzer, x: &[f32], chunks: &[usize]) -> Vec<Frame> {
    let mut out = Vec::new();
    let mut rest = x;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap()).min(rest.len());
        analyzer
            .push(&rest[..n], |f| out.push(Frame::of(f)))
            .unwrap();
        rest = &rest[n..];
    }
    analyzer.finish(|f| out.push(Frame::of(f)));
    out
}

fn close(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1.0)
}

/// Worst relative difference between streamed and offline frames (asserting equal counts).
fn compare(ours: &[Frame], want: &[Frame], what: &str) -> f64 {
    assert_eq!(ours.len(), want.len(), "{what}: frame count");
    let mut worst = 0.0f64;
    for (a, b) in ours.iter().zip(want) {
        assert_eq!(a.index, b.index, "{what}");
        for (x, y) in a
            .mel_db
            .iter()
            .zip(&b.mel_db)
            .chain(a.mfcc.iter().zip(&b.mfcc))
        {
            worst = worse(worst, close(*x, *y));
        }
        worst = worse(worst, close(a.rms, b.rms));
        worst = worse(worst, close(a.centroid, b.centroid));
        worst = worse(worst, close(a.flatness, b.flatness));
    }
    assert!(worst <= TOLERANCE, "{what}: {worst:e}");
    worst
}

/// Deterministic chunk sizes in `1..=max` (xorshift).
fn random_chunks(seed: u64, count: usize, max: usize) -> Vec<usize> {
    let mut s = seed.max(1);
    (0..count)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            1 + (s % max as u64) as usize
        })
        .collect()
}

fn chunkings() -> Vec<(String, Vec<usize>)> {
    vec![
        ("whole".into(), vec![usize::MAX]),
        ("1-sample".into(), vec![1]),
        ("64-sample".into(), vec![64]),
        ("random up to 5000".into(), random_chunks(9, 97, 5000)),
        ("random up to 100".into(), random_chunks(4, 101, 100)),
    ]
}

fn non_default() -> FeatureConfig {
    FeatureConfig {
        mfcc: MfccConfig {
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
                ..MelConfig::new(44_100)
            },
            n_mfcc: 13,
            lifter: 22.0,
            ..MfccConfig::new(44_100)
        },
        flatness_amin: 1e-8,
        flatness_power: 1.0,
    }
}

fn with_mel(f: impl FnOnce(&mut MelConfig)) -> FeatureConfig {
    let mut cfg = FeatureConfig::new(48_000);
    f(&mut cfg.mfcc.mel);
    cfg
}

#[test]
fn streamed_frames_equal_offline_frames_for_any_chunking() {
    let cfg = FeatureConfig::new(48_000);
    let mut analyzer = StreamingAnalyzer::new(cfg.clone()).unwrap();
    let mut worst = 0.0f64;
    for name in ["chirp", "noise", "saw_decay", "wyrd_dxish"] {
        let x = read_signal(name);
        let want = offline(&x, &cfg);
        for (label, chunks) in chunkings() {
            let got = streamed(&mut analyzer, &x, &chunks);
            worst = worse(worst, compare(&got, &want, &format!("{name}, {label}")));
        }
    }
    eprintln!("max relative streamed vs offline difference {worst:.2e}");
}

#[test]
fn every_setting_streams_like_offline() {
    let configs = [
        ("non-default, reflect", non_default()),
        (
            "uncentred",
            with_mel(|m| {
                m.center = false;
            }),
        ),
        (
            "odd n_fft",
            with_mel(|m| {
                m.n_fft = 1023;
                m.hop_length = 300;
                m.n_mels = 64;
            }),
        ),
        (
            "odd n_fft, reflect",
            with_mel(|m| {
                m.n_fft = 511;
                m.hop_length = 128;
                m.n_mels = 32;
                m.pad_mode = PadMode::Reflect;
            }),
        ),
        (
            "hop longer than the frame",
            with_mel(|m| {
                m.n_fft = 256;
                m.hop_length = 1000;
                m.n_mels = 20;
            }),
        ),
    ];
    let x = read_signal("wyrd_dxish");
    for (label, cfg) in configs {
        let want = offline(&x, &cfg);
        let mut analyzer = StreamingAnalyzer::new(cfg).unwrap();
        for (chunking, chunks) in chunkings() {
            compare(
                &streamed(&mut analyzer, &x, &chunks),
                &want,
                &format!("{label}, {chunking}"),
            );
        }
    }
}

#[test]
fn short_signals_get_librosa_end_padding() {
    // Around the lengths where reflect padding changes shape (shorter than the pad, exactly
    // pad + 1 before the head is complete) and where frames appear.
    let x = read_signal("noise");
    for cfg in [
        FeatureConfig::new(48_000),
        with_mel(|m| m.pad_mode = PadMode::Reflect),
        with_mel(|m| {
            m.n_fft = 255;
            m.hop_length = 64;
            m.n_mels = 24;
            m.pad_mode = PadMode::Reflect;
        }),
        with_mel(|m| m.center = false),
    ] {
        let mut analyzer = StreamingAnalyzer::new(cfg.clone()).unwrap();
        for len in [
            0, 1, 2, 3, 100, 126, 127, 128, 129, 1023, 1024, 1025, 2047, 2048, 2049,
        ] {
            let want = offline(&x[..len], &cfg);
            for chunks in [vec![1], vec![7], vec![len.max(1)]] {
                compare(
                    &streamed(&mut analyzer, &x[..len], &chunks),
                    &want,
                    &format!("{:?} len {len}", cfg.mfcc.mel.pad_mode),
                );
            }
        }
    }
}

#[test]
fn push_and_finish_never_allocate() {
    let x = read_signal("wyrd_dxish");
    let mut analyzer = StreamingAnalyzer::new(non_default()).unwrap();
    let mut default = StreamingAnalyzer::new(FeatureConfig::new(48_000)).unwrap();
    let chunks = random_chunks(11, 64, 700);
    let mut sums = Vec::with_capacity(1000);
    assert_no_alloc(|| {
        for a in [&mut analyzer, &mut default] {
            let mut rest = &x[..];
            for &n in chunks.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let n = n.min(rest.len());
                a.push(&rest[..n], |f| sums.push(f.mfcc[0] + f.rms))
                    .unwrap();
                rest = &rest[n..];
            }
            // Errors are built without allocating too.
            assert!(a.push(&[f32::NAN], |_| {}).is_err());
            a.finish(|f| sums.push(f.mfcc[0] + f.rms));
            a.reset();
        }
    });
    assert!(sums.len() > 100 && sums.iter().all(|v| v.is_finite()));
}

#[test]
fn a_non_finite_chunk_is_rejected_whole() {
    let cfg = FeatureConfig::new(48_000);
    let x = read_signal("chirp");
    let mut analyzer = StreamingAnalyzer::new(cfg.clone()).unwrap();
    let mut got = Vec::new();
    analyzer
        .push(&x[..1000], |f| got.push(Frame::of(f)))
        .unwrap();
    let mut bad = x[1000..1500].to_vec();
    bad[7] = f32::INFINITY;
    assert_eq!(
        analyzer.push(&bad, |f| got.push(Frame::of(f))),
        Err(AnalysisError::NonFinite { index: 1007 })
    );
    assert_eq!(analyzer.samples_pushed(), 1000);
    analyzer
        .push(&x[1000..], |f| got.push(Frame::of(f)))
        .unwrap();
    analyzer.finish(|f| got.push(Frame::of(f)));
    compare(&got, &offline(&x, &cfg), "after a rejected chunk");
}

#[test]
fn finish_starts_a_new_stream() {
    let x = read_signal("saw_decay");
    let mut analyzer = StreamingAnalyzer::new(FeatureConfig::new(48_000)).unwrap();
    let first = streamed(&mut analyzer, &x, &[333]);
    assert_eq!(analyzer.frames_emitted(), 0);
    assert_eq!(analyzer.samples_pushed(), 0);
    // Half a stream, abandoned: reset forgets it.
    analyzer.push(&x[..5000], |_| {}).unwrap();
    analyzer.reset();
    assert_eq!(streamed(&mut analyzer, &x, &[4096]), first);
}

#[test]
fn bad_configs_are_errors() {
    let ok = FeatureConfig::new(48_000);
    assert!(StreamingAnalyzer::new(ok.clone()).is_ok());
    assert!(StreamingAnalyzer::new(MfccConfig::new(48_000)).is_ok());
    for bad in [
        with_mel(|m| m.hop_length = 0),
        with_mel(|m| m.n_fft = 0),
        with_mel(|m| m.fmin = 30_000.0),
        FeatureConfig {
            flatness_amin: 0.0,
            ..ok.clone()
        },
        FeatureConfig {
            flatness_power: f64::NAN,
            ..ok.clone()
        },
        FeatureConfig {
            mfcc: MfccConfig {
                n_mfcc: 0,
                ..ok.mfcc.clone()
            },
            ..ok.clone()
        },
    ] {
        assert!(StreamingAnalyzer::new(bad.clone()).is_err(), "{bad:?}");
    }
}
