//! Band-limiting: a saw at ~4 kHz (B7, 3951 Hz) keeps every non-harmonic (aliased) component at
//! least 60 dB below the fundamental; amSynth's naive saw is far above that.
mod common;
use common::*;

fn worst_alias_db(x: &[f32], f0: f64) -> (f64, f64) {
    let s = spectrum(x);
    let bin = f64::from(SR) / x.len() as f64;
    let fund = s[(f0 / bin).round() as usize - 3..=(f0 / bin).round() as usize + 3]
        .iter()
        .cloned()
        .fold(0.0, f64::max);
    let mut worst = (f64::NEG_INFINITY, 0.0);
    for (k, &m) in s.iter().enumerate() {
        let f = k as f64 * bin;
        let harmonic = (f / f0).round();
        let near_harmonic = harmonic >= 1.0 && (f - harmonic * f0).abs() < 12.0;
        if f < 30.0 || near_harmonic {
            continue;
        }
        let db = 20.0 * (m / fund).log10();
        if db > worst.0 {
            worst = (db, f);
        }
    }
    worst
}

#[test]
fn saw_at_4khz_aliases_at_least_60db_down() {
    for (wave, pw) in [(2.0, 1.0), (1.0, 0.0), (1.0, 0.6), (2.0, 0.8), (2.0, 0.3)] {
        let mut p = plain_patch(wave);
        set(&mut p, "osc1_pulsewidth", pw);
        let x = render(&p, &[107], 1.2, 0.0);
        let (db, f) = worst_alias_db(&x[9600..9600 + 48_000], 3951.07);
        assert!(
            db <= -60.0,
            "wave {wave} pw {pw}: alias at {f:.0} Hz is {db:.1} dB"
        );
    }
}

#[test]
fn the_measurement_sees_aliasing_when_it_is_there() {
    // A naive saw at the same pitch must fail the same criterion, or the test above proves nothing.
    let f0 = 3951.07f64;
    let x: Vec<f32> = (0..48_000)
        .map(|i| {
            let p = (i as f64 * f0 / f64::from(SR)).fract();
            (2.0 * p - 1.0) as f32 * 0.3
        })
        .collect();
    let (db, _) = worst_alias_db(&x, f0);
    assert!(db > -40.0, "naive saw measured {db:.1} dB");
}
