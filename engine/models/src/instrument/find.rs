//! Model names to files. Scripts say `model.load("preset_vae8")` (or the path of an `.onnx`
//! file); a VAE is its decoder plus, when present beside it, its encoder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::meta::ModelKind;
use crate::model::{Decoder, Encoder, LiveMatcher, Model, NoteMatcher};

/// The folder models are found in by name: `$WYRD_MODELS`, else a `models/` folder holding
/// `.onnx` files in the current directory or an ancestor of it, of the executable or of this
/// crate's source (so tests, `cargo run` and an installed binary beside a checkout all work).
pub fn models_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("WYRD_MODELS").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let starts = [
        std::env::current_dir().ok(),
        std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(Path::to_path_buf)),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
    ];
    starts
        .into_iter()
        .flatten()
        .flat_map(|s| s.ancestors().map(|a| a.join("models")).collect::<Vec<_>>())
        .find(|d| has_models(d))
}

fn has_models(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "onnx"))
    })
}

/// A loaded model, ready for the host.
#[derive(Debug, Clone)]
pub enum Loaded {
    Vae {
        decoder: Arc<Decoder>,
        encoder: Option<Arc<Encoder>>,
    },
    LiveMatcher(Arc<LiveMatcher>),
    NoteMatcher(Arc<NoteMatcher>),
}

impl Loaded {
    /// The model's name (its decoder's file stem without `_decoder`).
    pub fn name(&self) -> String {
        let m = match self {
            Loaded::Vae { decoder, .. } => &decoder.0,
            Loaded::LiveMatcher(m) => &m.0,
            Loaded::NoteMatcher(m) => &m.0,
        };
        vae_name(m.name())
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Loaded::Vae { .. } => "vae",
            Loaded::LiveMatcher(_) => "live_matcher",
            Loaded::NoteMatcher(_) => "note_matcher",
        }
    }

    /// Latent dimensions (VAEs).
    pub fn latent_dim(&self) -> Option<usize> {
        match self {
            Loaded::Vae { decoder, .. } => Some(decoder.latent_dim()),
            _ => None,
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            Loaded::Vae { decoder, .. } => decoder.0.path(),
            Loaded::LiveMatcher(m) => m.0.path(),
            Loaded::NoteMatcher(m) => m.0.path(),
        }
    }
}

/// The files `name` stands for: a path to an `.onnx` file, or a name in [`models_dir`]
/// (`preset_vae8`, `preset_vae8_decoder`, `live_matcher`; `amsynth_vae8` and `vae8` are
/// aliases of `preset_vae8`).
pub fn resolve(name: &str) -> Result<PathBuf> {
    let given = Path::new(name);
    if given.extension().is_some_and(|e| e == "onnx") || given.components().count() > 1 {
        return if given.is_file() {
            Ok(given.to_path_buf())
        } else {
            Err(Error::Io {
                path: given.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such model file"),
            })
        };
    }
    let dir = models_dir().ok_or_else(|| Error::NotFound {
        name: name.into(),
        message: "no models folder (set WYRD_MODELS, or run from a wyrd checkout)".into(),
    })?;
    let stem = alias(name);
    let candidates = [
        dir.join(format!("{stem}.onnx")),
        dir.join(format!("{stem}_decoder.onnx")),
    ];
    if let Some(found) = candidates.iter().find(|c| c.is_file()) {
        return Ok(found.clone());
    }
    let mut known: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let p = e.path();
                    (p.extension()? == "onnx")
                        .then(|| Some(vae_name(p.file_stem()?.to_string_lossy().into_owned())))?
                })
                .filter(|s| !s.ends_with("_encoder"))
                .collect()
        })
        .unwrap_or_default();
    known.sort();
    Err(Error::NotFound {
        name: name.into(),
        message: format!("not in {} (it has: {})", dir.display(), known.join(", ")),
    })
}

/// A model's name as scripts give it: a VAE is named without its decoder's `_decoder`.
pub(crate) fn vae_name(stem: String) -> String {
    stem.strip_suffix("_decoder")
        .map(str::to_owned)
        .unwrap_or(stem)
}

fn alias(name: &str) -> String {
    for prefix in ["amsynth_vae", "vae"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
                return format!("preset_vae{rest}");
            }
        }
    }
    name.to_owned()
}

/// Loads `name` ([`resolve`]) with its metadata checked against the schema. An encoder file is
/// not a model to play: it is loaded as the VAE it belongs to.
pub fn load(name: &str) -> Result<Loaded> {
    let path = resolve(name)?;
    let model = Model::open(&path)?;
    Ok(match model.kind() {
        ModelKind::VaeDecoder => {
            let encoder = sibling(&path, "_decoder", "_encoder")
                .map(|p| Encoder::open(&p).map(Arc::new))
                .transpose()?;
            Loaded::Vae {
                decoder: Arc::new(Decoder::try_from(model)?),
                encoder,
            }
        }
        ModelKind::VaeEncoder => {
            let decoder =
                sibling(&path, "_encoder", "_decoder").ok_or_else(|| Error::NotFound {
                    name: name.into(),
                    message: format!(
                        "{} is an encoder and has no decoder beside it",
                        path.display()
                    ),
                })?;
            Loaded::Vae {
                decoder: Arc::new(Decoder::open(&decoder)?),
                encoder: Some(Arc::new(Encoder::try_from(model)?)),
            }
        }
        ModelKind::LiveMatcher => Loaded::LiveMatcher(Arc::new(LiveMatcher::try_from(model)?)),
        ModelKind::NoteMatcher => Loaded::NoteMatcher(Arc::new(NoteMatcher::try_from(model)?)),
    })
}

fn sibling(path: &Path, from: &str, to: &str) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_str()?;
    let base = stem.strip_suffix(from)?;
    let p = path.with_file_name(format!("{base}{to}.onnx"));
    p.is_file().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_name_the_preset_vaes() {
        assert_eq!(alias("amsynth_vae8"), "preset_vae8");
        assert_eq!(alias("vae16"), "preset_vae16");
        assert_eq!(alias("vae8_decoder"), "vae8_decoder");
        assert_eq!(alias("live_matcher"), "live_matcher");
        assert_eq!(alias("vae"), "vae");
    }
}
