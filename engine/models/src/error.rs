//! Errors of this crate. Every one names the file it is about, so a user with a folder of
//! models knows which one to fix.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "ONNX Runtime library not found at {} (run ./setup.sh ort, or give --ort-lib PATH or WYRD_ORT_LIB)",
        path.display()
    )]
    RuntimeMissing { path: PathBuf },
    #[error("ONNX Runtime library {} not found in any data folder (run ./setup.sh ort, or give --ort-lib PATH or WYRD_ORT_LIB)", crate::runtime::LIBRARY)]
    RuntimeNotLocated,
    #[error("cannot load ONNX Runtime from {}: {message} (run ./setup.sh ort)", path.display())]
    RuntimeLoad { path: PathBuf, message: String },
    #[error("{}: cannot open as an ONNX model: {message}", path.display())]
    Open { path: PathBuf, message: String },
    #[error("{}: metadata {key}: {message}", path.display())]
    Metadata {
        path: PathBuf,
        key: String,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    Interface { path: PathBuf, message: String },
    #[error("{}: inference failed: {message}", path.display())]
    Run { path: PathBuf, message: String },
    #[error("{}: {message}", path.display())]
    Check { path: PathBuf, message: String },
    #[error("{message}")]
    Input { message: String },
    #[error("no model '{name}': {message}")]
    NotFound { name: String, message: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn meta(path: &std::path::Path, key: &str, message: impl Into<String>) -> Self {
        Error::Metadata {
            path: path.to_owned(),
            key: key.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn interface(path: &std::path::Path, message: impl Into<String>) -> Self {
        Error::Interface {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}
