//! wyrd's real-time host: the synth engine inside a JACK client.
//!
//! - [`engine`]: what the audio thread owns and runs each period ([`Engine`]).
//! - [`command`]: timed commands in ([`Controller`]), heap data back out ([`Garbage`]).
//! - [`midi`]: MIDI decoding and the CC → parameter map ([`CcMap`]).
//! - [`stats`]: meters, load, xruns and the engine clock, as atomics.
//! - [`client`]: the JACK client around the engine ([`Host`]).
//! - [`doctor`]: what `wyrd doctor` checks.
//!
//! The process callback only renders: every allocation, lock, log line and file happens on
//! other threads, and heap data that reaches the callback in a command leaves it again through
//! the garbage queue to be freed by [`Host::maintain`].

pub mod client;
pub mod command;
pub mod doctor;
pub mod engine;
mod error;
pub mod midi;
mod schedule;
pub mod stats;

pub use client::{Host, HostOptions, PortNames};
pub use command::{Action, At, Command, Controller, Garbage, Programs, QueueFull};
pub use engine::{Engine, EngineConfig};
pub use error::{HostError, START_SERVER_HINT};
pub use midi::{CcMap, MidiMessage};
pub use stats::{ClockReading, Stats, StatsSnapshot};
pub use wyrd_dsp::DEFAULT_VOICES;
