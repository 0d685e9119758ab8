//! `wyrd eval --search`: the matching methods side by side, on test-split presets (each at its
//! three notes) and on an out-of-domain set of recorded notes: kNN, kNN re-ranked by rendering,
//! the note matcher alone, `wyrd match` at two budgets (with its wall time), one patch fitted
//! to three notes jointly, and the live path (`wyrd resynth`, sustained part). Every method is
//! judged the same way: its patch rendered by the engine, mel-LSD against the target, and the
//! pitch of the held part against the target's.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use wyrd_analysis::MelLsd;
use wyrd_dataset::ItemSpec;
use wyrd_render::Stereo;
use wyrd_schema::Patch;

use super::baselines;
use super::data::Dataset;
use super::metrics::Stat;
use crate::instrument::offline::resynth_file;
use crate::instrument::ResynthConfig;
use crate::matching::prepare;
use crate::model::LiveMatcher;
use crate::search::index::summarise;
use crate::search::score::{cut_at_onset, NoteTarget};
use crate::search::{FitConfig, Matcher, Scorer, Target, EVALUATIONS_PER_SECOND};

#[derive(Debug, Clone)]
pub struct SearchEvalConfig {
    /// Test presets, each matched at every note the test set has it at.
    pub presets: usize,
    /// `wyrd match` budgets compared, seconds (see [`EVALUATIONS_PER_SECOND`]).
    pub budgets: Vec<f64>,
    pub seed: u64,
    /// A folder of recorded notes with a `manifest.json` (`./setup.sh ood`).
    pub ood: Option<PathBuf>,
}

/// One method on one set.
#[derive(Debug, Clone, Serialize)]
pub struct SearchRow {
    pub set: String,
    pub method: String,
    pub items: usize,
    pub mel_lsd: Stat,
    /// |pitch error| in cents, over the items whose target is pitched.
    pub cents: Stat,
    /// Wall time per item, seconds (searches only).
    pub seconds: Option<Stat>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchReport {
    pub rows: Vec<SearchRow>,
    pub presets: usize,
    pub budgets: Vec<f64>,
    pub evaluations_per_second: f64,
}

/// Per-item results of one method.
#[derive(Default)]
struct Column {
    lsd: Vec<f64>,
    cents: Vec<f64>,
    seconds: Vec<f64>,
}

impl Column {
    fn row(&self, set: &str, method: &str) -> SearchRow {
        SearchRow {
            set: set.into(),
            method: method.into(),
            items: self.lsd.len(),
            mel_lsd: Stat::of(&self.lsd),
            cents: Stat::of(&self.cents),
            seconds: (!self.seconds.is_empty()).then(|| Stat::of(&self.seconds)),
        }
    }
}

/// Renders `patch` as the target's note was made and measures it against the target.
struct Judge {
    spec: ItemSpec,
    lsd: MelLsd,
    scorer: Scorer,
}

impl Judge {
    fn render(&self, patch: &Patch, t: &NoteTarget) -> Vec<f32> {
        let audio = Scorer::render(&self.spec, patch, t.note, t.velocity);
        if t.from_onset {
            cut_at_onset(&audio, &self.spec)
        } else {
            audio
        }
    }

    fn add(&mut self, col: &mut Column, t: &NoteTarget, audio: &[f32]) {
        col.lsd
            .push(self.lsd.distance(&t.audio, audio).unwrap_or(f64::NAN));
        if let Some(hz) = t.pitch_hz {
            let cents = match self.scorer.held_pitch(&self.spec, audio) {
                Some(got) => (1200.0 * (got / hz).log2()).abs(),
                None => 1200.0,
            };
            col.cents.push(cents);
        }
    }

    fn patch(&mut self, col: &mut Column, t: &NoteTarget, patch: &Patch) {
        let audio = self.render(patch, t);
        self.add(col, t, &audio);
    }
}

/// Columns in the order of the table.
struct Columns {
    names: Vec<String>,
    cols: Vec<Column>,
}

impl Columns {
    fn new() -> Self {
        Columns {
            names: Vec::new(),
            cols: Vec::new(),
        }
    }

    fn get(&mut self, name: &str) -> &mut Column {
        let i = match self.names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                self.names.push(name.to_string());
                self.cols.push(Column::default());
                self.names.len() - 1
            }
        };
        &mut self.cols[i]
    }

    fn rows(&self, set: &str) -> Vec<SearchRow> {
        self.names
            .iter()
            .zip(&self.cols)
            .map(|(n, c)| c.row(set, n))
            .collect()
    }
}

fn budget_name(b: f64, evaluations: usize) -> String {
    format!("wyrd match, {b} s ({evaluations} renders)")
}

/// The methods every target goes through; `knn` is the standard baseline's patch when there
/// is one.
fn single_note_methods(
    matcher: &Matcher,
    judge: &mut Judge,
    cols: &mut Columns,
    target: &Target,
    knn: Option<&Patch>,
    cfg: &SearchEvalConfig,
) -> Result<Vec<Patch>> {
    let t = &target.notes[0];
    if let Some(p) = knn {
        judge.patch(cols.get("kNN (training renders, MFCC)"), t, p);
        // The same, measured as the live path is: the sustained part only.
        let audio = judge.render(p, t);
        let sr = judge.spec.sample_rate;
        let d = judge
            .lsd
            .distance(&sustained(&t.audio, sr), &sustained(&audio, sr))
            .unwrap_or(f64::NAN);
        cols.get("kNN (training renders), sustained part")
            .lsd
            .push(d);
    }
    let spec = &matcher.spec;
    let mut analyzer = wyrd_analysis::MfccAnalyzer::new(spec.mfcc_config())?;
    let features = spec.features(&mut analyzer, &t.audio)?;
    let query = summarise(&features.mfcc, spec.n_mfcc());
    let nearest = matcher.index.nearest(&query, t.note, 16);
    if let Some(n) = nearest.first() {
        judge.patch(
            cols.get("kNN (preset index)"),
            t,
            &matcher.index.patches[n.preset],
        );
    }
    // Re-ranked: the 16 nearest rendered at the note, the closest by mel-LSD kept.
    let mut best: Option<(f64, Vec<f32>)> = None;
    for n in &nearest {
        let audio = judge.render(&matcher.index.patches[n.preset], t);
        let d = judge.lsd.distance(&t.audio, &audio).unwrap_or(f64::NAN);
        if best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, audio));
        }
    }
    if let Some((_, audio)) = best {
        judge.add(cols.get("kNN re-ranked by rendering (16)"), t, &audio);
    }
    if let Some(m) = &matcher.note_matcher {
        let p = m.predict(&features.mfcc, t.note)?;
        judge.patch(cols.get("note matcher alone"), t, &p);
    }
    let mut fitted = Vec::new();
    for &b in &cfg.budgets {
        let evaluations = (b * EVALUATIONS_PER_SECOND).round() as usize;
        let started = Instant::now();
        let r = matcher.fit(
            target,
            &FitConfig {
                evaluations,
                seed: cfg.seed,
                ..FitConfig::default()
            },
            &|_, _| {},
        )?;
        let col = cols.get(&budget_name(b, evaluations));
        col.seconds.push(started.elapsed().as_secs_f64());
        judge.patch(col, t, &r.patch);
        fitted.push(r.patch);
    }
    Ok(fitted)
}

pub fn run(
    cfg: &SearchEvalConfig,
    matcher: &mut Matcher,
    test: &Dataset,
    train: Option<&Dataset>,
    live: Option<Arc<LiveMatcher>>,
    progress: &dyn Fn(&str),
) -> Result<SearchReport> {
    let spec = matcher.spec.clone();
    let mut judge = Judge {
        lsd: MelLsd::new(spec.sample_rate)?,
        scorer: Scorer::new(&spec)?,
        spec: spec.clone(),
    };
    let mut rows = Vec::new();

    // Test presets spread over the split, each at every note the test set has.
    let mut presets: Vec<i32> = test.preset.clone();
    presets.sort_unstable();
    presets.dedup();
    let chosen: Vec<i32> = (0..cfg.presets.min(presets.len()))
        .map(|k| presets[k * presets.len() / cfg.presets.max(1)])
        .collect();
    let items: Vec<Vec<usize>> = chosen
        .iter()
        .map(|&p| (0..test.len()).filter(|&i| test.preset[i] == p).collect())
        .collect();
    let flat: Vec<usize> = items.iter().flatten().copied().collect();
    let knn = train.map(|train| {
        let sub = super::subset(test, &flat);
        baselines::knn(train, &sub)
    });
    let mut cols = Columns::new();
    let mut k = 0;
    for (pi, group) in items.iter().enumerate() {
        let truth = test.patch(group[0]);
        let mut targets = Vec::new();
        let mut single: Vec<(u8, Vec<Patch>)> = Vec::new();
        for &i in group {
            let note = test.note_of(i);
            let audio = spec.render(&truth, note);
            let target = matcher.target(vec![(note, spec.velocity, audio)], false)?;
            let fitted = single_note_methods(
                matcher,
                &mut judge,
                &mut cols,
                &target,
                knn.as_ref().map(|k_| &k_[k]),
                cfg,
            )?;
            k += 1;
            if let Some(lm) = &live {
                let input = Stereo {
                    left: target.notes[0].audio.clone(),
                    right: target.notes[0].audio.clone(),
                    sample_rate: spec.sample_rate,
                };
                let out = resynth_file(
                    &input,
                    Arc::clone(lm),
                    ResynthConfig::new(spec.sample_rate),
                    &Patch::default(),
                    0.0,
                )?;
                let sr = spec.sample_rate;
                let (a, b) = (
                    sustained(&target.notes[0].audio, sr),
                    sustained(&out.mono(), sr),
                );
                let col = cols.get("wyrd resynth (live path, sustained part)");
                col.lsd.push(judge.lsd.distance(&a, &b).unwrap_or(f64::NAN));
                if let Some(hz) = target.notes[0].pitch_hz {
                    let full = out.mono();
                    let cents = match judge.scorer.held_pitch(&spec, &full) {
                        Some(got) => (1200.0 * (got / hz).log2()).abs(),
                        None => 1200.0,
                    };
                    col.cents.push(cents);
                }
            }
            single.push((note, fitted));
            targets.push(target.notes[0].clone());
        }
        // One patch for all the preset's notes, against the first budget's single-note fits.
        if targets.len() > 1 {
            let joint = Target {
                spec: spec.clone(),
                notes: targets.clone(),
            };
            let b = cfg.budgets.first().copied().unwrap_or(2.0);
            let evaluations = (b * EVALUATIONS_PER_SECOND).round() as usize;
            let started = Instant::now();
            let r = matcher.fit(
                &joint,
                &FitConfig {
                    evaluations,
                    seed: cfg.seed,
                    ..FitConfig::default()
                },
                &|_, _| {},
            )?;
            let seconds = started.elapsed().as_secs_f64();
            let name = format!("wyrd match, {} notes jointly, {b} s", targets.len());
            cols.get(&name).seconds.push(seconds);
            for t in &targets {
                judge.patch(cols.get(&name), t, &r.patch);
            }
            // What one note's fit does at the preset's other notes (key tracking), and the
            // joint fit at those same notes.
            if let Some((mid, fits)) = single.get(targets.len() / 2) {
                if let Some(one) = fits.first() {
                    for t in targets.iter().filter(|t| t.note != *mid) {
                        judge.patch(
                            cols.get("one-note match, played at the other notes"),
                            t,
                            one,
                        );
                        judge.patch(cols.get("joint match, at those same notes"), t, &r.patch);
                    }
                }
            }
        }
        progress(&format!(
            "search: test preset {}/{} ({} notes)",
            pi + 1,
            items.len(),
            group.len()
        ));
    }
    rows.extend(cols.rows("test split"));

    if let Some(dir) = &cfg.ood {
        let recordings = ood_recordings(dir, &spec)?;
        let mut cols = Columns::new();
        for (i, (name, note, audio)) in recordings.iter().enumerate() {
            let target = matcher.target(vec![(*note, spec.velocity, audio.clone())], true)?;
            single_note_methods(matcher, &mut judge, &mut cols, &target, None, cfg)?;
            progress(&format!(
                "search: out-of-domain note {}/{} ({name})",
                i + 1,
                recordings.len()
            ));
        }
        rows.extend(cols.rows("out of domain"));
    }
    Ok(SearchReport {
        rows,
        presets: chosen.len(),
        budgets: cfg.budgets.clone(),
        evaluations_per_second: EVALUATIONS_PER_SECOND,
    })
}

/// The held part a live comparison looks at: 0.25 s to 1 s after the note starts.
fn sustained(x: &[f32], sample_rate: u32) -> Vec<f32> {
    let sr = sample_rate as usize;
    x[(sr / 4).min(x.len())..sr.min(x.len())].to_vec()
}

/// `(name, note, prepared audio)` for every note of a `manifest.json` folder.
fn ood_recordings(dir: &Path, spec: &ItemSpec) -> Result<Vec<(String, u8, Vec<f32>)>> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let notes = manifest["notes"]
        .as_array()
        .or_else(|| manifest.as_array())
        .with_context(|| format!("{}: no list of notes", path.display()))?;
    notes
        .iter()
        .map(|n| {
            let file = dir.join(n["file"].as_str().context("a note without a file")?);
            let note = n["note"].as_u64().context("a note without its MIDI note")? as u8;
            let audio = wyrd_render::read_input(&file, spec.sample_rate)?;
            let prepared =
                prepare(&audio.mono(), spec).with_context(|| file.display().to_string())?;
            let name = n["name"].as_str().unwrap_or("?").to_string();
            Ok((name, note, prepared))
        })
        .collect()
}

/// The tables of `search.md`, with the targets.
pub fn markdown(r: &SearchReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for set in ["test split", "out of domain"] {
        let rows: Vec<&SearchRow> = r.rows.iter().filter(|x| x.set == set).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(s, "### {set}\n");
        let _ = writeln!(
            s,
            "| method | items | mel-LSD median | mel-LSD mean | pitch error median (cents) | wall s per item |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
        for x in rows {
            let cents = if x.cents.n == 0 {
                "–".to_string()
            } else {
                format!("{:.1}", x.cents.median)
            };
            let _ = writeln!(
                s,
                "| {} | {} | {:.2} | {:.2} | {} | {} |",
                x.method,
                x.items,
                x.mel_lsd.median,
                x.mel_lsd.mean,
                cents,
                x.seconds
                    .map_or(String::new(), |t| format!("{:.2}", t.median))
            );
        }
        s.push('\n');
    }
    s
}

pub fn write(out: &Path, r: &SearchReport) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    let md = out.join("search.md");
    std::fs::write(&md, markdown(r)).with_context(|| format!("{}: cannot write", md.display()))?;
    let json = out.join("search.json");
    std::fs::write(&json, serde_json::to_string_pretty(r)?)
        .with_context(|| format!("{}: cannot write", json.display()))?;
    Ok(())
}
