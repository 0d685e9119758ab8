//! A script's timers and the OSC bundles waiting for their time, as one [`Timeline`] on the
//! engine's clock. The offline driver runs it at each frame as it renders; the Lua thread
//! runs the same thing live a lookahead ahead of the playhead, so both stamp the same frames.

use wyrd_engine::Timeline;

use crate::osc::{Dispatcher, Outcome};
use crate::runtime::Runtime;

pub struct ScriptTimeline<'a> {
    pub runtime: &'a mut Runtime,
    pub osc: Option<&'a mut Dispatcher>,
    /// Frames ahead of the clock that what is due runs (live: the lookahead; offline: 0).
    pub ahead: u64,
    /// Callbacks run so far.
    pub callbacks: u64,
    /// What delivered bundles asked for (replies, loads), for the caller to carry out.
    pub outcomes: Vec<Outcome>,
}

impl<'a> ScriptTimeline<'a> {
    pub fn new(runtime: &'a mut Runtime) -> Self {
        ScriptTimeline {
            runtime,
            osc: None,
            ahead: 0,
            callbacks: 0,
            outcomes: Vec::new(),
        }
    }

    pub fn with_osc(mut self, osc: &'a mut Dispatcher, ahead: u64) -> Self {
        self.osc = Some(osc);
        self.ahead = ahead;
        self
    }

    /// The frame something is due at, whatever the lookahead.
    pub fn next_event(&mut self) -> Option<u64> {
        let timers = self.runtime.next_due();
        let bundles = self.osc.as_ref().and_then(|o| o.next_due());
        match (timers, bundles) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

impl Timeline for ScriptTimeline<'_> {
    fn next_due(&mut self) -> Option<u64> {
        self.next_event().map(|f| f.saturating_sub(self.ahead))
    }

    fn run_due(&mut self, frame: u64) {
        let horizon = frame.saturating_add(self.ahead);
        self.callbacks += self.runtime.run_due(horizon) as u64;
        if let Some(osc) = self.osc.as_deref_mut() {
            self.outcomes.extend(osc.run_due(self.runtime, horizon));
        }
    }
}
