//! What other threads hand to the Lua thread. Like matron, there is one queue and one Lua
//! thread; timers (clocks, metros, polls) are kept by the Lua thread itself in frame order.

use std::path::PathBuf;

use crossbeam::channel::Sender;

use wyrd_engine::MidiEvent;

use crate::host_events::HostEvent;
use crate::osc::Packet;

/// An OSC argument as Lua sees it (norns: i/h → integer, f/d → number, s → string, T/F → boolean).
#[derive(Debug, Clone, PartialEq)]
pub enum OscArg {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Blob(Vec<u8>),
    Nil,
    /// An OSC array (a Lua table).
    List(Vec<OscArg>),
}

#[derive(Debug)]
pub enum Event {
    /// OSC messages that apply together (one message, or one bundle's).
    Osc(Packet),
    /// A REPL line; the reply goes back on `reply`.
    Repl {
        line: String,
        reply: Sender<ReplReply>,
    },
    /// Load (or reload) a script.
    Load(PathBuf),
    /// The watched script folder changed.
    Changed(PathBuf),
    /// A key, encoder, grid or arc event from the REPL terminal or another thread, for now.
    Host(HostEvent),
    /// A MIDI message that came in on the engine's MIDI port, on its frame.
    Midi(MidiEvent),
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
