//! A model's `wyrd.*` metadata (`models/FORMAT.md`), parsed and validated against the schema.
//!
//! Outputs are mapped to patches through these id lists, never through an assumed order, so
//! the checks here are what makes that mapping safe: every id exists and has the right kind,
//! the categorical options are exactly the schema's (an option index is a stored value), the
//! groups tile `cat` without gaps, and the features are the ones the dataset was made with.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;
use wyrd_dataset::{features_json, ItemSpec};
use wyrd_schema::{Kind, PARAMS};

use crate::error::{Error, Result};

/// The four model kinds of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    VaeDecoder,
    VaeEncoder,
    NoteMatcher,
    LiveMatcher,
}

impl ModelKind {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "vae_decoder" => ModelKind::VaeDecoder,
            "vae_encoder" => ModelKind::VaeEncoder,
            "note_matcher" => ModelKind::NoteMatcher,
            "live_matcher" => ModelKind::LiveMatcher,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ModelKind::VaeDecoder => "vae_decoder",
            ModelKind::VaeEncoder => "vae_encoder",
            ModelKind::NoteMatcher => "note_matcher",
            ModelKind::LiveMatcher => "live_matcher",
        }
    }

    /// Kinds whose outputs (or input) must cover every parameter.
    fn full_patch(self) -> bool {
        self != ModelKind::LiveMatcher
    }

    fn is_matcher(self) -> bool {
        matches!(self, ModelKind::NoteMatcher | ModelKind::LiveMatcher)
    }
}

/// One categorical group of `cat`, resolved to its schema parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMeta {
    pub id: String,
    /// Schema index of the parameter.
    pub index: usize,
    pub options: Vec<String>,
    pub offset: usize,
}

impl GroupMeta {
    pub fn size(&self) -> usize {
        self.options.len()
    }
}

/// Validated metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMeta {
    pub kind: ModelKind,
    pub variant: String,
    pub schema_hash: String,
    /// Schema indices of `cont`'s columns.
    pub continuous: Vec<usize>,
    pub groups: Vec<GroupMeta>,
    pub normalization: Value,
    pub features: Value,
    pub latent_dim: Option<usize>,
    pub training_commit: Option<String>,
    pub fixed: Option<String>,
}

/// Feature keys that must equal the dataset's (`features_json`).
const FEATURE_KEYS: [&str; 6] = ["sr", "n_fft", "hop", "n_mels", "n_mfcc", "top_db"];

impl ModelMeta {
    pub fn n_cont(&self) -> usize {
        self.continuous.len()
    }

    pub fn n_cat(&self) -> usize {
        self.groups.iter().map(GroupMeta::size).sum()
    }

    /// Schema indices of every parameter the model covers, `cont` then `cat` order.
    pub fn param_indices(&self) -> Vec<usize> {
        self.continuous
            .iter()
            .copied()
            .chain(self.groups.iter().map(|g| g.index))
            .collect()
    }

    /// Parse and validate the properties of the model at `path` (`get` looks a key up).
    pub fn from_props(path: &Path, get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let need = |key: &str| {
            get(key).ok_or_else(|| {
                Error::meta(
                    path,
                    key,
                    "missing (not a wyrd model, or exported without its metadata)",
                )
            })
        };
        let json = |key: &str| -> Result<Value> {
            serde_json::from_str(&need(key)?)
                .map_err(|e| Error::meta(path, key, format!("not valid JSON: {e}")))
        };

        let kind_s = need("wyrd.kind")?;
        let kind = ModelKind::parse(&kind_s).ok_or_else(|| {
            Error::meta(
                path,
                "wyrd.kind",
                format!("unknown kind {kind_s:?} (vae_decoder, vae_encoder, note_matcher or live_matcher)"),
            )
        })?;
        let variant = need("wyrd.variant")?;

        let schema_hash = need("wyrd.schema_hash")?;
        let ours = wyrd_schema::schema_hash();
        if schema_hash != ours {
            return Err(Error::meta(
                path,
                "wyrd.schema_hash",
                format!("{schema_hash} is not this build's schema {ours} (the model was trained against another parameter schema; retrain or re-export it)"),
            ));
        }

        let continuous = continuous_ids(path, &json("wyrd.continuous_ids")?)?;
        let groups = categorical_groups(path, &json("wyrd.categorical_groups")?)?;

        // param_ids must be exactly cont then cat, and nothing may appear twice.
        let expected: Vec<&str> = continuous
            .iter()
            .map(|&i| PARAMS[i].id)
            .chain(groups.iter().map(|g| g.id.as_str()))
            .collect();
        let param_ids = string_list(path, "wyrd.param_ids", &json("wyrd.param_ids")?)?;
        if param_ids != expected {
            return Err(Error::meta(
                path,
                "wyrd.param_ids",
                "is not wyrd.continuous_ids followed by the ids of wyrd.categorical_groups",
            ));
        }
        let mut seen = HashSet::new();
        if let Some(dup) = expected.iter().find(|id| !seen.insert(**id)) {
            return Err(Error::meta(
                path,
                "wyrd.param_ids",
                format!("{dup} appears twice"),
            ));
        }
        if kind.full_patch() && expected.len() != PARAMS.len() {
            let missing: Vec<&str> = PARAMS
                .iter()
                .map(|p| p.id)
                .filter(|id| !seen.contains(id))
                .collect();
            return Err(Error::meta(
                path,
                "wyrd.param_ids",
                format!(
                    "a {} must cover every parameter; missing {}",
                    kind.as_str(),
                    missing.join(", ")
                ),
            ));
        }

        let features = match get("wyrd.features") {
            Some(_) => json("wyrd.features")?,
            None if kind.is_matcher() => return Err(need("wyrd.features").unwrap_err()),
            None => Value::Null,
        };
        if !features.is_null() {
            check_features(path, &features)?;
        }

        let normalization = match get("wyrd.normalization") {
            Some(_) => json("wyrd.normalization")?,
            None => Value::Null,
        };

        let latent_dim = match get("wyrd.latent_dim") {
            Some(s) => Some(
                s.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|&d| d > 0)
                    .ok_or_else(|| {
                        Error::meta(
                            path,
                            "wyrd.latent_dim",
                            format!("{s:?} is not a positive integer"),
                        )
                    })?,
            ),
            None => None,
        };
        let needs_latent = matches!(kind, ModelKind::VaeDecoder | ModelKind::VaeEncoder)
            || (kind == ModelKind::NoteMatcher && variant == "vae");
        if needs_latent && latent_dim.is_none() {
            return Err(need("wyrd.latent_dim").unwrap_err());
        }

        Ok(ModelMeta {
            kind,
            variant,
            schema_hash,
            continuous,
            groups,
            normalization,
            features,
            latent_dim,
            training_commit: get("wyrd.training_commit"),
            fixed: get("wyrd.fixed"),
        })
    }

    /// MFCC frames a matcher takes (`features.frames`, else the format's default for the kind).
    pub fn frames(&self) -> Option<usize> {
        self.features
            .get("frames")
            .and_then(Value::as_u64)
            .map(|f| f as usize)
    }
}

fn string_list(path: &Path, key: &str, v: &Value) -> Result<Vec<String>> {
    v.as_array()
        .and_then(|a| {
            a.iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| Error::meta(path, key, "must be a JSON list of strings"))
}

fn schema_index(path: &Path, key: &str, id: &str) -> Result<usize> {
    wyrd_schema::find(id)
        .map(|p| p.index)
        .ok_or_else(|| Error::meta(path, key, format!("unknown parameter id {id:?}")))
}

fn continuous_ids(path: &Path, v: &Value) -> Result<Vec<usize>> {
    const KEY: &str = "wyrd.continuous_ids";
    string_list(path, KEY, v)?
        .iter()
        .map(|id| {
            let i = schema_index(path, KEY, id)?;
            if matches!(PARAMS[i].kind, Kind::Categorical { .. }) {
                return Err(Error::meta(
                    path,
                    KEY,
                    format!("{id} is categorical in the schema"),
                ));
            }
            Ok(i)
        })
        .collect()
}

fn categorical_groups(path: &Path, v: &Value) -> Result<Vec<GroupMeta>> {
    const KEY: &str = "wyrd.categorical_groups";
    let bad = |m: String| Error::meta(path, KEY, m);
    let list = v
        .as_array()
        .ok_or_else(|| bad("must be a JSON list".into()))?;
    let mut groups = Vec::with_capacity(list.len());
    let mut offset = 0;
    for g in list {
        let id = g
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("a group has no string \"id\"".into()))?;
        let index = schema_index(path, KEY, id)?;
        let Kind::Categorical { options: schema } = PARAMS[index].kind else {
            return Err(bad(format!("{id} is not categorical in the schema")));
        };
        let options = g
            .get("options")
            .map(|o| string_list(path, KEY, o))
            .transpose()?
            .ok_or_else(|| bad(format!("{id}: no \"options\"")))?;
        if options != schema {
            return Err(bad(format!(
                "{id}: options {options:?} differ from the schema's {schema:?}"
            )));
        }
        let field = |name: &str| g.get(name).and_then(Value::as_u64).map(|n| n as usize);
        if field("offset") != Some(offset) {
            return Err(bad(format!(
                "{id}: offset {:?}, expected {offset} (groups must be contiguous, in order)",
                g.get("offset")
            )));
        }
        if field("size") != Some(options.len()) {
            return Err(bad(format!(
                "{id}: size {:?}, expected {} (its option count)",
                g.get("size"),
                options.len()
            )));
        }
        groups.push(GroupMeta {
            id: id.to_owned(),
            index,
            options,
            offset,
        });
        offset += schema.len();
    }
    Ok(groups)
}

fn check_features(path: &Path, features: &Value) -> Result<()> {
    const KEY: &str = "wyrd.features";
    let ours = features_json(&ItemSpec::default());
    for key in FEATURE_KEYS {
        let theirs = features.get(key).ok_or_else(|| {
            Error::meta(
                path,
                KEY,
                format!("has no {key:?} (expected {})", ours[key]),
            )
        })?;
        if !json_num_eq(theirs, &ours[key]) {
            return Err(Error::meta(
                path,
                KEY,
                format!(
                    "{key} is {theirs}, but wyrd's features use {} (the model was trained on other features)",
                    ours[key]
                ),
            ));
        }
    }
    Ok(())
}

/// Equality that treats 48000 and 48000.0 alike (Python's json writes either).
fn json_num_eq(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use wyrd_dataset::Encoding;

    fn good() -> HashMap<String, String> {
        let e = Encoding::new();
        let cont: Vec<&str> = e.continuous.iter().map(|&i| PARAMS[i].id).collect();
        let mut m = HashMap::new();
        let mut put = |k: &str, v: String| {
            m.insert(k.to_owned(), v);
        };
        put("wyrd.kind", "vae_decoder".into());
        put("wyrd.variant", "latent8".into());
        put("wyrd.schema_hash", wyrd_schema::schema_hash());
        put("wyrd.continuous_ids", serde_json::to_string(&cont).unwrap());
        put("wyrd.categorical_groups", e.groups_json().to_string());
        put(
            "wyrd.param_ids",
            serde_json::to_string(&e.param_ids()).unwrap(),
        );
        put(
            "wyrd.features",
            features_json(&ItemSpec::default()).to_string(),
        );
        put("wyrd.latent_dim", "8".into());
        m
    }

    fn parse(m: &HashMap<String, String>) -> Result<ModelMeta> {
        ModelMeta::from_props(Path::new("m.onnx"), |k| m.get(k).cloned())
    }

    fn err(m: &HashMap<String, String>) -> String {
        parse(m).unwrap_err().to_string()
    }

    #[test]
    fn the_encoding_layout_is_accepted() {
        let meta = parse(&good()).unwrap();
        assert_eq!(meta.n_cont(), 32);
        assert_eq!(meta.n_cat(), Encoding::new().n_cat());
        assert_eq!(meta.latent_dim, Some(8));
    }

    #[test]
    fn mismatches_name_the_file_and_key() {
        let mut m = good();
        m.insert("wyrd.schema_hash".into(), "00".into());
        let e = err(&m);
        assert!(
            e.contains("m.onnx") && e.contains("wyrd.schema_hash"),
            "{e}"
        );

        let mut m = good();
        m.remove("wyrd.kind");
        assert!(err(&m).contains("wyrd.kind: missing"));

        let mut m = good();
        let mut groups = Encoding::new().groups_json();
        groups[1]["offset"] = 0.into();
        m.insert("wyrd.categorical_groups".into(), groups.to_string());
        assert!(err(&m).contains("contiguous"));

        let mut m = good();
        let mut groups = Encoding::new().groups_json();
        groups[0]["options"][0] = "square".into();
        m.insert("wyrd.categorical_groups".into(), groups.to_string());
        assert!(err(&m).contains("differ from the schema"));

        let mut m = good();
        m.insert("wyrd.continuous_ids".into(), "[\"nope\"]".into());
        assert!(err(&m).contains("unknown parameter id \"nope\""));

        let mut m = good();
        m.insert("wyrd.continuous_ids".into(), "[\"osc1_waveform\"]".into());
        assert!(err(&m).contains("categorical in the schema"));

        let mut m = good();
        let mut f = features_json(&ItemSpec::default());
        f["n_mfcc"] = 13.into();
        m.insert("wyrd.features".into(), f.to_string());
        assert!(err(&m).contains("n_mfcc is 13"));

        let mut m = good();
        m.insert("wyrd.latent_dim".into(), "eight".into());
        assert!(err(&m).contains("wyrd.latent_dim"));

        let mut m = good();
        m.insert("wyrd.param_ids".into(), "{".into());
        assert!(err(&m).contains("not valid JSON"));
    }

    #[test]
    fn a_full_patch_model_must_cover_every_parameter() {
        let mut m = good();
        let e = Encoding::new();
        let cont: Vec<&str> = e.continuous.iter().skip(1).map(|&i| PARAMS[i].id).collect();
        let ids: Vec<&str> = cont
            .iter()
            .copied()
            .chain(e.groups.iter().map(|g| g.id))
            .collect();
        m.insert(
            "wyrd.continuous_ids".into(),
            serde_json::to_string(&cont).unwrap(),
        );
        m.insert(
            "wyrd.param_ids".into(),
            serde_json::to_string(&ids).unwrap(),
        );
        assert!(err(&m).contains("missing amp_attack"));
        // A live matcher may cover a subset.
        m.insert("wyrd.kind".into(), "live_matcher".into());
        assert_eq!(parse(&m).unwrap().n_cont(), 31);
    }
}
