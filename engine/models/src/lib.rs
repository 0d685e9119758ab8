//! wyrd's ONNX models (the contract is `models/FORMAT.md`).
//!
//! - [`runtime`]: finds ONNX Runtime (`$WYRD_ORT_LIB`, else `data/onnxruntime`) and loads it
//!   once per process; a missing library is an error, never a panic.
//! - [`meta`]: the `wyrd.*` metadata of a model, validated against the parameter schema and
//!   the feature config, so a model trained against anything else is refused.
//! - [`model`]: [`Model::open`] and the typed wrappers ([`Decoder`], [`Encoder`],
//!   [`NoteMatcher`], [`LiveMatcher`]) that map outputs to patches through the metadata.
//! - [`check`]: compares ONNX Runtime with the PyTorch outputs recorded in `<name>.check.json`.
//! - [`eval`]: `wyrd eval`'s metrics, baselines and report.
//! - [`instrument`]: the models in the host: latent mappers, live resynthesis, the model thread.
//! - [`matching`]: `wyrd match`'s audio preparation (onset, trim, pitch).

pub mod check;
pub mod error;
pub mod eval;
pub mod instrument;
pub mod matching;
pub mod meta;
pub mod model;
pub mod runtime;
pub mod search;

pub use error::{Error, Result};
pub use meta::{ModelKind, ModelMeta};
pub use model::{Decoder, Encoder, LiveMatcher, Model, NoteMatcher, Outputs};
