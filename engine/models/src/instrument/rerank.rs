//! Live resynthesis' search: the live matcher's patch is one candidate among several, and the
//! one that sounds nearest the input wins.
//!
//! While a note sounds, a **round** starts every few hops: the input's recent frames are
//! summarised (mean MFCCs and level), and candidates are built: the live matcher's latest
//! patch, the patch playing now, the preset index's nearest presets for that window and a few
//! seeded perturbations of the playing patch. Only the timbre differs between them (the
//! matcher's parameters less osc 2's tuning, on top of the playing patch), so the held-open
//! envelope, the level and the tuning are the voice's own in every one. Each is rendered at the
//! note sounding for a short window on the offline driver, analysed exactly as the live frames
//! are (the dataset's MFCCs, no `top_db` floor, the level matched to the input's) and scored
//! against the summary. The renders are spread over the round's hops, so no hop waits on more
//! than a couple of them; the winner is what the patch stream moves to, through its usual
//! smoothing and hysteresis.
//!
//! Everything here is a pure function of its inputs and a `ChaCha8Rng` seeded from the config,
//! so offline resynthesis stays bit-identical; live it runs on the model thread.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use wyrd_analysis::pitch::{PitchConfig, PitchTracker};
use wyrd_analysis::MfccAnalyzer;
use wyrd_dataset::ItemSpec;
use wyrd_render::{render_notes, NoteRender};
use wyrd_schema::{Patch, NUM_PARAMS, PARAMS};

use crate::error::Error;
use crate::search::Index;

/// How the search runs; the defaults are what measured best ([`SearchConfig::default`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchConfig {
    /// Hops from one decision to the next; a round's renders are spread over them.
    pub every: usize,
    /// Presets the index proposes per round.
    pub neighbours: usize,
    /// Perturbations of the playing patch per round.
    pub perturbations: usize,
    /// Their standard deviation, in the schema's 0..1 view.
    pub sigma: f32,
    /// The input's latest frames a round hears (fewer early in a note).
    pub frames: usize,
    /// Seconds of each candidate rendered at most. Early in a note only as far as the input
    /// has sounded, so a candidate is heard at the same point of its note as the input.
    pub render: f64,
    /// Weight of c0 in the score, the others weighing 1 (renders are leveled to the input
    /// first, so c0 is spectral balance rather than loudness).
    pub c0_weight: f32,
    /// Score per 100 cents a candidate sounds off the note, where the input is pitched: the
    /// MFCCs see the spectral envelope, not whether it is harmonic, and without it a noisy or
    /// inharmonic candidate won on a pitched input now and then, leaving the output unpitched.
    pub pitch_weight: f32,
    pub seed: u64,
    /// The preset index; `None`: [`Index::default_path`].
    pub index: Option<PathBuf>,
}

impl Default for SearchConfig {
    /// Measured offline (`resynth_file`) on 104 test-split presets at note 60, the median
    /// mel-LSD of the sustained part (0.25..1.0 s); the live matcher alone: 11.0 dB (mean
    /// 12.0). These defaults: 9.1, 9.6 and 9.5 dB with seeds 1 to 3 (mean 10.2 or 10.3), so
    /// differences under ~0.4 dB are noise. Every 4 or 8 hops: 9.5; 12: 10.1. No index: 10.2;
    /// no perturbations: 9.6; neither: 10.8; 8 neighbours or 8 perturbations: 9.3 and 9.4 at
    /// twice the renders. Sigma 0.05: 9.4; 0.1: 9.9. c0 weight 0: 9.6; 0.5: 9.35; 2: 9.5. 5 or
    /// 20 frames heard: 9.2 and 9.45. Renders of 0.2 s: 9.6; 0.5 s: 9.4. Without the pitch term
    /// 9.1, but 11 of 91 pitched notes came out more than 50 cents off against 7 with it (and 8
    /// with the matcher alone). Every 6 hops with 10 candidates is about 1.4 renders a hop: the
    /// model thread stays under 10 % of a core (`wyrd-resynth-bench`).
    fn default() -> Self {
        SearchConfig {
            every: 6,
            neighbours: 4,
            perturbations: 4,
            sigma: 0.03,
            frames: 10,
            render: 0.3,
            c0_weight: 1.0,
            pitch_weight: 1.0,
            seed: 1,
            index: None,
        }
    }
}

/// Where a candidate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The live matcher's latest output.
    Matcher,
    /// The patch playing when the round started.
    Playing,
    /// The index's preset of this number.
    Preset(usize),
    /// A perturbation of the playing patch.
    Perturbed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub source: Source,
    pub patch: [f32; NUM_PARAMS],
}

/// The parameters that compete: the live matcher's outputs less what resynthesis holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Timbre {
    pub continuous: Vec<usize>,
    /// (schema index, options) per categorical parameter.
    pub groups: Vec<(usize, usize)>,
}

impl Timbre {
    /// `voice` with this timbre taken from `from`.
    pub fn onto(&self, voice: &[f32; NUM_PARAMS], from: &[f32; NUM_PARAMS]) -> [f32; NUM_PARAMS] {
        let mut p = *voice;
        for &i in self
            .continuous
            .iter()
            .chain(self.groups.iter().map(|(i, _)| i))
        {
            p[i] = PARAMS[i].sanitize(from[i]);
        }
        p
    }
}

/// What the input sounded like over a window of frames.
#[derive(Debug, Clone, PartialEq)]
pub struct Heard {
    /// Mean MFCCs over the window.
    pub mean: Vec<f32>,
    /// RMS level (linear) over the window.
    pub rms: f32,
    /// Frames in the window: a candidate is measured over as many.
    pub frames: usize,
    /// Whether the window is pitched (most of its frames voiced).
    pub voiced: bool,
}

impl Heard {
    /// From frames' MFCC rows, RMS levels and whether each was voiced.
    pub fn of<'a>(rows: impl IntoIterator<Item = (&'a [f32], f32, bool)>) -> Heard {
        let mut mean: Vec<f32> = Vec::new();
        let (mut power, mut n, mut voiced) = (0.0f64, 0usize, 0usize);
        for (row, rms, v) in rows {
            voiced += usize::from(v);
            if mean.len() < row.len() {
                mean.resize(row.len(), 0.0);
            }
            for (m, &v) in mean.iter_mut().zip(row) {
                *m += v;
            }
            power += f64::from(rms) * f64::from(rms);
            n += 1;
        }
        let k = n.max(1) as f32;
        mean.iter_mut().for_each(|m| *m /= k);
        Heard {
            mean,
            rms: (power / n.max(1) as f64).sqrt() as f32,
            frames: n,
            voiced: n > 0 && 2 * voiced >= n,
        }
    }
}

/// Renders candidates and measures them against what was heard.
#[derive(Clone)]
pub struct Judge {
    analyzer: MfccAnalyzer,
    pitch: PitchTracker,
    sample_rate: u32,
    hop: usize,
    half: usize,
    weights: Vec<f32>,
    n_mels: usize,
    pitch_weight: f32,
    /// Renders of this round and the last, by note, length and patch: the index's presets
    /// recur round after round (a held note's window changes slowly), so about a third of the
    /// renders need not be made again.
    cache: Vec<Rendered>,
    last: Vec<Rendered>,
    /// Renders made (cache hits not counted).
    renders: u64,
}

#[derive(Clone)]
struct Rendered {
    note: u8,
    samples: usize,
    patch: [f32; NUM_PARAMS],
    audio: Arc<Vec<f32>>,
}

impl Judge {
    /// Scores with `config`'s weights.
    pub fn new(sample_rate: u32, config: &SearchConfig) -> Judge {
        let spec = ItemSpec {
            sample_rate,
            ..ItemSpec::default()
        };
        let mfcc = spec.mfcc_config();
        let (hop, half, n_mels) = (mfcc.mel.hop_length, mfcc.mel.n_fft / 2, mfcc.mel.n_mels);
        let mut weights = vec![1.0; mfcc.n_mfcc];
        weights[0] = config.c0_weight.max(0.0);
        Judge {
            analyzer: MfccAnalyzer::new(mfcc).expect("the dataset's MFCC config is valid"),
            pitch: PitchTracker::new(PitchConfig::new(sample_rate))
                .expect("the live pitch config is valid"),
            sample_rate,
            hop,
            half,
            weights,
            n_mels,
            pitch_weight: config.pitch_weight.max(0.0),
            cache: Vec::new(),
            last: Vec::new(),
            renders: 0,
        }
    }

    /// Renders made so far.
    pub fn renders(&self) -> u64 {
        self.renders
    }

    /// A round is over: its renders are kept for the next one, the older ones dropped.
    pub fn end_round(&mut self) {
        self.last = std::mem::take(&mut self.cache);
    }

    /// [`render`](Self::render), or the same render made this round or the last.
    fn render_cached(
        &mut self,
        patch: &[f32; NUM_PARAMS],
        note: u8,
        samples: usize,
    ) -> Arc<Vec<f32>> {
        let same = |r: &&Rendered| {
            r.note == note
                && r.samples == samples
                && r.patch
                    .iter()
                    .zip(patch)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
        };
        if let Some(r) = self.cache.iter().chain(&self.last).find(same) {
            let r = r.clone();
            self.cache.push(r.clone());
            return r.audio;
        }
        let audio = Arc::new(self.render(patch, note, samples));
        self.renders += 1;
        self.cache.push(Rendered {
            note,
            samples,
            patch: *patch,
            audio: Arc::clone(&audio),
        });
        audio
    }

    /// Samples a window of `frames` whole analysis frames needs: every frame's 2048 samples
    /// inside real audio, as the live frames are (their history is real input, never padding).
    pub fn span(&self, frames: usize) -> usize {
        let lead = self.half.div_ceil(self.hop);
        (lead + frames.max(1) - 1) * self.hop + self.half
    }

    /// `patch` playing `note` for `samples`, mono, as a voice held open would (no release).
    pub fn render(&self, patch: &[f32; NUM_PARAMS], note: u8, samples: usize) -> Vec<f32> {
        let spec = NoteRender {
            notes: vec![note],
            velocity: 100,
            hold: samples as f64 / f64::from(self.sample_rate),
            tail: 0.0,
            sample_rate: self.sample_rate,
            seed: 1,
            max_voices: 1,
        };
        render_notes(&Patch::from_values("candidate", *patch), &spec).mono()
    }

    /// The last `frames` whole frames of `audio`, leveled to `rms` (none: as it is), as the
    /// live analysis would have heard them.
    pub fn hear(&mut self, audio: &[f32], frames: usize, rms: Option<f32>) -> Option<Heard> {
        let span = self.span(frames);
        let mut part = audio[audio.len().saturating_sub(span)..].to_vec();
        let level = rms_of(&part);
        // Silent (or broken) audio has no timbre to hear.
        if part.len() < span || !level.is_finite() || level <= 1e-7 {
            return None;
        }
        if let Some(rms) = rms.filter(|r| r.is_finite() && *r > 0.0) {
            let g = rms / level;
            part.iter_mut().for_each(|s| *s *= g);
        }
        let m = self.analyzer.mfcc(&part).ok()?;
        let lead = self.half.div_ceil(self.hop);
        let rows: Vec<Vec<f32>> = (lead..lead + frames)
            .map(|f| {
                m.frame(f.min(m.n_frames() - 1))
                    .iter()
                    .map(|&v| v as f32)
                    .collect()
            })
            .collect();
        let voiced = self.pitch.estimate(&part).is_voiced();
        Some(Heard::of(
            rows.iter().map(|r| (&r[..], rms.unwrap_or(level), voiced)),
        ))
    }

    /// Mean cents between `audio`'s pitch and `note` over the pitch windows of its last
    /// `span` samples ([`MAX_CENTS`] where a window is unvoiced). Several windows, because a
    /// candidate on the edge of being pitched passes one reading about as often as not.
    pub fn cents_off(&mut self, audio: &[f32], span: usize, note: u8) -> f32 {
        let window = self.pitch.config().window;
        let want = 440.0 * 2f64.powf((f64::from(note) - 69.0) / 12.0);
        let start = audio.len().saturating_sub(span.max(window));
        let (mut sum, mut n) = (0.0f32, 0usize);
        let mut at = start;
        while at + window <= audio.len() {
            let e = self.pitch.estimate(&audio[at..at + window]);
            sum += match e.is_voiced() {
                true => ((1200.0 * (e.hz / want).log2()).abs() as f32).min(MAX_CENTS),
                false => MAX_CENTS,
            };
            n += 1;
            at += window;
        }
        sum / n.max(1) as f32
    }

    /// How far `a` is from `b`, in dB: the RMS difference of their mean mel spectra smoothed to
    /// the MFCCs kept (the DCT is orthonormal, so squared MFCC differences over `n_mels` are the
    /// squared dB differences per band), c0 weighted. That is the part of mel-LSD, the measure
    /// resynthesis is judged by, that a window's mean MFCCs can see; the mean absolute MFCC
    /// difference, tried first, left the median mel-LSD over 42 test presets 0.6 dB higher.
    pub fn distance(&self, a: &Heard, b: &Heard) -> f32 {
        let d: f32 = a
            .mean
            .iter()
            .zip(&b.mean)
            .zip(&self.weights)
            .map(|((x, y), w)| w * (x - y) * (x - y))
            .sum();
        let d = (d / self.n_mels as f32).sqrt();
        if d.is_finite() {
            d
        } else {
            f32::INFINITY
        }
    }

    /// `patch` rendered at `note` for `samples` and measured against `target`, leveled to it,
    /// plus [`SearchConfig::pitch_weight`] per 100 cents it sounds off `note` where the target
    /// is pitched; infinite for a candidate that stays silent.
    pub fn score(
        &mut self,
        patch: &[f32; NUM_PARAMS],
        note: u8,
        samples: usize,
        target: &Heard,
    ) -> Scored {
        let span = self.span(target.frames);
        let audio = self.render_cached(patch, note, samples.max(span));
        let rms = rms_of(&audio[audio.len().saturating_sub(span)..]);
        let Some(h) = self.hear(&audio, target.frames, Some(target.rms)) else {
            return Scored {
                score: f32::INFINITY,
                rms,
            };
        };
        let off = match target.voiced {
            true => self.cents_off(&audio, span, note),
            false => 0.0,
        };
        Scored {
            score: self.distance(&h, target) + self.pitch_weight * off / 100.0,
            rms,
        }
    }
}

/// A candidate as heard: its score and its own level (RMS over the span heard, before
/// leveling).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub score: f32,
    pub rms: f32,
}

/// Without the level loop, how far (dB) a candidate's own level may stray from the matcher's
/// patch's before it costs: leveled scoring alone matched a quiet saw at note 48 with a
/// resonant band-pass 25 dB quieter than the patch, where the user asked for the patch's level.
const LEVEL_TOLERANCE_DB: f32 = 3.0;

/// Score (dB for dB) of a level `rms` beyond [`LEVEL_TOLERANCE_DB`] from `reference`.
fn level_cost(rms: f32, reference: f32) -> f32 {
    let db = 20.0 * (rms.max(1e-9) / reference.max(1e-9)).log10();
    (db.abs() - LEVEL_TOLERANCE_DB).max(0.0)
}

fn rms_of(x: &[f32]) -> f32 {
    let power = x.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>();
    (power / x.len().max(1) as f64).sqrt() as f32
}

/// Pitch errors count up to an octave (an unpitched candidate is that far off).
pub const MAX_CENTS: f32 = 1200.0;

/// What a round is built from, taken when it starts.
pub struct RoundStart {
    pub heard: Heard,
    /// The note sounding.
    pub note: u8,
    /// Samples since the note started: a candidate is heard at the same point of its note.
    pub since: usize,
    pub matcher: [f32; NUM_PARAMS],
    pub playing: [f32; NUM_PARAMS],
    /// The candidates' own level is what will be heard (no level loop): keep it near the
    /// matcher's patch's.
    pub keep_level: bool,
}

struct Round {
    note: u8,
    samples: usize,
    heard: Heard,
    candidates: Vec<Candidate>,
    scores: Vec<f32>,
    /// Hops of the round so far.
    hops: usize,
    keep_level: bool,
    /// The matcher's patch's level (it is heard first), where levels count.
    level: Option<f32>,
}

/// The search's state across hops; see the module docs.
pub struct Search {
    config: SearchConfig,
    timbre: Timbre,
    judge: Judge,
    index: Option<Arc<Index>>,
    prepared: bool,
    rng: ChaCha8Rng,
    round: Option<Round>,
    /// The index is queried without c0: its renders are at each preset's own level.
    index_weights: Vec<f32>,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search")
            .field("config", &self.config)
            .field("index", &self.index.as_ref().map(|i| i.len()))
            .field("renders", &self.judge.renders)
            .finish_non_exhaustive()
    }
}

impl Search {
    pub fn new(config: SearchConfig, timbre: Timbre, sample_rate: u32) -> Search {
        let judge = Judge::new(sample_rate, &config);
        let mut index_weights = judge.weights.clone();
        index_weights[0] = 0.0;
        Search {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            config,
            timbre,
            judge,
            index: None,
            prepared: false,
            round: None,
            index_weights,
        }
    }

    /// Opens the preset index (once per process and file: see [`shared_index`]). Call it off
    /// the audio thread before the first note; a search not prepared prepares itself.
    pub fn prepare(&mut self) {
        if !self.prepared {
            self.prepared = true;
            self.index = shared_index(self.config.index.as_deref());
        }
    }

    pub fn has_index(&self) -> bool {
        self.index.is_some()
    }

    /// Candidates rendered so far (the same render heard again not counted).
    pub fn renders(&self) -> u64 {
        self.judge.renders()
    }

    /// Drops the round in progress (the note it was for has ended).
    pub fn cancel(&mut self) {
        self.round = None;
    }

    /// One hop of a sounding note: starts a round if none runs (`start` gives what it needs,
    /// or `None` while it is too early), renders this hop's share of it, and returns the
    /// winner once every candidate has been heard.
    pub fn hop(&mut self, start: impl FnOnce() -> Option<RoundStart>) -> Option<Candidate> {
        if self.round.is_none() {
            let s = start()?;
            self.prepare();
            self.round = Some(self.start(s));
        }
        let round = self.round.as_mut()?;
        // Renders spread evenly over the round: hop h has heard (h + 1) / every of them.
        let every = self.config.every.max(1);
        round.hops += 1;
        let due = (round.candidates.len() * round.hops).div_ceil(every);
        while round.scores.len() < due.min(round.candidates.len()) {
            let c = &round.candidates[round.scores.len()];
            let s = self
                .judge
                .score(&c.patch, round.note, round.samples, &round.heard);
            let score = match (round.keep_level, round.level) {
                (false, _) => s.score,
                (true, None) => {
                    round.level = Some(s.rms);
                    s.score
                }
                (true, Some(r)) => s.score + level_cost(s.rms, r),
            };
            round.scores.push(score);
        }
        if round.hops < every {
            return None;
        }
        let round = self.round.take()?;
        self.judge.end_round();
        best(&round.candidates, &round.scores).cloned()
    }

    fn start(&mut self, s: RoundStart) -> Round {
        let sr = f64::from(self.judge.sample_rate);
        let max = (self.config.render.max(0.0) * sr).round() as usize;
        let samples = s.since.min(max).max(self.judge.span(s.heard.frames));
        let onto = |from: &[f32; NUM_PARAMS]| self.timbre.onto(&s.playing, from);
        // The matcher's patch first: where levels count, the others are held to its level.
        let mut candidates = vec![
            Candidate {
                source: Source::Matcher,
                patch: onto(&s.matcher),
            },
            Candidate {
                source: Source::Playing,
                patch: s.playing,
            },
        ];
        if let Some(index) = &self.index {
            let spec = ItemSpec::default();
            for n in index.nearest_held(
                &spec,
                &s.heard.mean,
                &self.index_weights,
                s.note,
                self.config.neighbours,
            ) {
                candidates.push(Candidate {
                    source: Source::Preset(n.preset),
                    patch: onto(index.patches[n.preset].values()),
                });
            }
        }
        for _ in 0..self.config.perturbations {
            let patch = perturb(&self.timbre, &s.playing, self.config.sigma, &mut self.rng);
            candidates.push(Candidate {
                source: Source::Perturbed,
                patch,
            });
        }
        Round {
            note: s.note,
            samples,
            heard: s.heard,
            scores: Vec::with_capacity(candidates.len()),
            candidates,
            hops: 0,
            keep_level: s.keep_level,
            level: None,
        }
    }
}

/// The lowest score (the first on a tie); none when every candidate was silent.
pub fn best<'a>(candidates: &'a [Candidate], scores: &[f32]) -> Option<&'a Candidate> {
    let mut win: Option<(usize, f32)> = None;
    for (k, &s) in scores.iter().enumerate() {
        if s.is_finite() && win.is_none_or(|(_, b)| s < b) {
            win = Some((k, s));
        }
    }
    win.map(|(k, _)| &candidates[k])
}

/// `playing` moved by a Gaussian step of `sigma` in every continuous parameter's 0..1 view,
/// and now and then one categorical option redrawn: local moves the matcher's training could
/// not make, such as a cutoff a little past what it has seen.
fn perturb(
    timbre: &Timbre,
    playing: &[f32; NUM_PARAMS],
    sigma: f32,
    rng: &mut ChaCha8Rng,
) -> [f32; NUM_PARAMS] {
    let mut p = *playing;
    for &i in &timbre.continuous {
        let x = PARAMS[i].normalize(p[i]) + f64::from(sigma) * normal(rng);
        p[i] = PARAMS[i].denormalize(x.clamp(0.0, 1.0));
    }
    if !timbre.groups.is_empty() && rng.gen_bool(0.25) {
        let (i, n) = timbre.groups[rng.gen_range(0..timbre.groups.len())];
        p[i] = rng.gen_range(0..n.max(1)) as f32;
    }
    p
}

/// A standard normal deviate (Box–Muller: rand 0.8 has no normal distribution of its own).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Indexes opened so far (or found missing), by path: loading one takes ~10 ms and 8 MB, once
/// per process, and a missing one is reported once rather than at every `resynth.start`.
static INDEXES: Mutex<Vec<(PathBuf, Option<Arc<Index>>)>> = Mutex::new(Vec::new());

/// The preset index at `path` (default: [`Index::default_path`]), opened once per process;
/// `None`, said once, when there is none or it cannot be used: the search goes on without it.
pub fn shared_index(path: Option<&Path>) -> Option<Arc<Index>> {
    // No data folder at all is remembered as the empty path.
    let path = path
        .map(Path::to_path_buf)
        .or_else(Index::default_path)
        .unwrap_or_default();
    let mut cache = INDEXES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, index)) = cache.iter().find(|(p, _)| *p == path) {
        return index.clone();
    }
    let say = |why: &str| {
        eprintln!("wyrd: resynth: {why}; searching among the other candidates");
        None
    };
    let loaded = match path.as_os_str().is_empty() {
        true => None,
        false => Some(Index::load(&path, &ItemSpec::default())),
    };
    let index = match loaded {
        None => say("no preset index; run `wyrd index`"),
        Some(Ok(index)) => Some(Arc::new(index)),
        Some(Err(Error::Io { source, .. })) if source.kind() == std::io::ErrorKind::NotFound => {
            say(&format!(
                "no preset index; run `wyrd index` (to make {})",
                path.display()
            ))
        }
        Some(Err(e)) => say(&format!("the preset index is not usable ({e})")),
    };
    cache.push((path, index.clone()));
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_candidate_is_the_lowest_finite_score() {
        let c = |k: usize| Candidate {
            source: Source::Preset(k),
            patch: wyrd_schema::defaults(),
        };
        let cands = [c(0), c(1), c(2)];
        assert_eq!(
            best(&cands, &[2.0, 1.0, 1.0]).map(|c| c.source),
            Some(Source::Preset(1))
        );
        assert_eq!(
            best(&cands, &[f32::INFINITY, f32::NAN, 3.0]).map(|c| c.source),
            Some(Source::Preset(2))
        );
        assert!(best(&cands, &[f32::INFINITY; 3]).is_none());
    }

    #[test]
    fn a_span_holds_whole_frames_only() {
        let j = Judge::new(48_000, &SearchConfig::default());
        // Frames 2..12 of a centred analysis of 13 hops are the ten clear of its padding.
        assert_eq!(j.span(10), 13 * 512);
        assert_eq!(j.span(1), 4 * 512);
    }

    #[test]
    fn perturbations_stay_in_range_and_repeat_with_the_seed() {
        let timbre = Timbre {
            continuous: vec![wyrd_schema::ParamId::FilterCutoff as usize],
            groups: vec![(wyrd_schema::ParamId::Osc1Waveform as usize, 5)],
        };
        let p = wyrd_schema::defaults();
        let run = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..50)
                .map(|_| perturb(&timbre, &p, 0.3, &mut rng))
                .collect::<Vec<_>>()
        };
        let (a, b) = (run(3), run(3));
        assert_eq!(a, b);
        assert_ne!(a, run(4));
        for q in &a {
            for (i, v) in q.iter().enumerate() {
                assert_eq!(*v, PARAMS[i].sanitize(*v), "{}", PARAMS[i].id);
            }
        }
    }
}
