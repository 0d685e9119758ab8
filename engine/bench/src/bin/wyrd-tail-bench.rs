//! What a reverb tail costs once the note has ended, with and without the process wrapper's
//! flush-to-zero, side by side in one run.
//!
//! A saw through the reverb at its smallest room (`reverb_wet 0.5`, `reverb_roomsize 0`) is
//! played for 0.5 s and released; after 10 s of tail the reverb's state is subnormal and stays
//! so while the reverb is on. Both synths are then rendered in 64-frame periods: one as the
//! bare synth (IEEE arithmetic, subnormals and all), one inside `process_wrapper`, as both of
//! wyrd's drivers run it. Times are this thread's CPU time, the best of several interleaved
//! rounds; the ratio is what flushing saves on an idle synth.
//!
//! `cargo run --release -p wyrd-bench --bin wyrd-tail-bench [-- --seconds 20 --rounds 5]`

use clap::Parser;
use wyrd_dsp::Synth;
use wyrd_engine::{process_wrapper, thread_cpu_nanos};
use wyrd_schema::{find, Patch};

const SR: u32 = 48_000;
const PERIOD: usize = 64;

#[derive(Parser)]
struct Args {
    /// Audio seconds rendered per round and synth.
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// Rounds; the best of each is reported.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

fn idle_tail() -> Synth {
    let mut patch = Patch::default();
    for (id, v) in [
        ("osc1_waveform", 2.0),
        ("reverb_wet", 0.5),
        ("reverb_roomsize", 0.0),
    ] {
        patch.set(find(id).expect("a schema id").index, v);
    }
    let mut synth = Synth::new(SR as f32, 16);
    synth.load_patch(patch.values());
    synth.note_on(60, 100);
    let (mut l, mut r) = (vec![0.0; SR as usize / 2], vec![0.0; SR as usize / 2]);
    synth.process(&mut l, &mut r);
    synth.note_off(60);
    for _ in 0..20 {
        synth.process(&mut l, &mut r);
    }
    synth
}

/// CPU ms per audio second of `periods` periods, and how many output samples were subnormal.
fn run(synth: &mut Synth, periods: usize, flush: bool) -> (f64, usize) {
    let (mut l, mut r) = ([0.0f32; PERIOD], [0.0f32; PERIOD]);
    let mut subnormal = 0;
    let t0 = thread_cpu_nanos();
    for _ in 0..periods {
        if flush {
            process_wrapper(|| synth.process(&mut l, &mut r));
        } else {
            synth.process(&mut l, &mut r);
        }
        subnormal += l.iter().chain(&r).filter(|x| x.is_subnormal()).count();
    }
    let seconds = (periods * PERIOD) as f64 / f64::from(SR);
    ((thread_cpu_nanos() - t0) as f64 / 1e6 / seconds, subnormal)
}

fn main() {
    let args = Args::parse();
    let periods = (args.seconds * f64::from(SR) / PERIOD as f64)
        .round()
        .max(1.0) as usize;
    let (mut ieee, mut flushed) = (idle_tail(), idle_tail());
    let (mut best_ieee, mut best_flushed) = (f64::MAX, f64::MAX);
    let (mut sub_ieee, mut sub_flushed) = (0, 0);
    for _ in 0..args.rounds.max(1) {
        let (t, s) = run(&mut ieee, periods, false);
        best_ieee = best_ieee.min(t);
        sub_ieee += s;
        let (t, s) = run(&mut flushed, periods, true);
        best_flushed = best_flushed.min(t);
        sub_flushed += s;
    }
    println!(
        "idle reverb tail, 16-voice synth, 64-frame periods, best of {}:",
        args.rounds
    );
    println!("  IEEE (no wrapper):     {best_ieee:.3} ms CPU per audio second, {sub_ieee} subnormal samples out");
    println!("  process_wrapper (FTZ): {best_flushed:.3} ms CPU per audio second, {sub_flushed} subnormal samples out");
    println!("  ratio flushed / IEEE:  {:.2}", best_flushed / best_ieee);
}
