//! Voice cost per 64-frame block: the SuperCollider-comparison patch with 1 and 16 held voices,
//! and the "full voice" with every block switched on. Throughput is in voice-samples, so
//! criterion's elements/s divided by the sample rate is the number of voices one core sustains.
//!
//! PolyPerc's voice (`polyperc_block64`) is measured the same way: about 15 ns a voice-sample
//! on the dev machine (65 M voice-samples/s, ~1400 voices per core at 48 kHz) and 94
//! instructions a voice-sample under callgrind (16 voices, 64-frame blocks, 2 s minus 0 s).
//!
//! `cargo bench -p wyrd-dsp --bench voice`; the scsynth comparison is engine/bench/compare_scsynth.sh.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wyrd_dsp::Synth;

// The same patch and notes as the scsynth comparison, compiled in by path so that wyrd-dsp needs
// no dev-dependency on wyrd-bench (which itself depends on wyrd-dsp).
#[path = "../../bench/src/patch.rs"]
mod patch;

use patch::{sc_notes, sc_patch, BLOCK, SAMPLE_RATE};

/// A synth with `voices` held notes, run past the attack and decay so that the timed blocks are
/// the steady state scsynth spends most of its 60 s in.
fn playing(voices: usize, all_blocks: bool) -> Synth {
    let mut synth = Synth::new(SAMPLE_RATE, voices);
    synth.set_patch(&sc_patch(all_blocks));
    for note in sc_notes(voices) {
        synth.note_on(note, 100);
    }
    let (mut l, mut r) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    for _ in 0..(SAMPLE_RATE as usize / 2) / BLOCK {
        synth.process(&mut l, &mut r);
    }
    synth
}

fn voice_blocks(c: &mut Criterion) {
    let mut group = c.benchmark_group("voice_block64");
    for (name, voices, all_blocks) in [
        ("sc_patch", 1, false),
        ("sc_patch", 16, false),
        ("full_voice", 1, true),
        ("full_voice", 16, true),
    ] {
        group.throughput(Throughput::Elements((voices * BLOCK) as u64));
        group.bench_with_input(BenchmarkId::new(name, voices), &voices, |b, &voices| {
            let mut synth = playing(voices, all_blocks);
            let (mut l, mut r) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
            b.iter(|| {
                synth.process(&mut l, &mut r);
                black_box((&l, &r));
            });
        });
    }
    group.finish();
}

/// norns' PolyPerc: `voices` notes struck together with a 10 s release, struck again whenever
/// they have ended (a voice costs the same in every part of its envelope). Same throughput
/// unit.
fn perc_blocks(c: &mut Criterion) {
    use wyrd_dsp::PolyPerc;
    use wyrd_schema::polyperc::ParamId;
    let mut group = c.benchmark_group("polyperc_block64");
    for voices in [1usize, 16] {
        group.throughput(Throughput::Elements((voices * BLOCK) as u64));
        group.bench_with_input(BenchmarkId::new("voices", voices), &voices, |b, &voices| {
            let mut perc = PolyPerc::new(SAMPLE_RATE);
            perc.set(ParamId::Release, 10.0);
            let (mut l, mut r) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
            b.iter(|| {
                if perc.active_voices() == 0 {
                    for i in 0..voices {
                        perc.hz(110.0 * (1.0 + 0.25 * i as f32));
                    }
                }
                l.fill(0.0);
                r.fill(0.0);
                perc.process(&mut l, &mut r);
                black_box((&l, &r));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, voice_blocks, perc_blocks);
criterion_main!(benches);
