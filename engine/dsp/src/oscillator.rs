//! Band-limited oscillators: sine, pulse, saw↔triangle, noise and sample-and-hold noise, with
//! amSynth's hard sync.
//!
//! Each waveform has its own tight loop that writes the naive waveform into a block buffer
//! delayed by `blep::HALF` samples and, at each step or corner inside a sample, adds a BLEP/BLAMP
//! residual around it (see `blep`). The delay is the same for every waveform, so both oscillators
//! of a voice stay aligned; the buffer's last `2·HALF` samples carry into the next block.
//! At a steady pitch, the common case, saw and pulse have closed forms between their steps and
//! are written a stretch at a time.

use wyrd_schema::Waveform;

use crate::blep::{self, Tables, FIRST_TAP, HALF, TAPS};
use crate::math::sin_turns;
use crate::noise::Noise;
use crate::params::CONTROL_BLOCK;

const CARRY: usize = 2 * HALF;
const BUF: usize = CONTROL_BLOCK + CARRY;

/// The shape of one period, fixed for a control block.
#[derive(Debug, Clone, Copy)]
struct Shape {
    wave: Waveform,
    /// Pulse: duty cycle. Triangle: position of the peak; the trough is at 1 − knee.
    knee: f64,
    /// Triangle: rising and falling slopes (value per turn).
    up: f64,
    down: f64,
    /// A saw↔triangle whose fall is shorter than a sample is drawn as a saw (a step at 0.5).
    saw: bool,
}

impl Shape {
    fn new(wave: Waveform, pulsewidth: f32, inc: f64) -> Shape {
        let pw = f64::from(pulsewidth.clamp(0.0, 1.0));
        match wave {
            Waveform::Pulse => Shape {
                wave,
                knee: 0.5 * (1.0 + pw.min(0.9)),
                up: 0.0,
                down: 0.0,
                saw: false,
            },
            Waveform::Saw => {
                // amSynth: shape a = (pw+1)/2; rise 0→1 on [0, a/2), fall to −1 until 1 − a/2.
                let a = 0.5 * (pw + 1.0);
                let fall = 1.0 - a;
                let saw = fall <= inc;
                Shape {
                    wave,
                    knee: if saw { 0.5 } else { 0.5 * a },
                    up: 2.0 / a,
                    down: if saw { 0.0 } else { -2.0 / fall },
                    saw,
                }
            }
            _ => Shape {
                wave,
                knee: 0.5,
                up: 0.0,
                down: 0.0,
                saw: false,
            },
        }
    }

    /// The naive sine or triangle at phase `p` in [0, 1). Saw and pulse are read straight from
    /// the fixed-point phase (see `value`).
    #[inline]
    fn value(&self, p: f64) -> f32 {
        if self.wave == Waveform::Sine {
            return sin_turns(p);
        }
        let v = if p < self.knee {
            p * self.up
        } else if p < 1.0 - self.knee {
            1.0 + (p - self.knee) * self.down
        } else {
            (p - 1.0) * self.up
        };
        v as f32
    }
}

#[derive(Debug, Clone)]
pub struct Oscillator {
    gen: Generator,
    /// The block buffer (see `Block`). It lives here rather than on the stack so that neither the
    /// output nor the carry has to be copied out: the voice reads the output in place.
    buf: [f32; BUF],
    /// Length of the last block: its output is `buf[..last]` and its carry follows.
    last: usize,
}

impl Default for Oscillator {
    fn default() -> Self {
        Oscillator {
            gen: Generator::default(),
            buf: [0.0; BUF],
            last: 0,
        }
    }
}

/// The oscillator's state apart from its buffer.
#[derive(Debug, Clone, Copy, Default)]
struct Generator {
    /// Phase in turns as 32-bit fixed point: wrapping is free and a saw is the phase read as a
    /// signed number. 2^-32 turns per sample is 0.00001 Hz of resolution.
    phase: u32,
    held: f32,
    hold_left: u32,
    /// Phase of the sync master (osc 1's frequency), used by osc 2 only.
    sync_phase: u32,
}

/// Per-block oscillator controls. Increments are in turns per sample, ramped linearly over the
/// block like amSynth's per-block frequency interpolation.
#[derive(Debug, Clone, Copy)]
pub struct OscillatorBlock {
    pub wave: Waveform,
    pub pulsewidth: f32,
    pub inc_start: f64,
    pub inc_end: f64,
    /// Hard-sync master increments (osc 1's), when sync is on.
    pub sync: Option<(f64, f64)>,
}

const TURN: f64 = 4_294_967_296.0;
/// The fixed-point phase read as a signed number, scaled to [−1, 1).
const SAW_SCALE: f32 = 1.0 / 2_147_483_648.0;

/// An increment as fixed point (at most half a turn: Nyquist).
fn fixed(turns: f64) -> u32 {
    (turns.clamp(0.0, 0.5) * TURN) as u32
}

/// A point in the period as fixed point, in (0, 1) turns.
fn point(turns: f64) -> u32 {
    ((turns * TURN) as u32).max(1)
}

/// Where each sample's phase increment comes from.
trait Inc: Copy {
    fn next(&mut self) -> u32;
}

/// A steady pitch (no glide, bend or pitch LFO): the common case, worth its own loops.
#[derive(Clone, Copy)]
struct Steady(u32);

impl Inc for Steady {
    #[inline(always)]
    fn next(&mut self) -> u32 {
        self.0
    }
}

/// Fixed-point increments ramped across a block with 32 extra fraction bits; a falling ramp is a
/// two's-complement step, so the per-sample update has no branch.
#[derive(Clone, Copy)]
struct Ramp {
    acc: u64,
    step: u64,
}

impl Ramp {
    fn new(from: f64, to: f64, n: usize) -> Ramp {
        let (a, b) = (u64::from(fixed(from)) << 32, u64::from(fixed(to)) << 32);
        let step = (b as i64).wrapping_sub(a as i64) / n as i64;
        Ramp {
            acc: a,
            step: step as u64,
        }
    }

    fn steady(&self) -> Option<Steady> {
        (self.step == 0).then_some(Steady((self.acc >> 32) as u32))
    }
}

impl Inc for Ramp {
    #[inline(always)]
    fn next(&mut self) -> u32 {
        self.acc = self.acc.wrapping_add(self.step);
        (self.acc >> 32) as u32
    }
}

/// If the phase moved from `from` by `d` (less than a turn) past point `e` (cyclically, with
/// from < e ≤ from + d), how far past it is now.
#[inline]
fn crossed(from: u32, d: u32, e: u32) -> Option<u32> {
    let k = e.wrapping_sub(from).wrapping_sub(1);
    (k < d).then(|| d - 1 - k)
}

#[inline]
fn since(after: u32, inc: u32) -> f32 {
    after as f32 / inc.max(1) as f32
}

/// Phase as turns in [0, 1).
#[inline]
fn turns(p: u32) -> f64 {
    f64::from(p) / TURN
}

/// One pulse sample at `i` from phase `p`: its edges (the fall at `duty`, the rise at the
/// wrap) and its level. Returns the phase after it.
#[inline(always)]
fn pulse_sample(blk: &mut Block, i: usize, p: u32, d: u32, duty: u32) -> u32 {
    if let Some(after) = crossed(p, d, duty) {
        blk.step(i, -2.0, since(after, d));
    }
    let (next, wrapped) = p.overflowing_add(d);
    if wrapped {
        blk.step(i, 2.0, since(next, d));
    }
    blk.buf[HALF + i] += if next < duty { 1.0 } else { -1.0 };
    next
}

/// The block buffer: sample i of the block is written at `HALF + i`, and its residual taps at
/// `HALF + i + FIRST_TAP ..`.
struct Block<'a> {
    buf: &'a mut [f32; BUF],
    t: &'a Tables,
}

impl Block<'_> {
    #[inline]
    fn step(&mut self, i: usize, height: f32, since: f32) {
        let at = (HALF as isize + i as isize + FIRST_TAP) as usize;
        blep::apply(&self.t.step, height, since, &mut self.buf[at..at + TAPS]);
    }

    #[inline]
    fn corner(&mut self, i: usize, bend: f32, since: f32) {
        let at = (HALF as isize + i as isize + FIRST_TAP) as usize;
        blep::apply(&self.t.ramp, bend, since, &mut self.buf[at..at + TAPS]);
    }

    /// The naive samples of this block.
    #[inline]
    fn naive(&mut self, n: usize) -> &mut [f32] {
        &mut self.buf[HALF..HALF + n]
    }
}

impl Oscillator {
    /// Restart at phase 0 with an empty delay line (a silent voice being started).
    pub fn reset(&mut self) {
        *self = Oscillator::default();
    }

    /// Render `n` (≤ CONTROL_BLOCK) samples and return them.
    pub fn process(&mut self, b: &OscillatorBlock, noise: &mut Noise, n: usize) -> &[f32] {
        assert!(n <= CONTROL_BLOCK);
        self.buf.copy_within(self.last..self.last + CARRY, 0);
        self.buf[CARRY..].fill(0.0);
        self.last = n;
        let mut blk = Block {
            buf: &mut self.buf,
            t: blep::tables(),
        };
        let gen = &mut self.gen;
        let inc = Ramp::new(b.inc_start, b.inc_end, n);
        let shape = Shape::new(b.wave, b.pulsewidth, b.inc_start.max(b.inc_end));
        match (b.wave, b.sync) {
            (Waveform::Noise, _) => {
                for v in blk.naive(n) {
                    *v += noise.sample();
                }
            }
            (Waveform::SampleHold, _) => gen.sample_hold(&mut blk, n, inc, noise),
            (_, Some((s0, s1))) => gen.synced(&mut blk, n, inc, Ramp::new(s0, s1, n), &shape),
            (wave, None) => match inc.steady() {
                Some(Steady(d)) => gen.free_steady(&mut blk, n, d, wave, &shape),
                None => gen.free(&mut blk, n, inc, wave, &shape),
            },
        }
        &self.buf[..n]
    }
}

impl Generator {
    /// An unsynced periodic waveform at a steady pitch. Saw and pulse have closed forms between
    /// their steps, so they run as plain loops from one step to the next.
    fn free_steady(&mut self, blk: &mut Block, n: usize, d: u32, wave: Waveform, shape: &Shape) {
        match wave {
            Waveform::Pulse => self.pulse_steady(blk, n, d, point(shape.knee)),
            Waveform::Saw if shape.saw => self.saw_steady(blk, n, d),
            _ => self.free(blk, n, Steady(d), wave, shape),
        }
    }

    /// `saw` at a steady increment: each stretch without a step is written as one loop (it
    /// vectorises); the samples with a step run `saw`'s own body, so every addition into the
    /// buffer happens in the same order as there.
    fn saw_steady(&mut self, blk: &mut Block, n: usize, d: u32) {
        let mut p = self.phase;
        let mut i = 0;
        while i < n {
            // The step is where the phase, read as signed, overflows to negative: never for
            // d = 0, nor for d = 2^31 (negative read as signed, it can only wrap to positive).
            let gap = if (d as i32) > 0 {
                let room = (i64::from(i32::MAX) - i64::from(p as i32)) as u64 / u64::from(d);
                room.min((n - i) as u64) as usize
            } else {
                n - i
            };
            let run = &mut blk.buf[HALF + i..HALF + i + gap];
            for (k, v) in run.iter_mut().enumerate() {
                *v += p.wrapping_add(d.wrapping_mul(k as u32 + 1)) as i32 as f32 * SAW_SCALE;
            }
            p = p.wrapping_add(d.wrapping_mul(gap as u32));
            i += gap;
            if i == n {
                break;
            }
            let next = p.wrapping_add(d);
            blk.step(i, -2.0, since(next - 0x8000_0000, d));
            p = next;
            blk.buf[HALF + i] += next as i32 as f32 * SAW_SCALE;
            i += 1;
        }
        self.phase = p;
    }

    /// `pulse` at a steady increment. Between its edges the pulse is a constant, added as one
    /// loop; the samples with an edge run `pulse`'s own body.
    fn pulse_steady(&mut self, blk: &mut Block, n: usize, d: u32, duty: u32) {
        let mut p = self.phase;
        let mut i = 0;
        while i < n {
            // Samples before the phase crosses the duty point or wraps (as `crossed` sees it).
            let gap = match d {
                0 => n - i,
                _ => {
                    let to_duty = duty.wrapping_sub(p).wrapping_sub(1) / d;
                    let to_wrap = !p / d;
                    to_duty.min(to_wrap).min((n - i) as u32) as usize
                }
            };
            let level = if p < duty { 1.0 } else { -1.0 };
            for v in &mut blk.buf[HALF + i..HALF + i + gap] {
                *v += level;
            }
            p = p.wrapping_add(d.wrapping_mul(gap as u32));
            i += gap;
            if i == n {
                break;
            }
            p = pulse_sample(blk, i, p, d, duty);
            i += 1;
        }
        self.phase = p;
    }

    /// An unsynced periodic waveform.
    fn free<I: Inc>(&mut self, blk: &mut Block, n: usize, inc: I, wave: Waveform, shape: &Shape) {
        match wave {
            Waveform::Pulse => self.pulse(blk, n, inc, point(shape.knee)),
            Waveform::Saw if shape.saw => self.saw(blk, n, inc),
            Waveform::Saw => self.triangle(blk, n, inc, shape),
            _ => self.sine(blk, n, inc),
        }
    }

    fn sine<I: Inc>(&mut self, blk: &mut Block, n: usize, mut inc: I) {
        let mut p = self.phase;
        for v in blk.naive(n) {
            p = p.wrapping_add(inc.next());
            *v += sin_turns(turns(p));
        }
        self.phase = p;
    }

    /// amSynth's saw rises 0 → 1 over the first half turn, steps to −1 and rises to 0: exactly
    /// the fixed-point phase read as a signed number.
    fn saw<I: Inc>(&mut self, blk: &mut Block, n: usize, mut inc: I) {
        let mut p = self.phase;
        for i in 0..n {
            let d = inc.next();
            let (next, flipped) = (p as i32).overflowing_add(d as i32);
            if flipped && next < 0 {
                blk.step(i, -2.0, since(next as u32 - 0x8000_0000, d));
            }
            p = next as u32;
            blk.buf[HALF + i] += next as f32 * SAW_SCALE;
        }
        self.phase = p;
    }

    fn pulse<I: Inc>(&mut self, blk: &mut Block, n: usize, mut inc: I, duty: u32) {
        let mut p = self.phase;
        for i in 0..n {
            p = pulse_sample(blk, i, p, inc.next(), duty);
        }
        self.phase = p;
    }

    fn triangle<I: Inc>(&mut self, blk: &mut Block, n: usize, mut inc: I, s: &Shape) {
        let mut p = self.phase;
        let (peak, trough) = (point(s.knee), point(1.0 - s.knee));
        let bend = (s.down - s.up) / TURN; // slope change per fixed-point unit at the peak
        for i in 0..n {
            let d = inc.next();
            if let Some(after) = crossed(p, d, peak) {
                blk.corner(i, (bend * f64::from(d)) as f32, since(after, d));
            }
            if let Some(after) = crossed(p, d, trough) {
                blk.corner(i, (-bend * f64::from(d)) as f32, since(after, d));
            }
            p = p.wrapping_add(d);
            blk.buf[HALF + i] += s.value(turns(p));
        }
        self.phase = p;
    }

    /// amSynth's S&H noise: a new value every ⌊1/inc⌋ + 1 samples.
    fn sample_hold(&mut self, blk: &mut Block, n: usize, mut inc: Ramp, noise: &mut Noise) {
        for v in blk.naive(n) {
            let d = inc.next();
            if self.hold_left == 0 {
                self.held = noise.sample();
                self.hold_left = if d > 0 {
                    (TURN / f64::from(d)).min(1e9) as u32 + 1
                } else {
                    1
                };
            }
            self.hold_left -= 1;
            *v += self.held;
        }
    }

    /// Hard sync: osc 2 restarts when the master (osc 1's frequency) wraps, possibly mid-sample.
    /// One monomorphised loop per waveform keeps the per-sample work free of shape dispatch.
    fn synced(&mut self, blk: &mut Block, n: usize, inc: Ramp, master: Ramp, s: &Shape) {
        match s.wave {
            Waveform::Pulse => self.synced_as::<PULSE>(blk, n, inc, master, s),
            Waveform::Saw if s.saw => self.synced_as::<SAW>(blk, n, inc, master, s),
            Waveform::Saw => self.synced_as::<TRIANGLE>(blk, n, inc, master, s),
            _ => self.synced_as::<SINE>(blk, n, inc, master, s),
        }
    }

    fn synced_as<const W: u8>(
        &mut self,
        blk: &mut Block,
        n: usize,
        mut inc: Ramp,
        mut master: Ramp,
        s: &Shape,
    ) {
        let points = Points::new(s);
        for i in 0..n {
            let d = inc.next();
            let md = master.next();
            let (sp, wrapped) = self.sync_phase.overflowing_add(md);
            self.sync_phase = sp;
            if wrapped {
                // The master wrapped `ago` samples ago: run up to that point, restart at 0.
                let ago = since(sp, md).min(1.0);
                let before = (f64::from(d) * f64::from(1.0 - ago)) as u32;
                let at = events::<W>(blk, i, &points, self.phase, before, d, ago);
                blk.step(
                    i,
                    value::<W>(s, &points, 0) - value::<W>(s, &points, at),
                    ago,
                );
                let after = (f64::from(d) * f64::from(ago)) as u32;
                self.phase = events::<W>(blk, i, &points, 0, after, d, 0.0);
            } else {
                self.phase = events::<W>(blk, i, &points, self.phase, d, d, 0.0);
            }
            blk.buf[HALF + i] += value::<W>(s, &points, self.phase);
        }
    }
}

const SINE: u8 = 0;
const PULSE: u8 = 1;
const SAW: u8 = 2;
const TRIANGLE: u8 = 3;

/// A shape's event points in fixed point.
struct Points {
    knee: u32,
    trough: u32,
    /// Triangle slope change per fixed-point unit at the peak.
    bend: f64,
}

impl Points {
    fn new(s: &Shape) -> Points {
        Points {
            knee: point(s.knee),
            trough: point(1.0 - s.knee),
            bend: (s.down - s.up) / TURN,
        }
    }
}

/// The naive waveform at fixed-point phase `p`.
#[inline(always)]
fn value<const W: u8>(s: &Shape, pts: &Points, p: u32) -> f32 {
    match W {
        SAW => p as i32 as f32 * SAW_SCALE,
        PULSE => {
            if p < pts.knee {
                1.0
            } else {
                -1.0
            }
        }
        _ => s.value(turns(p)),
    }
}

/// Residuals for the shape's events while the phase moves `by` from `from`; `tail` samples pass
/// between the end of that move and the current sample. Returns the new phase.
#[inline(always)]
fn events<const W: u8>(
    blk: &mut Block,
    i: usize,
    pts: &Points,
    from: u32,
    by: u32,
    inc: u32,
    tail: f32,
) -> u32 {
    let ago = |after: u32| since(after, inc) + tail;
    match W {
        PULSE => {
            if let Some(a) = crossed(from, by, pts.knee) {
                blk.step(i, -2.0, ago(a));
            }
            if let Some(a) = crossed(from, by, 0) {
                blk.step(i, 2.0, ago(a));
            }
        }
        SAW => {
            if let Some(a) = crossed(from, by, 0x8000_0000) {
                blk.step(i, -2.0, ago(a));
            }
        }
        TRIANGLE => {
            let bend = (pts.bend * f64::from(inc)) as f32;
            if let Some(a) = crossed(from, by, pts.knee) {
                blk.corner(i, bend, ago(a));
            }
            if let Some(a) = crossed(from, by, pts.trough) {
                blk.corner(i, -bend, ago(a));
            }
        }
        _ => {}
    }
    from.wrapping_add(by)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: a small deterministic source of test values.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u32 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32
        }
    }

    /// The steady-pitch saw and pulse add exactly what the per-sample loops add, in the same
    /// order, onto a buffer that already holds residuals, for increments up to Nyquist and phases
    /// at and around every edge.
    #[test]
    fn steady_paths_match_the_per_sample_loops_bit_for_bit() {
        let tables = blep::tables();
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        let duties: Vec<u32> = [0.0f32, 0.2, 0.5, 0.9, 1.0]
            .iter()
            .map(|&pw| point(Shape::new(Waveform::Pulse, pw, 0.0).knee))
            .collect();
        let mut incs = vec![
            0,
            1,
            2,
            977,
            0x7FFF_FFFF,
            0x8000_0000,
            0x4000_0000,
            0x5555_5555,
        ];
        incs.extend(
            (0..40)
                .map(|k| rng.next() >> (k % 24))
                .map(|d| d.min(0x8000_0000)),
        );
        for &d in &incs {
            for &duty in &duties {
                let mut phases = vec![0, 1, 0x7FFF_FFFF, 0x8000_0000, u32::MAX];
                phases.extend([duty.wrapping_sub(1), duty, duty.wrapping_sub(d)]);
                phases.extend([0x8000_0000u32.wrapping_sub(d), 0u32.wrapping_sub(d)]);
                phases.push(rng.next());
                for &phase in &phases {
                    for n in [1, 2, 17, CONTROL_BLOCK] {
                        let mut start = [0.0f32; BUF];
                        for v in &mut start {
                            *v = (rng.next() as f32 / u32::MAX as f32 - 0.5) * 1e-3;
                        }
                        let check = |fast: &dyn Fn(&mut Generator, &mut Block),
                                     slow: &dyn Fn(&mut Generator, &mut Block)| {
                            let (mut a, mut b) = (start, start);
                            let mut ga = Generator {
                                phase,
                                ..Default::default()
                            };
                            let mut gb = ga;
                            fast(&mut ga, &mut Block { buf: &mut a, t: tables });
                            slow(&mut gb, &mut Block { buf: &mut b, t: tables });
                            assert_eq!(ga.phase, gb.phase, "d {d:#x} phase {phase:#x} n {n}");
                            for (i, (x, y)) in a.iter().zip(&b).enumerate() {
                                assert_eq!(
                                    x.to_bits(),
                                    y.to_bits(),
                                    "d {d:#x} phase {phase:#x} duty {duty:#x} n {n} at {i}"
                                );
                            }
                        };
                        check(&|g, blk| g.saw_steady(blk, n, d), &|g, blk| {
                            g.saw(blk, n, Steady(d))
                        });
                        check(&|g, blk| g.pulse_steady(blk, n, d, duty), &|g, blk| {
                            g.pulse(blk, n, Steady(d), duty)
                        });
                    }
                }
            }
        }
    }
}
