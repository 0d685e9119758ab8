//! Messages into the audio thread, and the things it hands back to be freed elsewhere.

use std::sync::Arc;

use crossbeam::queue::ArrayQueue;
use wyrd_dsp::Synth;
use wyrd_schema::{Patch, NUM_PARAMS};

use crate::stats::Stats;

/// When a command takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// At the start of the next period.
    Now,
    /// At this frame of the engine's clock ([`crate::Stats::clock`]); a frame already past
    /// applies at the start of the next period.
    Frame(u64),
}

/// What a command does.
#[derive(Debug)]
pub enum Action {
    NoteOn {
        note: u8,
        velocity: u8,
    },
    NoteOff {
        note: u8,
    },
    AllNotesOff,
    AllSoundOff,
    /// A parameter in its own units (the schema's stored value), smoothed.
    SetParam {
        index: usize,
        value: f32,
    },
    /// A whole patch, moved to smoothly (voices keep sounding).
    SetPatch(Box<[f32; NUM_PARAMS]>),
    /// A whole patch, switched to at once like a program change (sound off first).
    LoadPatch(Box<[f32; NUM_PARAMS]>),
    /// Pitch bend in semitones.
    PitchBend(f32),
    Sustain(bool),
    /// Selects a program of the loaded bank, as a MIDI program change does.
    Program(u8),
    /// Replaces the bank that program changes choose from.
    SetBank(Box<Programs>),
    /// Replaces the whole synth (a new sample rate); the old one comes back as garbage.
    SetSynth(Box<Synth>),
}

/// A timed action.
#[derive(Debug)]
pub struct Command {
    pub at: At,
    pub action: Action,
}

impl Command {
    pub fn now(action: Action) -> Self {
        Command {
            at: At::Now,
            action,
        }
    }

    pub fn at_frame(frame: u64, action: Action) -> Self {
        Command {
            at: At::Frame(frame),
            action,
        }
    }
}

/// The presets MIDI program changes select, by program number.
#[derive(Debug, Clone, Default)]
pub struct Programs {
    pub patches: Vec<Patch>,
}

impl Programs {
    pub fn get(&self, program: u8) -> Option<&Patch> {
        self.patches.get(usize::from(program))
    }
}

/// Heap data that left the audio thread, to be dropped on an ordinary thread.
#[derive(Debug)]
pub enum Garbage {
    Patch(Box<[f32; NUM_PARAMS]>),
    Programs(Box<Programs>),
    Synth(Box<Synth>),
}

/// The queue in (any number of producers) and the queue back out, shared with the engine.
pub(crate) struct Queues {
    pub commands: ArrayQueue<Command>,
    pub garbage: ArrayQueue<Garbage>,
}

impl Queues {
    pub fn new(capacity: usize) -> Self {
        Queues {
            commands: ArrayQueue::new(capacity),
            // Each command gives back at most one item, so this can only fill up if nobody collects.
            garbage: ArrayQueue::new(capacity),
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

    /// Drops everything the audio thread handed back; returns how many items.
    pub fn collect_garbage(&self) -> usize {
        let mut n = 0;
        while self.queues.garbage.pop().is_some() {
            n += 1;
        }
        n
    }
}
