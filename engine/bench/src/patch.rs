//! The amSynth-style patch and notes that mirror the SuperCollider reference voice in
//! `shared/bench/scsynth_voice_bench.scd`.
//!
//! Depends on `wyrd_schema` only: wyrd-dsp's criterion bench compiles this same file (by
//! `#[path]`) so that both measurements play the identical patch without wyrd-dsp having to
//! dev-depend on this crate.

use wyrd_schema::{ParamId, Patch, NUM_PARAMS};

/// The SC score renders at 48 kHz.
pub const SAMPLE_RATE: f32 = 48_000.0;
/// scsynth's default control block; amSynth also works in blocks of at most 64 frames.
pub const BLOCK: usize = 64;
/// `filter_kbd_track = 0` pins the filter's base frequency to this (amsynth-params.md §3.4).
const FILTER_BASE_HZ: f64 = 261.626;

/// Frequency of voice `i` in the SC score: `110 * (1 + 0.25 i)` Hz.
pub fn sc_frequency(i: usize) -> f64 {
    110.0 * (1.0 + 0.25 * i as f64)
}

/// MIDI note nearest to `hz` (12-TET, A4 = 69 = 440 Hz).
pub fn nearest_note(hz: f64) -> i32 {
    (69.0 + 12.0 * (hz / 440.0).log2()).round() as i32
}

/// The notes wyrd plays for `voices` voices. wyrd is keyed by MIDI note and has one voice per
/// key, so the SC frequencies are rounded to the nearest note; above ~460 Hz the SC steps
/// (27.5 Hz) are narrower than a semitone and two voices would share a key, so a taken note
/// moves to the nearest free one to keep the voice count. At most 128 voices.
pub fn sc_notes(voices: usize) -> Vec<u8> {
    assert!(
        voices <= 128,
        "wyrd has one voice per MIDI key, so at most 128"
    );
    let mut taken = [false; 128];
    (0..voices)
        .map(|i| {
            let want = nearest_note(sc_frequency(i)).clamp(0, 127);
            let free = (0..128)
                .flat_map(|d| [want + d, want - d])
                .find(|n| (0..128).contains(n) && !taken[*n as usize])
                .expect("fewer than 128 voices leave a free key");
            taken[free as usize] = true;
            free as u8
        })
        .collect()
}

fn set_physical(p: &mut Patch, id: ParamId, physical: f64) {
    p.set(id as usize, id.spec().from_physical(physical));
}

/// The SC voice in amSynth terms. `all_blocks` additionally switches on every block the SC
/// voice lacks (reverb, distortion, ring mod, LFO on pitch and amplitude, oscillator sync), for
/// the "full voice" cost.
///
/// Where amSynth's laws cannot express the SC graph exactly the values are chosen for a
/// comparable sound and, above all, the same work per sample:
/// - SC mixes `Pulse.ar(freq * 1.005, 0.4)`; amSynth's pulse duty is ≥ 50 %, so osc 2 uses the
///   mirror image (60 % duty, same spectrum up to polarity).
/// - SC swings the cutoff 2000 Hz × (0.8 … 1.2) with the LFO; amSynth's LFO only pulls the
///   cutoff down (× (1 − a(1 − lfo)/2)), so base 2400 Hz with depth a = 1/3 gives the same
///   1600 … 2400 Hz.
/// - SC's filter envelope adds up to 4 × 2000 Hz; amSynth's positive envelope amount adds
///   `E · env · f_note` Hz, so the maximum E = 16 adds 1.8 … 8.4 kHz across the 16 notes.
/// - MoogFF gain 1.2 (of 4 at self-oscillation) → filter_resonance 0.3 (Q ≈ 0.71).
/// - Velocity sensitivity is off so the velocity does not matter.
pub fn sc_patch(all_blocks: bool) -> [f32; NUM_PARAMS] {
    use ParamId::*;
    let mut p = Patch::default();

    p.set(Osc1Waveform as usize, 2.0);
    p.set(Osc1Pulsewidth as usize, 1.0);
    p.set(Osc2Waveform as usize, 1.0);
    // Pulse duty = (1 + pw) / 2, so pw 0.2 is a 60 % duty cycle.
    p.set(Osc2Pulsewidth as usize, 0.2);
    set_physical(&mut p, Osc2Detune, 1.005);
    p.set(OscMix as usize, 0.0);

    p.set(FilterType as usize, 0.0);
    p.set(FilterSlope as usize, 1.0);
    p.set(FilterKbdTrack as usize, 0.0);
    p.set(FilterVelSens as usize, 0.0);
    set_physical(&mut p, FilterCutoff, 2400.0 / FILTER_BASE_HZ);
    p.set(FilterResonance as usize, 0.3);
    p.set(FilterEnvAmount as usize, 16.0);
    set_physical(&mut p, FilterAttack, 0.05);
    set_physical(&mut p, FilterDecay, 0.3);
    p.set(FilterSustain as usize, 0.5);
    set_physical(&mut p, FilterRelease, 0.5);

    p.set(LfoWaveform as usize, 0.0);
    set_physical(&mut p, LfoFreq, 3.0);
    set_physical(&mut p, FilterModAmount, 1.0 / 3.0);

    p.set(AmpVelSens as usize, 0.0);
    set_physical(&mut p, AmpAttack, 0.01);
    set_physical(&mut p, AmpDecay, 0.2);
    p.set(AmpSustain as usize, 0.7);
    set_physical(&mut p, AmpRelease, 0.5);
    // SC's `amp = 0.1`.
    set_physical(&mut p, MasterVol, 0.1);

    p.set(ReverbWet as usize, 0.0);
    p.set(DistortionCrunch as usize, 0.0);

    if all_blocks {
        p.set(ReverbWet as usize, 0.3);
        p.set(ReverbRoomsize as usize, 0.5);
        p.set(ReverbDamp as usize, 0.5);
        p.set(DistortionCrunch as usize, 0.3);
        p.set(OscMixMode as usize, 0.5);
        // Vibrato depth ±1 %.
        set_physical(&mut p, FreqModAmount, 0.01);
        p.set(FreqModOsc as usize, 0.0);
        set_physical(&mut p, AmpModAmount, 0.3);
        // Effective because osc 1 is a saw (amsynth-params.md row 30).
        p.set(Osc2Sync as usize, 1.0);
    }
    *p.values()
}
