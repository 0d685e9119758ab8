//! Where a search starts: the index's nearest training presets for each target note, the note
//! matcher's prediction, and the VAE's decoding of the nearest presets (the same sounds drawn
//! towards what presets usually are). Any source may be missing (no models found, ONNX
//! Runtime absent): the index alone is enough.

use wyrd_analysis::MfccAnalyzer;
use wyrd_schema::Patch;

use crate::error::{Error, Result};
use crate::model::{Decoder, Encoder, NoteMatcher};
use crate::search::fit::Proposal;
use crate::search::index::{summarise, Index};
use crate::search::score::Target;

/// The models proposals may come from.
#[derive(Default)]
pub struct Proposers<'a> {
    pub index: Option<&'a Index>,
    pub note_matcher: Option<&'a NoteMatcher>,
    pub vae: Option<(&'a Encoder, &'a Decoder)>,
}

#[derive(Debug, Clone, Copy)]
pub struct ProposalConfig {
    /// Nearest presets taken from the index per target note.
    pub neighbours: usize,
    /// Of those, how many the VAE re-decodes.
    pub through_vae: usize,
}

impl Default for ProposalConfig {
    fn default() -> Self {
        ProposalConfig {
            neighbours: 16,
            through_vae: 4,
        }
    }
}

/// The proposals for `target`, duplicates dropped, in a fixed order (index neighbours by
/// distance, then the note matcher, then the VAE).
pub fn propose(
    target: &Target,
    proposers: &Proposers<'_>,
    config: &ProposalConfig,
) -> Result<Vec<Proposal>> {
    let spec = &target.spec;
    let mut analyzer = MfccAnalyzer::new(spec.mfcc_config()).map_err(|e| Error::Input {
        message: e.to_string(),
    })?;
    let mut out: Vec<Proposal> = Vec::new();
    let mut nearest_patches: Vec<Patch> = Vec::new();
    for t in &target.notes {
        let features = spec
            .features(&mut analyzer, &t.audio)
            .map_err(|e| Error::Input {
                message: e.to_string(),
            })?;
        if let Some(index) = proposers.index {
            let query = summarise(&features.mfcc, spec.n_mfcc());
            for (rank, n) in index
                .nearest(&query, t.note, config.neighbours)
                .into_iter()
                .enumerate()
            {
                let patch = index.patches[n.preset].clone();
                if rank < config.through_vae {
                    nearest_patches.push(patch.clone());
                }
                out.push(Proposal {
                    source: format!("index: {} ({:.2})", index.keys[n.preset], n.distance),
                    patch,
                });
            }
        }
        if let Some(m) = proposers.note_matcher {
            out.push(Proposal {
                patch: m.predict(&features.mfcc, t.note)?,
                source: format!("note matcher (note {})", t.note),
            });
        }
    }
    if let Some((encoder, decoder)) = proposers.vae {
        if !nearest_patches.is_empty() {
            let z = encoder.encode(&nearest_patches)?;
            for (p, from) in decoder.decode(&z)?.into_iter().zip(&nearest_patches) {
                // The decoder knows nothing of the keyboard: keep the preset's own modes.
                let mut p = p;
                for id in [
                    wyrd_schema::ParamId::KeyboardMode,
                    wyrd_schema::ParamId::PortamentoMode,
                    wyrd_schema::ParamId::PortamentoTime,
                ] {
                    p.set(id as usize, from.values()[id as usize]);
                }
                out.push(Proposal {
                    patch: p,
                    source: format!("VAE decode of {}", from.name),
                });
            }
        }
    }
    let mut seen: Vec<[u32; wyrd_schema::NUM_PARAMS]> = Vec::new();
    out.retain(|p| {
        let key = p.patch.values().map(f32::to_bits);
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    Ok(out)
}
