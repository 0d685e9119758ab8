//! The cost of one 64-frame period as both drivers run it (`AudioThread::period`: clock, input
//! ring, engine, stats, inside the process wrapper) with 1, 8, 16 and 32 held voices (the
//! scsynth-comparison patch with every block on: the "full voice"). At 48 kHz a 64-frame
//! period lasts 1333 µs, so µs per iteration / 1333 is the DSP load share wyrd adds.
//!
//! `cargo bench -p wyrd-host --bench period`. The same under a real jackd, with MIDI in and
//! the latency measured too: `cargo run --release -p wyrd-bench --bin wyrd-live-bench`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use wyrd_engine::{input_ring, monotonic_nanos, AudioThread, Engine, EngineConfig, Period};
use wyrd_schema::Patch;

// The scsynth comparison's patch, compiled in by path like wyrd-dsp's voice bench does.
#[path = "../../bench/src/patch.rs"]
#[allow(dead_code)]
mod patch;

const PERIOD: usize = patch::BLOCK;

fn playing(voices: usize) -> Engine {
    let mut cfg = EngineConfig::new(patch::SAMPLE_RATE as u32);
    cfg.voices = voices;
    cfg.patch = Patch::from_values("full voice", patch::sc_patch(true));
    let (mut engine, _) = Engine::new(cfg);
    let events: Vec<[u8; 3]> = patch::sc_notes(voices)
        .into_iter()
        .map(|n| [0x90, n, 100])
        .collect();
    let (mut l, mut r) = ([0.0f32; PERIOD], [0.0f32; PERIOD]);
    engine.process(events.iter().map(|e| (0u32, &e[..])), &mut l, &mut r);
    // Past attack and decay: the steady state a held chord spends its time in.
    for _ in 0..24_000 / PERIOD {
        engine.process(std::iter::empty(), &mut l, &mut r);
    }
    engine
}

fn periods(c: &mut Criterion) {
    let mut group = c.benchmark_group("period64");
    for voices in [1usize, 8, 16, 32] {
        group.bench_with_input(BenchmarkId::new("voices", voices), &voices, |b, &voices| {
            // A ring as large as JACK's input ring, drained as the analysis thread would.
            let (writer, mut reader) = input_ring(1 << 15);
            let mut audio = AudioThread::new(playing(voices), writer);
            let input = [0.0f32; PERIOD];
            let (mut l, mut r) = ([0.0f32; PERIOD], [0.0f32; PERIOD]);
            let (mut hl, mut hr) = ([0.0f32; PERIOD], [0.0f32; PERIOD]);
            b.iter(|| {
                audio.period(Period {
                    nanos: monotonic_nanos(),
                    midi: std::iter::empty(),
                    input: Some([&input, &input]),
                    output: [&mut l, &mut r],
                });
                reader.read(&mut hl, &mut hr);
                black_box((&l, &r));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, periods);
criterion_main!(benches);
