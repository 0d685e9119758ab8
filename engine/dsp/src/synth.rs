//! The polyphonic synth: voice allocation, keyboard modes, portamento and the global effects.
//! Everything here runs on the audio thread: no allocation after `new`.

use wyrd_schema::{KeyboardMode, ParamId, PortamentoMode, NUM_PARAMS};

use crate::fx::{distortion, limiter::Limiter, reverb::Reverb, reverb::ReverbParams};
use crate::math::note_to_hz;
use crate::noise::Noise;
use crate::params::{BlockCtx, BlockParams, ParamState, CONTROL_BLOCK};
use crate::voice::{State, Voice};

/// Extra voice slots where stolen voices fade out.
const FADE_SLOTS: usize = 4;
/// Default polyphony.
pub const DEFAULT_VOICES: usize = 16;

/// Held keys in press order, for mono/legato's last-note priority.
#[derive(Debug, Clone)]
struct KeyStack {
    keys: [u8; 128],
    len: usize,
}

impl KeyStack {
    fn push(&mut self, k: u8) {
        self.remove(k);
        if self.len < 128 {
            self.keys[self.len] = k;
            self.len += 1;
        }
    }

    fn remove(&mut self, k: u8) {
        if let Some(i) = self.keys[..self.len].iter().position(|&x| x == k) {
            self.keys.copy_within(i + 1..self.len, i);
            self.len -= 1;
        }
    }

    fn top(&self) -> Option<u8> {
        self.len.checked_sub(1).map(|i| self.keys[i])
    }
}

pub struct Synth {
    sample_rate: f32,
    max_voices: usize,
    params: ParamState,
    prev: BlockParams,
    cur: BlockParams,
    voices: Vec<Voice>,
    noise: Noise,
    age: u64,
    keys: KeyStack,
    /// Velocity each key was struck with, for mono/legato's fall-back to a held key.
    key_velocity: [u8; 128],
    sustain: bool,
    bend: f32,
    /// Pitch of the last note-on, where poly portamento glides from.
    last_hz: Option<f32>,
    mode: KeyboardMode,
    mono: [f32; CONTROL_BLOCK],
    reverb: Reverb,
    limiter: Limiter,
}

impl Synth {
    /// Allocates everything the synth will ever need; call off the audio thread.
    pub fn new(sample_rate: f32, max_voices: usize) -> Self {
        crate::blep::tables();
        let max_voices = max_voices.max(1);
        let mut noise = Noise::new(1);
        let mut params = ParamState::new(sample_rate);
        let block = params.block_params();
        Synth {
            sample_rate,
            max_voices,
            voices: (0..max_voices + FADE_SLOTS)
                .map(|_| Voice::new(sample_rate, noise.fork()))
                .collect(),
            params,
            prev: block,
            cur: block,
            noise,
            age: 0,
            keys: KeyStack {
                keys: [0; 128],
                len: 0,
            },
            key_velocity: [0; 128],
            sustain: false,
            bend: 1.0,
            last_hz: None,
            mode: KeyboardMode::Poly,
            mono: [0.0; CONTROL_BLOCK],
            reverb: Reverb::new(sample_rate),
            limiter: Limiter::new(sample_rate),
        }
    }

    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    pub fn max_voices(&self) -> usize {
        self.max_voices
    }

    /// Reseed the noise source (offline renders are deterministic per seed).
    pub fn seed_noise(&mut self, seed: u64) {
        self.noise = Noise::new(seed);
        for v in &mut self.voices {
            *v = Voice::new(self.sample_rate, self.noise.fork());
        }
    }

    /// Stream a whole patch: every value is smoothed toward its new target.
    pub fn set_patch(&mut self, values: &[f32; NUM_PARAMS]) {
        for (i, &v) in values.iter().enumerate() {
            self.set_param(i, v);
        }
    }

    /// Load a preset like amSynth's program change: sound off, values take effect at once.
    pub fn load_patch(&mut self, values: &[f32; NUM_PARAMS]) {
        self.all_sound_off();
        self.set_patch(values);
        self.params.snap();
        self.cur = self.params.block_params();
        self.prev = self.cur;
    }

    /// Set one parameter (stored units; clamped and snapped). Out-of-range indices are ignored.
    pub fn set_param(&mut self, index: usize, value: f32) {
        if index == ParamId::KeyboardMode as usize {
            let mode = KeyboardMode::from_value(wyrd_schema::PARAMS[index].sanitize(value));
            if mode != self.mode {
                // amSynth kills all voices when the keyboard mode changes.
                self.all_notes_off_now();
                self.mode = mode;
            }
        }
        self.params.set(index, value);
    }

    /// The current target value of a parameter.
    pub fn param(&self, index: usize) -> f32 {
        self.params.target(index)
    }

    /// Pitch bend in semitones.
    pub fn set_pitch_bend(&mut self, semitones: f32) {
        self.bend = if semitones.is_finite() {
            (semitones / 12.0).exp2()
        } else {
            1.0
        };
    }

    /// Sustain pedal: while down, note-offs are deferred.
    pub fn set_sustain(&mut self, down: bool) {
        self.sustain = down;
        if !down {
            let ctx = self.ctx();
            for v in self
                .voices
                .iter_mut()
                .filter(|v| v.is_playing() && v.sustained)
            {
                v.release(&ctx);
            }
        }
    }

    pub fn active_voices(&self) -> usize {
        self.voices.iter().filter(|v| v.is_playing()).count()
    }

    pub fn note_on(&mut self, note: u8, velocity: u8) {
        let note = note.min(127);
        if velocity == 0 {
            return self.note_off(note);
        }
        self.age += 1;
        let ctx = self.ctx();
        let others_held = self.keys.len > 0;
        self.keys.push(note);
        self.key_velocity[usize::from(note)] = velocity;
        let hz = note_to_hz(f32::from(note));
        let legato_glide_only =
            PortamentoMode::from_value(self.params.target(ParamId::PortamentoMode as usize))
                == PortamentoMode::Legato;
        match self.mode {
            KeyboardMode::Poly => {
                let from = if legato_glide_only && !others_held {
                    None
                } else {
                    self.last_hz
                };
                let slot = self.poly_slot(note);
                self.voices[slot].start(note, velocity, self.age, from, &ctx, true);
            }
            KeyboardMode::Mono | KeyboardMode::Legato => {
                let v = &mut self.voices[0];
                let from = if v.is_playing() && (!legato_glide_only || others_held) {
                    Some(v.hz())
                } else {
                    None
                };
                let retrigger = self.mode == KeyboardMode::Mono || !others_held || !v.is_playing();
                v.start(note, velocity, self.age, from, &ctx, retrigger);
            }
        }
        self.last_hz = Some(hz);
    }

    pub fn note_off(&mut self, note: u8) {
        let note = note.min(127);
        self.keys.remove(note);
        let ctx = self.ctx();
        match self.mode {
            KeyboardMode::Poly => {
                let sustain = self.sustain;
                for v in self
                    .voices
                    .iter_mut()
                    .filter(|v| v.is_playing() && v.note == note && v.key_down)
                {
                    if sustain {
                        v.key_down = false;
                        v.sustained = true;
                    } else {
                        v.release(&ctx);
                    }
                }
            }
            KeyboardMode::Mono | KeyboardMode::Legato => {
                let v = &mut self.voices[0];
                if !v.is_playing() || v.note != note {
                    return;
                }
                match self.keys.top() {
                    // Fall back to the last key still held.
                    Some(k) => {
                        let vel = self.key_velocity[usize::from(k)];
                        let from = Some(v.hz());
                        v.start(
                            k,
                            vel,
                            self.age,
                            from,
                            &ctx,
                            self.mode == KeyboardMode::Mono,
                        );
                    }
                    None if self.sustain => {
                        v.key_down = false;
                        v.sustained = true;
                    }
                    None => v.release(&ctx),
                }
            }
        }
    }

    /// Release every note (like MIDI all-notes-off).
    pub fn all_notes_off(&mut self) {
        self.keys.len = 0;
        self.sustain = false;
        let ctx = self.ctx();
        for v in self.voices.iter_mut().filter(|v| v.is_playing()) {
            v.release(&ctx);
        }
    }

    /// Silence everything at once, reverb tail included (program change, panic).
    pub fn all_sound_off(&mut self) {
        self.all_notes_off_now();
        self.reverb.clear();
        self.limiter.reset();
    }

    fn all_notes_off_now(&mut self) {
        self.keys.len = 0;
        for v in &mut self.voices {
            v.kill();
        }
    }

    /// The slot for a new poly note: the voice already on this key, a free one, or a stolen one.
    fn poly_slot(&mut self, note: u8) -> usize {
        if let Some(i) = self
            .voices
            .iter()
            .position(|v| v.is_playing() && v.note == note)
        {
            return i;
        }
        let playing = self.active_voices();
        let free = self.voices.iter().position(|v| !v.is_active());
        if playing < self.max_voices {
            if let Some(i) = free {
                return i;
            }
        }
        // Steal the oldest released voice, else the oldest; its copy fades out in a spare slot.
        let victim = self
            .voices
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_playing())
            .min_by_key(|(_, v)| (!v.is_released(), v.age))
            .map(|(i, _)| i);
        let Some(victim) = victim else {
            // Only fading voices left: take the quietest-oldest one.
            return self
                .voices
                .iter()
                .position(|v| matches!(v.state, State::Fading(_)))
                .unwrap_or(0);
        };
        if let Some(spare) = free {
            self.voices[spare] = self.voices[victim].clone();
            self.voices[spare].fade_out();
        }
        self.voices[victim].kill();
        victim
    }

    /// The voices' view of the current block.
    fn ctx(&self) -> BlockCtx {
        BlockCtx {
            prev: self.prev,
            cur: self.cur,
            sample_rate: self.sample_rate,
            bend: self.bend,
        }
    }

    /// Render `left.len()` frames (`right` must be as long). Never allocates.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut start = 0;
        while start < n {
            let len = (n - start).min(CONTROL_BLOCK);
            self.render_block(
                &mut left[start..start + len],
                &mut right[start..start + len],
            );
            start += len;
        }
    }

    fn render_block(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len();
        self.prev = self.cur;
        self.params.tick(n);
        self.cur = self.params.block_params();
        let ctx = self.ctx();
        let mono = &mut self.mono[..n];
        mono.fill(0.0);
        for v in self.voices.iter_mut().filter(|v| v.is_active()) {
            v.render(&ctx, mono);
        }
        distortion::process(mono, self.prev.crunch, self.cur.crunch);
        let rp = |f: &BlockParams| ReverbParams {
            wet: f.reverb_wet,
            room: f.reverb_room,
            damp: f.reverb_damp,
            width: f.reverb_width,
        };
        self.reverb
            .process(mono, left, right, &rp(&self.prev), &rp(&self.cur));
        self.limiter.process(left, right);
    }
}

impl std::fmt::Debug for Synth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Synth")
            .field("sample_rate", &self.sample_rate)
            .field("max_voices", &self.max_voices())
            .field("active_voices", &self.active_voices())
            .finish_non_exhaustive()
    }
}
