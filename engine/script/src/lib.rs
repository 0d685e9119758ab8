//! wyrd's Lua host: norns' scripting surface, with sample-accurate clocks.
//!
//! - [`runtime`]: a loaded script and its lifecycle (load on trial, reload, unload, timers due).
//! - `instance`: one load's Lua state and the protected, watchdogged calls into it.
//! - [`state`]: what a Lua state carries on the Rust side, one part per subsystem:
//!   - [`time`]: logical time (the frame and beat a callback runs at) and the tempo map.
//!   - [`timers`], [`transport`]: what scripts wait for, in engine frames; tempo and beats.
//!   - [`sink`]: the way out to the engine, holding commands back while a script is on trial.
//!   - [`watchdog`]: interrupts a callback that runs past its budget.
//!   - [`log`]: reported errors, and what a REPL line prints.
//! - [`errors`]: a failed script or callback, as file:line and traceback.
//! - [`api`]: the `_wyrd` primitives `lib/core/*.lua` is built on.
//! - [`models_api`]: the primitives of `model`, `latent` and `resynth` (the models as an
//!   instrument: latent mappers decoded on the logical clock, live resynthesis), and OSC's way
//!   to the active latent mapper.
//! - [`lua_thread`]: the Lua thread beside a running JACK driver (event queue, reload, REPL
//!   socket).
//! - [`timeline`]: a script's timers and waiting OSC bundles as one timeline on the clock.
//! - [`render`]: the same scripts offline, on the offline driver.
//! - [`host_events`]: keys, encoders, MIDI, grid and arc as the script's modules receive
//!   them, and the events files of offline renders; [`midi_api`]: MIDI out.
//! - [`osc`]: the OSC server and its built-in paths, and OSC into the script's Lua.
//! - [`screen`]: norns' `screen`: the 128×64 canvas, its font, the published frames.
//! - [`repl`]: the terminal line editor and `wyrd repl`'s client, and REPL lines in the script.
//!
//! Lua never runs in the audio callback: everything a script does reaches the engine as
//! timed commands through the host's bounded queue, stamped with the frame the script meant.

pub mod api;
pub mod errors;
pub mod events;
pub mod host_events;
mod instance;
pub mod log;
pub mod lua_thread;
pub mod midi_api;
pub mod models_api;
mod modules;
pub mod osc;
pub mod render;
pub mod repl;
pub mod runtime;
pub mod screen;
pub mod sink;
pub mod sources;
pub mod state;
pub mod time;
pub mod timeline;
pub mod timers;
pub mod transport;
pub mod watchdog;

pub use errors::ScriptError;
pub use events::{Event, OscArg, ReplReply};
pub use host_events::{parse_events, HostEvent, TimedEvent};
pub use models_api::ModelRunnerRef;
pub use runtime::{Runtime, RuntimeConfig, ScriptPaths};
pub use screen::{Frame, ScreenHandle};
pub use sources::{PollSource, PollValue, Silence, POLL_NAMES};
pub use time::Now;
pub use watchdog::Budget;
