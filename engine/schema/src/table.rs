//! amSynth's parameter table (../shared/amsynth-params.md §2), in amSynth's index order.

use crate::{Kind, Law, ParamSpec, Rounding, NUM_PARAMS};

const WAVEFORMS: &[&str] = &["sine", "pulse", "saw", "noise", "sample_hold"];
const LFO_WAVEFORMS: &[&str] = &[
    "sine",
    "square",
    "triangle",
    "noise",
    "sample_hold",
    "saw_up",
    "saw_down",
];
const KEYBOARD_MODES: &[&str] = &["poly", "mono", "legato"];
const FILTER_TYPES: &[&str] = &["lowpass", "highpass", "bandpass", "notch", "bypass"];
const FILTER_SLOPES: &[&str] = &["12db", "24db"];
const FREQ_MOD_DESTS: &[&str] = &["osc1_and_2", "osc1", "osc2"];
const PORTAMENTO_MODES: &[&str] = &["always", "legato"];
const OFF_ON: &[&str] = &["off", "on"];

/// Envelope times: `t = v³ + 0.0005 s`.
const ENV_TIME: Law = Law::Power {
    exponent: 3.0,
    scale: 1.0,
    offset: 0.0005,
};
/// LFO modulation depth `a = (v+1)/2`: −1 is off.
const MOD_DEPTH: Law = Law::Linear {
    scale: 0.5,
    offset: 0.5,
};

#[allow(clippy::too_many_arguments)] // one row of the parameter table
const fn cont(
    index: usize,
    id: &'static str,
    label: &'static str,
    min: f32,
    max: f32,
    default: f32,
    law: Law,
    unit: &'static str,
    smoothed: bool,
) -> ParamSpec {
    ParamSpec {
        index,
        id,
        label,
        kind: Kind::Continuous,
        min,
        max,
        default,
        step: 0.0,
        rounding: Rounding::None,
        law,
        unit,
        smoothed,
    }
}

const fn categ(
    index: usize,
    id: &'static str,
    label: &'static str,
    options: &'static [&'static str],
    default: f32,
) -> ParamSpec {
    ParamSpec {
        index,
        id,
        label,
        kind: Kind::Categorical { options },
        min: 0.0,
        max: (options.len() - 1) as f32,
        default,
        step: 1.0,
        rounding: Rounding::Nearest,
        law: Law::IDENTITY,
        unit: "",
        smoothed: false,
    }
}

const fn stepped(
    index: usize,
    id: &'static str,
    label: &'static str,
    min: f32,
    max: f32,
    unit: &'static str,
) -> ParamSpec {
    ParamSpec {
        index,
        id,
        label,
        kind: Kind::Stepped,
        min,
        max,
        default: 0.0,
        step: 1.0,
        rounding: Rounding::Nearest,
        law: Law::IDENTITY,
        unit,
        smoothed: false,
    }
}

const LIN: Law = Law::IDENTITY;

/// Every parameter, indexed by amSynth's parameter number.
#[rustfmt::skip]
pub static PARAMS: [ParamSpec; NUM_PARAMS] = [
    cont(0, "amp_attack", "Amp Attack", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
    cont(1, "amp_decay", "Amp Decay", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
    cont(2, "amp_sustain", "Amp Sustain", 0.0, 1.0, 1.0, LIN, "", false),
    cont(3, "amp_release", "Amp Release", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
    categ(4, "osc1_waveform", "Osc 1 Waveform", WAVEFORMS, 2.0),
    cont(5, "filter_attack", "Filter Attack", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
    cont(6, "filter_decay", "Filter Decay", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
    cont(7, "filter_sustain", "Filter Sustain", 0.0, 1.0, 1.0, LIN, "", false),
    cont(8, "filter_release", "Filter Release", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
    cont(9, "filter_resonance", "Filter Resonance", 0.0, 0.97, 0.0, Law::ResonanceQ, "Q", true),
    cont(10, "filter_env_amount", "Filter Env Amount", -16.0, 16.0, 0.0, LIN, "", true),
    cont(11, "filter_cutoff", "Filter Cutoff", -0.5, 1.5, 1.5, Law::Exp { base: 16.0, offset: 0.0 }, "x", true),
    cont(12, "osc2_detune", "Osc 2 Detune", -1.0, 1.0, 0.0, Law::Exp { base: 1.25, offset: 0.0 }, "ratio", true),
    categ(13, "osc2_waveform", "Osc 2 Waveform", WAVEFORMS, 2.0),
    cont(14, "master_vol", "Master Volume", 0.0, 1.0, 0.67, Law::Power { exponent: 2.0, scale: 1.0, offset: 0.0 }, "gain", true),
    cont(15, "lfo_freq", "LFO Speed", 0.0, 7.5, 0.0, Law::Power { exponent: 2.0, scale: 1.0, offset: 0.0 }, "Hz", true),
    categ(16, "lfo_waveform", "LFO Waveform", LFO_WAVEFORMS, 0.0),
    stepped(17, "osc2_range", "Osc 2 Octave", -3.0, 4.0, "octaves"),
    cont(18, "osc_mix", "Osc Balance", -1.0, 1.0, 0.0, LIN, "", true),
    cont(19, "freq_mod_amount", "LFO to Pitch", 0.0, 1.259_921, 0.0, Law::Power { exponent: 3.0, scale: 0.5, offset: 0.0 }, "depth", true),
    cont(20, "filter_mod_amount", "LFO to Filter", -1.0, 1.0, -1.0, MOD_DEPTH, "depth", true),
    cont(21, "amp_mod_amount", "LFO to Amp", -1.0, 1.0, -1.0, MOD_DEPTH, "depth", true),
    cont(22, "osc_mix_mode", "Ring Mod", 0.0, 1.0, 0.0, LIN, "", true),
    cont(23, "osc1_pulsewidth", "Osc 1 Shape", 0.0, 1.0, 1.0, LIN, "", true),
    cont(24, "osc2_pulsewidth", "Osc 2 Shape", 0.0, 1.0, 1.0, LIN, "", true),
    cont(25, "reverb_roomsize", "Reverb Size", 0.0, 1.0, 0.0, Law::Linear { scale: 0.28, offset: 0.7 }, "feedback", true),
    cont(26, "reverb_damp", "Reverb Damping", 0.0, 1.0, 0.0, Law::Linear { scale: 0.4, offset: 0.0 }, "", true),
    cont(27, "reverb_wet", "Reverb Amount", 0.0, 1.0, 0.0, LIN, "", true),
    cont(28, "reverb_width", "Reverb Width", 0.0, 1.0, 1.0, LIN, "", true),
    cont(29, "distortion_crunch", "Distortion", 0.0, 0.9, 0.0, Law::Linear { scale: -1.0, offset: 1.0 }, "exponent", true),
    categ(30, "osc2_sync", "Osc 2 Sync", OFF_ON, 0.0),
    cont(31, "portamento_time", "Portamento Time", 0.0, 1.0, 0.0, LIN, "s", false),
    categ(32, "keyboard_mode", "Keyboard Mode", KEYBOARD_MODES, 0.0),
    stepped(33, "osc2_pitch", "Osc 2 Pitch", -12.0, 12.0, "semitones"),
    categ(34, "filter_type", "Filter Type", FILTER_TYPES, 0.0),
    categ(35, "filter_slope", "Filter Slope", FILTER_SLOPES, 1.0),
    categ(36, "freq_mod_osc", "LFO to Pitch Target", FREQ_MOD_DESTS, 0.0),
    cont(37, "filter_kbd_track", "Filter Key Track", 0.0, 1.0, 1.0, LIN, "", true),
    cont(38, "filter_vel_sens", "Filter Velocity", 0.0, 1.0, 1.0, LIN, "", true),
    cont(39, "amp_vel_sens", "Amp Velocity", 0.0, 1.0, 1.0, LIN, "", true),
    ParamSpec {
        // amSynth 1.13.x (Debian's, our fidelity reference) casts this to int: 0.9 is "always".
        rounding: Rounding::Truncate,
        ..categ(40, "portamento_mode", "Portamento Mode", PORTAMENTO_MODES, 0.0)
    },
];

/// Parameter indices by name, so DSP code reads `values[ParamId::FilterCutoff as usize]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(usize)]
pub enum ParamId {
    AmpAttack,
    AmpDecay,
    AmpSustain,
    AmpRelease,
    Osc1Waveform,
    FilterAttack,
    FilterDecay,
    FilterSustain,
    FilterRelease,
    FilterResonance,
    FilterEnvAmount,
    FilterCutoff,
    Osc2Detune,
    Osc2Waveform,
    MasterVol,
    LfoFreq,
    LfoWaveform,
    Osc2Range,
    OscMix,
    FreqModAmount,
    FilterModAmount,
    AmpModAmount,
    OscMixMode,
    Osc1Pulsewidth,
    Osc2Pulsewidth,
    ReverbRoomsize,
    ReverbDamp,
    ReverbWet,
    ReverbWidth,
    DistortionCrunch,
    Osc2Sync,
    PortamentoTime,
    KeyboardMode,
    Osc2Pitch,
    FilterType,
    FilterSlope,
    FreqModOsc,
    FilterKbdTrack,
    FilterVelSens,
    AmpVelSens,
    PortamentoMode,
}

impl ParamId {
    pub fn spec(self) -> &'static crate::ParamSpec {
        &PARAMS[self as usize]
    }
}
