//! Stereo reverb: Jezar's public-domain Freeverb design (8 damped combs into 4 allpasses per side),
//! with amSynth's gain staging: the wet signal is added onto a buffer that already holds the dry
//! signal, so the dry gain is 2 − wet (../shared/amsynth-params.md §3.9).

use crate::params::CONTROL_BLOCK;

const COMBS: [usize; 8] = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617];
const ALLPASSES: [usize; 4] = [556, 441, 341, 225];
const STEREO_SPREAD: usize = 23;
const INPUT_GAIN: f32 = 0.015;
const ALLPASS_FEEDBACK: f32 = 0.5;

#[derive(Debug, Clone)]
struct Comb {
    buf: Vec<f32>,
    idx: usize,
    store: f32,
}

impl Comb {
    /// Run the comb over a block, adding its output to `out`. Works on contiguous runs of the
    /// delay line so the inner loop has no wrap test.
    fn process(&mut self, x: &[f32], out: &mut [f32], feedback: f32, damp: f32) {
        let mut done = 0;
        let mut store = self.store;
        while done < x.len() {
            let run = (x.len() - done).min(self.buf.len() - self.idx);
            let line = &mut self.buf[self.idx..self.idx + run];
            for ((d, x), o) in line
                .iter_mut()
                .zip(&x[done..done + run])
                .zip(&mut out[done..done + run])
            {
                let y = *d;
                store = y * (1.0 - damp) + store * damp;
                *d = x + store * feedback;
                *o += y;
            }
            done += run;
            self.idx = (self.idx + run) % self.buf.len();
        }
        self.store = store;
    }
}

#[derive(Debug, Clone)]
struct Allpass {
    buf: Vec<f32>,
    idx: usize,
}

impl Allpass {
    /// Run the allpass over a block in place.
    fn process(&mut self, io: &mut [f32]) {
        let mut done = 0;
        while done < io.len() {
            let run = (io.len() - done).min(self.buf.len() - self.idx);
            let line = &mut self.buf[self.idx..self.idx + run];
            for (d, v) in line.iter_mut().zip(&mut io[done..done + run]) {
                let b = *d;
                *d = *v + b * ALLPASS_FEEDBACK;
                *v = b - *v;
            }
            done += run;
            self.idx = (self.idx + run) % self.buf.len();
        }
    }
}

#[derive(Debug, Clone)]
struct Channel {
    combs: Vec<Comb>,
    allpasses: Vec<Allpass>,
}

impl Channel {
    fn new(sample_rate: f32, spread: usize) -> Self {
        let scale = |n: usize| (((n + spread) as f32 * sample_rate / 44_100.0) as usize).max(1);
        Channel {
            combs: COMBS
                .iter()
                .map(|&n| Comb {
                    buf: vec![0.0; scale(n)],
                    idx: 0,
                    store: 0.0,
                })
                .collect(),
            allpasses: ALLPASSES
                .iter()
                .map(|&n| Allpass {
                    buf: vec![0.0; scale(n)],
                    idx: 0,
                })
                .collect(),
        }
    }

    fn clear(&mut self) {
        for c in &mut self.combs {
            c.buf.fill(0.0);
            c.store = 0.0;
        }
        for a in &mut self.allpasses {
            a.buf.fill(0.0);
        }
    }

    /// The channel's reverb of `x` into `out` (overwritten).
    fn process(&mut self, x: &[f32], out: &mut [f32], feedback: f32, damp: f32) {
        out.fill(0.0);
        for c in &mut self.combs {
            c.process(x, out, feedback, damp);
        }
        for a in &mut self.allpasses {
            a.process(out);
        }
    }
}

/// Reverb settings for one block (physical values).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReverbParams {
    pub wet: f32,
    pub room: f32,
    pub damp: f32,
    pub width: f32,
}

#[derive(Debug, Clone)]
pub struct Reverb {
    left: Channel,
    right: Channel,
    /// The tank is skipped while wet is 0 (it would be multiplied by 0); cleared on entry.
    idle: bool,
}

impl Reverb {
    /// Allocates the delay lines; call off the audio thread.
    pub fn new(sample_rate: f32) -> Self {
        Reverb {
            left: Channel::new(sample_rate, 0),
            right: Channel::new(sample_rate, STEREO_SPREAD),
            idle: true,
        }
    }

    pub fn clear(&mut self) {
        self.left.clear();
        self.right.clear();
    }

    /// Mono input `x` → stereo `left`/`right` with wet/dry ramped from `from` to `to`.
    pub fn process(
        &mut self,
        x: &[f32],
        left: &mut [f32],
        right: &mut [f32],
        from: &ReverbParams,
        to: &ReverbParams,
    ) {
        let n = x.len() as f32;
        if from.wet <= 0.0 && to.wet <= 0.0 {
            if !self.idle {
                self.clear();
                self.idle = true;
            }
            for ((s, l), r) in x.iter().zip(left.iter_mut()).zip(right.iter_mut()) {
                *l = 2.0 * s;
                *r = 2.0 * s;
            }
            return;
        }
        self.idle = false;
        let (feedback, damp) = (to.room, to.damp);
        let len = x.len();
        let mut input = [0.0f32; CONTROL_BLOCK];
        let mut yl = [0.0f32; CONTROL_BLOCK];
        let mut yr = [0.0f32; CONTROL_BLOCK];
        for (i, s) in input[..len].iter_mut().zip(x) {
            *i = 2.0 * s * INPUT_GAIN;
        }
        self.left
            .process(&input[..len], &mut yl[..len], feedback, damp);
        self.right
            .process(&input[..len], &mut yr[..len], feedback, damp);
        let dw = (to.wet - from.wet) / n;
        let dwidth = (to.width - from.width) / n;
        let (mut wet, mut width) = (from.wet, from.width);
        for (((s, l), r), (a, b)) in x
            .iter()
            .zip(left.iter_mut())
            .zip(right.iter_mut())
            .zip(yl.iter().zip(&yr))
        {
            wet += dw;
            width += dwidth;
            let wet1 = wet * (1.0 + width) * 0.5;
            let wet2 = wet * (1.0 - width) * 0.5;
            let dry = 2.0 - wet;
            *l = s * dry + a * wet1 + b * wet2;
            *r = s * dry + b * wet1 + a * wet2;
        }
    }
}
