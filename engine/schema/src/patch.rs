use crate::{defaults, NUM_PARAMS, PARAMS};

/// A named set of all 41 parameter values (stored units), always sanitized.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub name: String,
    values: [f32; NUM_PARAMS],
}

impl Default for Patch {
    fn default() -> Self {
        Patch {
            name: String::new(),
            values: defaults(),
        }
    }
}

impl Patch {
    /// A patch from raw values; each is clamped and snapped like amSynth's setter.
    pub fn from_values(name: impl Into<String>, values: [f32; NUM_PARAMS]) -> Self {
        let mut p = Patch {
            name: name.into(),
            values,
        };
        for (i, v) in values.into_iter().enumerate() {
            p.set(i, v);
        }
        p
    }

    pub fn values(&self) -> &[f32; NUM_PARAMS] {
        &self.values
    }

    pub fn get(&self, index: usize) -> f32 {
        self.values[index]
    }

    /// Set one parameter (clamped and snapped).
    pub fn set(&mut self, index: usize, v: f32) {
        self.values[index] = PARAMS[index].sanitize(v);
    }

    /// Set by amSynth name; `false` when the name is unknown.
    pub fn set_by_id(&mut self, id: &str, v: f32) -> bool {
        match crate::find(id) {
            Some(spec) => {
                self.set(spec.index, v);
                true
            }
            None => false,
        }
    }

    /// The patch in the models' 0..1 view.
    pub fn normalized(&self) -> [f64; NUM_PARAMS] {
        std::array::from_fn(|i| PARAMS[i].normalize(self.values[i]))
    }

    /// A patch from the 0..1 view.
    pub fn from_normalized(name: impl Into<String>, n: &[f64; NUM_PARAMS]) -> Self {
        Patch {
            name: name.into(),
            values: std::array::from_fn(|i| PARAMS[i].denormalize(n[i])),
        }
    }
}
