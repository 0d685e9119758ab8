//! Streaming MFCC (plus mel dB, RMS, centroid, flatness) cost per frame: one hop of samples
//! pushed per iteration, so each iteration completes exactly one frame.
//!
//! `cargo bench -p wyrd-analysis --bench streaming`; whole-file MFCC against librosa is
//! engine/bench/compare_librosa.sh.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use wyrd_analysis::{MfccConfig, StreamingAnalyzer};

fn per_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("streaming_frame");
    for n_fft in [1024usize, 2048] {
        let mut cfg = MfccConfig::new(48_000);
        cfg.mel.n_fft = n_fft;
        cfg.mel.hop_length = n_fft / 4;
        let hop = cfg.mel.hop_length;
        let mut analyzer = StreamingAnalyzer::new(cfg).unwrap();
        let signal: Vec<f32> = (0..hop * 64)
            .map(|i| (i as f32 * 0.0573).sin() * 0.5 + ((i * 7919) % 101) as f32 * 1e-3)
            .collect();
        // Past the start, so every push below completes one frame.
        analyzer.push(&signal[..n_fft], |_| {}).unwrap();
        let mut k = 0;
        group.bench_with_input(BenchmarkId::new("n_fft", n_fft), &n_fft, |b, _| {
            b.iter(|| {
                let chunk = &signal[(k % 64) * hop..(k % 64 + 1) * hop];
                k += 1;
                analyzer
                    .push(chunk, |f| {
                        black_box(f.mfcc);
                    })
                    .unwrap();
            });
        });
    }
    group.finish();
}

criterion_group!(benches, per_frame);
criterion_main!(benches);
