//! A script's failures as a musician should read them: Lua's own `file:line: message`.

/// A script that failed to load or a callback that failed; the message names file:line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ScriptError(pub String);

/// An mlua error as a musician should read it: Lua's own `file:line: message`, then the
/// traceback, without mlua's wrapping.
pub fn error_text(e: &mlua::Error) -> String {
    match e {
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        mlua::Error::RuntimeError(m) => m.clone(),
        mlua::Error::CallbackError { traceback, cause } => {
            format!("{}\n{traceback}", error_text(cause))
        }
        mlua::Error::WithContext { context, cause } => format!("{context}: {}", error_text(cause)),
        other => other.to_string(),
    }
}
