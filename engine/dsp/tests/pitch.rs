//! Oscillator pitch: within 1 cent of 12-TET from C1 to C7, for both oscillators and osc 2's
//! range, pitch and detune laws.
mod common;
use common::*;
use wyrd_dsp::math::note_to_hz;

fn measured(patch: &[f32; 41], note: u8) -> f64 {
    let x = render(patch, &[note], 1.0, 0.0);
    crossing_hz(&x[4800..], SR)
}

#[test]
fn osc1_is_within_one_cent_from_c1_to_c7() {
    for (wave, pw) in [(0.0, 1.0), (2.0, 1.0), (2.0, 0.0)] {
        let mut p = plain_patch(wave);
        set(&mut p, "osc1_pulsewidth", pw);
        for note in (24..=96).step_by(6) {
            let want = f64::from(note_to_hz(f32::from(note)));
            let got = measured(&p, note);
            assert!(
                cents(got, want).abs() < 1.0,
                "wave {wave} pw {pw} note {note}: {got} Hz vs {want} Hz"
            );
        }
    }
}

#[test]
fn osc2_follows_range_pitch_and_detune_laws() {
    let mut p = plain_patch(0.0);
    set(&mut p, "osc_mix", 1.0);
    set(&mut p, "osc2_waveform", 0.0);
    for (range, pitch, detune) in [
        (0.0, 0.0, 0.0),
        (1.0, 0.0, 0.0),
        (-2.0, 0.0, 0.0),
        (0.0, 7.0, 0.0),
        (0.0, -12.0, 0.0),
        (0.0, 0.0, 0.5),
        (1.0, 3.0, -0.25),
    ] {
        set(&mut p, "osc2_range", range);
        set(&mut p, "osc2_pitch", pitch);
        set(&mut p, "osc2_detune", detune);
        let want = f64::from(note_to_hz(57.0))
            * 2f64.powf(f64::from(range) + f64::from(pitch) / 12.0)
            * 1.25f64.powf(f64::from(detune));
        let got = measured(&p, 57);
        assert!(
            cents(got, want).abs() < 1.0,
            "range {range} pitch {pitch} detune {detune}: {got} vs {want}"
        );
    }
}

#[test]
fn pitch_bend_moves_by_the_bent_interval() {
    let p = plain_patch(0.0);
    let mut synth = wyrd_dsp::Synth::new(SR, 4);
    synth.load_patch(&p);
    synth.set_pitch_bend(2.0);
    synth.note_on(69, 100);
    let mut l = vec![0.0; 48_000];
    let mut r = l.clone();
    synth.process(&mut l, &mut r);
    let got = crossing_hz(&l[4800..], SR);
    assert!(
        cents(got, 440.0 * 2f64.powf(2.0 / 12.0)).abs() < 1.0,
        "{got}"
    );
}
