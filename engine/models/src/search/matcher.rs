//! Everything a match needs, opened once: the index, the models that propose (when ONNX Runtime
//! and the models are there), and the scorer. `wyrd match`, `wyrd eval` and the tests use it.

use std::path::Path;

use wyrd_dataset::ItemSpec;

use crate::error::Result;
use crate::model::{Decoder, Encoder, NoteMatcher};
use crate::search::fit::{fit, FitConfig, FitResult, Proposal};
use crate::search::index::Index;
use crate::search::propose::{propose, ProposalConfig, Proposers};
use crate::search::score::{Scorer, Target};

/// The note matcher and the VAE `wyrd match` proposes with.
pub const NOTE_MATCHER: &str = "note_matcher_direct.onnx";
pub const VAE_ENCODER: &str = "preset_vae16_encoder.onnx";
pub const VAE_DECODER: &str = "preset_vae16_decoder.onnx";

pub struct Matcher {
    pub spec: ItemSpec,
    pub index: Index,
    pub note_matcher: Option<NoteMatcher>,
    pub vae: Option<(Encoder, Decoder)>,
    pub scorer: Scorer,
    pub proposals: ProposalConfig,
}

impl Matcher {
    /// `models`: the folder of the note matcher and the VAE; `None`, or a model that cannot be
    /// opened (ONNX Runtime missing), leaves that proposer out, and `say` hears why.
    pub fn new(index: Index, models: Option<&Path>, say: &dyn Fn(&str)) -> Result<Matcher> {
        let spec = ItemSpec::default();
        let mut note_matcher = None;
        let mut vae = None;
        if let Some(dir) = models {
            match NoteMatcher::open(&dir.join(NOTE_MATCHER)) {
                Ok(m) => note_matcher = Some(m),
                Err(e) => say(&format!("no note matcher proposals: {e}")),
            }
            match (
                Encoder::open(&dir.join(VAE_ENCODER)),
                Decoder::open(&dir.join(VAE_DECODER)),
            ) {
                (Ok(e), Ok(d)) => vae = Some((e, d)),
                (Err(e), _) | (_, Err(e)) => say(&format!("no VAE proposals: {e}")),
            }
        }
        Ok(Matcher {
            scorer: Scorer::new(&spec)?,
            spec,
            index,
            note_matcher,
            vae,
            proposals: ProposalConfig::default(),
        })
    }

    /// A target from `(note, velocity, mono audio)` per note. `from_onset`: the audio of
    /// recordings, cut at their onset ([`crate::matching::prepare`]); otherwise renders from
    /// note-on.
    pub fn target(&mut self, notes: Vec<(u8, u8, Vec<f32>)>, from_onset: bool) -> Result<Target> {
        let spec = self.spec.clone();
        let notes = notes
            .into_iter()
            .map(|(note, velocity, audio)| {
                self.scorer
                    .target_note(&spec, note, velocity, audio, from_onset)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Target { spec, notes })
    }

    pub fn propose(&self, target: &Target) -> Result<Vec<Proposal>> {
        let proposers = Proposers {
            index: Some(&self.index),
            note_matcher: self.note_matcher.as_ref(),
            vae: self.vae.as_ref().map(|(e, d)| (e, d)),
        };
        propose(target, &proposers, &self.proposals)
    }

    /// Proposes, then searches within `config.evaluations` renders per note.
    pub fn fit(
        &self,
        target: &Target,
        config: &FitConfig,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<FitResult> {
        let proposals = self.propose(target)?;
        Ok(fit(target, &self.scorer, &proposals, config, progress))
    }
}
