//! OSC control (norns' port 10111 and `/param/<id>` convention).
//!
//! - [`message`]: datagrams → groups of messages with one time (rosc does the decoding).
//! - [`builtin`]: the built-in paths and their argument checks.
//! - [`dispatch`]: the Lua thread's side: `osc.event` first, then built-ins; timetags.
//! - `bridge`: `Runtime::osc` and `Runtime::osc_builtin`; OSC arguments as Lua values and back.
//! - [`timetag`]: NTP time → engine frames.
//! - [`server`]: the UDP sockets (IPv4 and IPv6) and receive threads.
//! - [`stats`]: counters, and each path's first problem printed.
//!
//! Nothing received runs code unless `--allow-eval` is given, and then only from loopback.
//! The receive threads never wait on the Lua thread: its queue is bounded and a full queue
//! drops (and counts) what does not fit.

mod bridge;
pub mod builtin;
pub mod dispatch;
pub mod message;
pub mod server;
pub mod stats;
pub mod timetag;

pub use builtin::Builtin;
pub use dispatch::{Clock, Dispatcher, OscConfig, Outcome};
pub use message::{decode, encode, Message, Packet, When};
pub use server::{OscServer, Replier};
pub use stats::{OscCounts, OscStats};
