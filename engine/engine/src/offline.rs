//! The offline driver: the engine on a virtual clock. Time advances only when the engine has
//! rendered up to the next thing due, so every timer runs at its exact frame and two renders
//! of the same thing are bit-identical. Preset renders, script renders, resynthesis of a file,
//! dataset items, the test rigs and the benches all render through [`Offline::render`].

use crate::command::{Action, Command};
use crate::controller::Controller;
use crate::engine::{Engine, EngineConfig};
use crate::input::{input_ring, InputReader};
use crate::midi_io::MidiEvent;
use crate::period::{AudioThread, Period};

/// Frames rendered per engine call when nothing is due sooner: a large period. A multiple of
/// the synth's control block, so chunking never changes where control blocks fall.
pub const MAX_CHUNK: u64 = 1024;

/// What runs beside the engine on its clock: timers that send commands stamped with their
/// frames, and listeners to the input. Live, the Lua thread runs the same timelines a
/// lookahead ahead of the playhead.
pub trait Timeline {
    /// The frame at which something is due next.
    fn next_due(&mut self) -> Option<u64> {
        None
    }

    /// Runs everything due at or before `frame`, before the engine renders it.
    fn run_due(&mut self, _frame: u64) {}

    /// Chunks never cross a multiple of this (an analysis hop): what the input up to there
    /// decides applies from there on.
    fn grid(&self) -> Option<u64> {
        None
    }

    /// The engine has rendered up to `frame`, and the input up to `frame` is in `input`.
    fn heard(&mut self, _input: &mut InputReader, _frame: u64) -> Result<(), String> {
        Ok(())
    }
}

/// Nothing but what was queued on the engine itself.
impl Timeline for () {}

impl<A: Timeline, B: Timeline> Timeline for (A, B) {
    fn next_due(&mut self) -> Option<u64> {
        match (self.0.next_due(), self.1.next_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn run_due(&mut self, frame: u64) {
        self.0.run_due(frame);
        self.1.run_due(frame);
    }

    fn grid(&self) -> Option<u64> {
        match (self.0.grid(), self.1.grid()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn heard(&mut self, input: &mut InputReader, frame: u64) -> Result<(), String> {
        self.0.heard(input, frame)?;
        self.1.heard(input, frame)
    }
}

impl<T: Timeline + ?Sized> Timeline for &mut T {
    fn next_due(&mut self) -> Option<u64> {
        (**self).next_due()
    }

    fn run_due(&mut self, frame: u64) {
        (**self).run_due(frame)
    }

    fn grid(&self) -> Option<u64> {
        (**self).grid()
    }

    fn heard(&mut self, input: &mut InputReader, frame: u64) -> Result<(), String> {
        (**self).heard(input, frame)
    }
}

impl<T: Timeline> Timeline for Option<T> {
    fn next_due(&mut self) -> Option<u64> {
        self.as_mut().and_then(T::next_due)
    }

    fn run_due(&mut self, frame: u64) {
        if let Some(t) = self {
            t.run_due(frame);
        }
    }

    fn grid(&self) -> Option<u64> {
        self.as_ref().and_then(T::grid)
    }

    fn heard(&mut self, input: &mut InputReader, frame: u64) -> Result<(), String> {
        match self {
            Some(t) => t.heard(input, frame),
            None => Ok(()),
        }
    }
}

/// Actions at fixed frames (a note's on and off, a test's events): each is sent when the
/// clock reaches its frame, so the chunk before it ends there.
pub struct Score {
    controller: Controller,
    events: std::collections::VecDeque<(u64, Action)>,
}

impl Score {
    /// `events` in any order; equal frames keep their order.
    pub fn new(controller: &Controller, mut events: Vec<(u64, Action)>) -> Score {
        events.sort_by_key(|e| e.0);
        Score {
            controller: controller.clone(),
            events: events.into(),
        }
    }
}

impl Timeline for Score {
    fn next_due(&mut self) -> Option<u64> {
        self.events.front().map(|e| e.0)
    }

    fn run_due(&mut self, frame: u64) {
        while self.events.front().is_some_and(|e| e.0 <= frame) {
            let (at, action) = self.events.pop_front().expect("an event");
            // Offline the queue is drained every chunk; a full one means a score larger than
            // the queue, which is the caller's configuration to fix.
            let _ = self.controller.send(Command::at_frame(at, action));
        }
    }
}

pub struct Offline {
    audio: AudioThread,
    controller: Controller,
    reader: InputReader,
    /// Audio played into the input from frame 0 (silence after it ends).
    input: Option<[Vec<f32>; 2]>,
    /// The input of one chunk.
    scratch: [Vec<f32>; 2],
    /// What the engine sent out of its MIDI port, on absolute frames (when recorded).
    midi_out: Option<Vec<MidiEvent>>,
}

impl Offline {
    pub fn new(config: EngineConfig) -> Offline {
        let (engine, controller) = Engine::new(config);
        // Timelines read the input after every chunk, so twice a chunk never fills up.
        let (writer, reader) = input_ring(2 * MAX_CHUNK as usize);
        Offline {
            audio: AudioThread::new(engine, writer),
            controller,
            reader,
            input: None,
            scratch: [vec![0.0; MAX_CHUNK as usize], vec![0.0; MAX_CHUNK as usize]],
            midi_out: None,
        }
    }

    /// Keeps what the engine sends out of its MIDI port (see [`Offline::take_midi_out`]).
    pub fn record_midi_out(mut self) -> Offline {
        self.midi_out = Some(Vec::new());
        self
    }

    /// The MIDI sent so far, on the frames it was sent on, and forgets it.
    pub fn take_midi_out(&mut self) -> Vec<MidiEvent> {
        self.midi_out
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Plays `left`/`right` (at the engine's rate) into the input from frame 0.
    pub fn with_input(mut self, left: Vec<f32>, right: Vec<f32>) -> Offline {
        self.input = Some([left, right]);
        self
    }

    pub fn controller(&self) -> &Controller {
        &self.controller
    }

    pub fn engine(&self) -> &Engine {
        self.audio.engine()
    }

    pub fn engine_mut(&mut self) -> &mut Engine {
        self.audio.engine_mut()
    }

    /// Frames rendered so far.
    pub fn frame(&self) -> u64 {
        self.audio.engine().frame()
    }

    /// Renders the next `left.len()` frames (both slices equally long), running `timeline` on
    /// the way; frees what the engine hands back after every chunk. An error from the
    /// timeline's input stops the render there.
    pub fn render(
        &mut self,
        timeline: &mut impl Timeline,
        left: &mut [f32],
        right: &mut [f32],
    ) -> Result<(), String> {
        let frames = left.len().min(right.len());
        self.run(timeline, frames, Out::Buffers(left, right))
    }

    /// Renders the next `frames` frames, handing each chunk to `sink` as it is done (a file
    /// writer: memory stays bounded for any length). The samples are those [`render`] gives.
    ///
    /// [`render`]: Offline::render
    pub fn render_into(
        &mut self,
        timeline: &mut impl Timeline,
        frames: usize,
        sink: &mut Sink<'_>,
    ) -> Result<(), String> {
        let mut chunk = [vec![0.0; MAX_CHUNK as usize], vec![0.0; MAX_CHUNK as usize]];
        self.run(timeline, frames, Out::Sink(&mut chunk, sink))
    }

    fn run(
        &mut self,
        timeline: &mut impl Timeline,
        frames: usize,
        mut out: Out,
    ) -> Result<(), String> {
        let start = self.frame();
        let total = start + frames as u64;
        let sample_rate = u64::from(self.audio.engine().sample_rate().max(1));
        let mut pos = start;
        while pos < total {
            timeline.run_due(pos);
            let mut next = timeline
                .next_due()
                .unwrap_or(u64::MAX)
                .min(pos + MAX_CHUNK)
                .min(total)
                .max(pos + 1);
            if let Some(grid) = timeline.grid().filter(|&g| g > 0) {
                next = next.min((pos / grid + 1) * grid);
            }
            let n = (next - pos) as usize;
            let input = match &self.input {
                Some(file) => {
                    // Past its end the input is silence.
                    for (ch, scratch) in file.iter().zip(&mut self.scratch) {
                        let from = ch.len().min(pos as usize);
                        let part = &ch[from..ch.len().min(next as usize)];
                        scratch[..part.len()].copy_from_slice(part);
                        scratch[part.len()..n].fill(0.0);
                    }
                    let [l, r] = &self.scratch;
                    Some([&l[..n], &r[..n]])
                }
                None => None,
            };
            let (l, r) = match &mut out {
                Out::Buffers(l, r) => {
                    let a = (pos - start) as usize;
                    (&mut l[a..a + n], &mut r[a..a + n])
                }
                Out::Sink([l, r], _) => (&mut l[..n], &mut r[..n]),
            };
            self.audio.period(Period {
                nanos: (u128::from(pos) * 1_000_000_000 / u128::from(sample_rate)) as u64,
                midi: std::iter::empty(),
                input,
                output: [l, r],
            });
            if let Some(log) = &mut self.midi_out {
                let sent = self.audio.engine().midi_out().events();
                log.extend(sent.iter().map(|&(offset, bytes)| MidiEvent {
                    frame: pos + u64::from(offset),
                    bytes,
                }));
            }
            if let Out::Sink([l, r], sink) = &mut out {
                sink(&l[..n], &r[..n])?;
            }
            self.controller.collect_garbage();
            timeline.heard(&mut self.reader, next)?;
            pos = next;
        }
        Ok(())
    }

    /// Renders `frames` frames into new buffers.
    pub fn render_frames(
        &mut self,
        timeline: &mut impl Timeline,
        frames: usize,
    ) -> Result<[Vec<f32>; 2], String> {
        let (mut left, mut right) = (vec![0.0; frames], vec![0.0; frames]);
        self.render(timeline, &mut left, &mut right)?;
        Ok([left, right])
    }
}

/// Takes each rendered chunk (left, right); an error stops the render.
pub type Sink<'a> = dyn FnMut(&[f32], &[f32]) -> Result<(), String> + 'a;

/// Where a render's chunks go.
enum Out<'a> {
    Buffers(&'a mut [f32], &'a mut [f32]),
    Sink(&'a mut [Vec<f32>; 2], &'a mut Sink<'a>),
}
