//! The way into a running engine from any thread, and the way heap data comes back out.

use std::sync::Arc;

use crossbeam::queue::ArrayQueue;

use crate::command::{Action, Command, Garbage};
use crate::midi_io::{MidiEvent, MidiInQueue};
use crate::stats::Stats;

/// The queue in (any number of producers) and the queue back out, shared with the engine.
pub(crate) struct Queues {
    pub commands: ArrayQueue<Command>,
    pub garbage: ArrayQueue<Garbage>,
    pub midi_in: MidiInQueue,
}

/// Incoming MIDI messages waiting for the script: seconds of a dense controller stream.
const MIDI_IN_CAPACITY: usize = 4096;

impl Queues {
    pub fn new(capacity: usize) -> Self {
        Queues {
            commands: ArrayQueue::new(capacity),
            // Each command gives back at most one item, so this can only fill up if nobody collects.
            garbage: ArrayQueue::new(capacity),
            midi_in: MidiInQueue::new(MIDI_IN_CAPACITY),
        }
    }
}

/// A cloneable handle for sending commands to a running engine from any thread.
#[derive(Clone)]
pub struct Controller {
    pub(crate) queues: Arc<Queues>,
    pub(crate) stats: Arc<Stats>,
}

/// The command queue was full; the command is handed back.
#[derive(Debug)]
pub struct QueueFull(pub Command);

impl std::fmt::Display for QueueFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the engine's command queue is full")
    }
}

impl std::error::Error for QueueFull {}

impl Controller {
    /// Queues `command` without blocking; a full queue is counted and reported, never waited on.
    pub fn send(&self, command: Command) -> Result<(), QueueFull> {
        self.queues.commands.push(command).map_err(|c| {
            self.stats.count_dropped_command();
            QueueFull(c)
        })
    }

    pub fn now(&self, action: Action) -> Result<(), QueueFull> {
        self.send(Command::now(action))
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Commands waiting for the audio thread, and how many the queue holds.
    pub fn backlog(&self) -> (usize, usize) {
        (self.queues.commands.len(), self.queues.commands.capacity())
    }

    /// Asks the audio thread to pass incoming MIDI on (`true`) or to stop (`false`).
    pub fn listen_midi(&self, on: bool) {
        self.queues.midi_in.listen(on);
    }

    /// The next incoming MIDI message, with the frame it arrived on.
    pub fn next_midi_in(&self) -> Option<MidiEvent> {
        self.queues.midi_in.pop()
    }

    /// Incoming MIDI messages lost because the script did not keep up.
    pub fn dropped_midi_in(&self) -> u64 {
        self.queues.midi_in.dropped()
    }

    /// Drops everything the audio thread handed back; returns how many items.
    pub fn collect_garbage(&self) -> usize {
        let mut n = 0;
        while self.queues.garbage.pop().is_some() {
            n += 1;
        }
        n
    }
}
