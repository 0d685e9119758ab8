//! One period of audio, the same for every driver: the JACK callback calls it once per JACK
//! period, the offline driver once per chunk of its virtual clock. Only what differs between
//! them (where buffers, MIDI and time come from) stays in the drivers.

use std::sync::Arc;

use crate::clock::{monotonic_nanos, thread_cpu_nanos};
use crate::engine::Engine;
use crate::input::InputWriter;
use crate::process::process_wrapper;
use crate::stats::Stats;

/// What a driver hands over for one period; all slices of one length.
pub struct Period<'a, M> {
    /// When the period starts: `CLOCK_MONOTONIC` live, the virtual clock offline.
    pub nanos: u64,
    /// The period's MIDI events, `(frame offset, bytes)` in time order.
    pub midi: M,
    /// The audio input (`None`: nothing to hear this period).
    pub input: Option<[&'a [f32]; 2]>,
    pub output: [&'a mut [f32]; 2],
}

/// The audio thread's side of an engine: the engine and the input ring's writing end.
pub struct AudioThread {
    engine: Engine,
    input: InputWriter,
    stats: Arc<Stats>,
}

impl AudioThread {
    pub fn new(engine: Engine, input: InputWriter) -> Self {
        let stats = Arc::clone(engine.stats());
        AudioThread {
            engine,
            input,
            stats,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// Runs one period in the process wrapper: publishes the clock, hands the input to the
    /// ring, renders the output (commands and MIDI on their frames) and records its cost.
    pub fn period<'m>(&mut self, p: Period<'_, impl Iterator<Item = (u32, &'m [u8])>>) {
        process_wrapper(|| {
            let (wall0, cpu0) = (monotonic_nanos(), thread_cpu_nanos());
            let rate = self.engine.sample_rate();
            self.stats.clock.publish(self.engine.frame(), p.nanos, rate);
            if let Some([l, r]) = p.input {
                self.input.write(l, r);
            }
            let [out_l, out_r] = p.output;
            let frames = out_l.len().min(out_r.len()) as u32;
            self.engine.process(p.midi, out_l, out_r);
            let (wall, cpu) = (monotonic_nanos() - wall0, thread_cpu_nanos() - cpu0);
            self.stats.record_period(frames, rate, wall, cpu);
        })
    }
}
