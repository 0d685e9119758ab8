//! The parameter schema: amSynth's 41 parameters with their ranges, steps, laws and units.
//!
//! Everything that addresses the synth (Lua params, OSC paths, model metadata, dataset columns)
//! is derived from [`PARAMS`]; nothing else in wyrd lists parameters by hand. The second
//! engine, norns' PolyPerc, has its own table in [`polyperc`], declared with the same macro.

#[macro_use]
mod macros;
mod law;
mod patch;
pub mod polyperc;
mod table;

pub use law::Law;
pub use patch::Patch;
pub use table::{
    FilterSlope, FilterType, FreqModDest, KeyboardMode, LfoWaveform, OffOn, ParamId,
    PortamentoMode, Waveform, NUM_PARAMS, PARAMS,
};

use serde::Serialize;

/// How a parameter's values are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Kind {
    /// Any value in `[min, max]`.
    Continuous,
    /// Integer steps between `min` and `max` (e.g. octaves, semitones).
    Stepped,
    /// One of a fixed set of named options, stored as the option's index.
    Categorical { options: &'static [&'static str] },
}

/// How a value from a file is snapped onto the parameter's grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Stored as given (continuous parameters).
    None,
    /// Nearest step, halves away from zero (amSynth's setter).
    Nearest,
    /// Truncate toward zero: amSynth 1.13.x reads `portamento_mode` as an integer cast.
    Truncate,
}

/// How a parameter's 0..1 view is spaced over its range (norns' controlspec warps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Warp {
    /// `n = (v − min) / (max − min)`.
    Linear,
    /// `n = ln(v / min) / ln(max / min)`: equal steps are equal ratios (`min` > 0).
    Exp,
}

impl Warp {
    /// Linear rows leave the field out of the JSON, so amSynth's export (and its hash) is the
    /// same as before warps existed.
    fn is_linear(&self) -> bool {
        *self == Warp::Linear
    }
}

/// One synth parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParamSpec {
    pub index: usize,
    /// amSynth's name, used in bank files, OSC paths and Lua.
    pub id: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub min: f32,
    pub max: f32,
    pub default: f32,
    /// Grid spacing, 0 for continuous.
    pub step: f32,
    pub rounding: Rounding,
    /// Stored value to physical quantity.
    pub law: Law,
    /// Unit of the physical quantity ("" for plain factors).
    pub unit: &'static str,
    /// Whether the engine smooths this parameter per sample (others apply per control block).
    pub smoothed: bool,
    /// How the 0..1 view is spaced.
    #[serde(skip_serializing_if = "Warp::is_linear")]
    pub warp: Warp,
}

impl ParamSpec {
    /// Clamp to the range and snap to the grid, the way amSynth's setter treats any incoming value.
    /// NaN becomes the default, so nothing downstream ever sees it.
    pub fn sanitize(&self, v: f32) -> f32 {
        if v.is_nan() {
            return self.default;
        }
        let v = v.clamp(self.min, self.max);
        let snapped = match self.rounding {
            Rounding::None => v,
            Rounding::Nearest => (v / self.step).round() * self.step,
            Rounding::Truncate => (v / self.step).trunc() * self.step,
        };
        // `+ 0.0` turns a rounded −0 into 0 so equal values compare equal bit for bit.
        snapped.clamp(self.min, self.max) + 0.0
    }

    /// The 0..1 view models work in. Computed in f64 so that `denormalize(normalize(v)) == v`
    /// holds exactly for every f32 in range.
    pub fn normalize(&self, v: f32) -> f64 {
        let (lo, hi) = (f64::from(self.min), f64::from(self.max));
        let n = match self.warp {
            Warp::Linear => (f64::from(v) - lo) / (hi - lo),
            Warp::Exp => (f64::from(v).max(lo) / lo).ln() / (hi / lo).ln(),
        };
        n.clamp(0.0, 1.0)
    }

    /// Inverse of [`normalize`](Self::normalize); out-of-range input is clamped, stepped
    /// parameters are snapped to their grid.
    pub fn denormalize(&self, n: f64) -> f32 {
        let n = if n.is_nan() {
            self.normalize(self.default)
        } else {
            n.clamp(0.0, 1.0)
        };
        let (lo, hi) = (f64::from(self.min), f64::from(self.max));
        let v = match self.warp {
            Warp::Linear => (lo + n * (hi - lo)) as f32,
            Warp::Exp if n >= 1.0 => self.max,
            Warp::Exp => (lo * (hi / lo).powf(n)) as f32,
        };
        match self.rounding {
            Rounding::None => v.clamp(self.min, self.max),
            _ => self.sanitize(v),
        }
    }

    /// Stored value → physical quantity in [`unit`](Self::unit).
    pub fn to_physical(&self, v: f32) -> f64 {
        self.law.apply(f64::from(v))
    }

    /// Physical quantity → stored value (clamped and snapped), where the law is invertible.
    pub fn from_physical(&self, p: f64) -> f32 {
        self.sanitize(self.law.invert(p) as f32)
    }

    /// Number of options of a categorical parameter, else `None`.
    pub fn options(&self) -> Option<&'static [&'static str]> {
        match self.kind {
            Kind::Categorical { options } => Some(options),
            _ => None,
        }
    }

    /// Display name of a categorical value.
    pub fn option_name(&self, v: f32) -> Option<&'static str> {
        self.options()
            .and_then(|o| o.get(self.sanitize(v) as usize).copied())
    }
}

/// Look up a parameter by its amSynth name.
pub fn find(id: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|p| p.id == id)
}

/// The defaults of every parameter, in index order.
pub fn defaults() -> [f32; NUM_PARAMS] {
    std::array::from_fn(|i| PARAMS[i].default)
}

/// A stable hash of the schema (ids, order, ranges, steps, laws), recorded in model metadata so a
/// model trained against another schema is refused. FNV-1a over the canonical JSON.
pub fn schema_hash() -> String {
    hash_of(&PARAMS)
}

/// The hash [`schema_hash`] computes, of any engine's table.
pub fn hash_of(params: &[ParamSpec]) -> String {
    let json = serde_json::to_string(params).expect("schema serializes");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in json.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The schema as JSON, as printed by `wyrd params --json`.
pub fn to_json() -> serde_json::Value {
    serde_json::json!({
        "synth": "amsynth",
        "version": 1,
        "hash": schema_hash(),
        "params": PARAMS.iter().map(|p| {
            let mut v = serde_json::to_value(p).expect("param serializes");
            v["normalized"] = serde_json::json!({
                "rule": "n = (value - min) / (max - min)",
                "default": p.normalize(p.default),
            });
            v["osc_path"] = serde_json::json!(format!("/param/{}", p.id));
            v
        }).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests;
