//! The patch encoding of `models/FORMAT.md`: `x = concat(cont, onehot)`.

use wyrd_schema::{Kind, Patch, NUM_PARAMS, PARAMS};

/// A categorical parameter's slice of the one-hot part.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoricalGroup {
    pub index: usize,
    pub id: &'static str,
    pub options: &'static [&'static str],
    /// Where the group starts in the categorical part (not in `x`).
    pub offset: usize,
}

impl CategoricalGroup {
    pub fn size(&self) -> usize {
        self.options.len()
    }
}

/// Which schema parameters are continuous (continuous and stepped, in the 0..1 view) and which
/// are categorical, in schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoding {
    pub continuous: Vec<usize>,
    pub groups: Vec<CategoricalGroup>,
}

impl Default for Encoding {
    fn default() -> Self {
        Self::new()
    }
}

impl Encoding {
    pub fn new() -> Self {
        let mut continuous = Vec::new();
        let mut groups = Vec::new();
        let mut offset = 0;
        for p in &PARAMS {
            match p.kind {
                Kind::Categorical { options } => {
                    groups.push(CategoricalGroup {
                        index: p.index,
                        id: p.id,
                        options,
                        offset,
                    });
                    offset += options.len();
                }
                Kind::Continuous | Kind::Stepped => continuous.push(p.index),
            }
        }
        Encoding { continuous, groups }
    }

    pub fn n_cont(&self) -> usize {
        self.continuous.len()
    }

    pub fn n_cat(&self) -> usize {
        self.groups.iter().map(CategoricalGroup::size).sum()
    }

    pub fn width(&self) -> usize {
        self.n_cont() + self.n_cat()
    }

    /// Continuous ids then categorical ids: the models' output order.
    pub fn param_ids(&self) -> Vec<&'static str> {
        self.continuous
            .iter()
            .map(|&i| PARAMS[i].id)
            .chain(self.groups.iter().map(|g| g.id))
            .collect()
    }

    /// `x` for `patch`.
    pub fn encode(&self, patch: &Patch) -> Vec<f32> {
        let mut x = vec![0.0; self.width()];
        for (k, &i) in self.continuous.iter().enumerate() {
            x[k] = PARAMS[i].normalize(patch.get(i)) as f32;
        }
        let n_cont = self.n_cont();
        for g in &self.groups {
            let option = PARAMS[g.index].sanitize(patch.get(g.index)) as usize;
            x[n_cont + g.offset + option.min(g.size() - 1)] = 1.0;
        }
        x
    }

    /// The patch for model outputs: `cont` in the 0..1 view (denormalised, so clamped and
    /// snapped) and `cat` as scores per group (argmax wins; ties and NaN go to the first
    /// option). Parameters a model does not output come from `base`.
    pub fn decode(&self, cont: &[f32], cat: &[f32], base: &Patch) -> Patch {
        let mut patch = base.clone();
        for (k, &i) in self.continuous.iter().enumerate() {
            if let Some(&v) = cont.get(k) {
                patch.set(i, PARAMS[i].denormalize(f64::from(v)));
            }
        }
        for g in &self.groups {
            if let Some(scores) = cat.get(g.offset..g.offset + g.size()) {
                patch.set(g.index, argmax(scores) as f32);
            }
        }
        patch
    }

    /// Decode a full `x` (encoder input layout).
    pub fn decode_x(&self, x: &[f32], base: &Patch) -> Patch {
        let n = self.n_cont().min(x.len());
        self.decode(&x[..n], &x[n..], base)
    }

    /// The categorical groups as `models/FORMAT.md`'s `wyrd.categorical_groups` JSON.
    pub fn groups_json(&self) -> serde_json::Value {
        self.groups
            .iter()
            .map(|g| {
                serde_json::json!({
                    "id": g.id, "options": g.options, "offset": g.offset, "size": g.size()
                })
            })
            .collect()
    }
}

/// The highest score's index; ties and NaN go to the first option (a model's categorical output
/// to the option it picks).
pub fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] || (scores[best].is_nan() && !s.is_nan()) {
            best = i;
        }
    }
    best
}

const _: () = assert!(NUM_PARAMS == 41);

#[cfg(test)]
mod tests {
    use super::*;
    use wyrd_schema::defaults;

    #[test]
    fn the_layout_follows_the_schema() {
        let e = Encoding::new();
        assert_eq!(e.n_cont(), 32);
        assert_eq!(e.groups.len(), 9);
        assert_eq!(e.param_ids().len(), NUM_PARAMS);
        let ids = e.param_ids();
        assert_eq!(ids[0], "amp_attack");
        assert!(ids[32..].contains(&"filter_type"));
        let last = e.groups.last().unwrap();
        assert_eq!(last.offset + last.size(), e.n_cat());
    }

    #[test]
    fn encode_then_decode_is_the_patch() {
        let e = Encoding::new();
        let mut p = Patch::from_values("p", defaults());
        p.set_by_id("osc2_waveform", 4.0);
        p.set_by_id("filter_cutoff", 0.3);
        p.set_by_id("osc2_pitch", -7.0);
        let x = e.encode(&p);
        assert_eq!(x.len(), e.width());
        // One 1 per group.
        assert_eq!(x[e.n_cont()..].iter().sum::<f32>(), 9.0);
        let back = e.decode_x(&x, &Patch::from_values("base", defaults()));
        for (i, spec) in PARAMS.iter().enumerate() {
            assert!(
                (back.get(i) - p.get(i)).abs() < 1e-6,
                "{}: {} vs {}",
                spec.id,
                back.get(i),
                p.get(i)
            );
        }
    }

    #[test]
    fn decoding_clamps_snaps_and_survives_nan() {
        let e = Encoding::new();
        let base = Patch::from_values("base", defaults());
        let cont = vec![f32::NAN; e.n_cont()];
        let mut cat = vec![0.0; e.n_cat()];
        cat[e.groups[0].offset + 3] = 0.9;
        let p = e.decode(&cont, &cat, &base);
        assert!(p.values().iter().all(|v| v.is_finite()));
        assert_eq!(p.get(e.groups[0].index), 3.0);
        let p = e.decode(&vec![2.0; e.n_cont()], &cat, &base);
        for &i in &e.continuous {
            assert_eq!(p.get(i), PARAMS[i].max, "{}", PARAMS[i].id);
        }
    }
}
