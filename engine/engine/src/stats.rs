//! What the audio thread tells the rest of the program: plain atomics, written once per period.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use crate::clock::Clock;

/// An `f32` stored in an `AtomicU32`.
#[derive(Debug, Default)]
pub struct AtomicF32(AtomicU32);

impl AtomicF32 {
    pub fn load(&self) -> f32 {
        f32::from_bits(self.0.load(Ordering::Relaxed))
    }

    pub fn store(&self, v: f32) {
        self.0.store(v.to_bits(), Ordering::Relaxed);
    }
}

/// Counters and meters of a running engine.
#[derive(Debug, Default)]
pub struct Stats {
    pub clock: Clock,
    pub(crate) periods: AtomicU64,
    pub(crate) period_frames: AtomicU32,
    pub(crate) peak_l: AtomicF32,
    pub(crate) peak_r: AtomicF32,
    /// Running sum of the squared mono output (`(L + R) / 2`) and the frames it covers (f64
    /// bits, one writer): a reader diffs two readings for the level over any stretch.
    pub(crate) out_energy: AtomicU64,
    pub(crate) out_frames: AtomicU64,
    /// Share of the period the last callback took (wall time).
    pub(crate) load: AtomicF32,
    /// Largest share since the last [`Stats::take_load`].
    pub(crate) max_load: AtomicF32,
    /// Sum and count of loads since the last [`Stats::take_load`], for its average.
    pub(crate) load_sum: AtomicF32,
    pub(crate) load_count: AtomicU64,
    pub(crate) xruns: AtomicU64,
    /// Periods in which our callback's own CPU time exceeded the period: xruns wyrd caused.
    pub(crate) overruns: AtomicU64,
    pub(crate) dropped_commands: AtomicU64,
    pub(crate) late_commands: AtomicU64,
    pub(crate) dropped_garbage: AtomicU64,
    pub(crate) midi_events: AtomicU64,
    pub(crate) active_voices: AtomicU32,
    pub(crate) program: AtomicU32,
    pub(crate) server_gone: AtomicBool,
}

/// A copy of [`Stats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StatsSnapshot {
    pub periods: u64,
    pub period_frames: u32,
    pub sample_rate: u32,
    pub frame: u64,
    pub peak: [f32; 2],
    pub load: f32,
    pub max_load: f32,
    pub xruns: u64,
    pub overruns: u64,
    pub dropped_commands: u64,
    pub late_commands: u64,
    pub dropped_garbage: u64,
    pub midi_events: u64,
    pub active_voices: u32,
    pub program: u32,
}

impl Stats {
    pub fn snapshot(&self) -> StatsSnapshot {
        let clock = self.clock.read();
        StatsSnapshot {
            periods: self.periods.load(Ordering::Relaxed),
            period_frames: self.period_frames.load(Ordering::Relaxed),
            sample_rate: clock.sample_rate,
            frame: clock.frame,
            peak: [self.peak_l.load(), self.peak_r.load()],
            load: self.load.load(),
            max_load: self.max_load.load(),
            xruns: self.xruns.load(Ordering::Relaxed),
            overruns: self.overruns.load(Ordering::Relaxed),
            dropped_commands: self.dropped_commands.load(Ordering::Relaxed),
            late_commands: self.late_commands.load(Ordering::Relaxed),
            dropped_garbage: self.dropped_garbage.load(Ordering::Relaxed),
            midi_events: self.midi_events.load(Ordering::Relaxed),
            active_voices: self.active_voices.load(Ordering::Relaxed),
            program: self.program.load(Ordering::Relaxed),
        }
    }

    /// The output's running energy: (sum of squared mono samples, frames). The RMS between two
    /// readings `a`, `b` is `sqrt((b.0 - a.0) / (b.1 - a.1))`.
    pub fn output_energy(&self) -> (f64, u64) {
        let frames = self.out_frames.load(Ordering::Acquire);
        (
            f64::from_bits(self.out_energy.load(Ordering::Relaxed)),
            frames,
        )
    }

    /// Meters a period's output in one pass: the peaks, and the running energy (audio thread
    /// only).
    pub(crate) fn meter_output(&self, left: &[f32], right: &[f32]) {
        let (mut pl, mut pr, mut e) = (0.0f32, 0.0f32, 0.0f64);
        for (&l, &r) in left.iter().zip(right) {
            pl = pl.max(l.abs());
            pr = pr.max(r.abs());
            let m = f64::from(0.5 * (l + r));
            e += m * m;
        }
        self.peak_l.store(pl);
        self.peak_r.store(pr);
        let total = f64::from_bits(self.out_energy.load(Ordering::Relaxed)) + e;
        self.out_energy.store(total.to_bits(), Ordering::Relaxed);
        self.out_frames
            .fetch_add(left.len().min(right.len()) as u64, Ordering::Release);
    }

    /// Mean load over the periods since the last call, and the largest; both reset.
    pub fn take_load(&self) -> (f32, f32) {
        let periods = self.load_count.swap(0, Ordering::Relaxed);
        let sum = f32::from_bits(self.load_sum.0.swap(0, Ordering::Relaxed));
        let max = f32::from_bits(self.max_load.0.swap(0, Ordering::Relaxed));
        (
            if periods > 0 {
                sum / periods as f32
            } else {
                0.0
            },
            max,
        )
    }

    pub fn xruns(&self) -> u64 {
        self.xruns.load(Ordering::Relaxed)
    }

    pub fn overruns(&self) -> u64 {
        self.overruns.load(Ordering::Relaxed)
    }

    pub fn server_gone(&self) -> bool {
        self.server_gone.load(Ordering::Acquire)
    }

    /// The driver's notifications (JACK's xrun, shutdown and buffer-size callbacks).
    pub fn count_xrun(&self) {
        self.xruns.fetch_add(1, Ordering::Relaxed);
    }

    pub fn set_server_gone(&self) {
        self.server_gone.store(true, Ordering::Release);
    }

    pub fn set_period_frames(&self, frames: u32) {
        self.period_frames.store(frames, Ordering::Relaxed);
    }

    pub fn period_frames(&self) -> u32 {
        self.period_frames.load(Ordering::Relaxed)
    }

    pub(crate) fn count_dropped_command(&self) {
        self.dropped_commands.fetch_add(1, Ordering::Relaxed);
    }

    /// Records one callback's cost; `wall` and `cpu` in ns.
    pub(crate) fn record_period(&self, frames: u32, sample_rate: u32, wall: u64, cpu: u64) {
        let period_ns = u64::from(frames) * 1_000_000_000 / u64::from(sample_rate.max(1));
        let load = wall as f32 / period_ns.max(1) as f32;
        self.load.store(load);
        if load > self.max_load.load() {
            self.max_load.store(load);
        }
        self.load_sum.store(self.load_sum.load() + load);
        self.load_count.fetch_add(1, Ordering::Relaxed);
        if cpu > period_ns {
            self.overruns.fetch_add(1, Ordering::Relaxed);
        }
        self.period_frames.store(frames, Ordering::Relaxed);
        self.periods.fetch_add(1, Ordering::Relaxed);
    }
}
