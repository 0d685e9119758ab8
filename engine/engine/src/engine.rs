//! The engine as the audio thread owns it: the synth and PolyPerc, the MIDI and command dispatch, and the
//! period loop that renders between events so each lands on its exact frame.
//!
//! Nothing here allocates, locks, blocks or logs; `tests/realtime.rs` runs it under an
//! allocation guard. Heap data arriving in commands leaves again through the garbage queue.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use wyrd_dsp::{PolyPerc, Synth};
use wyrd_schema::{Patch, NUM_PARAMS};

use crate::command::{Action, At, Garbage, Programs};
use crate::controller::{Controller, Queues};
use crate::midi::{self, CcMap, MidiMessage};
use crate::midi_io::MidiOut;
use crate::schedule::Schedule;
use crate::stats::Stats;

/// How an engine starts.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub sample_rate: u32,
    pub voices: usize,
    /// Pitch bend range, in semitones each way.
    pub bend_range: f32,
    pub cc_map: CcMap,
    /// What program changes select.
    pub programs: Programs,
    /// The patch playing at start.
    pub patch: Patch,
    /// Commands the queue holds before senders are refused.
    pub queue_capacity: usize,
    /// Commands waiting for a future frame.
    pub schedule_capacity: usize,
    /// Incoming MIDI plays the synth (it reaches a listening script either way).
    pub midi_to_synth: bool,
}

impl EngineConfig {
    pub fn new(sample_rate: u32) -> Self {
        EngineConfig {
            sample_rate,
            voices: wyrd_dsp::DEFAULT_VOICES,
            bend_range: 2.0,
            cc_map: CcMap::default(),
            programs: Programs::default(),
            patch: Patch::default(),
            queue_capacity: 4096,
            schedule_capacity: 4096,
            midi_to_synth: true,
        }
    }
}

pub struct Engine {
    synth: Box<Synth>,
    /// norns' PolyPerc, mixed after the synth (its own voice pool).
    perc: Box<PolyPerc>,
    programs: Box<Programs>,
    cc_map: CcMap,
    bend_range: f32,
    schedule: Schedule,
    queues: Arc<Queues>,
    stats: Arc<Stats>,
    /// Engine clock: frames rendered since start.
    frame: u64,
    /// Incoming MIDI plays the synth (off: it only reaches the script).
    midi_to_synth: bool,
    /// What this period sends out of the MIDI port.
    midi_out: MidiOut,
    /// Where in the period the command being applied falls.
    offset: u32,
}

/// Most commands moved from the queue into the schedule per period, so a flood cannot make
/// one period run long; the rest wait for the next.
const DRAIN_PER_PERIOD: usize = 1024;

impl Engine {
    /// Builds the engine (allocating everything it will ever need) and a controller for it.
    pub fn new(config: EngineConfig) -> (Engine, Controller) {
        let mut synth = Box::new(Synth::new(config.sample_rate as f32, config.voices));
        synth.load_patch(config.patch.values());
        let queues = Arc::new(Queues::new(config.queue_capacity));
        let stats = Arc::new(Stats::default());
        stats.clock.publish(0, 0, config.sample_rate);
        let perc = Box::new(PolyPerc::new(config.sample_rate as f32));
        let engine = Engine {
            synth,
            perc,
            programs: Box::new(config.programs),
            cc_map: config.cc_map,
            bend_range: config.bend_range,
            schedule: Schedule::with_capacity(config.schedule_capacity),
            queues: Arc::clone(&queues),
            stats: Arc::clone(&stats),
            frame: 0,
            midi_to_synth: config.midi_to_synth,
            midi_out: MidiOut::new(),
            offset: 0,
        };
        (engine, Controller { queues, stats })
    }

    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    pub fn sample_rate(&self) -> u32 {
        self.synth.sample_rate() as u32
    }

    /// Seeds the synth's noise generator (the same seed gives the same samples).
    pub fn seed_noise(&mut self, seed: u64) {
        self.synth.seed_noise(seed);
    }

    /// A parameter's current target value (own units).
    pub fn param(&self, index: usize) -> f32 {
        self.synth.param(index)
    }

    /// What the last period sent out of the MIDI port, for the driver to write.
    pub fn midi_out(&self) -> &MidiOut {
        &self.midi_out
    }

    /// A PolyPerc parameter's value for the next notes (own units).
    pub fn perc_param(&self, id: wyrd_schema::polyperc::ParamId) -> f32 {
        self.perc.get(id)
    }

    /// PolyPerc voices sounding now.
    pub fn perc_voices(&self) -> usize {
        self.perc.active_voices()
    }

    /// Frames rendered so far: the engine clock that [`At::Frame`] refers to.
    pub fn frame(&self) -> u64 {
        self.frame
    }

    /// Renders one period into `left`/`right` (equal lengths), applying queued commands and
    /// the period's MIDI events (`(frame offset, bytes)`, in time order) at their frames.
    pub fn process<'m>(
        &mut self,
        midi: impl Iterator<Item = (u32, &'m [u8])>,
        left: &mut [f32],
        right: &mut [f32],
    ) {
        let n = left.len().min(right.len());
        let start = self.frame;
        let end = start + n as u64;
        self.take_commands(start);
        self.midi_out.clear();
        let mut midi = midi.peekable();
        let mut pos = 0usize;
        loop {
            let cmd_at = self
                .schedule
                .next_frame()
                .filter(|&f| f < end)
                .map(|f| f.saturating_sub(start) as usize);
            let midi_at = midi.peek().map(|&(t, _)| (t as usize).min(n));
            let at = match (cmd_at, midi_at) {
                (None, None) => break,
                (c, m) => c.unwrap_or(usize::MAX).min(m.unwrap_or(usize::MAX)),
            }
            .max(pos);
            if at > pos {
                self.render(&mut left[pos..at], &mut right[pos..at]);
                pos = at;
            }
            // A command and a MIDI event on the same frame: the command first.
            if cmd_at.is_some_and(|c| c <= midi_at.unwrap_or(usize::MAX)) {
                if let Some((_, action)) = self.schedule.pop_before(end) {
                    self.offset = pos as u32;
                    self.apply(action);
                }
            } else if let Some((_, bytes)) = midi.next() {
                self.stats.midi_events.fetch_add(1, Ordering::Relaxed);
                self.queues.midi_in.offer(start + pos as u64, bytes);
                if self.midi_to_synth {
                    if let Some(msg) = midi::decode(bytes) {
                        self.apply_midi(msg);
                    }
                }
            }
        }
        if pos < n {
            self.render(&mut left[pos..n], &mut right[pos..n]);
        }
        self.frame = end;
        self.stats.meter_output(&left[..n], &right[..n]);
        self.stats
            .active_voices
            .store(self.synth.active_voices() as u32, Ordering::Relaxed);
    }

    /// The synth, then PolyPerc's voices added to it. While PolyPerc sounds, the sum is clipped
    /// at 0 dBFS (the synth's own limiter only sees the synth).
    fn render(&mut self, left: &mut [f32], right: &mut [f32]) {
        self.synth.process(left, right);
        if self.perc.active_voices() > 0 {
            self.perc.process(left, right);
            for s in left.iter_mut().chain(right.iter_mut()) {
                *s = s.clamp(-1.0, 1.0);
            }
        }
    }

    /// Moves waiting commands into the schedule. A command that finds the schedule full is
    /// applied at once rather than lost, and counted as late.
    fn take_commands(&mut self, start: u64) {
        for _ in 0..DRAIN_PER_PERIOD {
            let Some(cmd) = self.queues.commands.pop() else {
                break;
            };
            let frame = match cmd.at {
                At::Now => start,
                At::Frame(f) => {
                    if f < start {
                        self.stats.late_commands.fetch_add(1, Ordering::Relaxed);
                    }
                    f.max(start)
                }
            };
            if let Err(action) = self.schedule.push(frame, cmd.action) {
                self.stats.late_commands.fetch_add(1, Ordering::Relaxed);
                self.offset = 0;
                self.apply(action);
            }
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::NoteOn { note, velocity } => self.synth.note_on(note, velocity),
            Action::NoteOff { note } => self.synth.note_off(note),
            Action::AllNotesOff => self.synth.all_notes_off(),
            Action::AllSoundOff => {
                self.synth.all_sound_off();
                self.perc.all_sound_off();
            }
            Action::SetParam { index, value } => self.synth.set_param(index, value),
            Action::SetPatch(values) => {
                self.synth.set_patch(&values);
                self.discard(Garbage::Patch(values));
            }
            Action::LoadPatch(values) => {
                self.synth.load_patch(&values);
                self.discard(Garbage::Patch(values));
            }
            Action::PitchBend(semitones) => self.synth.set_pitch_bend(semitones),
            Action::Sustain(down) => self.synth.set_sustain(down),
            Action::Program(program) => self.program_change(program),
            Action::SetBank(mut programs) => {
                std::mem::swap(&mut self.programs, &mut programs);
                self.discard(Garbage::Programs(programs));
            }
            Action::SetSynth(mut synth) => {
                // The new synth carries on with the patch as it stands.
                let values: [f32; NUM_PARAMS] = std::array::from_fn(|i| self.synth.param(i));
                synth.load_patch(&values);
                std::mem::swap(&mut self.synth, &mut synth);
                self.discard(Garbage::Synth(synth));
                if self.perc.sample_rate() != self.synth.sample_rate() {
                    self.perc.set_sample_rate(self.synth.sample_rate());
                }
            }
            Action::PercNote { hz } => self.perc.hz(hz),
            Action::PercParam { id, value } => {
                self.perc.set(id, value);
            }
            Action::Midi(bytes) => {
                if let Some(msg) = midi::decode(bytes.as_slice()).filter(|_| self.midi_to_synth) {
                    self.apply_midi(msg);
                }
            }
            Action::MidiToSynth(on) => self.midi_to_synth = on,
            Action::MidiOut(bytes) => self.midi_out.push(self.offset, bytes),
        }
    }

    fn apply_midi(&mut self, msg: MidiMessage) {
        match msg {
            MidiMessage::NoteOn { note, velocity } => self.synth.note_on(note, velocity),
            MidiMessage::NoteOff { note } => self.synth.note_off(note),
            MidiMessage::Control { cc, value } => match cc {
                midi::CC_SUSTAIN => self.synth.set_sustain(value >= 64),
                midi::CC_ALL_SOUND_OFF => {
                    self.synth.all_sound_off();
                    self.perc.all_sound_off();
                }
                midi::CC_ALL_NOTES_OFF => self.synth.all_notes_off(),
                _ => {
                    if let Some(param) = self.cc_map.target(cc) {
                        self.synth
                            .set_param(param.index, CcMap::value(param, value));
                    }
                }
            },
            MidiMessage::Program(program) => self.program_change(program),
            MidiMessage::PitchBend(v) => self.synth.set_pitch_bend(v * self.bend_range),
        }
    }

    fn program_change(&mut self, program: u8) {
        if let Some(patch) = self.programs.get(program) {
            self.synth.load_patch(patch.values());
            self.stats
                .program
                .store(u32::from(program), Ordering::Relaxed);
        }
    }

    /// Sends heap data out to be freed elsewhere. If nobody has been collecting and the queue
    /// is full, it is leaked (and counted) rather than freed here.
    fn discard(&self, garbage: Garbage) {
        if let Err(g) = self.queues.garbage.push(garbage) {
            std::mem::forget(g);
            self.stats.dropped_garbage.fetch_add(1, Ordering::Relaxed);
        }
    }
}
