//! norns' PolyPerc engine (`sc/engines/Engine_PolyPerc.sc`), wyrd's own DSP: each `hz`
//! starts a voice that plays a band-limited pulse through a Moog-style 4-pole ladder low-pass,
//! shaped by a percussive envelope and panned, then frees itself when the envelope ends (the
//! SuperCollider engine's `Synth` per note with `doneAction: 2`).
//!
//! - Pulse: naive ±1 pulse of width `pw` with a 2-sample polynomial BLEP at both edges, its DC
//!   (`2·pw − 1`) removed so narrow pulses do not thump.
//! - Filter: the linear Moog ladder SuperCollider's `MoogFF` implements (Fontana 2007): four
//!   bilinear one-poles with the delay-free feedback loop solved exactly (zero-delay
//!   feedback); `gain` is the loop gain k, 0..4, where 4 is the edge of self-oscillation. As in
//!   the linear model, the pass band drops to `1 / (1 + k)`.
//! - Envelope: `Env.perc(0.01, release, amp, -4)`: both segments follow SuperCollider's curve
//!   `y1 + (y2 − y1)·(1 − e^(c·t/T)) / (1 − e^c)` with c = −4; the release reaches −60 dB at
//!   0.986·release and 0 at release.
//! - Pan: `Pan2`'s equal-power law, `cos`/`sin` of `(pan + 1)·π/4`.
//!
//! Parameters apply to the notes started after they are set, as in norns: a voice computes
//! its coefficients once, at its start, so nothing needs smoothing and a voice costs only its
//! per-sample arithmetic. The pool is allocated in [`PolyPerc::new`]; when all
//! [`PERC_VOICES`] notes sound, the oldest is faded out over 2 ms in one of a few extra slots
//! (no click) and the new note takes its place (norns has no cap but the CPU).

use wyrd_schema::polyperc::{ParamId, NUM_PARAMS, PARAMS};

/// Notes that can sound at once.
pub const PERC_VOICES: usize = 32;
/// Extra slots where taken-over notes fade out.
pub const PERC_FADE_SLOTS: usize = 4;
const SLOTS: usize = PERC_VOICES + PERC_FADE_SLOTS;
/// How long a taken-over note takes to fade out.
const STEAL_FADE_SECONDS: f32 = 0.002;
/// `Env.perc`'s attack time.
pub const ATTACK_SECONDS: f32 = 0.01;
/// `Env.perc`'s curve.
const CURVE: f32 = -4.0;
/// Highest pitch and cutoff, as a fraction of the sample rate (the BLEP and the ladder's
/// prewarping need to stay below Nyquist).
const MAX_FRACTION: f32 = 0.45;
/// The loop gain is held just under 4, where the linear ladder's poles reach the unit circle
/// and rounding could make them grow.
const MAX_GAIN: f32 = 3.99;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Off,
    Attack,
    Release,
}

/// One envelope segment in SuperCollider's curve: `y = from + span·(1 − a)`, `a *= w` per sample.
#[derive(Debug, Clone, Copy)]
struct Segment {
    from: f32,
    /// `(to − from) / (1 − e^c)`.
    span: f32,
    a: f32,
    w: f32,
    left: u32,
}

impl Segment {
    const IDLE: Segment = Segment {
        from: 0.0,
        span: 0.0,
        a: 1.0,
        w: 1.0,
        left: 0,
    };

    fn new(from: f32, to: f32, samples: u32) -> Segment {
        let samples = samples.max(1);
        Segment {
            from,
            span: (to - from) / (1.0 - CURVE.exp()),
            a: 1.0,
            w: (CURVE / samples as f32).exp(),
            left: samples,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Voice {
    stage: Stage,
    /// Start order, for stealing the oldest.
    age: u64,
    /// Taken over by a newer note: fading out, no longer counted against the cap.
    fading: bool,
    // Pulse.
    phase: f32,
    dt: f32,
    pw: f32,
    dc: f32,
    // Ladder: one-pole gain G = g / (1 + g), loop gain k, states.
    big_g: f32,
    k: f32,
    /// `1 / (1 + k·G⁴)`.
    loop_norm: f32,
    z: [f32; 4],
    // Envelope and output.
    seg: Segment,
    level: f32,
    release_samples: u32,
    gain_l: f32,
    gain_r: f32,
}

impl Voice {
    const OFF: Voice = Voice {
        stage: Stage::Off,
        age: 0,
        fading: false,
        phase: 0.0,
        dt: 0.0,
        pw: 0.5,
        dc: 0.0,
        big_g: 0.0,
        k: 0.0,
        loop_norm: 1.0,
        z: [0.0; 4],
        seg: Segment::IDLE,
        level: 0.0,
        release_samples: 1,
        gain_l: 0.0,
        gain_r: 0.0,
    };

    /// Polynomial BLEP residual of a unit-height (−1 → +1) step at phase 0, for phase `t` in
    /// [0, 1) and increment `dt`.
    #[inline(always)]
    fn blep(t: f32, dt: f32) -> f32 {
        if t < dt {
            let x = t / dt;
            2.0 * x - x * x - 1.0
        } else if t > 1.0 - dt {
            let x = (t - 1.0) / dt;
            x * x + 2.0 * x + 1.0
        } else {
            0.0
        }
    }

    /// Adds `n` samples of this voice into `left`/`right`; frees the voice when its envelope
    /// ends.
    fn render(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut pos = 0;
        while pos < n && self.stage != Stage::Off {
            let run = (self.seg.left as usize).min(n - pos);
            self.render_run(&mut left[pos..pos + run], &mut right[pos..pos + run]);
            pos += run;
            self.seg.left -= run as u32;
            if self.seg.left == 0 {
                self.next_stage();
            }
            if !self.z.iter().all(|z| z.is_finite()) {
                self.stage = Stage::Off;
            }
        }
    }

    fn sounding(&self) -> bool {
        self.stage != Stage::Off
    }

    /// Fades out from wherever the envelope is, over `samples`.
    fn fade_out(&mut self, samples: u32) {
        let level = self.seg.from + self.seg.span * (1.0 - self.seg.a);
        self.fading = true;
        self.stage = Stage::Release;
        self.seg = Segment::new(level, 0.0, samples);
    }

    fn next_stage(&mut self) {
        match self.stage {
            Stage::Attack => {
                self.stage = Stage::Release;
                self.seg = Segment::new(self.level, 0.0, self.release_samples);
            }
            _ => self.stage = Stage::Off,
        }
    }

    /// One stretch of a single envelope segment.
    #[inline]
    fn render_run(&mut self, left: &mut [f32], right: &mut [f32]) {
        let (dt, pw, dc) = (self.dt, self.pw, self.dc);
        let (g, k, norm) = (self.big_g, self.k, self.loop_norm);
        let (g2, g3) = (g * g, g * g * g);
        let g4 = g2 * g2;
        let one_minus_g = 1.0 - g;
        let mut z = self.z;
        let mut phase = self.phase;
        let mut seg = self.seg;
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            // Band-limited pulse: high for phase < pw.
            let naive = if phase < pw { 1.0 } else { -1.0 };
            let mut fall = phase - pw;
            if fall < 0.0 {
                fall += 1.0;
            }
            let x = naive + Self::blep(phase, dt) - Self::blep(fall, dt) - dc;
            phase += dt;
            if phase >= 1.0 {
                phase -= 1.0;
            }
            // Ladder: solve the loop, y4 = (G⁴x + Σ Gʲ·βᵢ) / (1 + k·G⁴), βᵢ = (1 − G)·zᵢ.
            let s = (g3 * z[0] + g2 * z[1] + g * z[2] + z[3]) * one_minus_g;
            let y4 = (g4 * x + s) * norm;
            let mut u = x - k * y4;
            for zi in &mut z {
                let v = (u - *zi) * g;
                let y = v + *zi;
                *zi = y + v;
                u = y;
            }
            // Envelope.
            let env = seg.from + seg.span * (1.0 - seg.a);
            seg.a *= seg.w;
            let out = u * env;
            *l += out * self.gain_l;
            *r += out * self.gain_r;
        }
        self.z = z;
        self.phase = phase;
        self.seg = seg;
    }
}

/// The PolyPerc engine: its parameters and its voice pool.
pub struct PolyPerc {
    sample_rate: f32,
    values: [f32; NUM_PARAMS],
    voices: Box<[Voice; SLOTS]>,
    age: u64,
}

impl PolyPerc {
    /// Allocates the whole pool; call off the audio thread.
    pub fn new(sample_rate: f32) -> Self {
        PolyPerc {
            sample_rate,
            values: wyrd_schema::polyperc::defaults(),
            voices: Box::new([Voice::OFF; SLOTS]),
            age: 0,
        }
    }

    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// A new sample rate: sounding voices stop, the parameters stay.
    pub fn set_sample_rate(&mut self, sample_rate: f32) {
        self.sample_rate = sample_rate;
        self.all_sound_off();
    }

    /// Sets a parameter for the notes started from now on (clamped; NaN is the default);
    /// returns the value kept.
    pub fn set(&mut self, id: ParamId, value: f32) -> f32 {
        let v = PARAMS[id as usize].sanitize(value);
        self.values[id as usize] = v;
        v
    }

    pub fn get(&self, id: ParamId) -> f32 {
        self.values[id as usize]
    }

    /// Voices sounding now, notes fading out after being taken over included.
    pub fn active_voices(&self) -> usize {
        self.voices.iter().filter(|v| v.sounding()).count()
    }

    /// Notes sounding now, not counting those fading out after being taken over: at most
    /// [`PERC_VOICES`].
    pub fn notes(&self) -> usize {
        self.voices
            .iter()
            .filter(|v| v.sounding() && !v.fading)
            .count()
    }

    /// Silences every voice at once.
    pub fn all_sound_off(&mut self) {
        for v in self.voices.iter_mut() {
            v.stage = Stage::Off;
        }
    }

    /// Starts a note at `hz` with the current parameters; at the cap the oldest note fades out.
    /// A pitch that is not a positive finite number is ignored.
    pub fn hz(&mut self, hz: f32) {
        if !(hz.is_finite() && hz > 0.0) {
            return;
        }
        let sr = self.sample_rate;
        if self.notes() >= PERC_VOICES {
            let oldest = (0..SLOTS)
                .filter(|&i| self.voices[i].sounding() && !self.voices[i].fading)
                .min_by_key(|&i| self.voices[i].age);
            if let Some(i) = oldest {
                let fade = ((STEAL_FADE_SECONDS * sr) as u32).max(1);
                self.voices[i].fade_out(fade);
            }
        }
        // A free slot, else (more takeovers within one fade than fade slots) the oldest fade.
        let slot = match self.voices.iter().position(|v| !v.sounding()) {
            Some(i) => i,
            None => (0..SLOTS)
                .filter(|&i| self.voices[i].fading)
                .min_by_key(|&i| self.voices[i].age)
                .unwrap_or(0),
        };
        self.age += 1;
        let p = |id: ParamId| self.values[id as usize];
        let pw = p(ParamId::Pw);
        let cutoff = p(ParamId::Cutoff).min(MAX_FRACTION * sr);
        let g = (std::f32::consts::PI * cutoff / sr).tan();
        let big_g = g / (1.0 + g);
        let k = p(ParamId::Gain).min(MAX_GAIN);
        let angle = (p(ParamId::Pan) + 1.0) * std::f32::consts::FRAC_PI_4;
        let level = p(ParamId::Amp);
        let attack = ((ATTACK_SECONDS * sr).round() as u32).max(1);
        let release = (p(ParamId::Release) * sr).round().max(1.0) as u32;
        self.voices[slot] = Voice {
            stage: Stage::Attack,
            age: self.age,
            fading: false,
            phase: 0.0,
            dt: (hz.min(MAX_FRACTION * sr)) / sr,
            pw,
            dc: 2.0 * pw - 1.0,
            big_g,
            k,
            loop_norm: 1.0 / (1.0 + k * big_g.powi(4)),
            z: [0.0; 4],
            seg: Segment::new(0.0, level, attack),
            level,
            release_samples: release,
            gain_l: angle.cos(),
            gain_r: angle.sin(),
        };
    }

    /// Adds every sounding voice into `left`/`right` (equal lengths). Never allocates.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        for v in self.voices.iter_mut().filter(|v| v.stage != Stage::Off) {
            v.render(left, right);
        }
    }
}

impl std::fmt::Debug for PolyPerc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolyPerc")
            .field("sample_rate", &self.sample_rate)
            .field("values", &self.values)
            .field("active_voices", &self.active_voices())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_peaks_at_amp_after_the_attack_and_ends_at_the_release() {
        let sr = 48_000.0;
        let mut p = PolyPerc::new(sr);
        p.set(ParamId::Amp, 1.0);
        p.set(ParamId::Release, 0.1);
        p.hz(100.0);
        let v = &mut p.voices[0];
        let mut peak = 0.0f32;
        let mut n = 0;
        while v.stage != Stage::Off {
            let env = v.seg.from + v.seg.span * (1.0 - v.seg.a);
            peak = peak.max(env);
            v.seg.a *= v.seg.w;
            v.seg.left -= 1;
            if v.seg.left == 0 {
                v.next_stage();
            }
            n += 1;
        }
        assert!((peak - 1.0).abs() < 1e-3, "{peak}");
        assert_eq!(n, 480 + 4800);
    }
}
