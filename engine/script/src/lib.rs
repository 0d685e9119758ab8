//! wyrd's Lua host: norns' scripting surface, with sample-accurate clocks.
//!
//! - [`runtime`]: a loaded script (one Lua state per load) and its protected callbacks.
//! - [`api`]: the `_wyrd` primitives `lib/core/*.lua` is built on.
//! - [`models_api`]: the primitives of `model`, `latent` and `resynth` (the models as an
//!   instrument: latent mappers decoded on the logical clock, live resynthesis).
//! - [`timers`], [`transport`]: what scripts wait for, in engine frames; tempo and beats.
//! - [`live`]: the Lua thread beside a running JACK host (event queue, reload, REPL socket).
//! - [`timeline`]: a script's timers and waiting OSC bundles as one timeline on the clock.
//! - [`render`]: the same scripts offline, on the offline driver.
//! - [`osc`]: the OSC server and its built-in paths.
//! - [`repl`]: the terminal line editor and `wyrd repl`'s client.
//!
//! Lua never runs in the audio callback: everything a script does reaches the engine as
//! timed commands through the host's bounded queue, stamped with the frame the script meant.

pub mod api;
pub mod events;
pub mod live;
pub mod models_api;
mod modules;
pub mod osc;
pub mod render;
pub mod repl;
pub mod runtime;
pub mod sources;
pub mod state;
pub mod timeline;
pub mod timers;
pub mod transport;

pub use events::{Event, OscArg, ReplReply};
pub use models_api::ModelHostRef;
pub use runtime::{Runtime, RuntimeConfig, ScriptError, ScriptPaths};
pub use sources::{PollSource, PollValue, Silence, POLL_NAMES};
pub use state::{Budget, Now};
