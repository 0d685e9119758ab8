//! The engine clock: the frame at which the current period started and when, published by the
//! audio thread once a period and read by any thread (the Lua thread's playhead, the OSC
//! timetag map).
//!
//! A sequence lock: the writer never waits, readers retry while a write is under way. The
//! fences are what make it hold on weakly ordered CPUs (the Raspberry Pi's aarch64), where
//! without them a reader can see the new frame with the old time (Boehm, "Can seqlocks get
//! along with programming language memory models?", 2012; crossbeam's `SeqLock`).

use std::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Clock {
    seq: AtomicU64,
    frame: AtomicU64,
    nanos: AtomicU64,
    sample_rate: AtomicU32,
}

/// A consistent reading of [`Clock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReading {
    /// Engine frame at the start of the latest period.
    pub frame: u64,
    /// `CLOCK_MONOTONIC` time of that period's start, in nanoseconds (offline: the frame's
    /// time on the render's virtual clock).
    pub nanos: u64,
    pub sample_rate: u32,
}

impl ClockReading {
    /// The engine frame that plays at monotonic time `nanos` (extrapolated from this reading).
    pub fn frame_at(&self, nanos: u64) -> u64 {
        let dt = nanos as i128 - self.nanos as i128;
        let df = dt * i128::from(self.sample_rate) / 1_000_000_000;
        (self.frame as i128 + df).max(0) as u64
    }

    /// The same to a fraction of a frame; before the first period, the frame it starts with.
    pub fn frame_at_f(&self, nanos: u64) -> f64 {
        if self.nanos == 0 {
            return self.frame as f64;
        }
        let dt = (nanos as f64 - self.nanos as f64) / 1e9;
        self.frame as f64 + dt * f64::from(self.sample_rate)
    }
}

impl Clock {
    /// One writer only: the audio thread (or whoever owns the engine before it starts).
    pub fn publish(&self, frame: u64, nanos: u64, sample_rate: u32) {
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        // Orders the odd sequence number before the data: a reader that sees any new datum
        // also sees that a write began.
        fence(Ordering::Release);
        self.frame.store(frame, Ordering::Relaxed);
        self.nanos.store(nanos, Ordering::Relaxed);
        self.sample_rate.store(sample_rate, Ordering::Relaxed);
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }

    pub fn read(&self) -> ClockReading {
        loop {
            let s0 = self.seq.load(Ordering::Acquire);
            if s0.is_multiple_of(2) {
                let reading = ClockReading {
                    frame: self.frame.load(Ordering::Relaxed),
                    nanos: self.nanos.load(Ordering::Relaxed),
                    sample_rate: self.sample_rate.load(Ordering::Relaxed),
                };
                // Keeps the data loads above the re-check of the sequence number.
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == s0 {
                    return reading;
                }
            }
            std::hint::spin_loop();
        }
    }
}

/// `CLOCK_MONOTONIC` in nanoseconds: a vDSO read, no system call, safe in the audio thread.
pub fn monotonic_nanos() -> u64 {
    read_clock(libc::CLOCK_MONOTONIC)
}

/// CPU time this thread has used, in nanoseconds: unlike wall time it does not grow while the
/// thread is preempted, so it tells our own cost apart from the scheduler's.
pub fn thread_cpu_nanos() -> u64 {
    read_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn read_clock(id: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write to; both clocks exist on every Linux.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}
