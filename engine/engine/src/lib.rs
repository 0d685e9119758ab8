//! wyrd's engine, with no sound server in it: what the audio thread owns and runs, how other
//! threads talk to it, and the two ways it is driven.
//!
//! - [`engine`]: the synth, MIDI and command dispatch, rendering between events so each lands
//!   on its exact frame ([`Engine`]).
//! - [`command`], [`controller`]: timed commands in ([`Controller`]), heap data back out
//!   ([`Garbage`]).
//! - [`midi`]: MIDI decoding and the CC → parameter map ([`CcMap`]).
//! - [`midi_io`]: MIDI in passed on to the script, MIDI out on its frames ([`MidiOut`]).
//! - [`clock`], [`stats`]: the engine clock, meters, load and xruns, as atomics.
//! - [`input`]: the wait-free ring the audio input reaches the analysis through.
//! - [`process`]: the wrapper all audio code runs in (denormals flushed, allocations guarded).
//! - [`period`]: one period as every driver runs it ([`AudioThread`]).
//! - [`offline`]: the offline driver, the engine on a virtual clock ([`Offline`]). The JACK
//!   driver is `wyrd-jack`.
//!
//! The audio thread only renders: every allocation, lock, log line and file happens on other
//! threads, and heap data that reaches it in a command leaves again through the garbage queue.

pub mod clock;
pub mod command;
pub mod controller;
pub mod engine;
pub mod input;
pub mod midi;
pub mod midi_io;
pub mod offline;
pub mod period;
pub mod process;
mod schedule;
pub mod stats;

pub use clock::{monotonic_nanos, thread_cpu_nanos, Clock, ClockReading};
pub use command::{Action, At, Command, Garbage, Programs};
pub use controller::{Controller, QueueFull};
pub use engine::{Engine, EngineConfig};
pub use input::{input_ring, InputReader, InputWriter};
pub use midi::{CcMap, MidiMessage};
pub use midi_io::{MidiBytes, MidiEvent, MidiOut};
pub use offline::{Offline, Score, Timeline};
pub use period::{AudioThread, Period};
pub use process::process_wrapper;
pub use stats::{AtomicF32, Stats, StatsSnapshot};
pub use wyrd_dsp::DEFAULT_VOICES;
