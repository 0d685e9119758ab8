//! Global effects after the voice sum: distortion → Freeverb → soft limiter → output guard.

pub mod distortion;
pub mod limiter;
pub mod reverb;
