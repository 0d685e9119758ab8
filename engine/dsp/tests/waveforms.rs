//! Waveform shapes follow amSynth: pulse duty (1 + min(pw, 0.9))/2, saw↔triangle skew, sync.
mod common;
use common::*;

fn one_note(p: &[f32; 41]) -> Vec<f32> {
    // A low note: many samples per period, so shapes can be measured sample by sample.
    render(p, &[33], 1.0, 0.0)[9600..].to_vec()
}

#[test]
fn pulse_duty_follows_pulsewidth() {
    for (pw, duty) in [(0.0, 0.5), (0.5, 0.75), (0.9, 0.95), (1.0, 0.95)] {
        let mut p = plain_patch(1.0);
        set(&mut p, "osc1_pulsewidth", pw);
        let x = one_note(&p);
        // Band-limited edges cross zero at the edge's instant, so the share of positive samples
        // is the duty cycle.
        let got = x.iter().filter(|v| **v > 0.0).count() as f64 / x.len() as f64;
        assert!(
            (got - duty).abs() < 0.02,
            "pw {pw}: duty {got:.3}, want {duty}"
        );
    }
}

#[test]
fn saw_is_rising_and_triangle_is_symmetric() {
    let mut p = plain_patch(2.0);
    set(&mut p, "osc1_pulsewidth", 1.0);
    let saw = one_note(&p);
    let rising = saw.windows(2).filter(|w| w[1] > w[0]).count() as f64 / saw.len() as f64;
    assert!(rising > 0.97, "saw rises {rising:.3} of the time");
    set(&mut p, "osc1_pulsewidth", 0.0);
    let tri = one_note(&p);
    let rising = tri.windows(2).filter(|w| w[1] > w[0]).count() as f64 / tri.len() as f64;
    assert!(
        (rising - 0.5).abs() < 0.02,
        "triangle rises {rising:.3} of the time"
    );
}

#[test]
fn hard_sync_locks_osc2_to_osc1_and_only_with_sine_or_saw() {
    let mut p = plain_patch(2.0);
    set(&mut p, "osc_mix", 1.0); // hear osc 2 only
    set(&mut p, "osc2_waveform", 2.0);
    set(&mut p, "osc2_pitch", 7.0);
    set(&mut p, "osc2_detune", 0.13);
    set(&mut p, "osc2_sync", 1.0);
    // Synced, osc 2's waveform repeats at osc 1's period.
    let x = render(&p, &[45], 1.0, 0.0);
    let f = peak_hz(&x[9600..], SR);
    let harmonic = f / 110.0;
    assert!(
        (harmonic - harmonic.round()).abs() < 0.01,
        "synced spectrum peak {f} Hz is not a harmonic of 110 Hz"
    );
    // amSynth's rule: no sync when osc 1 is a pulse.
    set(&mut p, "osc1_waveform", 1.0);
    let x = render(&p, &[45], 1.0, 0.0);
    let f = crossing_hz(&x[9600..], SR);
    let free = 110.0 * 2f64.powf(7.0 / 12.0) * 1.25f64.powf(0.13);
    assert!(
        cents(f, free).abs() < 2.0,
        "unsynced osc 2 at {f}, want {free}"
    );
}
