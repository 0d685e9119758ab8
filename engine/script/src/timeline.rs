//! A script's timers and the OSC bundles waiting for their time, as one [`Timeline`] on the
//! engine's clock. The offline driver runs it at each frame as it renders; the Lua thread
//! runs the same thing live a lookahead ahead of the playhead, so both stamp the same frames.

use std::collections::VecDeque;

use wyrd_engine::{Action, Command, Controller, Timeline};

use crate::host_events::{HostEvent, TimedEvent};
use crate::osc::{Dispatcher, Outcome};
use crate::runtime::Runtime;
use crate::state::Now;

pub struct ScriptTimeline<'a> {
    pub runtime: &'a mut Runtime,
    pub osc: Option<&'a mut Dispatcher>,
    /// Frames ahead of the clock that what is due runs (live: the lookahead; offline: 0).
    pub ahead: u64,
    /// Callbacks run so far.
    pub callbacks: u64,
    /// What delivered bundles asked for (replies, loads), for the caller to carry out.
    pub outcomes: Vec<Outcome>,
    /// Scripted host events (an offline render's events file), in frame order; MIDI among
    /// them also plays the synth through `controller`, as the MIDI port's would.
    events: VecDeque<TimedEvent>,
    midi_to: Option<Controller>,
}

impl<'a> ScriptTimeline<'a> {
    pub fn new(runtime: &'a mut Runtime) -> Self {
        ScriptTimeline {
            runtime,
            osc: None,
            ahead: 0,
            callbacks: 0,
            outcomes: Vec::new(),
            events: VecDeque::new(),
            midi_to: None,
        }
    }

    /// Plays `events` (sorted by frame) to the script on their frames; their MIDI also goes
    /// to the synth through `synth` when given.
    pub fn with_events(mut self, events: Vec<TimedEvent>, synth: Option<Controller>) -> Self {
        self.events = events.into();
        self.midi_to = synth;
        self
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
        let events = self.events.front().map(|e| e.frame);
        [timers, bundles, events].into_iter().flatten().min()
    }
}

impl Timeline for ScriptTimeline<'_> {
    fn next_due(&mut self) -> Option<u64> {
        self.next_event().map(|f| f.saturating_sub(self.ahead))
    }

    fn run_due(&mut self, frame: u64) {
        let horizon = frame.saturating_add(self.ahead);
        // Events before the timers of their frame (a key press seen by a clock on that frame),
        // each after the timers due before it.
        while let Some(e) = self.events.front().copied().filter(|e| e.frame <= horizon) {
            if e.frame > 0 {
                self.callbacks += self.runtime.run_due(e.frame - 1) as u64;
            }
            self.events.pop_front();
            if let (HostEvent::Midi { bytes, .. }, Some(c)) = (&e.event, &self.midi_to) {
                c.send(Command::at_frame(e.frame, Action::Midi(*bytes)))
                    .ok();
            }
            let now = Now {
                frame: e.frame as f64,
                beat: None,
                exact: true,
            };
            self.runtime.host_event(&e.event, now);
            self.callbacks += 1;
        }
        self.callbacks += self.runtime.run_due(horizon) as u64;
        if let Some(osc) = self.osc.as_deref_mut() {
            self.outcomes.extend(osc.run_due(self.runtime, horizon));
        }
    }
}
