//! Offline rendering: a patch and a chord in, stereo float audio out, bit-identical on every run.

use std::path::Path;

use anyhow::{bail, Context};
use wyrd_engine::{Action, EngineConfig, Offline, Score};
use wyrd_schema::Patch;

mod input;
pub use input::{read_input, resample, INPUT_RATES};

/// What to play: notes struck together at time 0, held, then released.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRender {
    pub notes: Vec<u8>,
    pub velocity: u8,
    /// Seconds from note-on to note-off.
    pub hold: f64,
    /// Seconds rendered after note-off.
    pub tail: f64,
    pub sample_rate: u32,
    /// Seed of the noise generator; the same seed gives the same samples.
    pub seed: u64,
    pub max_voices: usize,
}

impl Default for NoteRender {
    fn default() -> Self {
        NoteRender {
            notes: vec![60],
            velocity: 100,
            hold: 3.0,
            tail: 1.0,
            sample_rate: 48_000,
            seed: 1,
            max_voices: 16,
        }
    }
}

/// Stereo audio at a sample rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Stereo {
    pub left: Vec<f32>,
    pub right: Vec<f32>,
    pub sample_rate: u32,
}

impl Stereo {
    pub fn frames(&self) -> usize {
        self.left.len()
    }

    /// (L+R)/2, the mono view analysis works on.
    pub fn mono(&self) -> Vec<f32> {
        self.left
            .iter()
            .zip(&self.right)
            .map(|(l, r)| 0.5 * (l + r))
            .collect()
    }
}

/// Render `spec` with `patch`, on the offline driver: the notes start at frame 0 and are
/// released at the end of the hold.
pub fn render_notes(patch: &Patch, spec: &NoteRender) -> Stereo {
    let (mut offline, mut score, frames) = note_score(patch, spec);
    let [left, right] = offline
        .render_frames(&mut score, frames)
        .expect("a score hears no input");
    Stereo {
        left,
        right,
        sample_rate: spec.sample_rate,
    }
}

/// The same samples as [`render_notes`], written to `path` as they are rendered (any length
/// in bounded memory); returns the frames written.
pub fn render_notes_to_wav(patch: &Patch, spec: &NoteRender, path: &Path) -> anyhow::Result<u64> {
    let (mut offline, mut score, frames) = note_score(patch, spec);
    let mut wav = WavSink::create(path, spec.sample_rate)?;
    offline
        .render_into(&mut score, frames, &mut |l, r| wav.write(l, r))
        .map_err(anyhow::Error::msg)?;
    wav.finish()
}

fn note_score(patch: &Patch, spec: &NoteRender) -> (Offline, Score, usize) {
    let sr = spec.sample_rate;
    let hold = (spec.hold.max(0.0) * f64::from(sr)).round() as u64;
    let tail = (spec.tail.max(0.0) * f64::from(sr)).round() as usize;
    let mut config = EngineConfig::new(sr);
    config.voices = spec.max_voices;
    config.patch = patch.clone();
    config.queue_capacity = config.queue_capacity.max(2 * spec.notes.len());
    let mut offline = Offline::new(config);
    offline.engine_mut().seed_noise(spec.seed);
    let on = spec.notes.iter().map(|&note| {
        let velocity = spec.velocity;
        (0, Action::NoteOn { note, velocity })
    });
    let off = spec
        .notes
        .iter()
        .map(|&note| (hold, Action::NoteOff { note }));
    let score = Score::new(offline.controller(), on.chain(off).collect());
    (offline, score, hold as usize + tail)
}

/// A 32-bit float stereo WAV file written a chunk at a time (an offline driver's sink).
pub struct WavSink {
    path: std::path::PathBuf,
    writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>,
    frames: u64,
}

impl WavSink {
    pub fn create(path: &Path, sample_rate: u32) -> anyhow::Result<WavSink> {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let writer = hound::WavWriter::create(path, spec)
            .with_context(|| format!("{}: cannot create", path.display()))?;
        Ok(WavSink {
            path: path.to_path_buf(),
            writer,
            frames: 0,
        })
    }

    /// Appends a chunk (both channels equally long); the error names the file.
    pub fn write(&mut self, left: &[f32], right: &[f32]) -> Result<(), String> {
        for (l, r) in left.iter().zip(right) {
            self.writer
                .write_sample(*l)
                .and_then(|()| self.writer.write_sample(*r))
                .map_err(|e| format!("{}: {e}", self.path.display()))?;
        }
        self.frames += left.len().min(right.len()) as u64;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<u64> {
        let path = self.path;
        self.writer
            .finalize()
            .with_context(|| format!("{}: cannot finish writing", path.display()))?;
        Ok(self.frames)
    }
}

/// Write 32-bit float stereo WAV.
pub fn write_wav(path: &Path, audio: &Stereo) -> anyhow::Result<()> {
    let mut wav = WavSink::create(path, audio.sample_rate)?;
    wav.write(&audio.left, &audio.right)
        .map_err(anyhow::Error::msg)?;
    wav.finish().map(drop)
}

/// Read a WAV file (int or float, mono or stereo; mono is duplicated to both channels).
pub fn read_wav(path: &Path) -> anyhow::Result<Stereo> {
    let mut r = hound::WavReader::open(path)
        .with_context(|| format!("{}: cannot open as WAV", path.display()))?;
    let spec = r.spec();
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => r.samples::<f32>().collect::<Result<_, _>>()?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.map(|s| s as f32 * scale))
                .collect::<Result<_, _>>()?
        }
    };
    let ch = usize::from(spec.channels);
    if ch == 0 {
        bail!("{}: WAV has no channels", path.display());
    }
    let left: Vec<f32> = samples.iter().step_by(ch).copied().collect();
    let right: Vec<f32> = if ch > 1 {
        samples.iter().skip(1).step_by(ch).copied().collect()
    } else {
        left.clone()
    };
    Ok(Stereo {
        left,
        right,
        sample_rate: spec.sample_rate,
    })
}
