//! The models as an instrument, in the host: latent mapping and live resynthesis.
//!
//! - [`find`]: model names (`preset_vae8`, `amsynth_vae8`, `live_matcher`) to files.
//! - [`stream`]: raw model outputs to a streamed patch (continuous values smoothed,
//!   categorical ones switched with hysteresis).
//! - [`mapper`]: a latent mapper's decoder, encoder and streaming state.
//! - [`resynth`]: live input frames to notes, pitch bend, level and patches.
//! - [`rerank`]: resynthesis' search: candidate patches rendered for a short window and heard
//!   against the input's recent frames.
//! - [`runner`]: [`ModelRunner`], running the models on the model thread (live) or inline on
//!   the caller's logical clock (offline, deterministic).
//! - [`offline`]: the models' ear on offline renders ([`offline::Listener`]) and resynthesis of
//!   a file (`wyrd resynth`).
//!
//! Nothing here runs on the audio thread: results reach the engine as commands through its
//! bounded queue, like everything else.

pub mod find;
pub mod mapper;
pub mod offline;
pub mod rerank;
pub mod resynth;
pub mod runner;
pub mod stream;

pub use find::{load, models_dir, Loaded};
pub use mapper::Mapper;
pub use rerank::SearchConfig;
pub use resynth::{Resynth, ResynthConfig};
pub use runner::{ModelRunner, ModelStats};
