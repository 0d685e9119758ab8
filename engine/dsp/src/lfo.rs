//! The modulation LFO (amSynth's 7 waveforms), evaluated at control-block boundaries: pitch and
//! cutoff read the value at the block start, amplitude ramps between block boundaries.

use wyrd_schema::LfoWaveform;

use crate::math::sin_turns;
use crate::noise::Noise;

#[derive(Debug, Clone, Copy)]
pub struct Lfo {
    phase: f64,
    value: f32,
    held: f32,
    hold_left: f64,
}

impl Default for Lfo {
    fn default() -> Self {
        Lfo {
            phase: 0.0,
            value: 0.0,
            held: 0.0,
            hold_left: 0.0,
        }
    }
}

/// Value of a periodic LFO shape at phase `p` in turns.
fn shape(wave: LfoWaveform, p: f64) -> f32 {
    match wave {
        LfoWaveform::Sine => sin_turns(p),
        // amSynth's square starts at +1, so at 0 Hz it is a constant +1.
        LfoWaveform::Square => {
            if p < 0.5 {
                1.0
            } else {
                -1.0
            }
        }
        LfoWaveform::Triangle => {
            let v = if p < 0.25 {
                4.0 * p
            } else if p < 0.75 {
                2.0 - 4.0 * p
            } else {
                4.0 * p - 4.0
            };
            v as f32
        }
        LfoWaveform::SawUp => (if p < 0.5 { 2.0 * p } else { 2.0 * p - 2.0 }) as f32,
        LfoWaveform::SawDown => (if p < 0.5 { -2.0 * p } else { 2.0 - 2.0 * p }) as f32,
        LfoWaveform::Noise | LfoWaveform::SampleHold => 0.0,
    }
}

impl Lfo {
    /// Restart at phase 0 (a voice started from silence).
    pub fn reset(&mut self, wave: LfoWaveform, noise: &mut Noise) {
        *self = Lfo::default();
        self.value = self.evaluate(wave, 0.0, 0, noise);
    }

    /// The value at the start of the current block.
    pub fn value(&self) -> f32 {
        self.value
    }

    /// Advance `n` samples at `hz`; returns (value at block start, value at block end).
    pub fn advance(
        &mut self,
        wave: LfoWaveform,
        hz: f32,
        sr: f32,
        n: usize,
        noise: &mut Noise,
    ) -> (f32, f32) {
        let start = self.value;
        let inc = f64::from(hz / sr);
        self.phase += inc * n as f64;
        self.phase -= (self.phase as i64) as f64;
        self.value = self.evaluate(wave, inc, n, noise);
        (start, self.value)
    }

    fn evaluate(&mut self, wave: LfoWaveform, inc: f64, n: usize, noise: &mut Noise) -> f32 {
        match wave {
            LfoWaveform::Noise => noise.sample(),
            LfoWaveform::SampleHold => {
                // A new value every sr/f samples; at 0 Hz every time it is read (amSynth on x86-64).
                self.hold_left -= n as f64;
                if self.hold_left <= 0.0 {
                    self.held = noise.sample();
                    self.hold_left = if inc > 0.0 {
                        (1.0 / inc).floor() + 1.0
                    } else {
                        0.0
                    };
                }
                self.held
            }
            _ => shape(wave, self.phase),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_hz_is_constant_like_amsynth() {
        let mut noise = Noise::new(1);
        for (wave, expect) in [
            (LfoWaveform::Sine, 0.0),
            (LfoWaveform::Square, 1.0),
            (LfoWaveform::Triangle, 0.0),
            (LfoWaveform::SawUp, 0.0),
        ] {
            let mut lfo = Lfo::default();
            lfo.reset(wave, &mut noise);
            for _ in 0..10 {
                assert_eq!(
                    lfo.advance(wave, 0.0, 48_000.0, 64, &mut noise),
                    (expect, expect)
                );
            }
        }
    }

    #[test]
    fn sine_completes_a_cycle_per_period() {
        let mut noise = Noise::new(1);
        let mut lfo = Lfo::default();
        lfo.reset(LfoWaveform::Sine, &mut noise);
        // 1 Hz at 48 kHz: a quarter period is 12 000 samples.
        let (_, v) = lfo.advance(LfoWaveform::Sine, 1.0, 48_000.0, 12_000, &mut noise);
        assert!((v - 1.0).abs() < 1e-5);
        let (_, v) = lfo.advance(LfoWaveform::Sine, 1.0, 48_000.0, 24_000, &mut noise);
        assert!((v + 1.0).abs() < 1e-5);
    }
}
