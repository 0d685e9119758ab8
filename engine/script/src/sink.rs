//! The way out to the engine. While a new script is on trial (being loaded beside the old one)
//! its commands wait here, so a script that fails to load leaves no trace in the sound.

use wyrd_engine::{Action, At, Command, Controller};
use wyrd_schema::NUM_PARAMS;

pub struct Sink {
    controller: Controller,
    held: Option<Vec<Command>>,
    pub dropped: u64,
    /// The patch as this host last set it (what params and psets start from).
    pub patch: [f32; NUM_PARAMS],
}

impl Sink {
    pub fn new(controller: Controller, patch: [f32; NUM_PARAMS], hold: bool) -> Self {
        Sink {
            controller,
            held: hold.then(Vec::new),
            dropped: 0,
            patch,
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
    pub fn release(&mut self, first: impl IntoIterator<Item = Command>) {
        let held = self.held.take().unwrap_or_default();
        for command in first.into_iter().chain(held) {
            if self.controller.send(command).is_err() {
                self.dropped += 1;
            }
        }
    }
}
