//! What a search minimises: a candidate patch rendered by the engine at every target note and
//! measured by the analyzer against the target ([`wyrd_analysis::matching`]), plus a penalty for
//! sounding out of tune. Lower is better; the report metric is mel-LSD.

use wyrd_analysis::matching::{MatchAnalyzer, MatchFeatures, MatchTerms};
use wyrd_analysis::pitch::{PitchConfig, PitchTracker};
use wyrd_dataset::ItemSpec;
use wyrd_render::{render_notes, NoteRender};
use wyrd_schema::{ParamId, Patch};

use crate::error::{Error, Result};

/// One recorded note to match.
#[derive(Debug, Clone)]
pub struct NoteTarget {
    pub note: u8,
    pub velocity: u8,
    /// Mono, `spec.frames()` samples from the note's start.
    pub audio: Vec<f32>,
    /// The recording was cut at its onset ([`crate::matching::onset`]), so candidates are cut
    /// the same way before they are compared; `false`: it starts at note-on, like a render.
    pub from_onset: bool,
    features: MatchFeatures,
    /// Median pitch over the held part; `None` for an unpitched sound.
    pub pitch_hz: Option<f64>,
}

/// Everything a patch is matched against: one or more notes, analysed once.
#[derive(Debug, Clone)]
pub struct Target {
    pub spec: ItemSpec,
    pub notes: Vec<NoteTarget>,
}

/// How the terms add up. Units: the spectral terms are dB, the cepstral term cepstral units,
/// the pitch term cost per 100 cents of error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub mel_lsd: f64,
    pub fine_lsd: f64,
    pub cepstral: f64,
    pub pitch: f64,
}

impl Default for Weights {
    fn default() -> Self {
        // Measured on 30 test items at 600 renders (median mel-LSD of the match): mel-LSD alone
        // 4.8 dB, with the fine term at 0.5 4.7 and at 1.0 4.6 (2.0: 4.9); the cepstral term
        // made it worse (4.4 against 3.3 with the staged search), so it is off.
        Weights {
            mel_lsd: 1.0,
            fine_lsd: 1.0,
            cepstral: 0.0,
            pitch: 2.0,
        }
    }
}

/// A candidate's score, and the parts a report shows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    /// What the search minimises (non-finite for a broken render).
    pub total: f64,
    /// Mean mel-LSD over the notes, dB.
    pub mel_lsd: f64,
    /// Largest pitch error over the pitched notes, cents (0 where the target has no pitch).
    pub cents: f64,
}

/// Renders and measures candidates; one per thread (clone it).
#[derive(Clone)]
pub struct Scorer {
    analyzer: MatchAnalyzer,
    pitch: PitchTracker,
    pub weights: Weights,
}

/// Pitch errors count up to this far: beyond an octave a candidate is simply wrong.
const MAX_CENTS: f64 = 1200.0;

impl Scorer {
    pub fn new(spec: &ItemSpec) -> Result<Scorer> {
        let bad = |e: wyrd_analysis::AnalysisError| Error::Input {
            message: e.to_string(),
        };
        Ok(Scorer {
            analyzer: MatchAnalyzer::new(spec.sample_rate).map_err(bad)?,
            pitch: PitchTracker::new(PitchConfig::new(spec.sample_rate)).map_err(bad)?,
            weights: Weights::default(),
        })
    }

    /// The engine's render of `note` at `velocity` with `patch`, mono, as the dataset renders.
    pub fn render(spec: &ItemSpec, patch: &Patch, note: u8, velocity: u8) -> Vec<f32> {
        let render = NoteRender {
            notes: vec![note],
            velocity,
            hold: spec.hold,
            tail: spec.tail,
            sample_rate: spec.sample_rate,
            seed: spec.seed,
            max_voices: 1,
        };
        render_notes(patch, &render).mono()
    }

    /// Analyses a target note (its audio already trimmed to start at the note).
    pub fn target_note(
        &mut self,
        spec: &ItemSpec,
        note: u8,
        velocity: u8,
        mut audio: Vec<f32>,
        from_onset: bool,
    ) -> Result<NoteTarget> {
        audio.resize(spec.frames(), 0.0);
        let features = self.analyzer.features(&audio).map_err(|e| Error::Input {
            message: e.to_string(),
        })?;
        let pitch_hz = self.held_pitch(spec, &audio);
        Ok(NoteTarget {
            note,
            velocity,
            audio,
            from_onset,
            features,
            pitch_hz,
        })
    }

    /// How far `patch` sounds from `target`, the patch as given.
    pub fn score(&mut self, patch: &Patch, target: &Target) -> Score {
        self.score_at_level(patch, target, false).0
    }

    /// How far `patch` sounds from `target` once its level is matched: where the voice is linear
    /// in its master gain (no distortion), the render is scaled to the target's energy and the
    /// master volume that would play it so is returned with the score. One render judges the
    /// candidate at its best level, so the search spends nothing on finding the level.
    pub fn score_leveled(&mut self, patch: &Patch, target: &Target) -> (Score, Option<f32>) {
        self.score_at_level(patch, target, true)
    }

    fn score_at_level(
        &mut self,
        patch: &Patch,
        target: &Target,
        level: bool,
    ) -> (Score, Option<f32>) {
        let broken = Score {
            total: f64::INFINITY,
            mel_lsd: f64::INFINITY,
            cents: MAX_CENTS,
        };
        let mut audios: Vec<Vec<f32>> = target
            .notes
            .iter()
            .map(|t| {
                let audio = Self::render(&target.spec, patch, t.note, t.velocity);
                if t.from_onset {
                    cut_at_onset(&audio, &target.spec)
                } else {
                    audio
                }
            })
            .collect();
        let volume = if level {
            self.level(patch, target, &mut audios)
        } else {
            None
        };
        let mut total = 0.0;
        let mut lsd = 0.0;
        let mut cents = 0.0f64;
        for (t, audio) in target.notes.iter().zip(&audios) {
            let Ok(features) = self.analyzer.features(audio) else {
                return (broken, None);
            };
            let Ok(terms) = MatchAnalyzer::terms(&t.features, &features) else {
                return (broken, None);
            };
            let off = match t.pitch_hz {
                Some(hz) => match self.held_pitch(&target.spec, audio) {
                    Some(got) => (1200.0 * (got / hz).log2()).abs().min(MAX_CENTS),
                    None => MAX_CENTS,
                },
                None => 0.0,
            };
            total += self.combine(&terms, off);
            lsd += terms.mel_lsd;
            cents = cents.max(off);
        }
        let n = target.notes.len().max(1) as f64;
        let score = Score {
            total: total / n,
            mel_lsd: lsd / n,
            cents,
        };
        (score, volume)
    }

    /// Scales `audios` to the target's level and returns the master volume that plays them so,
    /// or `None` (audio untouched) where the voice is not linear in its gain or the volume
    /// would leave its range.
    fn level(&self, patch: &Patch, target: &Target, audios: &mut [Vec<f32>]) -> Option<f32> {
        let values = patch.values();
        if values[ParamId::DistortionCrunch as usize] > 0.0 {
            return None;
        }
        let energy = |x: &[f32]| x.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>();
        // The mean level difference over the notes, in dB (one master volume serves them all).
        let mut db = 0.0;
        for (t, a) in target.notes.iter().zip(audios.iter()) {
            let (et, ea) = (energy(&t.audio), energy(a));
            if et <= 0.0 || ea <= 0.0 {
                return None;
            }
            db += 10.0 * (et / ea).log10();
        }
        let gain = 10f64.powf(db / target.notes.len() as f64 / 20.0);
        let master = ParamId::MasterVol.spec();
        let volume = values[ParamId::MasterVol as usize];
        // master_vol's law is v²: a gain g needs v·√g.
        let wanted = f64::from(volume) * gain.sqrt();
        if !(wanted.is_finite() && wanted <= f64::from(master.max) && wanted > 0.0) {
            return None;
        }
        let wanted = wanted as f32;
        let actual = master.to_physical(wanted) / master.to_physical(volume).max(1e-12);
        for a in audios.iter_mut() {
            for s in a.iter_mut() {
                *s = (f64::from(*s) * actual) as f32;
            }
        }
        Some(wanted)
    }

    fn combine(&self, t: &MatchTerms, cents: f64) -> f64 {
        let w = &self.weights;
        w.mel_lsd * t.mel_lsd
            + w.fine_lsd * t.fine_lsd
            + w.cepstral * t.cepstral
            + w.pitch * cents / 100.0
    }

    /// Median pitch of the held part (a quarter second in to the release), from estimates
    /// every 0.1 s; `None` when fewer than half of them are voiced.
    pub fn held_pitch(&mut self, spec: &ItemSpec, audio: &[f32]) -> Option<f64> {
        let sr = f64::from(spec.sample_rate);
        let window = self.pitch.config().window;
        let (from, to) = ((0.25 * sr) as usize, (spec.hold * sr) as usize);
        let step = (0.1 * sr) as usize;
        let mut voiced = Vec::new();
        let mut frames = 0;
        let mut at = from;
        while at + window <= to.min(audio.len()) {
            let e = self.pitch.estimate(&audio[at..at + window]);
            frames += 1;
            if e.is_voiced() {
                voiced.push(e.hz);
            }
            at += step;
        }
        if frames == 0 || voiced.len() * 2 < frames {
            return None;
        }
        voiced.sort_by(f64::total_cmp);
        Some(voiced[voiced.len() / 2])
    }
}

/// A render cut where a recording of it would be ([`crate::matching::onset`]), padded back to
/// length with silence.
pub fn cut_at_onset(audio: &[f32], spec: &ItemSpec) -> Vec<f32> {
    let start = crate::matching::onset(audio, spec.sample_rate).unwrap_or(0);
    let mut out = audio[start..].to_vec();
    out.resize(spec.frames(), 0.0);
    out
}
