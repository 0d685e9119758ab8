//! wyrd's model data (the contract is `models/FORMAT.md`):
//!
//! - [`encode`]: the patch as models see it, continuous values in the schema's 0..1 view and
//!   categoricals one-hot, derived from the schema.
//! - [`item`]: one dataset item, a note of a patch rendered by the engine, and its features
//!   computed by the analyzer. `wyrd dataset`, `wyrd eval` and `wyrd match` all go through it,
//!   so training data and evaluation can never drift apart.

pub mod encode;
pub mod item;

pub use encode::{CategoricalGroup, Encoding};
pub use item::{features_json, ItemFeatures, ItemSpec};
