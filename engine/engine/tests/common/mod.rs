#![allow(dead_code)]

use wyrd_engine::{Engine, EngineConfig, Programs};
use wyrd_schema::{find, Patch};

pub const SR: u32 = 48_000;

/// The plain sine voice the live tests and benches play, compiled in by path: the test rig
/// crate depends on this one.
#[path = "../../../testrig/src/voice.rs"]
mod voice;
pub use voice::sine_patch;

/// A bright saw voice, for telling presets apart.
pub fn saw_patch() -> Patch {
    let mut p = sine_patch();
    p.set(find("osc1_waveform").unwrap().index, 2.0);
    p.name = "test saw".into();
    p
}

pub fn engine_with(patch: Patch, programs: Vec<Patch>) -> (Engine, wyrd_engine::Controller) {
    let mut cfg = EngineConfig::new(SR);
    cfg.patch = patch;
    cfg.programs = Programs { patches: programs };
    Engine::new(cfg)
}

/// Renders `periods` periods of `n` frames with no MIDI; returns the left channel.
pub fn run(engine: &mut Engine, periods: usize, n: usize) -> Vec<f32> {
    let mut out = Vec::new();
    let (mut l, mut r) = (vec![0.0; n], vec![0.0; n]);
    for _ in 0..periods {
        engine.process(std::iter::empty(), &mut l, &mut r);
        out.extend_from_slice(&l);
    }
    out
}

pub fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}
