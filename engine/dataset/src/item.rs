//! One dataset item: a note of a patch, rendered by the engine, measured by the analyzer.

use wyrd_analysis::{AnalysisError, FeatureConfig, MfccAnalyzer, MfccConfig};
use wyrd_render::{render_notes, NoteRender};
use wyrd_schema::Patch;

/// How an item is played and what is measured (`models/FORMAT.md`, "Renders").
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSpec {
    pub sample_rate: u32,
    pub velocity: u8,
    /// Seconds from note-on to note-off.
    pub hold: f64,
    /// Seconds rendered after note-off.
    pub tail: f64,
    pub seed: u64,
    /// MFCC frames in a live window.
    pub window: usize,
    /// Live windows per item.
    pub windows: usize,
    /// Seconds of the held part live windows are taken from (frame centres).
    pub live_from: f64,
    pub live_to: f64,
}

impl Default for ItemSpec {
    fn default() -> Self {
        ItemSpec {
            sample_rate: 48_000,
            velocity: 100,
            hold: 1.0,
            tail: 0.5,
            seed: 1,
            window: 10,
            windows: 4,
            live_from: 0.25,
            live_to: 1.0,
        }
    }
}

impl ItemSpec {
    /// The one MFCC configuration of models and datasets: librosa's defaults without top_db,
    /// so the live host's streamed MFCCs equal these.
    pub fn mfcc_config(&self) -> MfccConfig {
        FeatureConfig::new(self.sample_rate).offline_mfcc()
    }

    pub fn frames(&self) -> usize {
        ((self.hold + self.tail) * f64::from(self.sample_rate)).round() as usize
    }

    /// MFCC frames of an item (`T`).
    pub fn mfcc_frames(&self) -> usize {
        1 + self.frames() / self.mfcc_config().mel.hop_length
    }

    pub fn n_mfcc(&self) -> usize {
        self.mfcc_config().n_mfcc
    }

    /// The engine's rendering of `note` with `patch`, mono.
    pub fn render(&self, patch: &Patch, note: u8) -> Vec<f32> {
        let spec = NoteRender {
            notes: vec![note],
            velocity: self.velocity,
            hold: self.hold,
            tail: self.tail,
            sample_rate: self.sample_rate,
            seed: self.seed,
            max_voices: 1,
        };
        render_notes(patch, &spec).mono()
    }

    /// First MFCC frame of each live window: evenly spaced over the held part.
    pub fn window_starts(&self) -> Vec<usize> {
        let hop = self.mfcc_config().mel.hop_length as f64 / f64::from(self.sample_rate);
        let first = (self.live_from / hop).ceil() as usize;
        let last = ((self.live_to / hop).floor() as usize + 1).saturating_sub(self.window);
        let last = last.max(first);
        (0..self.windows)
            .map(|k| {
                if self.windows == 1 {
                    first
                } else {
                    first + (last - first) * k / (self.windows - 1)
                }
            })
            .collect()
    }

    /// Features of rendered (or recorded) mono audio.
    pub fn features(
        &self,
        analyzer: &mut MfccAnalyzer,
        audio: &[f32],
    ) -> Result<ItemFeatures, AnalysisError> {
        let t = self.mfcc_frames();
        let n = self.n_mfcc();
        let mut padded;
        let audio = if audio.len() < self.frames() {
            padded = audio.to_vec();
            padded.resize(self.frames(), 0.0);
            &padded[..]
        } else {
            &audio[..self.frames()]
        };
        let m = analyzer.mfcc(audio)?;
        let mut mfcc = Vec::with_capacity(t * n);
        for f in 0..t {
            mfcc.extend(m.frame(f.min(m.n_frames() - 1)).iter().map(|&v| v as f32));
        }
        let mut live = Vec::with_capacity(self.windows * self.window * n);
        for s in self.window_starts() {
            live.extend_from_slice(&mfcc[s * n..(s + self.window) * n]);
        }
        let peak = audio.iter().fold(0.0f32, |a, &s| a.max(s.abs()));
        let peak_db = if peak > 0.0 {
            (20.0 * peak.log10()).max(-200.0)
        } else {
            -200.0
        };
        Ok(ItemFeatures {
            mfcc,
            live,
            peak_db,
        })
    }
}

/// `T x n_mfcc` MFCCs, `K x W x n_mfcc` live windows (row-major), peak in dBFS.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFeatures {
    pub mfcc: Vec<f32>,
    pub live: Vec<f32>,
    pub peak_db: f32,
}

/// The feature config as `models/FORMAT.md`'s `features` JSON.
pub fn features_json(spec: &ItemSpec) -> serde_json::Value {
    let c = spec.mfcc_config();
    serde_json::json!({
        "sr": c.mel.sample_rate,
        "n_fft": c.mel.n_fft,
        "hop": c.mel.hop_length,
        "n_mels": c.mel.n_mels,
        "n_mfcc": c.n_mfcc,
        "top_db": c.top_db,
        "fmin": c.mel.fmin,
        "fmax": c.mel.fmax_hz(),
        "frames": spec.mfcc_frames(),
        "live_window": spec.window,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wyrd_schema::defaults;

    #[test]
    fn an_item_has_the_documented_shapes() {
        let spec = ItemSpec::default();
        assert_eq!(spec.mfcc_frames(), 141);
        let mut an = MfccAnalyzer::new(spec.mfcc_config()).unwrap();
        let patch = Patch::from_values("d", defaults());
        let audio = spec.render(&patch, 60);
        assert_eq!(audio.len(), 72_000);
        let f = spec.features(&mut an, &audio).unwrap();
        assert_eq!(f.mfcc.len(), 141 * 20);
        assert_eq!(f.live.len(), 4 * 10 * 20);
        assert!(f.peak_db > -30.0 && f.peak_db <= 0.0, "{}", f.peak_db);
        // The live windows lie inside the held part.
        let starts = spec.window_starts();
        let hop = 512.0 / 48_000.0;
        assert!(starts[0] as f64 * hop >= 0.25);
        assert!((starts[3] + 9) as f64 * hop <= 1.0);
        // Identical renders, identical features.
        let again = spec.features(&mut an, &spec.render(&patch, 60)).unwrap();
        assert_eq!(f, again);
    }

    #[test]
    fn short_audio_is_padded_with_silence() {
        let spec = ItemSpec::default();
        let mut an = MfccAnalyzer::new(spec.mfcc_config()).unwrap();
        let f = spec.features(&mut an, &[0.0; 100]).unwrap();
        assert_eq!(f.mfcc.len(), 141 * 20);
        assert_eq!(f.peak_db, -200.0);
    }
}
