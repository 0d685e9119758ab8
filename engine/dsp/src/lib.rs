//! wyrd's synth engine: an amSynth-compatible subtractive voice with our own DSP.
//! API contract (scaffold; DSP being written):
//! - `Synth::new(sample_rate, max_voices)`; `set_patch(&[f32; 41])`; `set_param(index, value)`
//! - `note_on(note, velocity)`, `note_off(note)`, `all_sound_off()`, `seed_noise(seed)`
//! - `process(&mut left, &mut right)` renders any number of frames; never allocates.
use wyrd_schema::NUM_PARAMS;

pub struct Synth {
    sample_rate: f32,
    values: [f32; NUM_PARAMS],
}

impl Synth {
    pub fn new(sample_rate: f32, max_voices: usize) -> Self {
        let _ = max_voices;
        Synth { sample_rate, values: wyrd_schema::defaults() }
    }
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }
    pub fn set_patch(&mut self, values: &[f32; NUM_PARAMS]) {
        self.values = *values;
    }
    pub fn set_param(&mut self, index: usize, value: f32) {
        self.values[index] = value;
    }
    pub fn note_on(&mut self, _note: u8, _velocity: u8) {}
    pub fn note_off(&mut self, _note: u8) {}
    pub fn all_sound_off(&mut self) {}
    pub fn seed_noise(&mut self, _seed: u64) {}
    pub fn active_voices(&self) -> usize {
        0
    }
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        left.fill(0.0);
        right.fill(0.0);
    }
}
