//! Messages into the audio thread, and the things it hands back to be freed elsewhere.

use wyrd_dsp::Synth;

use crate::midi_io::MidiBytes;
use wyrd_schema::polyperc::ParamId as PercParamId;
use wyrd_schema::{Patch, NUM_PARAMS};

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
    /// A MIDI message played to the synth as if it had come in on the MIDI port (offline
    /// renders' scripted MIDI).
    Midi(MidiBytes),
    /// A MIDI message sent out of the driver's MIDI port on the command's frame.
    MidiOut(MidiBytes),
    /// Whether incoming MIDI (and [`Action::Midi`]) plays the synth; a script that plays its
    /// own engine from MIDI turns it off.
    MidiToSynth(bool),
    /// PolyPerc (norns' engine, beside the amSynth voice): starts a note at `hz` with
    /// PolyPerc's current parameters; it frees itself when its envelope ends.
    PercNote {
        hz: f32,
    },
    /// PolyPerc: a parameter in its own units (clamped), for the notes started after it. As in
    /// norns, sounding notes keep the values they started with, so nothing is smoothed.
    PercParam {
        id: PercParamId,
        value: f32,
    },
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
