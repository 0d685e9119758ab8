//! Musical time on the engine's frame clock: tempo, beats and the exact frame of any beat.
//!
//! Beat positions are kept as the exact grid values a script asked for (`clock.sync(1/16)`
//! lands on beat 4.0625, not on whatever beat a rounded frame maps back to), so a pattern
//! never drifts or fires twice on one grid point whatever the tempo and sample rate.

/// Tempo anchored at a frame: beats advance linearly from `(frame, beat)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transport {
    sample_rate: u32,
    bpm: f64,
    anchor_frame: f64,
    anchor_beat: f64,
}

/// Two beat positions closer than this are the same grid point (float noise from `1/3` etc.).
const BEAT_EPSILON: f64 = 1e-9;

pub const MIN_BPM: f64 = 1.0;
pub const MAX_BPM: f64 = 999.0;

impl Transport {
    pub fn new(sample_rate: u32, bpm: f64) -> Self {
        Transport {
            sample_rate,
            bpm: bpm.clamp(MIN_BPM, MAX_BPM),
            anchor_frame: 0.0,
            anchor_beat: 0.0,
        }
    }

    pub fn bpm(&self) -> f64 {
        self.bpm
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn frames_per_beat(&self) -> f64 {
        60.0 * f64::from(self.sample_rate) / self.bpm
    }

    /// The beat playing at `frame`.
    pub fn beat_at(&self, frame: u64) -> f64 {
        self.beat_at_f(frame as f64)
    }

    /// The beat at a fractional frame position.
    pub fn beat_at_f(&self, frame: f64) -> f64 {
        let df = frame - self.anchor_frame;
        self.anchor_beat + df / self.frames_per_beat()
    }

    /// The exact (fractional) frame position of `beat`.
    pub fn frame_of_f(&self, beat: f64) -> f64 {
        self.anchor_frame + (beat - self.anchor_beat) * self.frames_per_beat()
    }

    /// The frame `beat` plays on (beats between frames round to the nearest frame).
    pub fn frame_of(&self, beat: f64) -> u64 {
        self.frame_of_f(beat).round().max(0.0) as u64
    }

    /// Changes tempo from the (fractional) frame position `frame`, where `beat` plays; beats
    /// before it keep their frames.
    pub fn set_bpm(&mut self, bpm: f64, frame: f64, beat: f64) {
        self.anchor_frame = frame;
        self.anchor_beat = beat;
        self.bpm = bpm.clamp(MIN_BPM, MAX_BPM);
    }

    /// norns `clock.sync(beats, offset)`: the next grid point `k*beats + offset` strictly after
    /// `beat`.
    pub fn next_sync(beat: f64, beats: f64, offset: f64) -> f64 {
        let k = ((beat - offset) / beats + BEAT_EPSILON).floor() + 1.0;
        k * beats + offset
    }
}

/// Seconds to frames, rounded to the nearest frame.
pub fn seconds_to_frames(seconds: f64, sample_rate: u32) -> u64 {
    (seconds.max(0.0) * f64::from(sample_rate)).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteenths_at_120_bpm_are_1500_frames_apart() {
        let t = Transport::new(48_000, 120.0);
        let mut beat = 0.0;
        let mut frames = vec![];
        for _ in 0..8 {
            beat = Transport::next_sync(beat, 0.25, 0.0);
            frames.push(t.frame_of(beat));
        }
        assert_eq!(
            frames,
            vec![6000, 12000, 18000, 24000, 30000, 36000, 42000, 48000]
        );
    }

    #[test]
    fn sync_from_a_grid_point_moves_to_the_next_one() {
        assert_eq!(Transport::next_sync(4.0, 1.0, 0.0), 5.0);
        assert_eq!(Transport::next_sync(4.0 - 1e-12, 1.0, 0.0), 5.0);
        assert_eq!(Transport::next_sync(4.2, 1.0, 0.0), 5.0);
        assert_eq!(Transport::next_sync(4.2, 1.0, 0.5), 4.5);
        // Thirds never double-fire although 1/3 is not exact in binary.
        let mut b = 0.0;
        for i in 1..=30 {
            b = Transport::next_sync(b, 1.0 / 3.0, 0.0);
            assert!((b - i as f64 / 3.0).abs() < 1e-9, "{b} at step {i}");
        }
    }

    #[test]
    fn fractional_beat_frames_round_without_drift() {
        // 1/16 at 120 bpm and 44.1 kHz is 1378.125 frames; after 8 steps exactly 11025.
        let t = Transport::new(44_100, 120.0);
        assert_eq!(t.frame_of(2.0), 44_100);
        assert_eq!(t.frame_of(0.125 * 8.0), 22_050);
        assert_eq!(t.frame_of(0.0625), 1378);
    }

    #[test]
    fn tempo_change_keeps_the_past_and_rescales_the_future() {
        let mut t = Transport::new(48_000, 120.0);
        let f = t.frame_of(4.0);
        assert_eq!(f, 96_000);
        t.set_bpm(60.0, f as f64, 4.0);
        assert_eq!(t.beat_at(96_000), 4.0);
        assert_eq!(t.frame_of(5.0), 96_000 + 48_000);
        assert!((t.beat_at(120_000) - 4.5).abs() < 1e-12);
    }
}
