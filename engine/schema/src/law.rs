use serde::Serialize;

/// Stored value `v` → physical quantity, the way amSynth's DSP interprets it
/// (../shared/amsynth-params.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Law {
    /// `offset + scale·v`
    Linear { scale: f64, offset: f64 },
    /// `offset + base^v`
    Exp { base: f64, offset: f64 },
    /// `offset + scale·v^exponent`
    Power {
        exponent: f64,
        scale: f64,
        offset: f64,
    },
    /// Filter resonance: `Q = 1 / max(0.001, 2(1−v))`
    ResonanceQ,
}

impl Law {
    pub const IDENTITY: Law = Law::Linear {
        scale: 1.0,
        offset: 0.0,
    };

    pub fn apply(&self, v: f64) -> f64 {
        match *self {
            Law::Linear { scale, offset } => offset + scale * v,
            Law::Exp { base, offset } => offset + base.powf(v),
            Law::Power {
                exponent,
                scale,
                offset,
            } => offset + scale * v.max(0.0).powf(exponent),
            Law::ResonanceQ => 1.0 / (2.0 * (1.0 - v)).max(0.001),
        }
    }

    pub fn invert(&self, p: f64) -> f64 {
        match *self {
            Law::Linear { scale, offset } => (p - offset) / scale,
            Law::Exp { base, offset } => (p - offset).max(f64::MIN_POSITIVE).ln() / base.ln(),
            Law::Power {
                exponent,
                scale,
                offset,
            } => ((p - offset) / scale).max(0.0).powf(1.0 / exponent),
            Law::ResonanceQ => 1.0 - 1.0 / (2.0 * p.max(0.5)),
        }
    }
}
