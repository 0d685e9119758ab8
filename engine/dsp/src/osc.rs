//! Band-limited oscillators: sine, pulse, saw↔triangle, noise and sample-and-hold noise, with
//! amSynth's hard sync.
//!
//! The naive waveform is written into a short delay ring; each step or corner inside a sample adds
//! a BLEP/BLAMP residual around it (see `blep`). The ring delays every waveform by `blep::HALF`
//! samples, so both oscillators of a voice stay aligned.

use crate::blep::{self, lookup, HALF};
use crate::math::sin_turns;
use crate::noise::Noise;

const RING: usize = 64;
const MASK: usize = RING - 1;

/// Waveforms in amSynth's order (`osc1_waveform` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wave {
    Sine,
    Pulse,
    SawTri,
    Noise,
    SampleHold,
}

impl Wave {
    pub fn from_index(i: f32) -> Wave {
        match i as u32 {
            0 => Wave::Sine,
            1 => Wave::Pulse,
            3 => Wave::Noise,
            4 => Wave::SampleHold,
            _ => Wave::SawTri,
        }
    }
}

/// The shape of one period, fixed for a control block.
#[derive(Debug, Clone, Copy)]
struct Shape {
    wave: Wave,
    /// Pulse: duty cycle. Saw/tri: position of the peak (t1); the trough is at 1 − t1.
    knee: f64,
    /// Saw/tri: rising and falling slopes (value per turn); `saw` when the fall is shorter than
    /// a sample, so it is drawn as a step.
    up: f64,
    down: f64,
    saw: bool,
}

impl Shape {
    fn new(wave: Wave, pulsewidth: f32, inc: f64) -> Shape {
        let pw = f64::from(pulsewidth.clamp(0.0, 1.0));
        match wave {
            Wave::Pulse => Shape { wave, knee: 0.5 * (1.0 + pw.min(0.9)), up: 0.0, down: 0.0, saw: false },
            Wave::SawTri => {
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
            _ => Shape { wave, knee: 0.5, up: 0.0, down: 0.0, saw: false },
        }
    }

    /// The naive waveform at phase `p` in [0, 1).
    #[inline]
    fn value(&self, p: f64) -> f32 {
        match self.wave {
            Wave::Sine => sin_turns(p),
            Wave::Pulse => {
                if p < self.knee {
                    1.0
                } else {
                    -1.0
                }
            }
            Wave::SawTri => {
                let v = if p < self.knee {
                    p * self.up
                } else if self.saw {
                    (p - 1.0) * self.up
                } else if p < 1.0 - self.knee {
                    1.0 + (p - self.knee) * self.down
                } else {
                    (p - 1.0) * self.up
                };
                v as f32
            }
            Wave::Noise | Wave::SampleHold => 0.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Osc {
    phase: f64,
    ring: [f32; RING],
    pos: usize,
    held: f32,
    hold_left: u32,
    /// Phase of the sync master (osc 1's frequency), used by osc 2 only.
    sync_phase: f64,
}

impl Default for Osc {
    fn default() -> Self {
        Osc { phase: 0.0, ring: [0.0; RING], pos: 0, held: 0.0, hold_left: 0, sync_phase: 0.0 }
    }
}

/// Per-block oscillator controls. Increments are in turns per sample, ramped linearly over the
/// block like amSynth's per-block frequency interpolation.
#[derive(Debug, Clone, Copy)]
pub struct OscBlock {
    pub wave: Wave,
    pub pulsewidth: f32,
    pub inc_start: f64,
    pub inc_end: f64,
    /// Hard-sync master increments (osc 1's), when sync is on.
    pub sync: Option<(f64, f64)>,
}

impl Osc {
    /// Restart at phase 0 with an empty delay line (a silent voice being started).
    pub fn reset(&mut self) {
        *self = Osc::default();
    }

    /// Render `out.len()` samples (≤ the ring's spare room) into `out`.
    pub fn process(&mut self, b: &OscBlock, noise: &mut Noise, out: &mut [f32]) {
        let n = out.len();
        let d_inc = (b.inc_end - b.inc_start) / n as f64;
        let mut inc = b.inc_start;
        let shape = Shape::new(b.wave, b.pulsewidth, b.inc_start.max(b.inc_end));
        let tables = blep::tables();
        let (mut sync_inc, d_sync) = match b.sync {
            Some((s0, s1)) => (Some(s0), (s1 - s0) / n as f64),
            None => (None, 0.0),
        };
        for o in out.iter_mut() {
            inc += d_inc;
            if let Some(si) = sync_inc.as_mut() {
                *si += d_sync;
            }
            let v = match b.wave {
                Wave::Noise => noise.next(),
                Wave::SampleHold => self.sample_hold(inc, noise),
                _ => self.advance(&shape, inc, sync_inc, tables),
            };
            self.ring[self.pos] += v;
            let out_pos = self.pos.wrapping_sub(HALF) & MASK;
            *o = self.ring[out_pos];
            self.ring[out_pos] = 0.0;
            self.pos = (self.pos + 1) & MASK;
        }
    }

    /// amSynth's S&H noise: a new value every ⌊1/inc⌋ + 1 samples.
    #[inline]
    fn sample_hold(&mut self, inc: f64, noise: &mut Noise) -> f32 {
        if self.hold_left == 0 {
            self.held = noise.next();
            self.hold_left = if inc > 0.0 { (1.0 / inc).min(1e9) as u32 + 1 } else { 1 };
        }
        self.hold_left -= 1;
        self.held
    }

    /// Advance one sample; returns the naive value and adds residuals for events in between.
    #[inline]
    fn advance(&mut self, s: &Shape, inc: f64, sync_inc: Option<f64>, t: &blep::Tables) -> f32 {
        let prev = self.phase;
        if let Some(si) = sync_inc {
            let sp = self.sync_phase + si;
            if sp >= 1.0 {
                // Master wrapped `since` samples ago: run up to that point, restart at 0.
                self.sync_phase = sp - 1.0;
                let since = (self.sync_phase / si).min(1.0);
                let at = prev + inc * (1.0 - since);
                let at_wrapped = self.events(s, prev, at, inc, since, t);
                let jump = s.value(0.0) - s.value(at_wrapped);
                self.add_step(jump, since as f32, &t.step);
                self.phase = 0.0;
                let end = inc * since;
                self.phase = self.events(s, 0.0, end, inc, 0.0, t);
                return s.value(self.phase);
            }
            self.sync_phase = sp;
        }
        self.phase = self.events(s, prev, prev + inc, inc, 0.0, t);
        s.value(self.phase)
    }

    /// Add residuals for the shape's events crossed between phases `from` and `to` (unwrapped);
    /// `tail` samples pass between `to` and the current sample. Returns `to` wrapped to [0, 1).
    #[inline]
    fn events(&mut self, s: &Shape, from: f64, to: f64, inc: f64, tail: f64, t: &blep::Tables) -> f64 {
        if inc <= 0.0 {
            return to - to.floor();
        }
        let since = |e: f64| ((to - e) / inc + tail) as f32;
        let crossed = |e: f64| (from < e && e <= to) || (from < e + 1.0 && e + 1.0 <= to);
        let at = |e: f64| if e <= to && e > from { e } else { e + 1.0 };
        match s.wave {
            Wave::Pulse => {
                if crossed(s.knee) {
                    self.add_step(-2.0, since(at(s.knee)), &t.step);
                }
                if to >= 1.0 {
                    self.add_step(2.0, since(1.0), &t.step);
                }
            }
            Wave::SawTri if s.saw => {
                if crossed(0.5) {
                    self.add_step(-2.0, since(at(0.5)), &t.step);
                }
            }
            Wave::SawTri => {
                let bend = (s.down - s.up) * inc; // slope change per sample at the peak
                if crossed(s.knee) {
                    self.add_step(bend as f32, since(at(s.knee)), &t.ramp);
                }
                let trough = 1.0 - s.knee;
                if crossed(trough) {
                    self.add_step(-bend as f32, since(at(trough)), &t.ramp);
                }
            }
            _ => {}
        }
        to - to.floor()
    }

    /// Add `height` × residual around an event `since` samples before the current sample.
    #[inline]
    fn add_step(&mut self, height: f32, since: f32, table: &[f32]) {
        for m in 0..(2 * HALF - 1) {
            let offset = m as isize - (HALF as isize - 1);
            let idx = (self.pos as isize + offset) as usize & MASK;
            self.ring[idx] += height * lookup(table, offset as f32 + since);
        }
    }
}
