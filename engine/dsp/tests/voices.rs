//! Voice behaviour: release, polyphony and stealing, velocity, keyboard modes, portamento, sustain
//! pedal, and click-free parameter changes.
mod common;
use common::*;
use wyrd_dsp::math::note_to_hz;
use wyrd_dsp::Synth;

fn run(synth: &mut Synth, seconds: f32) -> Vec<f32> {
    let n = (seconds * SR) as usize;
    let mut l = vec![0.0; n];
    let mut r = vec![0.0; n];
    synth.process(&mut l, &mut r);
    l
}

fn synth_with(p: &[f32; 41]) -> Synth {
    let mut s = Synth::new(SR, 16);
    s.load_patch(p);
    s
}

#[test]
fn note_stops_after_release_and_frees_its_voice() {
    let mut p = plain_patch(2.0);
    set(&mut p, "amp_release", 0.5); // 0.1255 s
    let mut s = synth_with(&p);
    s.note_on(60, 100);
    assert!(rms(&run(&mut s, 0.3)) > 0.05);
    s.note_off(60);
    let tail = run(&mut s, 0.2);
    assert!(
        rms(&tail[..1000]) > 0.01,
        "release starts from the held level"
    );
    assert!(
        peak(&tail[(0.13 * SR) as usize..]) < 1e-6,
        "silent after the release time"
    );
    assert_eq!(s.active_voices(), 0);
}

#[test]
fn velocity_scales_amplitude_linearly_with_full_sensitivity() {
    let mut p = plain_patch(0.0);
    set(&mut p, "amp_vel_sens", 1.0);
    let level = |p: &[f32; 41], vel: u8| {
        let mut s = synth_with(p);
        s.note_on(69, vel);
        rms(&run(&mut s, 0.5)[4800..])
    };
    let ratio = level(&p, 64) / level(&p, 127);
    assert!((ratio - 64.0 / 127.0).abs() < 0.01, "{ratio}");
    set(&mut p, "amp_vel_sens", 0.0);
    assert!((level(&p, 64) / level(&p, 127) - 1.0).abs() < 0.01);
}

#[test]
fn polyphony_is_capped_and_stealing_does_not_click() {
    let mut p = plain_patch(0.0);
    set(&mut p, "master_vol", 0.1);
    let mut s = synth_with(&p);
    for k in 0..16 {
        s.note_on(40 + k, 100);
    }
    run(&mut s, 0.2);
    assert_eq!(s.active_voices(), 16);
    let before = run(&mut s, 0.05);
    s.note_on(80, 100);
    let after = run(&mut s, 0.05);
    assert_eq!(s.active_voices(), 16);
    let max_step = |x: &[f32]| {
        x.windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0f32, f32::max)
    };
    // A stolen voice fades in 3 ms instead of being cut: no sample-to-sample jump beyond
    // what the sounding chord already has, plus the new sine's own slope.
    assert!(
        max_step(&after) < 1.5 * max_step(&before) + 0.01,
        "{} vs {}",
        max_step(&after),
        max_step(&before)
    );
}

#[test]
fn mono_plays_last_note_and_falls_back_legato_keeps_envelope() {
    let mut p = plain_patch(0.0);
    set(&mut p, "keyboard_mode", 1.0);
    let mut s = synth_with(&p);
    s.note_on(57, 100);
    s.note_on(64, 100);
    let x = run(&mut s, 0.5);
    assert_eq!(s.active_voices(), 1);
    assert!(cents(crossing_hz(&x[4800..], SR), f64::from(note_to_hz(64.0))).abs() < 1.0);
    s.note_off(64);
    let x = run(&mut s, 0.5);
    assert!(cents(crossing_hz(&x[4800..], SR), f64::from(note_to_hz(57.0))).abs() < 1.0);

    // Legato: the second key does not restart a slow attack.
    set(&mut p, "keyboard_mode", 2.0);
    set(&mut p, "amp_attack", 0.8); // 0.51 s
    let mut s = synth_with(&p);
    s.note_on(57, 100);
    let a = run(&mut s, 0.6);
    s.note_on(64, 100);
    let b = run(&mut s, 0.05);
    assert!(
        rms(&b) > 0.9 * rms(&a[a.len() - 2400..]),
        "legato kept the level"
    );
}

#[test]
fn portamento_glides_linearly_in_hz() {
    let mut p = plain_patch(0.0);
    set(&mut p, "portamento_time", 0.5);
    let mut s = synth_with(&p);
    s.note_on(57, 100);
    run(&mut s, 0.3);
    s.note_off(57);
    s.note_on(69, 100); // 220 → 440 Hz over 0.5 s
    let x = run(&mut s, 0.8);
    let mid = crossing_hz(&x[(0.2 * SR) as usize..(0.3 * SR) as usize], SR);
    assert!((mid - 330.0).abs() < 12.0, "mid-glide {mid} Hz");
    let end = crossing_hz(&x[(0.6 * SR) as usize..], SR);
    assert!(cents(end, 440.0).abs() < 1.0, "{end}");
}

#[test]
fn sustain_pedal_defers_note_off() {
    let p = plain_patch(0.0);
    let mut s = synth_with(&p);
    s.set_sustain(true);
    s.note_on(60, 100);
    run(&mut s, 0.1);
    s.note_off(60);
    assert!(
        rms(&run(&mut s, 0.2)) > 0.05,
        "still sounding under the pedal"
    );
    s.set_sustain(false);
    run(&mut s, 0.05);
    assert_eq!(s.active_voices(), 0);
}

#[test]
fn parameter_jumps_are_smoothed_not_stepped() {
    // A 100 Hz sine has tiny sample-to-sample steps; an unsmoothed gain or mix jump would add a
    // step of about the amplitude change.
    let max_step = |x: &[f32]| {
        x.windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0f32, f32::max)
    };
    for (id, from, to) in [
        ("master_vol", 0.2, 0.6),
        ("osc_mix", -1.0, 1.0),
        ("filter_cutoff", -0.5, 1.5),
    ] {
        let mut p = plain_patch(0.0);
        set(&mut p, "osc2_waveform", 0.0);
        set(&mut p, "osc2_pitch", 12.0);
        set(&mut p, "filter_type", 0.0);
        set(&mut p, "filter_kbd_track", 0.0);
        set(&mut p, id, from);
        let mut s = synth_with(&p);
        s.note_on(43, 127); // ~98 Hz
        let steady = run(&mut s, 0.3);
        s.set_param(wyrd_schema::find(id).unwrap().index, to);
        let jumped = run(&mut s, 0.1);
        let settled = run(&mut s, 0.3);
        let bound = max_step(&steady[4800..]).max(max_step(&settled));
        let b = max_step(&jumped);
        assert!(
            b < 2.0 * bound,
            "{id}: max step {b} during the change vs {bound} when steady"
        );
    }
}
