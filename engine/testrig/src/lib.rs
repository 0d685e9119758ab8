//! wyrd's test rig. With the `jack` feature: real JACK servers, `jackd --no-realtime -d dummy`
//! under a unique server name, started and stopped by PID ([`JackServer`]), and test clients
//! that play MIDI and audio into a synth and record its output ([`Capturer`]). Always: child
//! processes that are stopped and reaped even when the test panics ([`ChildGuard`]), temporary
//! folders, the measurements tests share, and the sine voice they play ([`sine_patch`]).

#[cfg(feature = "jack")]
pub mod capture;
pub mod child;
pub mod measure;
#[cfg(feature = "jack")]
pub mod server;
pub mod voice;

#[cfg(feature = "jack")]
pub use capture::{Capturer, Glitch, Job, MidiEvent};
pub use child::{log_tail, ChildGuard, TempDir, INSTALL_HINT};
pub use measure::{median_pitch, onsets, spectral_change};
#[cfg(feature = "jack")]
pub use server::JackServer;
pub use voice::{onset_delay, sine_patch};
