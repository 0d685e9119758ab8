//! Sound matching by analysis-by-synthesis: candidate patches rendered by the engine and scored
//! against the target by the analyzer, searched from the models' and the index's proposals.
//!
//! - [`score`]: a target (one or more notes, analysed once) and what a candidate scores
//!   against it: `wyrd_analysis::matching`'s distance plus a penalty for being out of tune.
//! - [`index`]: the retrieval index of the training presets' renders.
//! - [`propose`]: starting points from the index, the note matcher and the VAE.
//! - [`cmaes`]: the derivative-free optimiser over the continuous parameters (CMA-ES).
//! - [`fit`]: the search itself: proposals, CMA-ES from the best few, discrete moves, polish.
//! - [`matcher`]: the index, the proposing models and the scorer, opened once ([`Matcher`]).

pub mod cmaes;
pub mod fit;
pub mod index;
pub mod matcher;
pub mod propose;
pub mod score;

pub use fit::{fit, FitConfig, FitResult, Proposal};

/// Candidates per second of a match's budget: what a 2-core machine of this project's kind
/// renders and measures at one note (a candidate is rendered at every target note). Fixed, so
/// that a budget means the same search (and the same preset) on every machine; a slower one
/// just takes longer.
pub const EVALUATIONS_PER_SECOND: f64 = 300.0;
pub use index::Index;
pub use matcher::Matcher;
pub use propose::{propose, ProposalConfig, Proposers};
pub use score::{NoteTarget, Score, Scorer, Target, Weights};
