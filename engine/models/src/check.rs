//! `models/<name>.check.json`: fixed inputs and the PyTorch outputs for them. Running the
//! ONNX model on the same inputs and comparing catches a broken export (an op exported with
//! other semantics, a normalisation left out of the graph) before anyone listens to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::Model;

/// Largest absolute difference accepted between ONNX Runtime and PyTorch.
pub const TOLERANCE: f32 = 1e-4;

#[derive(Debug, Clone, Deserialize)]
pub struct TensorJson {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckFile {
    pub inputs: BTreeMap<String, TensorJson>,
    pub outputs: BTreeMap<String, TensorJson>,
}

/// Per output, the largest absolute difference found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub file: PathBuf,
    pub max_abs_diff: BTreeMap<String, f32>,
}

impl CheckReport {
    pub fn worst(&self) -> f32 {
        self.max_abs_diff.values().fold(0.0, |a, &b| a.max(b))
    }
}

/// The check file of `model`: `wyrd.fixed` next to the model if given, else
/// `<stem>.check.json`.
pub fn check_path(model: &Model) -> PathBuf {
    let dir = model.path().parent().unwrap_or(Path::new("."));
    match &model.meta().fixed {
        Some(name) => dir.join(name),
        None => dir.join(format!("{}.check.json", model.name())),
    }
}

pub fn load(path: &Path) -> Result<CheckFile> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let file: CheckFile = serde_json::from_str(&text).map_err(|e| Error::Check {
        path: path.to_owned(),
        message: format!("not a check file: {e}"),
    })?;
    for (name, t) in file.inputs.iter().chain(&file.outputs) {
        if t.shape.iter().product::<usize>() != t.data.len() {
            return Err(Error::Check {
                path: path.to_owned(),
                message: format!(
                    "{name}: shape {:?} does not hold {} values",
                    t.shape,
                    t.data.len()
                ),
            });
        }
    }
    Ok(file)
}

/// Run `model` on the check file's inputs and compare every recorded output within
/// [`TOLERANCE`]. Errors name the output and the difference.
pub fn verify(model: &Model, path: &Path) -> Result<CheckReport> {
    let file = load(path)?;
    let inputs: Vec<(&str, Vec<usize>, &[f32])> = file
        .inputs
        .iter()
        .map(|(n, t)| (n.as_str(), t.shape.clone(), t.data.as_slice()))
        .collect();
    let got = model.run(&inputs)?;
    let fail = |message: String| Error::Check {
        path: path.to_owned(),
        message,
    };
    let mut report = CheckReport {
        file: path.to_owned(),
        max_abs_diff: BTreeMap::new(),
    };
    for (name, want) in &file.outputs {
        let (shape, data) = got
            .0
            .get(name)
            .ok_or_else(|| fail(format!("the model has no output {name}")))?;
        if shape != &want.shape {
            return Err(fail(format!(
                "{name}: ONNX Runtime gives shape {shape:?}, PyTorch recorded {:?}",
                want.shape
            )));
        }
        // NaN on either side counts as an infinite difference: it must never pass.
        let diff = data
            .iter()
            .zip(&want.data)
            .map(|(a, b)| {
                let d = (a - b).abs();
                if d.is_nan() {
                    f32::INFINITY
                } else {
                    d
                }
            })
            .fold(0.0f32, f32::max);
        if diff > TOLERANCE {
            return Err(fail(format!(
                "{name}: ONNX Runtime differs from PyTorch by up to {diff:e} (tolerance {TOLERANCE:e})"
            )));
        }
        report.max_abs_diff.insert(name.clone(), diff);
    }
    Ok(report)
}
