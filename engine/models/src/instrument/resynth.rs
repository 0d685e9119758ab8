//! Live resynthesis: analysis frames of the input in; notes, pitch bend, level and patches out.
//!
//! - The **live matcher** reads the latest 10 MFCC frames (107 ms) and the note being played,
//!   and sets the timbre parameters; the rest of the patch is the one playing at start. Osc 2's
//!   tuning (pitch, octave, detune) is among the matcher's outputs but stays the base patch's,
//!   so the voice sounds at the input's pitch (see `TUNING`).
//! - The **pitch follower** plays the input's nearest note and bends to its exact pitch; a
//!   jump of more than a semitone retriggers the note.
//! - The **amplitude follower** opens and closes the note at a gate, and (with `follow_amp`)
//!   sets the level: the voice's envelope is held open (fast attack, full sustain) and the
//!   master volume follows a closed loop that brings the output's level to the input's, measured
//!   the same way on both sides, so it holds for any patch the matcher picks.
//!
//! - The **search** ([`rerank`](crate::instrument::rerank)): every few hops the matcher's patch,
//!   the playing one, the preset index's nearest presets and perturbations of the playing patch
//!   are rendered and heard against the input's recent frames; the nearest is what the patch
//!   moves to. The matcher proposes at frame rate; the search keeps what sounds nearer.
//!
//! It is a pure function of the frames and output levels it is given, so offline (`wyrd
//! resynth`) it is deterministic, and live it runs on the model thread.

use std::collections::VecDeque;
use std::sync::Arc;

use wyrd_analysis::live::LiveFrame;
use wyrd_engine::Action;
use wyrd_schema::{ParamId, Patch, NUM_PARAMS, PARAMS};

use crate::error::Result;
use crate::instrument::rerank::{Heard, RoundStart, Search, SearchConfig, Source, Timbre};
use crate::instrument::stream::PatchStream;
use crate::model::LiveMatcher;

/// What the matcher may not change. Matched, osc 2 a semitone or an octave off pulled the
/// perceived pitch away from the note played: over 20 notes (the default patch and four factory
/// presets) the output's median pitch error was 38 cents, the worst 1,529; held, under 2 cents.
/// The timbre measures closer too: over 40 test-split presets at note 60 the median mel-LSD of
/// the sustained part went from 14.3 to 12.3 dB.
const TUNING: [ParamId; 3] = [ParamId::Osc2Pitch, ParamId::Osc2Range, ParamId::Osc2Detune];

#[derive(Debug, Clone, PartialEq)]
pub struct ResynthConfig {
    pub follow_pitch: bool,
    pub follow_amp: bool,
    /// Time constant of the matcher's continuous outputs, seconds (0: none).
    pub smoothing: f64,
    /// The note played when not following pitch, or before the first voiced frame.
    pub note: u8,
    /// Input level (dBFS, frame RMS) above which a note sounds; it stops 6 dB below.
    pub gate_db: f32,
    pub sample_rate: u32,
    /// Input samples between analysis frames.
    pub hop: usize,
    /// The search among candidate patches (`None`: the live matcher's patch as it is).
    pub search: Option<SearchConfig>,
}

impl ResynthConfig {
    pub fn new(sample_rate: u32) -> Self {
        ResynthConfig {
            follow_pitch: true,
            follow_amp: true,
            smoothing: 0.05,
            note: 60,
            gate_db: -50.0,
            sample_rate,
            hop: 512,
            search: Some(SearchConfig::default()),
        }
    }
}

/// Frames under the gate's lower threshold before a note stops.
const RELEASE_FRAMES: u32 = 3;
/// Hops of output a level reading spans (2048 samples, the input frame's window).
const LEVEL_HOPS: usize = 4;
/// Step of the level loop per frame (fraction of the dB error): slow enough to stay stable
/// with the loop's delay of two to three frames.
const LEVEL_STEP: f32 = 0.25;
/// Frames of a note before its first search round: the first ones' 2048-sample windows still
/// reach into the silence before the onset. Over 104 test presets starting after 2 frames left
/// the mean mel-LSD 0.3 dB higher; after 4 or 10 measured the same, and 4 decides sooner.
const SEARCH_FROM: usize = 4;

/// What the stream moves to: the matcher's output frame by frame, or a row the search chose.
#[derive(Debug, Clone)]
enum Follow {
    Matcher,
    Row(Vec<f32>, Vec<f32>),
}

#[derive(Debug)]
pub struct Resynth {
    matcher: Arc<LiveMatcher>,
    config: ResynthConfig,
    stream: PatchStream,
    base: [f32; NUM_PARAMS],
    patch: [f32; NUM_PARAMS],
    window: VecDeque<[f32; 20]>,
    /// What the search hears: the latest frames' MFCCs, levels (RMS) and voicing.
    heard: VecDeque<([f32; 20], f32, bool)>,
    frames: usize,
    note: Option<u8>,
    bend: f32,
    quiet: u32,
    /// The input's pitch the voice is playing (semitones), once heard.
    pitch: Option<f32>,
    last_note: Option<u8>,
    gain_db: f32,
    energy: VecDeque<(f64, u64)>,
    window_buf: Vec<f32>,
    search: Option<Search>,
    follow: Follow,
    /// Frames heard since the note started (1: its onset frame).
    since: usize,
}

impl Resynth {
    /// Resynthesis onto `base` (the patch playing when it starts).
    pub fn new(matcher: Arc<LiveMatcher>, config: ResynthConfig, base: [f32; NUM_PARAMS]) -> Self {
        let mut base = base;
        if config.follow_amp {
            // The level loop shapes the sound; the envelope only has to stay out of its way.
            for (id, v) in [
                (ParamId::AmpAttack, 0.0),
                (ParamId::AmpDecay, 0.0),
                (ParamId::AmpSustain, 1.0),
                (ParamId::AmpRelease, 0.05),
            ] {
                base[id as usize] = PARAMS[id as usize].sanitize(v);
            }
        }
        let frames = matcher.window();
        let search = config.search.clone().map(|c| {
            let meta = matcher.0.meta();
            let held = TUNING.map(|id| id as usize);
            let timbre = Timbre {
                continuous: meta
                    .continuous
                    .iter()
                    .copied()
                    .filter(|i| !held.contains(i))
                    .collect(),
                groups: meta
                    .groups
                    .iter()
                    .filter(|g| !held.contains(&g.index))
                    .map(|g| (g.index, g.size()))
                    .collect(),
            };
            Search::new(c, timbre, config.sample_rate)
        });
        Resynth {
            stream: PatchStream::new(matcher.0.meta()).holding(&TUNING.map(|id| id as usize)),
            matcher,
            config,
            base,
            patch: base,
            window: VecDeque::with_capacity(frames),
            heard: VecDeque::new(),
            frames,
            note: None,
            bend: 0.0,
            quiet: 0,
            pitch: None,
            last_note: None,
            gain_db: -12.0,
            energy: VecDeque::with_capacity(LEVEL_HOPS + 1),
            window_buf: Vec::new(),
            search,
            follow: Follow::Matcher,
            since: 0,
        }
    }

    /// Opens what the search needs (the preset index) now rather than at the first note; the
    /// model thread calls it when resynthesis starts.
    pub fn prepare(&mut self) {
        if let Some(s) = &mut self.search {
            s.prepare();
        }
    }

    /// Candidates the search has rendered.
    pub fn renders(&self) -> u64 {
        self.search.as_ref().map_or(0, Search::renders)
    }

    pub fn config(&self) -> &ResynthConfig {
        &self.config
    }

    /// The note sounding now.
    pub fn note(&self) -> Option<u8> {
        self.note
    }

    /// One analysis frame. `out_energy` is the engine's running output energy
    /// ([`wyrd_engine::Stats::output_energy`]) read now. Actions for the engine are appended to
    /// `out`, in order.
    pub fn frame(
        &mut self,
        frame: &LiveFrame,
        out_energy: (f64, u64),
        out: &mut Vec<Action>,
    ) -> Result<()> {
        let mut row = [0.0f32; 20];
        for (d, &s) in row.iter_mut().zip(frame.mfcc()) {
            *d = s;
        }
        if self.window.len() == self.frames {
            self.window.pop_front();
        }
        self.window.push_back(row);
        if let Some(c) = &self.config.search {
            if self.heard.len() >= c.frames.max(1) {
                self.heard.pop_front();
            }
            let voiced = frame.pitch_hz.iter().any(|&hz| hz > 0.0);
            self.heard.push_back((row, frame.rms, voiced));
        }
        self.energy.push_back(out_energy);
        if self.energy.len() > LEVEL_HOPS + 1 {
            self.energy.pop_front();
        }

        let in_db = db(frame.rms);
        let pitch = [frame.pitch_hz[0], frame.pitch_hz[1]]
            .into_iter()
            .find(|&hz| hz > 0.0)
            .map(|hz| 69.0 + 12.0 * (hz / 440.0).log2());

        if in_db >= self.config.gate_db {
            self.quiet = 0;
        } else if in_db < self.config.gate_db - 6.0 {
            self.quiet += 1;
        }
        if self.note.is_some() && self.quiet >= RELEASE_FRAMES {
            self.release(out);
            return Ok(());
        }
        let loud = in_db >= self.config.gate_db;
        let nearest = |m: f32| m.round().clamp(0.0, 127.0) as u8;
        match (self.note, pitch) {
            (None, _) if !loud => return Ok(()),
            (None, Some(m)) if self.config.follow_pitch => self.start(nearest(m), Some(m), out),
            // The onset comes before the pitch can be heard (the pitch follower needs a
            // 43 ms window): the voice starts at once on the last note heard and is bent to
            // the input's pitch as soon as it is known, so the timbre is not held back.
            (None, _) => {
                let n = match self.config.follow_pitch {
                    true => self.last_note.unwrap_or(self.config.note),
                    false => self.config.note,
                };
                self.start(n, None, out);
            }
            // A new note in the input (more than a semitone away) retriggers.
            (Some(_), Some(m))
                if self.config.follow_pitch && self.pitch.is_some_and(|p| (m - p).abs() > 1.0) =>
            {
                self.release(out);
                self.start(nearest(m), Some(m), out);
            }
            _ => {}
        }
        let Some(note) = self.note else {
            return Ok(());
        };
        if let Some(m) = pitch.filter(|_| self.config.follow_pitch) {
            self.pitch = Some(m);
            let bend = m - f32::from(note);
            if (bend - self.bend).abs() > 0.01 {
                self.bend = bend;
                out.push(Action::PitchBend(bend));
            }
        }
        // The matcher hears the pitch sounding, which a provisional note's bend may move.
        let heard = self.pitch.map_or(note, nearest);
        self.match_timbre(heard)?;
        if self.config.follow_amp {
            self.follow_level(in_db);
        }
        out.push(Action::SetPatch(Box::new(self.patch)));
        Ok(())
    }

    /// Stops the note (resynthesis stopping, or the input gone quiet).
    pub fn release(&mut self, out: &mut Vec<Action>) {
        if let Some(n) = self.note.take() {
            out.push(Action::NoteOff { note: n });
        }
        self.pitch = None;
        self.quiet = 0;
        self.end_search();
    }

    fn start(&mut self, note: u8, pitch: Option<f32>, out: &mut Vec<Action>) {
        if self.bend != 0.0 {
            self.bend = 0.0;
            out.push(Action::PitchBend(0.0));
        }
        out.push(Action::NoteOn {
            note,
            velocity: 100,
        });
        self.note = Some(note);
        self.pitch = pitch;
        self.last_note = Some(note);
        self.end_search();
    }

    /// A new note is a new sound: the matcher leads again until the search has heard it.
    fn end_search(&mut self) {
        if let Some(s) = &mut self.search {
            s.cancel();
        }
        self.follow = Follow::Matcher;
        self.since = 0;
    }

    fn match_timbre(&mut self, note: u8) -> Result<()> {
        self.window_buf.clear();
        // Before a full window has been heard, the oldest frame stands in for the missing ones.
        let missing = self.frames - self.window.len();
        let first = self.window.front().copied().unwrap_or([0.0; 20]);
        for _ in 0..missing {
            self.window_buf.extend_from_slice(&first);
        }
        for row in &self.window {
            self.window_buf.extend_from_slice(row);
        }
        let (cont, cat) = self
            .matcher
            .predict_raw(&self.window_buf, &[f32::from(note)])?;
        self.since += 1;
        self.search_hop(note, &cont, &cat);
        let (cont, cat) = match &self.follow {
            Follow::Matcher => (cont, cat),
            Follow::Row(c, k) => (c.clone(), k.clone()),
        };
        let alpha = if self.config.smoothing > 0.0 {
            let dt = self.config.hop as f64 / f64::from(self.config.sample_rate);
            (1.0 - (-dt / self.config.smoothing).exp()) as f32
        } else {
            1.0
        };
        let mut patch = self.base;
        self.stream.apply(&cont, &cat, alpha, &mut patch);
        self.patch = patch;
        Ok(())
    }

    /// One hop of the search; a round's winner becomes what the stream moves to.
    fn search_hop(&mut self, note: u8, cont: &[f32], cat: &[f32]) {
        let Some(search) = &mut self.search else {
            return;
        };
        let (since, heard) = (self.since, &self.heard);
        let (matcher, playing, hop) = (&self.matcher, &self.patch, self.config.hop);
        let follow_amp = self.config.follow_amp;
        let winner = search.hop(|| {
            if since < SEARCH_FROM {
                return None;
            }
            // Only the note's own frames: the window may still hold the silence before it.
            let k = since.min(heard.len());
            let rows = heard.iter().skip(heard.len() - k);
            let heard = Heard::of(rows.map(|(r, l, v)| (&r[..], *l, *v)));
            let base = Patch::from_values("playing", *playing);
            let matched = matcher.0.to_patches(cont, cat, 1, |_| base.clone());
            Some(RoundStart {
                heard,
                note,
                // From the onset frame's centre to the end of the newest frame's window.
                since: (since - 1) * hop + LEVEL_HOPS * hop / 2,
                matcher: *matched.first().unwrap_or(&base).values(),
                playing: *playing,
                keep_level: !follow_amp,
            })
        });
        if let Some(w) = winner {
            self.follow = match w.source {
                Source::Matcher => Follow::Matcher,
                _ => {
                    let x = self
                        .matcher
                        .0
                        .encode_x(&Patch::from_values("searched", w.patch));
                    let n = self.matcher.0.meta().n_cont();
                    Follow::Row(x[..n].to_vec(), x[n..].to_vec())
                }
            };
        }
    }

    /// Moves the master volume so the output's level (over the last 2048 samples) meets the
    /// input's frame RMS.
    fn follow_level(&mut self, in_db: f32) {
        let (Some(&(e0, f0)), Some(&(e1, f1))) = (self.energy.front(), self.energy.back()) else {
            return;
        };
        if f1 > f0 && self.energy.len() > LEVEL_HOPS {
            let out_db = db((((e1 - e0) / (f1 - f0) as f64).max(0.0)).sqrt() as f32);
            // A silent output (the note not started yet) says nothing about the gain.
            if out_db > -100.0 {
                self.gain_db = (self.gain_db + LEVEL_STEP * (in_db - out_db)).clamp(-80.0, 0.0);
            }
        }
        let vol = ParamId::MasterVol as usize;
        // master_vol's gain is v²: v = 10^(dB / 40).
        self.patch[vol] = PARAMS[vol].sanitize(10f32.powf(self.gain_db / 40.0));
    }
}

fn db(rms: f32) -> f32 {
    if rms.is_finite() && rms > 1e-10 {
        20.0 * rms.log10()
    } else {
        -200.0
    }
}
