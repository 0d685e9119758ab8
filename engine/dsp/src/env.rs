//! amSynth's ADSR: linear segments whose lengths follow `t = v³ + 0.0005 s`; attack and release
//! start from the current level (constant time, not constant rate).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Attack,
    Decay,
    Sustain,
    Release,
    Off,
}

/// Envelope settings in seconds and level, already through the parameter laws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdsrParams {
    pub attack: f32,
    pub decay: f32,
    pub sustain: f32,
    pub release: f32,
    /// amSynth skips the decay when its knob is at zero: the attack goes straight to sustain.
    pub skip_decay: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Adsr {
    stage: Stage,
    level: f32,
    target: f32,
    inc: f32,
    left: u32,
    sample_rate: f32,
}

fn samples(seconds: f32, sr: f32) -> u32 {
    ((seconds * sr) as u32).max(1)
}

impl Adsr {
    pub fn new(sample_rate: f32) -> Self {
        Adsr {
            stage: Stage::Off,
            level: 0.0,
            target: 0.0,
            inc: 0.0,
            left: 0,
            sample_rate,
        }
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    pub fn level(&self) -> f32 {
        self.level
    }

    pub fn is_off(&self) -> bool {
        self.stage == Stage::Off
    }

    /// Note-on: attack from wherever the level is now.
    pub fn trigger(&mut self, p: &AdsrParams) {
        let target = if p.skip_decay { p.sustain } else { 1.0 };
        self.ramp(Stage::Attack, target, p.attack);
    }

    /// Note-off: release from the current level.
    pub fn release(&mut self, p: &AdsrParams) {
        if self.stage != Stage::Off {
            self.ramp(Stage::Release, 0.0, p.release);
        }
    }

    /// Silence at once (voice stolen or reset).
    pub fn kill(&mut self) {
        *self = Adsr::new(self.sample_rate);
    }

    fn ramp(&mut self, stage: Stage, target: f32, seconds: f32) {
        self.stage = stage;
        self.left = samples(seconds, self.sample_rate);
        self.target = target;
        self.inc = (target - self.level) / self.left as f32;
    }

    fn next_stage(&mut self, p: &AdsrParams) {
        match self.stage {
            Stage::Attack if !p.skip_decay => self.ramp(Stage::Decay, p.sustain, p.decay),
            Stage::Attack | Stage::Decay => {
                self.stage = Stage::Sustain;
                self.level = p.sustain;
            }
            Stage::Release => {
                self.stage = Stage::Off;
                self.level = 0.0;
            }
            Stage::Sustain | Stage::Off => {}
        }
    }

    /// Render the envelope into `out`, sample by sample. Returns true when the whole block held
    /// one level (sustaining or off), so callers can take a constant-gain path.
    pub fn process(&mut self, p: &AdsrParams, out: &mut [f32]) -> bool {
        let mut i = 0;
        while i < out.len() {
            match self.stage {
                Stage::Sustain | Stage::Off => {
                    let steady = i == 0 && (self.stage == Stage::Off || self.level == p.sustain);
                    if self.stage == Stage::Sustain {
                        // Sustain follows the (smoothed) knob while held.
                        self.level = p.sustain;
                    }
                    out[i..].fill(self.level);
                    return steady;
                }
                _ => {
                    let run = (self.left as usize).min(out.len() - i);
                    for o in &mut out[i..i + run] {
                        self.level += self.inc;
                        *o = self.level;
                    }
                    i += run;
                    self.left -= run as u32;
                    if self.left == 0 {
                        // Land exactly on the target: f32 accumulation drifts over long segments.
                        self.level = self.target;
                        out[i - 1] = self.target;
                        self.next_stage(p);
                    }
                }
            }
        }
        false
    }

    /// Advance `n` samples and return the last level (the filter envelope is only read per block).
    pub fn skip(&mut self, p: &AdsrParams, n: usize) -> f32 {
        let mut n = n;
        while n > 0 {
            match self.stage {
                Stage::Sustain => {
                    self.level = p.sustain;
                    break;
                }
                Stage::Off => break,
                _ => {
                    let run = (self.left as usize).min(n);
                    self.level += self.inc * run as f32;
                    n -= run;
                    self.left -= run as u32;
                    if self.left == 0 {
                        self.level = self.target;
                        self.next_stage(p);
                    }
                }
            }
        }
        self.level
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> AdsrParams {
        AdsrParams {
            attack: 0.01,
            decay: 0.02,
            sustain: 0.5,
            release: 0.03,
            skip_decay: false,
        }
    }

    #[test]
    fn segments_have_the_law_lengths() {
        let sr = 48_000.0;
        let p = params();
        let mut env = Adsr::new(sr);
        env.trigger(&p);
        let mut buf = vec![0.0; 4800];
        env.process(&p, &mut buf);
        let peak = buf.iter().position(|&v| v == 1.0).unwrap();
        assert_eq!(peak + 1, 480);
        let sus = peak + buf[peak..].iter().position(|&v| v == 0.5).unwrap();
        assert_eq!(sus + 1, 480 + 960);
        env.release(&p);
        let mut rel = vec![1.0; 2000];
        env.process(&p, &mut rel);
        let off = rel.iter().position(|&v| v == 0.0).unwrap();
        assert_eq!(off + 1, 1440);
        assert!(env.is_off());
    }

    #[test]
    fn skip_matches_process() {
        let p = params();
        let mut a = Adsr::new(48_000.0);
        let mut b = a;
        a.trigger(&p);
        b.trigger(&p);
        let mut buf = [0.0; 64];
        for _ in 0..40 {
            a.process(&p, &mut buf);
            let last = b.skip(&p, 64);
            assert!((last - buf[63]).abs() < 1e-4, "{last} vs {}", buf[63]);
        }
    }
}
