//! Parameter state: targets set from anywhere, smoothed once per control block, and turned into
//! the physical quantities the voices use ([`BlockParams`]). Voices ramp the per-sample
//! quantities linearly from the previous block's values to this one's, so any parameter stream is
//! click-free.

use wyrd_schema::{
    FilterSlope, FilterType, FreqModDest, LfoWaveform, OffOn, ParamId as P, Waveform, NUM_PARAMS,
    PARAMS,
};

use crate::env::AdsrParams;
use crate::math::one_pole_coef;

/// Samples per control block: LFO, envelopes read per block, filter coefficients and pitch.
pub const CONTROL_BLOCK: usize = 64;
/// amSynth smooths at 0.005 per sample, ≈ 200 samples; we use the same time at any rate.
const SMOOTHING_SECONDS: f32 = 200.0 / 48_000.0;

#[derive(Debug, Clone)]
pub struct ParamState {
    target: [f32; NUM_PARAMS],
    current: [f32; NUM_PARAMS],
    coef: f32,
    /// `current` through the laws, `None` once `current` has moved. Most blocks change nothing,
    /// and the laws cost powers and exponentials.
    block: Option<BlockParams>,
}

impl ParamState {
    pub fn new(sample_rate: f32) -> Self {
        let d = wyrd_schema::defaults();
        ParamState {
            target: d,
            current: d,
            coef: one_pole_coef(SMOOTHING_SECONDS, sample_rate, CONTROL_BLOCK),
            block: None,
        }
    }

    pub fn set(&mut self, index: usize, value: f32) {
        if let Some(spec) = PARAMS.get(index) {
            self.target[index] = spec.sanitize(value);
            if !spec.smoothed {
                self.current[index] = self.target[index];
                self.block = None;
            }
        }
    }

    pub fn target(&self, index: usize) -> f32 {
        self.target[index]
    }

    /// Jump to the targets (a preset load, when nothing is sounding).
    pub fn snap(&mut self) {
        self.current = self.target;
        self.block = None;
    }

    /// One control block of smoothing toward the targets.
    pub fn tick(&mut self, n: usize) {
        // Blocks split by events are shorter; scale the coefficient to keep the time constant.
        let k = if n == CONTROL_BLOCK {
            self.coef
        } else {
            1.0 - (1.0 - self.coef).powf(n as f32 / CONTROL_BLOCK as f32)
        };
        let mut moved = false;
        for (c, &t) in self.current.iter_mut().zip(&self.target) {
            let d = t - *c;
            let next = if d.abs() < 1e-7 { t } else { *c + k * d };
            moved |= next.to_bits() != c.to_bits();
            *c = next;
        }
        if moved {
            self.block = None;
        }
    }

    fn v(&self, p: P) -> f32 {
        self.current[p as usize]
    }

    fn phys(&self, p: P) -> f32 {
        PARAMS[p as usize].to_physical(self.current[p as usize]) as f32
    }

    fn adsr(&self, a: P, d: P, s: P, r: P) -> AdsrParams {
        AdsrParams {
            attack: self.phys(a),
            decay: self.phys(d),
            sustain: self.v(s),
            release: self.phys(r),
            skip_decay: self.v(d) == 0.0,
        }
    }

    /// The voices' view of the parameters for this block.
    pub fn block_params(&mut self) -> BlockParams {
        match self.block {
            Some(b) => b,
            None => {
                let b = self.compute();
                self.block = Some(b);
                b
            }
        }
    }

    fn compute(&self) -> BlockParams {
        let mix = self.v(P::OscMix);
        let ring = self.v(P::OscMixMode);
        let osc1_wave = Waveform::from_value(self.v(P::Osc1Waveform));
        BlockParams {
            g1: (1.0 - ring) * (1.0 - mix) * 0.5,
            g2: (1.0 - ring) * (1.0 + mix) * 0.5,
            ring,
            amp_vel_sens: self.v(P::AmpVelSens),
            amp_mod_depth: self.phys(P::AmpModAmount),
            master_gain: self.phys(P::MasterVol),
            osc1_wave,
            osc2_wave: Waveform::from_value(self.v(P::Osc2Waveform)),
            pw1: self.v(P::Osc1Pulsewidth),
            pw2: self.v(P::Osc2Pulsewidth),
            // amSynth keeps an old bug for compatibility: sync only follows a sine or saw osc 1.
            sync: OffOn::from_value(self.v(P::Osc2Sync)) == OffOn::On
                && matches!(osc1_wave, Waveform::Sine | Waveform::Saw),
            osc2_ratio: self.phys(P::Osc2Detune)
                * self.v(P::Osc2Range).exp2()
                * (self.v(P::Osc2Pitch) / 12.0).exp2(),
            fm_depth: self.phys(P::FreqModAmount),
            fm_dest: FreqModDest::from_value(self.v(P::FreqModOsc)),
            lfo_wave: LfoWaveform::from_value(self.v(P::LfoWaveform)),
            lfo_hz: self.phys(P::LfoFreq),
            filter_type: FilterType::from_value(self.v(P::FilterType)),
            filter_slope: FilterSlope::from_value(self.v(P::FilterSlope)),
            cutoff_mult: self.phys(P::FilterCutoff),
            q: self.phys(P::FilterResonance),
            kbd_track: self.v(P::FilterKbdTrack),
            filter_vel_sens: self.v(P::FilterVelSens),
            filter_mod_depth: self.phys(P::FilterModAmount),
            env_amount: self.v(P::FilterEnvAmount),
            amp_env: self.adsr(P::AmpAttack, P::AmpDecay, P::AmpSustain, P::AmpRelease),
            filter_env: self.adsr(
                P::FilterAttack,
                P::FilterDecay,
                P::FilterSustain,
                P::FilterRelease,
            ),
            glide_seconds: self.v(P::PortamentoTime),
            crunch: self.v(P::DistortionCrunch),
            reverb_wet: self.v(P::ReverbWet),
            reverb_room: self.phys(P::ReverbRoomsize),
            reverb_damp: self.phys(P::ReverbDamp),
            reverb_width: self.v(P::ReverbWidth),
        }
    }
}

/// Physical parameter values for one control block.
#[derive(Debug, Clone, Copy)]
pub struct BlockParams {
    pub g1: f32,
    pub g2: f32,
    pub ring: f32,
    pub amp_vel_sens: f32,
    pub amp_mod_depth: f32,
    pub master_gain: f32,
    pub osc1_wave: Waveform,
    pub osc2_wave: Waveform,
    pub pw1: f32,
    pub pw2: f32,
    pub sync: bool,
    pub osc2_ratio: f32,
    pub fm_depth: f32,
    pub fm_dest: FreqModDest,
    pub lfo_wave: LfoWaveform,
    pub lfo_hz: f32,
    pub filter_type: FilterType,
    pub filter_slope: FilterSlope,
    pub cutoff_mult: f32,
    pub q: f32,
    pub kbd_track: f32,
    pub filter_vel_sens: f32,
    pub filter_mod_depth: f32,
    pub env_amount: f32,
    pub amp_env: AdsrParams,
    pub filter_env: AdsrParams,
    pub glide_seconds: f32,
    pub crunch: f32,
    pub reverb_wet: f32,
    pub reverb_room: f32,
    pub reverb_damp: f32,
    pub reverb_width: f32,
}

/// What a voice needs for one block: the previous and current block's parameters plus global
/// controls.
#[derive(Debug, Clone, Copy)]
pub struct BlockCtx {
    pub prev: BlockParams,
    pub cur: BlockParams,
    pub sample_rate: f32,
    /// Pitch-bend factor (2^(semitones/12)).
    pub bend: f32,
}
