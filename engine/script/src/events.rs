//! What other threads hand to the Lua thread. Like matron, there is one queue and one Lua
//! thread; timers (clocks, metros, polls) are kept by the Lua thread itself in frame order.

use std::net::SocketAddr;
use std::path::PathBuf;

use crossbeam::channel::Sender;

/// An OSC argument as Lua sees it (norns: i/h → integer, f/d → number, s → string, T/F → boolean).
#[derive(Debug, Clone, PartialEq)]
pub enum OscArg {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Blob(Vec<u8>),
    Nil,
}

#[derive(Debug)]
pub enum Event {
    /// An OSC message; `frame` is the engine frame a timetagged bundle asked for.
    Osc {
        path: String,
        args: Vec<OscArg>,
        from: SocketAddr,
        frame: Option<u64>,
    },
    /// A REPL line; the reply goes back on `reply`.
    Repl {
        line: String,
        reply: Sender<ReplReply>,
    },
    /// Load (or reload) a script.
    Load(PathBuf),
    /// The watched script folder changed.
    Changed(PathBuf),
    Quit,
}

/// The answer to one REPL line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplReply {
    /// What the line printed and returned.
    pub output: String,
    /// The chunk is incomplete: send more lines.
    pub more: bool,
    /// False when the line raised an error.
    pub ok: bool,
}
