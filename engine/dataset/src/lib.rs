//! wyrd's model data (the contract is `models/FORMAT.md`):
//!
//! - [`encode`]: the patch as models see it, continuous values in the schema's 0..1 view and
//!   categoricals one-hot, derived from the schema.
//! - [`item`]: one dataset item, a note of a patch rendered by the engine, and its features
//!   computed by the analyzer. `wyrd dataset`, `wyrd eval` and `wyrd match` all go through it,
//!   so training data and evaluation can never drift apart.
//! - [`split`]: the preset split (train, validation, test) of the Debian banks.
//! - [`sample`]: variations of presets and uniformly random patches, seeded per patch.
//! - [`shard`] and [`render`]: `wyrd dataset render`'s folders of `.npz` parts.

pub mod encode;
pub mod item;
pub mod render;
pub mod sample;
pub mod shard;
pub mod split;

pub use encode::{CategoricalGroup, Encoding};
pub use item::{features_json, ItemFeatures, ItemSpec};
pub use render::{Config, Plan, Source};
pub use sample::{random_patch, Variation};
pub use shard::{Part, Shard};
pub use split::{SplitName, Splits};
