//! What the OSC server has seen, shared by the receive threads and the Lua thread. A flood of
//! bad packets costs a counter each; each path's first problem is printed, later ones only
//! counted, so a misconfigured controller cannot fill the log.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Paths remembered for "already logged"; past this, new problems are counted unprinted.
const LOGGED_PATHS: usize = 256;

#[derive(Debug, Default)]
pub struct OscStats {
    /// Datagrams received.
    pub packets: AtomicU64,
    /// Messages handed to the Lua thread.
    pub messages: AtomicU64,
    /// Groups refused because the Lua thread's queue was full.
    pub dropped: AtomicU64,
    /// Untimed `/param` changes skipped while the engine's queue was congested.
    pub shed: AtomicU64,
    /// Datagrams that were not OSC.
    pub malformed: AtomicU64,
    /// Built-in paths with wrong arguments, unknown ids or banks.
    pub bad: AtomicU64,
    /// `/eval` without `--allow-eval` or from another machine.
    pub refused: AtomicU64,
    /// Timetagged bundles that arrived after their time (played at once).
    pub late: AtomicU64,
    logged: Mutex<HashSet<String>>,
}

/// A copy of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OscCounts {
    pub packets: u64,
    pub messages: u64,
    pub dropped: u64,
    pub shed: u64,
    pub malformed: u64,
    pub bad: u64,
    pub refused: u64,
    pub late: u64,
}

impl OscStats {
    pub fn counts(&self) -> OscCounts {
        let r = |c: &AtomicU64| c.load(Ordering::Relaxed);
        OscCounts {
            packets: r(&self.packets),
            messages: r(&self.messages),
            dropped: r(&self.dropped),
            shed: r(&self.shed),
            malformed: r(&self.malformed),
            bad: r(&self.bad),
            refused: r(&self.refused),
            late: r(&self.late),
        }
    }

    pub fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a problem with `key` (a path, or what was wrong with a packet) and prints it
    /// the first time.
    pub fn problem(&self, counter: &AtomicU64, key: &str, message: &str) {
        Self::count(counter);
        let first = match self.logged.lock() {
            Ok(mut seen) => seen.len() < LOGGED_PATHS && seen.insert(key.to_string()),
            Err(_) => false,
        };
        if first {
            eprintln!(
                "wyrd: osc: {message} (further problems with {key} are counted, not printed)"
            );
        }
    }
}

impl std::fmt::Display for OscCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} messages in {} packets; {} dropped (queue full), {} malformed, {} bad, {} refused, {} late, {} param changes shed (engine busy)",
            self.messages, self.packets, self.dropped, self.malformed, self.bad, self.refused, self.late, self.shed
        )
    }
}
