//! Real JACK servers for tests: `jackd --no-realtime -d dummy` under a unique server name,
//! started and stopped by PID ([`JackServer`]), and child processes that are always stopped
//! and reaped, even when the test panics ([`ChildGuard`]), and test clients that play MIDI and
//! audio into a synth and record its output ([`Capturer`]), and the sine voice they play
//! ([`sine_patch`]).

pub mod capture;
pub mod child;
pub mod measure;
pub mod server;
pub mod voice;

pub use capture::{Capturer, Glitch, Job, MidiEvent};
pub use child::{log_tail, ChildGuard, TempDir, INSTALL_HINT};
pub use measure::{median_pitch, onsets, spectral_change};
pub use server::JackServer;
pub use voice::{onset_delay, sine_patch};
