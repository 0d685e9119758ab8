#![allow(dead_code)]

use wyrd_host::{Engine, EngineConfig, Programs};
use wyrd_schema::{find, Patch};

pub const SR: u32 = 48_000;

/// A plain sine voice: osc1 only, no filter, no effects, full velocity sensitivity.
pub fn sine_patch() -> Patch {
    let mut p = Patch::default();
    for (id, v) in [
        ("osc1_waveform", 0.0),
        ("osc_mix", -1.0),
        ("filter_type", 4.0),
        ("amp_attack", 0.0),
        ("amp_release", 0.1),
        ("amp_vel_sens", 1.0),
        ("master_vol", 0.4),
        ("reverb_wet", 0.0),
    ] {
        p.set(find(id).unwrap().index, v);
    }
    p.name = "test sine".into();
    p
}

/// A bright saw voice, for telling presets apart.
pub fn saw_patch() -> Patch {
    let mut p = sine_patch();
    p.set(find("osc1_waveform").unwrap().index, 2.0);
    p.name = "test saw".into();
    p
}

pub fn engine_with(patch: Patch, programs: Vec<Patch>) -> (Engine, wyrd_host::Controller) {
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
