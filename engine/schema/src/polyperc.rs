//! norns' PolyPerc engine (`sc/engines/Engine_PolyPerc.sc`): a pulse through a Moog-style
//! low-pass with a percussive envelope, one voice per `hz` command. Its six parameters, in
//! the units its commands take (`engine.cutoff(1000)` is 1000 Hz). As in norns, a value
//! applies to the notes started after it is set, so none of them is smoothed.

use crate::table::{cont, LINEAR};
use crate::ParamSpec;

schema! {
    options {}
    params {
        Amp = cont("amp", "Amp", 0.0, 1.0, 0.3, LINEAR, "gain", false),
        Pw = cont("pw", "Pulse Width", 0.0, 1.0, 0.5, LINEAR, "", false),
        Release = cont("release", "Release", 0.0, 10.0, 0.5, LINEAR, "s", false),
        Cutoff = cont("cutoff", "Cutoff", 20.0, 20_000.0, 1000.0, LINEAR, "Hz", false).exp_warp(),
        /// The ladder's feedback gain: 4 is the edge of self-oscillation (SuperCollider's MoogFF).
        Gain = cont("gain", "Gain", 0.0, 4.0, 2.0, LINEAR, "", false),
        Pan = cont("pan", "Pan", -1.0, 1.0, 0.0, LINEAR, "", false),
    }
}

impl ParamId {
    pub fn spec(self) -> &'static ParamSpec {
        &PARAMS[self as usize]
    }
}

/// Look up a PolyPerc parameter by its command name.
pub fn find(id: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|p| p.id == id)
}

/// The defaults, in index order.
pub fn defaults() -> [f32; NUM_PARAMS] {
    std::array::from_fn(|i| PARAMS[i].default)
}

/// The hash of PolyPerc's table (see [`crate::schema_hash`]).
pub fn schema_hash() -> String {
    crate::hash_of(&PARAMS)
}

/// The table as JSON, in the shape of [`crate::to_json`].
pub fn to_json() -> serde_json::Value {
    serde_json::json!({
        "synth": "PolyPerc",
        "version": 1,
        "hash": schema_hash(),
        "params": PARAMS.iter().map(|p| {
            let mut v = serde_json::to_value(p).expect("param serializes");
            v["normalized"] = serde_json::json!({ "default": p.normalize(p.default) });
            v
        }).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Warp;

    #[test]
    fn table_matches_norns_defaults() {
        let d = defaults();
        assert_eq!(d, [0.3, 0.5, 0.5, 1000.0, 2.0, 0.0]);
        for (i, p) in PARAMS.iter().enumerate() {
            assert_eq!(p.index, i);
            assert_eq!(p.sanitize(p.default), p.default);
        }
        assert_eq!(ParamId::Cutoff.spec().id, "cutoff");
        assert_eq!(find("gain").unwrap().max, 4.0);
        assert_eq!(ParamId::Cutoff.spec().warp, Warp::Exp);
    }

    #[test]
    fn own_hash_and_amsynth_unchanged() {
        assert_eq!(crate::schema_hash(), "b2aae11e7136c46e");
        assert_ne!(schema_hash(), crate::schema_hash());
        assert_eq!(schema_hash().len(), 16);
    }

    #[test]
    fn cutoff_normalizes_exponentially() {
        let c = ParamId::Cutoff.spec();
        assert_eq!(c.normalize(20.0), 0.0);
        assert_eq!(c.normalize(20_000.0), 1.0);
        // 632.5 Hz is the geometric middle of 20..20000.
        assert!((c.normalize(632.455_5) - 0.5).abs() < 1e-6);
        assert_eq!(c.denormalize(0.0), 20.0);
        assert_eq!(c.denormalize(1.0), 20_000.0);
        for v in [20.0f32, 55.0, 1000.0, 7777.0, 20_000.0] {
            let back = c.denormalize(c.normalize(v));
            assert!((back - v).abs() <= v * 1e-6, "{v} -> {back}");
        }
        let json = to_json();
        assert_eq!(json["params"][3]["warp"], "exp");
        assert!(crate::to_json()["params"][11].get("warp").is_none());
    }
}
