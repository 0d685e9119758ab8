//! The measurements: amSynth captures (cached), wyrd renders, and mel-LSD between them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use wyrd_analysis::MelLsd;
use wyrd_render::{NoteRender, Stereo};
use wyrd_schema::{ParamId, Patch};

use crate::cache::Cache;
use crate::report::{Report, Row, Settings};
use crate::rig::{NoteSpec, Rig, RigOptions, Take};
use crate::selection::{between_pairs, select, BankPresets};

/// The sample rate of every capture and render.
pub const SAMPLE_RATE: u32 = 48_000;

/// Longest note (hold + tail) a capture may take; amSynth renders ~20x real time in freewheel.
const MAX_SECONDS: f64 = 600.0;

/// What to play on each preset.
#[derive(Debug, Clone, PartialEq)]
pub struct Playing {
    pub velocity: u8,
    /// Seconds from note-on to note-off.
    pub hold: f64,
    /// Seconds recorded after the note-off.
    pub tail: f64,
}

impl Playing {
    pub fn spec(&self, note: u8) -> Result<NoteSpec> {
        if note > 127 || !(1..=127).contains(&self.velocity) {
            bail!(
                "note {note} / velocity {} out of MIDI range (velocity 0 is a note-off)",
                self.velocity
            );
        }
        if !(self.hold > 0.0 && self.hold.is_finite() && self.tail >= 0.0 && self.tail.is_finite())
        {
            bail!(
                "hold must be > 0 s and tail ≥ 0 s (got {} / {})",
                self.hold,
                self.tail
            );
        }
        if self.hold + self.tail > MAX_SECONDS {
            bail!("hold + tail must be at most {MAX_SECONDS} s");
        }
        let frames = |s: f64| (s * f64::from(SAMPLE_RATE)).round() as u32;
        let spec = NoteSpec {
            note,
            velocity: self.velocity,
            hold_frames: frames(self.hold),
            tail_frames: frames(self.tail),
        };
        if spec.hold_frames == 0 {
            bail!("hold {} s is shorter than one frame", self.hold);
        }
        Ok(spec)
    }
}

/// amSynth captures from the cache, rendering (and caching) what is missing. The rig, and with
/// it jackd, is only started on the first cache miss.
pub struct Captures {
    cache: Cache,
    rig: Option<Rig>,
    refresh: bool,
    pub rendered: usize,
    pub cached: usize,
}

impl Captures {
    /// `refresh`: ignore cached captures and render everything again.
    pub fn new(cache_dir: impl Into<PathBuf>, refresh: bool) -> Self {
        Captures {
            cache: Cache::new(cache_dir),
            rig: None,
            refresh,
            rendered: 0,
            cached: 0,
        }
    }

    pub fn get(
        &mut self,
        bank: &Path,
        preset: usize,
        spec: &NoteSpec,
        take: Take,
    ) -> Result<Stereo> {
        let preset = u8::try_from(preset)
            .ok()
            .filter(|p| *p < 128)
            .context("preset index above 127")?;
        if !self.refresh {
            if let Some(s) = self.cache.load(bank, preset, spec, SAMPLE_RATE, take)? {
                self.cached += 1;
                return Ok(s);
            }
        }
        let rig = match self.rig.as_mut() {
            Some(r) => r,
            None => self.rig.insert(Rig::start(RigOptions {
                sample_rate: SAMPLE_RATE,
                ..RigOptions::default()
            })?),
        };
        let audio = rig.capture(bank, preset, spec, take)?;
        check_audio(&audio).with_context(|| {
            format!(
                "amSynth's output for {} preset {preset} note {}",
                bank.display(),
                spec.note
            )
        })?;
        self.cache.store(bank, preset, spec, take, &audio)?;
        self.rendered += 1;
        Ok(audio)
    }
}

/// amSynth's output must be usable as a reference.
fn check_audio(a: &Stereo) -> Result<()> {
    if let Some(i) = a.left.iter().chain(&a.right).position(|x| !x.is_finite()) {
        bail!("sample {i} is not finite");
    }
    Ok(())
}

/// wyrd's render of one note, timed like the capture.
pub fn render_wyrd(patch: &Patch, spec: &NoteSpec) -> Stereo {
    let sr = f64::from(SAMPLE_RATE);
    let job = NoteRender {
        notes: vec![spec.note],
        velocity: spec.velocity,
        hold: f64::from(spec.hold_frames) / sr,
        tail: f64::from(spec.tail_frames) / sr,
        sample_rate: SAMPLE_RATE,
        ..NoteRender::default()
    };
    wyrd_render::render_notes(patch, &job)
}

/// How to render a preset a second time for the "amSynth vs itself" baseline; `None` when
/// there is no clean second rendering (see [`Take::NoiseShifted`]).
pub fn self_take(patch: &Patch) -> Option<Take> {
    if !uses_noise(patch) {
        return Some(Take::Repeat);
    }
    let poly = patch.get(ParamId::KeyboardMode as usize) == 0.0;
    let glide = patch.get(ParamId::PortamentoTime as usize) > 0.0;
    (poly && !glide).then_some(Take::NoiseShifted)
}

/// Whether the preset audibly draws from amSynth's noise generator: a noise or sample-and-hold
/// oscillator that reaches the mix, or such an LFO that modulates something.
pub fn uses_noise(patch: &Patch) -> bool {
    let v = |id: ParamId| patch.get(id as usize);
    let noisy = |w: f32| w == 3.0 || w == 4.0;
    let (mix, ring) = (v(ParamId::OscMix), v(ParamId::OscMixMode));
    // Mixer: osc1 gain (1−r)(1−m)/2, osc2 gain (1−r)(1+m)/2, plus r·osc1·osc2.
    let osc1_heard = ring > 0.0 || mix < 1.0;
    let osc2_heard = ring > 0.0 || mix > -1.0;
    let lfo_used = v(ParamId::FreqModAmount) > 0.0
        || v(ParamId::FilterModAmount) > -1.0
        || v(ParamId::AmpModAmount) > -1.0;
    (noisy(v(ParamId::Osc1Waveform)) && osc1_heard)
        || (noisy(v(ParamId::Osc2Waveform)) && osc2_heard)
        || (noisy(v(ParamId::LfoWaveform)) && lfo_used)
}

/// A bank file's display name: `BriansBank01.amSynth.bank` → `BriansBank01`.
pub fn bank_label(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.trim_end_matches(".bank")
        .trim_end_matches(".amSynth")
        .to_string()
}

/// Read every bank in `files`.
pub fn read_banks(files: &[PathBuf]) -> Result<Vec<BankPresets>> {
    files
        .iter()
        .map(|f| {
            let bank = wyrd_bank::read_bank(f)
                .with_context(|| format!("{}: cannot read bank", f.display()))?;
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(BankPresets {
                name,
                presets: bank.presets,
            })
        })
        .collect()
}

/// What the full report run needs.
#[derive(Debug, Clone)]
pub struct ReportJob {
    pub bank_files: Vec<PathBuf>,
    pub count: usize,
    pub seed: u64,
    pub notes: Vec<u8>,
    pub playing: Playing,
    /// Also render every note a second time on amSynth for the self baseline (see [`self_take`]).
    pub with_self: bool,
}

/// Measure the selection and build the report. Progress goes to stderr.
pub fn run_report(job: &ReportJob, captures: &mut Captures) -> Result<Report> {
    if job.bank_files.is_empty() {
        bail!("no bank files");
    }
    if job.notes.is_empty() {
        bail!("no notes");
    }
    let banks = read_banks(&job.bank_files)?;
    let picks = select(&banks, job.count, job.seed);
    if picks.len() < 2 {
        bail!(
            "only {} preset(s) selected; need at least 2 for the between-presets baseline",
            picks.len()
        );
    }
    let specs: Vec<NoteSpec> = job
        .notes
        .iter()
        .map(|&n| job.playing.spec(n))
        .collect::<Result<_>>()?;
    let mut mel = MelLsd::new(SAMPLE_RATE)?;
    let started = Instant::now();
    let total = picks.len() * specs.len();

    // amsynth[note index][pick index], left channel.
    let mut reference: Vec<Vec<Vec<f32>>> = vec![Vec::with_capacity(picks.len()); specs.len()];
    let mut rows = Vec::with_capacity(total);
    for (k, pick) in picks.iter().enumerate() {
        let file = &job.bank_files[pick.bank];
        let patch = &banks[pick.bank].presets[pick.preset];
        for (s, spec) in specs.iter().enumerate() {
            let done = k * specs.len() + s;
            eprintln!(
                "[{:>4}/{total}] {}#{} {:?} note {} ({:.0} s)",
                done + 1,
                bank_label(file),
                pick.preset,
                patch.name,
                spec.note,
                started.elapsed().as_secs_f64()
            );
            let ams = captures.get(file, pick.preset, spec, Take::Fresh)?;
            let itself = match self_take(patch).filter(|_| job.with_self) {
                Some(take) => {
                    let again = captures.get(file, pick.preset, spec, take)?;
                    if take == Take::NoiseShifted && again == ams {
                        // The silent note ended before drawing any noise: no second realisation.
                        None
                    } else {
                        Some(mel.distance(&ams.left, &again.left)?)
                    }
                }
                None => None,
            };
            let wyrd = render_wyrd(patch, spec);
            // An unusable wyrd render (NaN, empty) is a result, not an error: it ranks worst.
            let d = mel.distance(&ams.left, &wyrd.left).unwrap_or(f64::NAN);
            rows.push(Row {
                bank: bank_label(file),
                preset: pick.preset,
                name: patch.name.clone(),
                note: spec.note,
                wyrd: d,
                itself,
                noisy: uses_noise(patch),
            });
            reference[s].push(ams.left);
        }
    }
    let mut between = Vec::new();
    for per_note in &reference {
        for (a, b) in between_pairs(per_note.len()) {
            between.push(mel.distance(&per_note[a], &per_note[b])?);
        }
    }
    eprintln!(
        "amSynth captures: {} rendered, {} from cache; {:.1} s in all",
        captures.rendered,
        captures.cached,
        started.elapsed().as_secs_f64()
    );
    let settings = Settings {
        banks: job.bank_files.len(),
        count: picks.len(),
        seed: job.seed,
        notes: job.notes.clone(),
        velocity: job.playing.velocity,
        hold: job.playing.hold,
        tail: job.playing.tail,
        sample_rate: SAMPLE_RATE,
    };
    Ok(Report {
        settings,
        rows,
        between,
    })
}

/// One preset and note, for listening and debugging.
pub struct Single {
    pub name: String,
    pub amsynth: Stereo,
    pub wyrd: Stereo,
    pub distance: f64,
}

pub fn run_single(
    bank: &Path,
    preset: usize,
    spec: &NoteSpec,
    captures: &mut Captures,
) -> Result<Single> {
    let b = wyrd_bank::read_bank(bank)
        .with_context(|| format!("{}: cannot read bank", bank.display()))?;
    // amSynth pads a bank to 128 with defaults; so does `program`.
    let patch = b
        .program(preset)
        .with_context(|| format!("no preset {preset} (a bank holds 0..=127)"))?;
    let amsynth = captures.get(bank, preset, spec, Take::Fresh)?;
    let wyrd = render_wyrd(&patch, spec);
    let distance = MelLsd::new(SAMPLE_RATE)?
        .distance(&amsynth.left, &wyrd.left)
        .unwrap_or(f64::NAN);
    Ok(Single {
        name: patch.name,
        amsynth,
        wyrd,
        distance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(values: &[(ParamId, f32)]) -> Patch {
        let mut p = Patch::default();
        for &(id, v) in values {
            p.set(id as usize, v);
        }
        p
    }

    #[test]
    fn noise_is_detected_only_where_it_is_heard() {
        use ParamId::*;
        assert!(!uses_noise(&Patch::default()));
        assert!(uses_noise(&patch(&[(Osc1Waveform, 3.0)])));
        assert!(
            !uses_noise(&patch(&[(Osc1Waveform, 3.0), (OscMix, 1.0)])),
            "osc1 mixed out"
        );
        assert!(
            uses_noise(&patch(&[
                (Osc1Waveform, 3.0),
                (OscMix, 1.0),
                (OscMixMode, 0.5)
            ])),
            "ring mod"
        );
        assert!(uses_noise(&patch(&[(Osc2Waveform, 4.0)])));
        assert!(
            !uses_noise(&patch(&[(LfoWaveform, 3.0)])),
            "LFO routed nowhere"
        );
        assert!(uses_noise(&patch(&[
            (LfoWaveform, 4.0),
            (AmpModAmount, -0.5)
        ])));
    }

    #[test]
    fn self_take_avoids_state_the_other_key_would_change() {
        use ParamId::*;
        assert_eq!(self_take(&Patch::default()), Some(Take::Repeat));
        assert_eq!(
            self_take(&patch(&[(Osc1Waveform, 3.0)])),
            Some(Take::NoiseShifted)
        );
        assert_eq!(
            self_take(&patch(&[(Osc1Waveform, 3.0), (KeyboardMode, 1.0)])),
            None
        );
        assert_eq!(
            self_take(&patch(&[(Osc1Waveform, 3.0), (PortamentoTime, 0.2)])),
            None
        );
    }

    #[test]
    fn note_timing_is_rounded_to_frames() {
        let p = Playing {
            velocity: 100,
            hold: 2.0,
            tail: 1.0,
        };
        assert_eq!(
            p.spec(60).unwrap(),
            NoteSpec {
                note: 60,
                velocity: 100,
                hold_frames: 96_000,
                tail_frames: 48_000
            }
        );
        assert!(p.spec(128).is_err());
        assert!(Playing {
            velocity: 0,
            ..p.clone()
        }
        .spec(60)
        .is_err());
        assert!(Playing {
            hold: 0.0,
            ..p.clone()
        }
        .spec(60)
        .is_err());
        assert!(Playing {
            hold: 1e-6,
            ..p.clone()
        }
        .spec(60)
        .is_err());
        assert!(Playing { tail: 1e4, ..p }.spec(60).is_err());
    }
}
