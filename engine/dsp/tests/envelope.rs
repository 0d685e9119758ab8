//! Amp envelope segment lengths follow t = v³ + 0.0005 s within 2%, measured on the output.
mod common;
use common::*;

/// Amplitude envelope of an 880 Hz sine: RMS over exactly 11 periods (600 samples), every 60.
fn amplitude(x: &[f32]) -> Vec<f32> {
    x.windows(600)
        .step_by(60)
        .map(|w| rms(w) * std::f32::consts::SQRT_2)
        .collect()
}

/// Time (s) at which `env` first crosses `level` going in `dir`, from `from`.
fn crossing(env: &[f32], from: usize, level: f32, rising: bool) -> f64 {
    let i = (from..env.len())
        .find(|&i| {
            if rising {
                env[i] >= level
            } else {
                env[i] <= level
            }
        })
        .expect("level reached");
    (i * 60 + 300) as f64 / f64::from(SR)
}

#[test]
fn attack_decay_release_follow_the_law() {
    for v in [0.6f32, 1.0] {
        let t = f64::from(v).powi(3) + 0.0005;
        let mut p = plain_patch(0.0);
        set(&mut p, "amp_attack", v);
        set(&mut p, "amp_decay", v);
        set(&mut p, "amp_sustain", 0.5);
        set(&mut p, "amp_release", v);
        let hold = (2.0 * t + 0.5) as f32;
        let x = render(&p, &[81], hold, (t + 0.3) as f32);
        let env = amplitude(&x);
        let top = env.iter().cloned().fold(0.0, f32::max);
        let a = (crossing(&env, 0, 0.9 * top, true) - crossing(&env, 0, 0.1 * top, true)) / 0.8;
        let peak_i = env.iter().position(|&e| e >= 0.999 * top).unwrap();
        // Decay from 1 to 0.5: 0.9 and 0.6 of the peak are 20% and 80% of the way.
        let d = (crossing(&env, peak_i, 0.6 * top, false)
            - crossing(&env, peak_i, 0.9 * top, false))
            / 0.6;
        let off = (f64::from(hold) * f64::from(SR) / 60.0) as usize;
        let r =
            (crossing(&env, off, 0.1 * top, false) - crossing(&env, off, 0.4 * top, false)) / 0.6;
        for (name, got) in [("attack", a), ("decay", d), ("release", r)] {
            assert!(
                (got / t - 1.0).abs() < 0.02,
                "v={v} {name}: {got:.4} s vs law {t:.4} s"
            );
        }
    }
}
