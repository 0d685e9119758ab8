//! What one loaded script's Lua state carries on the Rust side (its app data): logical time,
//! its timers, the way out to the engine, and the runaway-callback watchdog.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wyrd_engine::{Action, At, Command, Controller};
use wyrd_schema::NUM_PARAMS;

use crate::models_api::{Latent, Models};
use crate::sources::PollSource;
use crate::timers::Timers;
use crate::transport::Transport;

/// The logical time a callback runs at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Now {
    /// Engine frame, fractional: sleeps of a fraction of a frame add up without drift.
    pub frame: f64,
    /// The exact beat, when a `clock.sync` woke this callback.
    pub beat: Option<f64>,
    /// The callback was scheduled for this frame (clock, metro, poll, timetag): what it sends
    /// to the engine lands on that frame. Otherwise (REPL, untimed OSC) it applies at once.
    pub exact: bool,
}

impl Now {
    pub fn frame(&self) -> u64 {
        self.frame.round().max(0.0) as u64
    }

    pub fn at(&self) -> At {
        if self.exact {
            At::Frame(self.frame())
        } else {
            At::Now
        }
    }
}

/// How long one callback may run before it is interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Wall-clock time (playing live).
    Time(Duration),
    /// Lua VM instructions (offline renders: deterministic, so two renders stay identical).
    Instructions(u64),
}

/// Instructions between watchdog checks: cheap enough to leave on, fine enough to stop a loop
/// within microseconds of its budget.
pub const HOOK_INTERVAL: u32 = 1000;

#[derive(Debug)]
pub struct Watchdog {
    pub budget: Budget,
    deadline: Option<Instant>,
    left: Option<u64>,
    pub tripped: u64,
}

impl Watchdog {
    pub fn new(budget: Budget) -> Self {
        Watchdog {
            budget,
            deadline: None,
            left: None,
            tripped: 0,
        }
    }

    pub fn arm(&mut self) {
        match self.budget {
            Budget::Time(d) => self.deadline = Some(Instant::now() + d),
            Budget::Instructions(n) => self.left = Some(n),
        }
    }

    pub fn disarm(&mut self) {
        self.deadline = None;
        self.left = None;
    }

    /// Called by the instruction hook: true when the running callback is over budget.
    pub fn over(&mut self) -> bool {
        let over = match (self.deadline, self.left.as_mut()) {
            (Some(d), _) => Instant::now() >= d,
            (None, Some(left)) => {
                *left = left.saturating_sub(u64::from(HOOK_INTERVAL));
                *left == 0
            }
            _ => false,
        };
        if over {
            self.tripped += 1;
        }
        over
    }

    pub fn describe(&self) -> String {
        match self.budget {
            Budget::Time(d) => format!("{:.0} ms", d.as_secs_f64() * 1000.0),
            Budget::Instructions(n) => format!("{n} Lua instructions"),
        }
    }
}

/// The way out to the engine. While a new script is on trial (being loaded beside the old one)
/// its commands wait here, so a script that fails to load leaves no trace in the sound.
pub struct Sink {
    controller: Controller,
    held: Option<Vec<Command>>,
    pub dropped: u64,
}

impl Sink {
    pub fn new(controller: Controller, hold: bool) -> Self {
        Sink {
            controller,
            held: hold.then(Vec::new),
            dropped: 0,
        }
    }

    /// Sends `action`; false when the engine's queue was full and it was dropped.
    pub fn send(&mut self, at: At, action: Action) -> bool {
        let command = Command { at, action };
        if let Some(held) = &mut self.held {
            held.push(command);
            return true;
        }
        if self.controller.send(command).is_err() {
            self.dropped += 1;
            return false;
        }
        true
    }

    /// Sends `first`, then everything held back; from now on sends directly.
    pub fn release(&mut self, first: Command) {
        let held = self.held.take().unwrap_or_default();
        for command in std::iter::once(first).chain(held) {
            if self.controller.send(command).is_err() {
                self.dropped += 1;
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Repeat {
    /// Exact frame of tick 0.
    pub start: f64,
    /// Frames between ticks.
    pub period: f64,
    /// Ticks so far.
    pub ticks: u64,
    /// Stage reported with the next tick (norns metros count from `init_stage`).
    pub stage: i64,
    /// Ticks in all, or −1 forever.
    pub count: i64,
}

impl Repeat {
    pub fn next_frame(&self) -> f64 {
        self.start + self.ticks as f64 * self.period
    }
}

pub struct State {
    pub sample_rate: u32,
    pub now: Now,
    pub transport: Transport,
    pub timers: Timers,
    pub sink: Sink,
    /// The patch as this host last set it (what params and psets start from).
    pub patch: [f32; NUM_PARAMS],
    pub watchdog: Watchdog,
    pub metros: HashMap<u64, Repeat>,
    pub polls: HashMap<u64, (String, Repeat)>,
    pub sources: Arc<dyn PollSource>,
    /// Output of `print` while a REPL line runs, sent back to the REPL as well.
    pub capture: Option<String>,
    /// Errors reported so far (tracebacks), most recent last; bounded.
    pub errors: Vec<String>,
    pub error_count: u64,
    /// The runtime's model host and loaded models (shared by its scripts).
    pub models: Arc<Models>,
    /// This instance (a load of a script), for what outlives it in the shared model host.
    pub instance: u64,
    /// The script's latent mappers by id, and the one OSC `/latent` reaches.
    pub latents: BTreeMap<u64, Latent>,
    pub active_latent: Option<u64>,
    pub last_latent: u64,
}

const KEPT_ERRORS: usize = 64;

impl State {
    pub fn report(&mut self, message: &str) {
        eprintln!("wyrd: lua: {message}");
        if let Some(c) = &mut self.capture {
            c.push_str(message);
            c.push('\n');
        }
        self.error_count += 1;
        if self.errors.len() == KEPT_ERRORS {
            self.errors.remove(0);
        }
        self.errors.push(message.to_string());
    }

    pub fn seconds_to_frames(&self, s: f64) -> f64 {
        s * f64::from(self.sample_rate)
    }

    /// The beat now: exact after a sync, otherwise from the tempo map.
    pub fn beat(&self) -> f64 {
        self.now
            .beat
            .unwrap_or_else(|| self.transport.beat_at_f(self.now.frame))
    }
}
