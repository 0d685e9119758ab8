//! amSynth's parameter table (../shared/amsynth-params.md §2), declared once: the `schema!`
//! invocation below (the macro is in `macros.rs`) generates the table ([`PARAMS`]), the ids
//! ([`ParamId`], [`NUM_PARAMS`]) and the option enums the voice matches on ([`Waveform`], [`FilterType`],
//! ...). JSON (`wyrd params --json`), Lua (`_wyrd.schema()`) and the training code read the
//! table through [`crate::to_json`].

use crate::{Kind, Law, ParamSpec, Rounding, Warp};

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
pub(crate) const fn cont(
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
        warp: Warp::Linear,
    }
}

pub(crate) const fn categ(
    index: usize,
    options: &'static [&'static str],
    id: &'static str,
    label: &'static str,
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
        warp: Warp::Linear,
    }
}

impl ParamSpec {
    /// The same row with its stored value truncated rather than rounded.
    const fn truncated(self) -> ParamSpec {
        ParamSpec {
            rounding: Rounding::Truncate,
            ..self
        }
    }

    /// The same row with its 0..1 view spaced exponentially (a frequency in Hz).
    pub(crate) const fn exp_warp(self) -> ParamSpec {
        ParamSpec {
            warp: Warp::Exp,
            ..self
        }
    }
}

pub(crate) const fn stepped(
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
        warp: Warp::Linear,
    }
}

pub(crate) const LINEAR: Law = Law::IDENTITY;

schema! {
    options {
        /// Oscillator waveforms. The saw morphs to a triangle with the oscillator's shape.
        Waveform { Sine = "sine", Pulse = "pulse", Saw = "saw", Noise = "noise", SampleHold = "sample_hold" }
        LfoWaveform {
            Sine = "sine", Square = "square", Triangle = "triangle", Noise = "noise",
            SampleHold = "sample_hold", SawUp = "saw_up", SawDown = "saw_down",
        }
        KeyboardMode { Poly = "poly", Mono = "mono", Legato = "legato" }
        FilterType { LowPass = "lowpass", HighPass = "highpass", BandPass = "bandpass", Notch = "notch", Bypass = "bypass" }
        FilterSlope { Db12 = "12db", Db24 = "24db" }
        /// Which oscillators the LFO's pitch modulation reaches.
        FreqModDest { Both = "osc1_and_2", Osc1 = "osc1", Osc2 = "osc2" }
        PortamentoMode { Always = "always", Legato = "legato" }
        OffOn { Off = "off", On = "on" }
    }
    params {
        AmpAttack = cont("amp_attack", "Amp Attack", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
        AmpDecay = cont("amp_decay", "Amp Decay", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
        AmpSustain = cont("amp_sustain", "Amp Sustain", 0.0, 1.0, 1.0, LINEAR, "", false),
        AmpRelease = cont("amp_release", "Amp Release", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
        Osc1Waveform = categ(Waveform, "osc1_waveform", "Osc 1 Waveform", 2.0),
        FilterAttack = cont("filter_attack", "Filter Attack", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
        FilterDecay = cont("filter_decay", "Filter Decay", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
        FilterSustain = cont("filter_sustain", "Filter Sustain", 0.0, 1.0, 1.0, LINEAR, "", false),
        FilterRelease = cont("filter_release", "Filter Release", 0.0, 2.5, 0.0, ENV_TIME, "s", false),
        FilterResonance = cont("filter_resonance", "Filter Resonance", 0.0, 0.97, 0.0, Law::ResonanceQ, "Q", true),
        FilterEnvAmount = cont("filter_env_amount", "Filter Env Amount", -16.0, 16.0, 0.0, LINEAR, "", true),
        FilterCutoff = cont("filter_cutoff", "Filter Cutoff", -0.5, 1.5, 1.5, Law::Exp { base: 16.0, offset: 0.0 }, "x", true),
        Osc2Detune = cont("osc2_detune", "Osc 2 Detune", -1.0, 1.0, 0.0, Law::Exp { base: 1.25, offset: 0.0 }, "ratio", true),
        Osc2Waveform = categ(Waveform, "osc2_waveform", "Osc 2 Waveform", 2.0),
        MasterVol = cont("master_vol", "Master Volume", 0.0, 1.0, 0.67, Law::Power { exponent: 2.0, scale: 1.0, offset: 0.0 }, "gain", true),
        LfoFreq = cont("lfo_freq", "LFO Speed", 0.0, 7.5, 0.0, Law::Power { exponent: 2.0, scale: 1.0, offset: 0.0 }, "Hz", true),
        LfoWaveform = categ(LfoWaveform, "lfo_waveform", "LFO Waveform", 0.0),
        Osc2Range = stepped("osc2_range", "Osc 2 Octave", -3.0, 4.0, "octaves"),
        OscMix = cont("osc_mix", "Osc Balance", -1.0, 1.0, 0.0, LINEAR, "", true),
        FreqModAmount = cont("freq_mod_amount", "LFO to Pitch", 0.0, 1.259_921, 0.0, Law::Power { exponent: 3.0, scale: 0.5, offset: 0.0 }, "depth", true),
        FilterModAmount = cont("filter_mod_amount", "LFO to Filter", -1.0, 1.0, -1.0, MOD_DEPTH, "depth", true),
        AmpModAmount = cont("amp_mod_amount", "LFO to Amp", -1.0, 1.0, -1.0, MOD_DEPTH, "depth", true),
        OscMixMode = cont("osc_mix_mode", "Ring Mod", 0.0, 1.0, 0.0, LINEAR, "", true),
        Osc1Pulsewidth = cont("osc1_pulsewidth", "Osc 1 Shape", 0.0, 1.0, 1.0, LINEAR, "", true),
        Osc2Pulsewidth = cont("osc2_pulsewidth", "Osc 2 Shape", 0.0, 1.0, 1.0, LINEAR, "", true),
        ReverbRoomsize = cont("reverb_roomsize", "Reverb Size", 0.0, 1.0, 0.0, Law::Linear { scale: 0.28, offset: 0.7 }, "feedback", true),
        ReverbDamp = cont("reverb_damp", "Reverb Damping", 0.0, 1.0, 0.0, Law::Linear { scale: 0.4, offset: 0.0 }, "", true),
        ReverbWet = cont("reverb_wet", "Reverb Amount", 0.0, 1.0, 0.0, LINEAR, "", true),
        ReverbWidth = cont("reverb_width", "Reverb Width", 0.0, 1.0, 1.0, LINEAR, "", true),
        DistortionCrunch = cont("distortion_crunch", "Distortion", 0.0, 0.9, 0.0, Law::Linear { scale: -1.0, offset: 1.0 }, "exponent", true),
        Osc2Sync = categ(OffOn, "osc2_sync", "Osc 2 Sync", 0.0),
        PortamentoTime = cont("portamento_time", "Portamento Time", 0.0, 1.0, 0.0, LINEAR, "s", false),
        KeyboardMode = categ(KeyboardMode, "keyboard_mode", "Keyboard Mode", 0.0),
        Osc2Pitch = stepped("osc2_pitch", "Osc 2 Pitch", -12.0, 12.0, "semitones"),
        FilterType = categ(FilterType, "filter_type", "Filter Type", 0.0),
        FilterSlope = categ(FilterSlope, "filter_slope", "Filter Slope", 1.0),
        FreqModOsc = categ(FreqModDest, "freq_mod_osc", "LFO to Pitch Target", 0.0),
        FilterKbdTrack = cont("filter_kbd_track", "Filter Key Track", 0.0, 1.0, 1.0, LINEAR, "", true),
        FilterVelSens = cont("filter_vel_sens", "Filter Velocity", 0.0, 1.0, 1.0, LINEAR, "", true),
        AmpVelSens = cont("amp_vel_sens", "Amp Velocity", 0.0, 1.0, 1.0, LINEAR, "", true),
        // amSynth 1.13.x (Debian's, our fidelity reference) casts this to int: 0.9 is "always".
        PortamentoMode = categ(PortamentoMode, "portamento_mode", "Portamento Mode", 0.0).truncated(),
    }
}

impl ParamId {
    pub fn spec(self) -> &'static ParamSpec {
        &PARAMS[self as usize]
    }
}
