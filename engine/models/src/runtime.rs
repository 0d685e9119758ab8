//! Finding and loading ONNX Runtime. It is loaded at run time (ort's `load-dynamic`) from the
//! library `./setup.sh ort` fetches, so building wyrd never needs it and a missing library is
//! an error message, not a link failure.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::environment::Environment;

use crate::error::{Error, Result};

/// The library inside a data folder (`data/` or `$WYRD_DATA`).
pub const LIBRARY: &str = "onnxruntime/libonnxruntime.so.1.31.1";

static OVERRIDE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Uses `path` (a command-line flag such as `--ort-lib`) before `$WYRD_ORT_LIB` and the data
/// folders. Only takes effect before the first model is opened.
pub fn set_library_path(path: Option<PathBuf>) {
    *OVERRIDE.lock().unwrap_or_else(|e| e.into_inner()) = path;
}

/// Where the library is: the flag ([`set_library_path`]), else `$WYRD_ORT_LIB` if set (both
/// returned even when missing, so a typo is reported as such), else the first data folder
/// holding [`LIBRARY`].
pub fn library_path() -> Result<PathBuf> {
    if let Some(p) = OVERRIDE.lock().unwrap_or_else(|e| e.into_inner()).clone() {
        return Ok(p);
    }
    if let Some(p) = std::env::var_os("WYRD_ORT_LIB").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    wyrd_bank::find_data(LIBRARY).ok_or(Error::RuntimeNotLocated)
}

// ort keeps the loaded library and its API table in process globals, so the environment is
// made once; the Mutex (not a OnceLock) lets a failed attempt be retried and reported again.
static ENVIRONMENT: Mutex<Option<Environment>> = Mutex::new(None);

/// The process's ONNX Runtime environment, loading the library from [`library_path`] the
/// first time.
pub fn environment() -> Result<Environment> {
    {
        let guard = ENVIRONMENT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(env) = guard.as_ref() {
            return Ok(env.clone());
        }
    }
    init_at(&library_path()?)
}

/// Load ONNX Runtime from `path` (once per process; later calls return the first
/// environment). A path that does not exist is always an error, even after a successful load,
/// so the check is testable in a process that already has the runtime.
pub fn init_at(path: &Path) -> Result<Environment> {
    if !path.is_file() {
        return Err(Error::RuntimeMissing {
            path: path.to_owned(),
        });
    }
    let mut guard = ENVIRONMENT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(env) = guard.as_ref() {
        return Ok(env.clone());
    }
    let load = |message: String| Error::RuntimeLoad {
        path: path.to_owned(),
        message,
    };
    let env = ort::init_from(path)
        .map_err(|e| load(e.to_string()))?
        .with_name("wyrd")
        .build()
        .map_err(|e| load(e.to_string()))?;
    *guard = Some(env.clone());
    Ok(env)
}
