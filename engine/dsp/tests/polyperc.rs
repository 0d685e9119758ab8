//! norns' PolyPerc voice, measured: pitch, the envelope's release, the filter's cutoff and
//! resonance, the pulse's width, panning, voices freeing themselves, extreme values, and no
//! allocation in the audio path.

mod common;

use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use common::{peak, peak_hz, spectrum, SR};
use wyrd_dsp::polyperc::PERC_FADE_SLOTS;
use wyrd_dsp::{PolyPerc, PERC_VOICES};
use wyrd_schema::polyperc::ParamId;

#[global_allocator]
static ALLOC: AllocDisabler = AllocDisabler;

/// One note at `hz` with the given parameters, `seconds` long: (left, right).
fn note(hz: f32, set: &[(ParamId, f32)], seconds: f32) -> (Vec<f32>, Vec<f32>) {
    let mut p = PolyPerc::new(SR);
    for &(id, v) in set {
        p.set(id, v);
    }
    p.hz(hz);
    let n = (seconds * SR) as usize;
    let (mut l, mut r) = (vec![0.0; n], vec![0.0; n]);
    // Odd period lengths, so voice runs cross buffer edges.
    let mut pos = 0;
    for len in [64usize, 1, 333, 128].iter().cycle() {
        if pos >= n {
            break;
        }
        let end = (pos + len).min(n);
        p.process(&mut l[pos..end], &mut r[pos..end]);
        pos = end;
    }
    (l, r)
}

fn db(x: f64) -> f64 {
    20.0 * x.max(1e-300).log10()
}

/// Strongest spectrum bin within ±`width` Hz of `f`.
fn magnitude_near(spec: &[f64], n: usize, f: f64, width: f64) -> f64 {
    let bin = |hz: f64| ((hz * n as f64 / f64::from(SR)).round() as usize).min(spec.len() - 1);
    spec[bin(f - width)..=bin(f + width)]
        .iter()
        .fold(0.0f64, |m, &v| m.max(v))
}

fn centroid(x: &[f32]) -> f64 {
    let s = spectrum(x);
    let hz = |k: usize| k as f64 * f64::from(SR) / x.len() as f64;
    let num: f64 = s.iter().enumerate().map(|(k, m)| hz(k) * m).sum();
    num / s.iter().sum::<f64>()
}

#[test]
fn hz_440_sounds_at_440() {
    let (l, _) = note(440.0, &[(ParamId::Release, 3.0)], 1.0);
    let f = peak_hz(&l[4800..36_000], SR);
    eprintln!("hz(440): {f:.3} Hz");
    assert!((f - 440.0).abs() < 0.5, "{f} Hz");
    let (l, _) = note(
        97.5,
        &[(ParamId::Release, 3.0), (ParamId::Cutoff, 300.0)],
        1.0,
    );
    let f = peak_hz(&l[4800..48_000], SR);
    assert!((f - 97.5).abs() < 0.5, "{f} Hz");
}

/// The output's level in 2 ms frames, dB re its loudest frame.
fn envelope_db(x: &[f32]) -> Vec<f64> {
    let frame = 96;
    let rms: Vec<f64> = x
        .chunks(frame)
        .map(|c| (c.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / c.len() as f64).sqrt())
        .collect();
    let top = rms.iter().fold(0.0f64, |m, &v| m.max(v));
    rms.iter().map(|&v| db(v / top)).collect()
}

#[test]
fn the_release_reaches_minus_60_db_at_the_release_time() {
    for release in [0.25f32, 0.5, 1.5] {
        // A bright, unresonant note: the level follows the envelope alone.
        let set = [
            (ParamId::Release, release),
            (ParamId::Cutoff, 8000.0),
            (ParamId::Gain, 0.0),
            (ParamId::Amp, 1.0),
        ];
        let (l, _) = note(200.0, &set, release + 0.3);
        let env = envelope_db(&l);
        let last = env.iter().rposition(|&d| d > -60.0).unwrap();
        let t = (last + 1) as f32 * 96.0 / SR;
        // Env.perc with curve −4: −60 dB at 0.01 + 0.986·release.
        let expected = 0.01 + 0.986 * release;
        eprintln!("release {release}: -60 dB at {t:.4} s (expected {expected:.4})");
        assert!(
            (t - expected).abs() < 0.03 * release + 0.004,
            "release {release}: −60 dB at {t} s, expected {expected}"
        );
        // Silent after the envelope's end, and the peak is at the attack's end (10 ms).
        let end = ((0.01 + release) * SR) as usize + 64;
        assert!(l[end..].iter().all(|&v| v == 0.0));
        let loudest = env
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        assert!(loudest * 96 < 1600, "loudest frame {loudest}");
    }
}

#[test]
fn a_lower_cutoff_lowers_the_spectral_centroid() {
    let c = |cutoff: f32| {
        let (l, _) = note(
            150.0,
            &[(ParamId::Cutoff, cutoff), (ParamId::Release, 2.0)],
            0.5,
        );
        centroid(&l[480..])
    };
    let (low, mid, high) = (c(300.0), c(1000.0), c(6000.0));
    eprintln!("centroid at cutoff 300/1000/6000: {low:.0} {mid:.0} {high:.0} Hz");
    assert!(low < mid && mid < high, "{low} {mid} {high}");
    assert!(high > 2.0 * low, "{low} {high}");
}

#[test]
fn a_square_has_no_even_harmonics_and_a_narrow_pulse_has() {
    // 375 Hz at 48 kHz: 128 samples a period. Filter wide open and flat.
    let h = |pw: f32| {
        let set = [
            (ParamId::Pw, pw),
            (ParamId::Cutoff, 20_000.0),
            (ParamId::Gain, 0.0),
            (ParamId::Release, 3.0),
        ];
        let (l, _) = note(375.0, &set, 1.0);
        let x = &l[4800..4800 + 32_768];
        let s = spectrum(x);
        let m = |k: f64| magnitude_near(&s, x.len(), 375.0 * k, 10.0);
        (m(1.0), m(2.0), m(3.0), m(4.0))
    };
    let (h1, h2, h3, h4) = h(0.5);
    eprintln!(
        "pw 0.5: H2 {:.1} H3 {:.2} H4 {:.1} dB",
        db(h2 / h1),
        db(h3 / h1),
        db(h4 / h1)
    );
    assert!(db(h2 / h1) < -60.0, "pw 0.5: H2 {} dB", db(h2 / h1));
    assert!(db(h4 / h1) < -60.0, "pw 0.5: H4 {} dB", db(h4 / h1));
    // A square's third harmonic is a third of its fundamental.
    assert!(
        (db(h3 / h1) + 9.54).abs() < 1.0,
        "pw 0.5: H3 {} dB",
        db(h3 / h1)
    );
    // Width 1/4: |sin(πk/4)|/k gives H2/H1 = −3 dB and no 4th harmonic.
    let (h1, h2, _, h4) = h(0.25);
    eprintln!("pw 0.25: H2 {:.2} H4 {:.1} dB", db(h2 / h1), db(h4 / h1));
    assert!(
        (db(h2 / h1) + 3.01).abs() < 1.0,
        "pw 0.25: H2 {} dB",
        db(h2 / h1)
    );
    assert!(db(h4 / h1) < -50.0, "pw 0.25: H4 {} dB", db(h4 / h1));
}

#[test]
fn pan_is_equal_power() {
    let set = |pan: f32| [(ParamId::Pan, pan), (ParamId::Release, 0.3)];
    let (l, r) = note(300.0, &set(-1.0), 0.4);
    assert!(peak(&l) > 0.05);
    assert_eq!(peak(&r), 0.0, "hard left");
    let (l, r) = note(300.0, &set(1.0), 0.4);
    assert!(peak(&l) < 1e-6 * peak(&r), "hard right");
    let (l0, r0) = note(300.0, &set(0.0), 0.4);
    assert_eq!(l0, r0, "centre");
    // Centre is −3 dB on each side of a hard pan.
    let ratio = f64::from(peak(&l0) / peak(&r));
    assert!((db(ratio) + 3.01).abs() < 0.05, "{} dB", db(ratio));
}

#[test]
fn gain_raises_a_resonant_peak_at_the_cutoff() {
    // 100 Hz through a 1100 Hz cutoff: the 11th harmonic (a square has only odd ones) sits on
    // the cutoff.
    let resonance = |gain: f32| {
        let set = [
            (ParamId::Cutoff, 1100.0),
            (ParamId::Gain, gain),
            (ParamId::Release, 3.0),
        ];
        let (l, _) = note(100.0, &set, 1.0);
        let x = &l[4800..4800 + 32_768];
        let s = spectrum(x);
        db(magnitude_near(&s, x.len(), 1100.0, 40.0) / magnitude_near(&s, x.len(), 100.0, 10.0))
    };
    let (flat, mid, high) = (resonance(0.0), resonance(2.0), resonance(3.5));
    eprintln!("cutoff/fundamental at gain 0/2/3.5: {flat:.1} {mid:.1} {high:.1} dB");
    assert!(mid > flat + 6.0, "gain 2: {mid} dB vs {flat}");
    assert!(high > flat + 20.0, "gain 3.5: {high} dB vs {flat}");
}

#[test]
fn voices_free_themselves_and_the_oldest_is_taken_over() {
    let mut p = PolyPerc::new(SR);
    p.set(ParamId::Release, 0.1);
    for k in 0..5 {
        p.hz(200.0 + 10.0 * k as f32);
    }
    assert_eq!(p.active_voices(), 5);
    let mut l = vec![0.0; 4800];
    let mut r = vec![0.0; 4800];
    p.process(&mut l, &mut r);
    assert_eq!(p.active_voices(), 5, "100 ms in: still releasing");
    p.process(&mut l[..600], &mut r[..600]);
    assert_eq!(p.active_voices(), 0, "110 ms: all freed");
    for k in 0..(PERC_VOICES + 3) {
        p.hz(100.0 + k as f32);
    }
    // The three oldest fade out beside the newest 32.
    assert_eq!(p.notes(), PERC_VOICES);
    assert_eq!(p.active_voices(), PERC_VOICES + 3);
    p.process(&mut l[..96], &mut r[..96]);
    assert_eq!(p.active_voices(), PERC_VOICES, "faded after 2 ms");
    // More takeovers at once than fade slots: still capped, still finite.
    for k in 0..(4 * PERC_VOICES) {
        p.hz(100.0 + k as f32);
    }
    assert_eq!(p.notes(), PERC_VOICES);
    assert!(p.active_voices() <= PERC_VOICES + PERC_FADE_SLOTS);
    p.process(&mut l, &mut r);
    assert!(l.iter().all(|v| v.is_finite()));
    p.process(&mut l[..600], &mut r[..600]);
    assert_eq!(p.active_voices(), 0);
}

#[test]
fn a_taken_over_note_fades_without_a_click() {
    // 32 long notes, then a 33rd: the oldest fades out over 2 ms instead of stopping dead.
    let mut p = PolyPerc::new(SR);
    p.set(ParamId::Release, 5.0);
    p.set(ParamId::Amp, 1.0);
    p.set(ParamId::Pan, -1.0);
    p.hz(200.0);
    let mut l = vec![0.0; 4800];
    let mut r = vec![0.0; 4800];
    p.process(&mut l, &mut r);
    // 31 silent notes (amp 0), then a silent 33rd that takes over the first.
    p.set(ParamId::Amp, 0.0);
    for _ in 1..PERC_VOICES {
        p.hz(250.0);
    }
    let before = l[4799];
    p.hz(300.0);
    let (mut l, mut r) = (vec![0.0; 480], vec![0.0; 480]);
    p.process(&mut l, &mut r);
    // The first sample goes on from where the note was; the fade reaches 0 within 2 ms.
    assert!((l[0] - before).abs() < 0.05, "{before} -> {}", l[0]);
    assert!(l[96..].iter().all(|&v| v == 0.0));
    assert!(peak(&l[..96]) > 0.05, "the fade sounds: {}", peak(&l[..96]));
    let max_step = l[..97]
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0f32, f32::max);
    assert!(max_step < 0.1, "largest step {max_step}");
}

#[test]
fn extreme_values_stay_finite() {
    let mut p = PolyPerc::new(SR);
    let mut l = vec![0.0; 48_000];
    let mut r = vec![0.0; 48_000];
    let mut worst = 0.0f32;
    for &(gain, cutoff, pw, release) in &[
        (4.0f32, 20_000.0f32, 0.0f32, 0.0f32),
        (4.0, 20.0, 1.0, 10.0),
        (4.0, 20_000.0, 0.5, 10.0),
        (100.0, 1e9, -3.0, 1e9),
        (f32::NAN, f32::NAN, f32::NAN, f32::NAN),
    ] {
        p.all_sound_off();
        p.set(ParamId::Gain, gain);
        p.set(ParamId::Cutoff, cutoff);
        p.set(ParamId::Pw, pw);
        p.set(ParamId::Release, release);
        p.set(ParamId::Amp, 1.0);
        for hz in [
            1e-3f32,
            20.0,
            440.0,
            12_000.0,
            1e9,
            f32::NAN,
            f32::INFINITY,
            -5.0,
        ] {
            p.hz(hz);
        }
        for _ in 0..3 {
            l.fill(0.0);
            r.fill(0.0);
            p.process(&mut l, &mut r);
            assert!(l.iter().chain(&r).all(|v| v.is_finite()));
            worst = worst.max(peak(&l)).max(peak(&r));
        }
    }
    eprintln!("extreme values: peak {worst}");
    assert!(worst < 20.0, "peak {worst}");
}

#[test]
fn notes_and_processing_never_allocate() {
    let mut p = PolyPerc::new(SR);
    let mut l = vec![0.0f32; 256];
    let mut r = vec![0.0f32; 256];
    assert_no_alloc(|| {
        for b in 0..200u32 {
            p.set(ParamId::Cutoff, 100.0 + 50.0 * b as f32);
            p.set(ParamId::Release, 0.05 * (b % 7) as f32);
            for k in 0..3 {
                p.hz(110.0 * (1 + (b + k) % 8) as f32);
            }
            p.process(&mut l, &mut r);
        }
        p.all_sound_off();
        p.set_sample_rate(44_100.0);
    });
    assert!(l.iter().all(|v| v.is_finite()));
}
