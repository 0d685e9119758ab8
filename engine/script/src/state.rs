//! What one loaded script's Lua state carries on the Rust side (its app data): one part per
//! subsystem, each defined and kept by its own module.

use std::sync::Arc;

use crate::log::Log;
use crate::models_api::ScriptModels;
use crate::screen::Screen;
use crate::sources::PollSource;
use crate::time::Time;
use crate::timers::Schedule;

// Where these lived before each subsystem had its own module.
pub use crate::sink::Sink;
pub use crate::time::Now;
pub use crate::timers::Repeat;
pub use crate::watchdog::{Budget, Watchdog, HOOK_INTERVAL};

pub struct State {
    pub time: Time,
    pub schedule: Schedule,
    pub sink: Sink,
    pub watchdog: Watchdog,
    /// What polls report.
    pub sources: Arc<dyn PollSource>,
    pub log: Log,
    pub models: ScriptModels,
    /// The canvas `screen` draws on, and where `screen.update()` shows it.
    pub screen: Screen,
}
