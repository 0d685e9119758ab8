//! Filter law: with a Butterworth Q the 12 dB/oct low- and high-pass are 3 dB down at the cutoff
//! given by fc = 16^v · key-tracked base, within 5%; 24 dB/oct is 6 dB down there.
mod common;
use common::*;

/// Magnitude response of the synth's filter, from noise rendered with and without it
/// (the noise sequence is identical: the seed is the same and the filter draws no noise).
fn response(patch: &[f32; 41], note: u8) -> (Vec<f64>, f64) {
    let mut dry = *patch;
    set(&mut dry, "filter_type", 4.0);
    let x = render(&dry, &[note], 3.0, 0.0);
    let y = render(patch, &[note], 3.0, 0.0);
    let n = 8192;
    let mut hx = vec![0.0; n / 2 + 1];
    let mut hy = vec![0.0; n / 2 + 1];
    for start in (4800..x.len() - n).step_by(n / 2) {
        for (acc, s) in hx.iter_mut().zip(spectrum(&x[start..start + n])) {
            *acc += s * s;
        }
        for (acc, s) in hy.iter_mut().zip(spectrum(&y[start..start + n])) {
            *acc += s * s;
        }
    }
    let h = hx.iter().zip(&hy).map(|(a, b)| (b / a).sqrt()).collect();
    (h, f64::from(SR) / n as f64)
}

/// First frequency where the response (in dB) crosses `db` going from `from_hz` toward `dir`.
fn crossing_hz(h: &[f64], bin: f64, from_hz: f64, db: f64, upward: bool) -> f64 {
    let to_db = |v: f64| 20.0 * v.log10();
    let mut k = (from_hz / bin) as usize;
    loop {
        let next = if upward { k + 1 } else { k - 1 };
        let (a, b) = (to_db(h[k]), to_db(h[next]));
        if (a - db) * (b - db) <= 0.0 {
            let t = (db - a) / (b - a);
            return (k as f64 + t * (next as f64 - k as f64)) * bin;
        }
        k = next;
    }
}

fn patch(filter_type: f32, slope: f32, cutoff: f32) -> [f32; 41] {
    let mut p = plain_patch(3.0); // white noise
    set(&mut p, "master_vol", 0.25);
    set(&mut p, "filter_type", filter_type);
    set(&mut p, "filter_slope", slope);
    set(&mut p, "filter_cutoff", cutoff);
    // Q = 1/(2(1−v)) = 1/√2
    set(
        &mut p,
        "filter_resonance",
        1.0 - std::f32::consts::FRAC_1_SQRT_2,
    );
    set(&mut p, "filter_kbd_track", 0.0);
    p
}

#[test]
fn lowpass_and_highpass_are_3db_down_at_the_cutoff_law() {
    for cutoff in [0.0f32, 0.5, 1.0] {
        let fc = 16f64.powf(f64::from(cutoff)) * 261.626;
        let (h, bin) = response(&patch(0.0, 0.0, cutoff), 60);
        let got = crossing_hz(&h, bin, 50.0, -3.0103, true);
        assert!(
            (got / fc - 1.0).abs() < 0.05,
            "low-pass v={cutoff}: -3 dB at {got:.1} Hz, law {fc:.1} Hz"
        );
        let (h, bin) = response(&patch(1.0, 0.0, cutoff), 60);
        let got = crossing_hz(&h, bin, 20_000.0, -3.0103, false);
        assert!(
            (got / fc - 1.0).abs() < 0.05,
            "high-pass v={cutoff}: -3 dB at {got:.1} Hz, law {fc:.1} Hz"
        );
    }
}

#[test]
fn slope_24db_is_6db_down_at_cutoff_and_steeper() {
    let fc = 16f64.powf(0.5) * 261.626;
    let (h12, bin) = response(&patch(0.0, 0.0, 0.5), 60);
    let (h24, _) = response(&patch(0.0, 1.0, 0.5), 60);
    let got = crossing_hz(&h24, bin, 50.0, -6.0206, true);
    assert!(
        (got / fc - 1.0).abs() < 0.05,
        "24 dB: -6 dB at {got:.1} Hz, law {fc:.1}"
    );
    // One octave above cutoff: ≈ −12.3 dB vs ≈ −24.6 dB (Butterworth).
    let k = (2.0 * fc / bin).round() as usize;
    let (a, b) = (20.0 * h12[k].log10(), 20.0 * h24[k].log10());
    assert!(
        (a + 12.3).abs() < 1.0 && (b + 24.6).abs() < 1.5,
        "12 dB: {a:.1}, 24 dB: {b:.1}"
    );
}

#[test]
fn key_tracking_moves_the_cutoff_with_the_note() {
    let mut p = patch(0.0, 0.0, 0.0);
    set(&mut p, "filter_kbd_track", 1.0);
    let (h, bin) = response(&p, 72);
    let want = 16f64.powf(0.0) * 523.251;
    let got = crossing_hz(&h, bin, 50.0, -3.0103, true);
    assert!((got / want - 1.0).abs() < 0.05, "{got} vs {want}");
}
