//! wyrd's synth engines: an amSynth-compatible subtractive voice with our own DSP
//! (../shared/amsynth-params.md), band-limited oscillators, per-sample smoothed parameters and
//! an output that is always finite and within 0 dBFS; and norns' PolyPerc ([`PolyPerc`]).
//!
//! Real-time contract: [`Synth::new`] allocates everything; every other method, `process` above
//! all, never allocates, locks or does I/O.

mod blep;
pub mod env;
pub mod filter;
pub mod fx;
pub mod lfo;
pub mod math;
mod noise;
pub mod oscillator;
mod params;
pub mod polyperc;
mod synth;
mod voice;

pub use noise::Noise;
pub use params::CONTROL_BLOCK;
pub use polyperc::{PolyPerc, PERC_VOICES};
pub use synth::{Synth, DEFAULT_VOICES};
