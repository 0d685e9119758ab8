//! One voice: two oscillators → mixer/ring mod → filter → VCA, with its own LFO and envelopes
//! (../shared/amsynth-params.md §3.1–3.7).

use wyrd_schema::{FilterType, FreqModDest};

use crate::env::Adsr;
use crate::filter::{Coefs, Filter};
use crate::lfo::Lfo;
use crate::math::note_to_hz;
use crate::noise::Noise;
use crate::oscillator::{Oscillator, OscillatorBlock};
use crate::params::{BlockCtx, BlockParams, CONTROL_BLOCK};

/// Key-tracking centre: middle C.
const KBD_CENTRE_HZ: f32 = 261.626;
/// A stolen voice fades out over this time instead of clicking (amSynth cuts it).
pub const STEAL_FADE_SECONDS: f32 = 0.003;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Idle,
    Playing,
    /// Stolen: fading out over the remaining samples.
    Fading(u32),
}

#[derive(Debug, Clone)]
pub struct Voice {
    pub state: State,
    pub note: u8,
    /// Key is physically held (as opposed to released, or held only by the sustain pedal).
    pub key_down: bool,
    pub sustained: bool,
    pub age: u64,
    velocity: f32,
    /// Note frequency after portamento (Hz, no bend), and the glide toward `target_hz`.
    hz: f32,
    target_hz: f32,
    glide_step: f32,
    osc1: Oscillator,
    osc2: Oscillator,
    lfo: Lfo,
    pub amp_env: Adsr,
    filter_env: Adsr,
    filter: Filter,
    gain: f32,
    gain_pole: f32,
    fade_len: u32,
    inc1: f64,
    inc2: f64,
    noise: Noise,
}

impl Voice {
    pub fn new(sample_rate: f32, noise: Noise) -> Self {
        Voice {
            state: State::Idle,
            note: 0,
            key_down: false,
            sustained: false,
            age: 0,
            velocity: 0.0,
            hz: 0.0,
            target_hz: 0.0,
            glide_step: 0.0,
            osc1: Oscillator::default(),
            osc2: Oscillator::default(),
            lfo: Lfo::default(),
            amp_env: Adsr::new(sample_rate),
            filter_env: Adsr::new(sample_rate),
            filter: Filter::default(),
            gain: 0.0,
            // amSynth declicks the whole VCA gain with this one-pole (≈1 kHz).
            gain_pole: (-(std::f32::consts::FRAC_PI_2) * 4000.0 / sample_rate).exp(),
            fade_len: ((STEAL_FADE_SECONDS * sample_rate) as u32).max(1),
            inc1: 0.0,
            inc2: 0.0,
            noise,
        }
    }

    pub fn is_playing(&self) -> bool {
        self.state == State::Playing
    }

    pub fn is_active(&self) -> bool {
        self.state != State::Idle
    }

    pub fn is_released(&self) -> bool {
        !self.key_down && !self.sustained
    }

    pub fn hz(&self) -> f32 {
        self.hz
    }

    /// Start (or restart) a note. `from_hz` is where portamento glides from, if anywhere.
    pub fn start(
        &mut self,
        note: u8,
        velocity: u8,
        age: u64,
        from_hz: Option<f32>,
        ctx: &BlockCtx,
        retrigger: bool,
    ) {
        let target = note_to_hz(f32::from(note));
        let silent = self.state != State::Playing;
        if silent {
            self.osc1.reset();
            self.osc2.reset();
            self.lfo.reset(ctx.cur.lfo_wave, &mut self.noise);
            self.filter.reset();
            self.amp_env.kill();
            self.filter_env.kill();
            self.gain = 0.0;
            self.inc1 = 0.0;
            self.inc2 = 0.0;
        }
        self.state = State::Playing;
        self.note = note;
        self.key_down = true;
        self.sustained = false;
        self.age = age;
        self.velocity = f32::from(velocity.min(127)) / 127.0;
        self.glide_to(
            target,
            from_hz.or(if silent { None } else { Some(self.hz) }),
            ctx,
        );
        if retrigger || silent {
            self.amp_env.trigger(&ctx.cur.amp_env);
            self.filter_env.trigger(&ctx.cur.filter_env);
        }
    }

    /// Glide (or jump, with no portamento) to `target` Hz.
    pub fn glide_to(&mut self, target: f32, from: Option<f32>, ctx: &BlockCtx) {
        let samples = (ctx.cur.glide_seconds * ctx.sample_rate).floor();
        self.target_hz = target;
        match from {
            Some(from) if samples >= 1.0 => {
                self.hz = from;
                self.glide_step = (target - from) / samples;
            }
            _ => {
                self.hz = target;
                self.glide_step = 0.0;
            }
        }
    }

    pub fn release(&mut self, ctx: &BlockCtx) {
        self.key_down = false;
        self.sustained = false;
        self.amp_env.release(&ctx.cur.amp_env);
        self.filter_env.release(&ctx.cur.filter_env);
    }

    /// Begin a short fade-out (this copy of a stolen voice).
    pub fn fade_out(&mut self) {
        self.state = State::Fading(self.fade_len);
    }

    pub fn kill(&mut self) {
        self.state = State::Idle;
        self.amp_env.kill();
        self.filter_env.kill();
        self.gain = 0.0;
    }

    fn advance_glide(&mut self, n: usize) {
        if self.glide_step != 0.0 {
            self.hz += self.glide_step * n as f32;
            if (self.glide_step > 0.0 && self.hz >= self.target_hz)
                || (self.glide_step < 0.0 && self.hz <= self.target_hz)
            {
                self.hz = self.target_hz;
                self.glide_step = 0.0;
            }
        }
    }

    /// Render one control block (≤ CONTROL_BLOCK samples) and add it to `out`.
    pub fn render(&mut self, ctx: &BlockCtx, out: &mut [f32]) {
        let n = out.len();
        debug_assert!(n <= CONTROL_BLOCK);
        let (cur, prev) = (&ctx.cur, &ctx.prev);
        let sr = ctx.sample_rate;
        let (lfo0, lfo1) = self
            .lfo
            .advance(cur.lfo_wave, cur.lfo_hz, sr, n, &mut self.noise);

        // Pitch: note (after glide) × bend × LFO, per destination; ramped across the block.
        let f_n = self.hz;
        self.advance_glide(n);
        let fm = 1.0 + cur.fm_depth * lfo0;
        let (fm1, fm2) = match cur.fm_dest {
            FreqModDest::Osc1 => (fm, 1.0),
            FreqModDest::Osc2 => (1.0, fm),
            FreqModDest::Both => (fm, fm),
        };
        let nyquist = 0.5 * sr;
        let f1 = (f_n * ctx.bend * fm1).clamp(0.0, nyquist);
        let f2 = (f_n * ctx.bend * cur.osc2_ratio * fm2).clamp(0.0, nyquist);
        let (inc1, inc2) = (f64::from(f1 / sr), f64::from(f2 / sr));
        if self.inc1 == 0.0 {
            (self.inc1, self.inc2) = (inc1, inc2);
        }

        let o1 = OscillatorBlock {
            wave: cur.osc1_wave,
            pulsewidth: cur.pw1,
            inc_start: self.inc1,
            inc_end: inc1,
            sync: None,
        };
        let o2 = OscillatorBlock {
            wave: cur.osc2_wave,
            pulsewidth: cur.pw2,
            inc_start: self.inc2,
            inc_end: inc2,
            sync: cur.sync.then_some((self.inc1, inc1)),
        };
        let x1 = self.osc1.process(&o1, &mut self.noise, n);
        let x2 = self.osc2.process(&o2, &mut self.noise, n);
        (self.inc1, self.inc2) = (inc1, inc2);

        // Mixer and ring modulation, gains ramped across the block when they move.
        let mut mix = [0.0f32; CONTROL_BLOCK];
        let mix = &mut mix[..n];
        let step = 1.0 / n as f32;
        if prev.g1 == cur.g1 && prev.g2 == cur.g2 && prev.ring == cur.ring {
            let (g1, g2, r) = (cur.g1, cur.g2, cur.ring);
            if r == 0.0 {
                for ((m, x), y) in mix.iter_mut().zip(x1).zip(x2) {
                    *m = g1 * *x + g2 * *y;
                }
            } else {
                for ((m, x), y) in mix.iter_mut().zip(x1).zip(x2) {
                    *m = g1 * *x + g2 * *y + r * *x * *y;
                }
            }
        } else {
            let (dg1, dg2, dr) = (
                (cur.g1 - prev.g1) * step,
                (cur.g2 - prev.g2) * step,
                (cur.ring - prev.ring) * step,
            );
            let (mut g1, mut g2, mut r) = (prev.g1, prev.g2, prev.ring);
            for ((m, x), y) in mix.iter_mut().zip(x1).zip(x2) {
                g1 += dg1;
                g2 += dg2;
                r += dr;
                *m = g1 * *x + g2 * *y + r * *x * *y;
            }
        }

        // Filter: cutoff from key tracking, velocity, LFO and the envelope read at the block end.
        let fenv = self.filter_env.skip(&cur.filter_env, n);
        if cur.filter_type != FilterType::Bypass {
            let vel = 1.0 - cur.filter_vel_sens + cur.filter_vel_sens * self.velocity;
            let base = (1.0 - cur.kbd_track) * KBD_CENTRE_HZ + cur.kbd_track * f_n;
            let lfo = 1.0 - cur.filter_mod_depth * (1.0 - lfo0) * 0.5;
            let mut fc = cur.cutoff_mult * base * vel * lfo;
            if cur.env_amount > 0.0 {
                fc += cur.env_amount * fenv * f_n;
            } else {
                fc *= 1.0 + cur.env_amount / 16.0 * fenv;
            }
            let fc = fc.clamp(10.0, 0.99 * nyquist);
            let coefs = Coefs::new(
                cur.filter_type,
                f64::from(fc),
                f64::from(cur.q),
                f64::from(sr),
            );
            self.filter
                .process(cur.filter_type, &coefs, cur.filter_slope, mix);
        }

        // VCA: envelope × velocity × LFO tremolo × master volume, declicked by a one-pole.
        let amp_factor = |f: &BlockParams, lfo: f32| {
            (1.0 - f.amp_vel_sens + f.amp_vel_sens * self.velocity)
                * (1.0 - f.amp_mod_depth * (1.0 - lfo) * 0.5)
                * f.master_gain
        };
        let (k0, k1) = (amp_factor(prev, lfo0), amp_factor(cur, lfo1));
        let mut env = [0.0f32; CONTROL_BLOCK];
        let env = &mut env[..n];
        let held = self.amp_env.process(&cur.amp_env, env);
        let pole = self.gain_pole;
        let mut gain = self.gain;
        match self.state {
            State::Fading(left) => {
                let (dk, mut k) = ((k1 - k0) * step, k0);
                let fade_step = 1.0 / self.fade_len as f32;
                let mut fade = left as f32 * fade_step;
                for ((o, x), e) in out.iter_mut().zip(mix.iter()).zip(env.iter()) {
                    k += dk;
                    fade = (fade - fade_step).max(0.0);
                    gain = gain * pole + (1.0 - pole) * *e * k;
                    *o += *x * gain * fade;
                }
                let left = left.saturating_sub(n as u32);
                self.state = if left == 0 {
                    State::Idle
                } else {
                    State::Fading(left)
                };
            }
            // A held note with steady gain: the declicking smoother has settled, so the gain is
            // a constant and the loop vectorises.
            _ if held && k0 == k1 && (gain - env[0] * k1).abs() < 1e-7 => {
                gain = env[0] * k1;
                for (o, x) in out.iter_mut().zip(mix.iter()) {
                    *o += *x * gain;
                }
            }
            _ => {
                let (dk, mut k) = ((k1 - k0) * step, k0);
                for ((o, x), e) in out.iter_mut().zip(mix.iter()).zip(env.iter()) {
                    k += dk;
                    gain = gain * pole + (1.0 - pole) * *e * k;
                    *o += *x * gain;
                }
            }
        }
        self.gain = gain;
        if self.amp_env.is_off() && self.gain < 1e-7 {
            self.state = State::Idle;
        }
    }
}
