//! `wyrd eval`: every model in a folder against the test split, with the baselines and goals
//! of the project, written as `eval.md`, `eval.json` and spectrogram pictures.
//!
//! Audio is always re-rendered by the engine (`ItemSpec::render`): a prediction is judged by
//! how it sounds, the target being the render of the true test patch (mel-LSD's reference).

pub mod baselines;
pub mod data;
pub mod image;
pub mod interp;
pub mod metrics;
pub mod report;
pub mod search;
pub mod usable;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use wyrd_dataset::ItemSpec;
use wyrd_schema::{Patch, NUM_PARAMS};

use crate::model::{Decoder, Encoder, LiveMatcher, Model, NoteMatcher};
use crate::ModelKind;
use data::Dataset;
use metrics::{AudioScorer, MatchScores, Scores, Stat};

/// What to evaluate and where to write.
#[derive(Debug, Clone)]
pub struct EvalConfig {
    pub test: PathBuf,
    pub train: Option<PathBuf>,
    pub models: PathBuf,
    pub out: PathBuf,
    pub examples: usize,
    pub prior_samples: usize,
    /// Preset pairs for the interpolation test.
    pub pairs: usize,
    pub seed: u64,
    /// Evaluate only this many test items (evenly spread), for quick runs.
    pub limit: Option<usize>,
}

/// One row of the matching table.
#[derive(Debug, Clone, Serialize)]
pub struct MatchRow {
    pub name: String,
    /// `note_matcher`, `live_matcher`, `baseline` or `vae_reconstruction`.
    pub kind: String,
    pub variant: String,
    pub scores: MatchScores,
    /// Goal text and whether it is met (`None`: no goal, or its baselines were not run).
    pub goal: Option<Goal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    pub text: String,
    pub met: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VaeRow {
    pub name: String,
    pub latent_dim: usize,
    pub decoder: String,
    pub encoder: Option<String>,
    pub reconstruction: Option<MatchScores>,
    pub prior_usable: f64,
    pub prior_samples: usize,
    /// Median over pairs of max step / path length (lower is smoother).
    pub smoothness_latent: Option<f64>,
    pub smoothness_naive: Option<f64>,
    pub pairs: usize,
    pub goals: Vec<Goal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub test: PathBuf,
    pub train: Option<PathBuf>,
    pub models: PathBuf,
    pub items: usize,
    pub seed: u64,
    pub matching: Vec<MatchRow>,
    pub vae: Vec<VaeRow>,
    pub uniform_random_usable: f64,
    pub usable_definition: &'static str,
    pub examples: Vec<PathBuf>,
}

/// A set of per-item predictions scored together in one rendering pass.
struct Method {
    name: String,
    kind: String,
    variant: String,
    patches: Vec<Patch>,
    /// Schema indices the parameter metrics cover.
    over: Vec<usize>,
}

fn progress(msg: impl AsRef<str>) {
    eprintln!("eval: {}", msg.as_ref());
}

/// The models of `dir` (`*.onnx`, not recursive), by file name. A model that fails to open is
/// an error: a broken model must not be skipped silently in a report.
pub fn open_models(dir: &Path) -> Result<Vec<Model>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read the models folder", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "onnx"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| Model::open(p).map_err(anyhow::Error::from))
        .collect()
}

/// Evenly spread subset of `0..n` of size `limit`.
fn spread(n: usize, limit: Option<usize>) -> Vec<usize> {
    match limit {
        Some(k) if k < n => (0..k).map(|i| i * n / k.max(1)).collect(),
        _ => (0..n).collect(),
    }
}

fn subset(d: &Dataset, idx: &[usize]) -> Dataset {
    let t = d.frames * d.n_mfcc;
    let l = d.windows * d.window * d.n_mfcc;
    Dataset {
        dir: d.dir.clone(),
        meta: d.meta.clone(),
        params: idx.iter().map(|&i| d.params[i]).collect(),
        x: idx.iter().map(|&i| d.x[i].clone()).collect(),
        note: idx.iter().map(|&i| d.note[i]).collect(),
        preset: idx.iter().map(|&i| d.preset[i]).collect(),
        mfcc: idx
            .iter()
            .flat_map(|&i| d.mfcc[i * t..(i + 1) * t].iter().copied())
            .collect(),
        live: if d.live.is_empty() {
            Vec::new()
        } else {
            idx.iter()
                .flat_map(|&i| d.live[i * l..(i + 1) * l].iter().copied())
                .collect()
        },
        ..*d
    }
}

pub fn run(cfg: &EvalConfig) -> Result<Report> {
    let spec = ItemSpec::default();
    let full = data::load(&cfg.test)?;
    let test = subset(&full, &spread(full.len(), cfg.limit));
    progress(format!(
        "{} test items from {}",
        test.len(),
        cfg.test.display()
    ));
    anyhow::ensure!(
        !test.is_empty(),
        "{}: the test set is empty",
        cfg.test.display()
    );
    let train = match &cfg.train {
        Some(dir) => {
            let t = data::load(dir)?;
            progress(format!("{} training items from {}", t.len(), dir.display()));
            Some(t)
        }
        None => None,
    };
    let models = open_models(&cfg.models)?;
    progress(format!(
        "{} models in {}",
        models.len(),
        cfg.models.display()
    ));
    std::fs::create_dir_all(&cfg.out)
        .with_context(|| format!("{}: cannot create", cfg.out.display()))?;

    let all: Vec<usize> = (0..NUM_PARAMS).collect();
    let mut methods: Vec<Method> = Vec::new();
    let notes: Vec<f32> = test.note.iter().map(|&n| n as f32).collect();
    let mut decoders = Vec::new();
    let mut encoders = Vec::new();
    let mut live = Vec::new();
    for m in models {
        let (name, variant) = (m.name(), m.meta().variant.clone());
        match m.kind() {
            ModelKind::NoteMatcher => {
                progress(format!("{name}: predicting {} items", test.len()));
                let nm = NoteMatcher::try_from(m)?;
                if test.frames != spec.mfcc_frames() {
                    anyhow::bail!(
                        "{}: the test set has {} MFCC frames per item, note matchers take {}",
                        cfg.test.display(),
                        test.frames,
                        spec.mfcc_frames()
                    );
                }
                let patches = nm.predict_batch(&test.mfcc, &notes)?;
                methods.push(Method {
                    name,
                    kind: "note_matcher".into(),
                    variant,
                    patches,
                    over: all.clone(),
                });
            }
            ModelKind::LiveMatcher => live.push(LiveMatcher::try_from(m)?),
            ModelKind::VaeDecoder => decoders.push(Decoder::try_from(m)?),
            ModelKind::VaeEncoder => encoders.push(Encoder::try_from(m)?),
        }
    }
    if let Some(train) = &train {
        progress("baselines: nearest training render, mean and random training patch");
        methods.push(Method {
            name: "kNN (training renders, MFCC)".into(),
            kind: "baseline".into(),
            variant: "knn".into(),
            patches: baselines::knn(train, &test),
            over: all.clone(),
        });
        let mean = baselines::mean_patch(train);
        methods.push(Method {
            name: "mean training patch".into(),
            kind: "baseline".into(),
            variant: "mean".into(),
            patches: vec![mean; test.len()],
            over: all.clone(),
        });
        methods.push(Method {
            name: "random training patch".into(),
            kind: "baseline".into(),
            variant: "random".into(),
            patches: baselines::random_patches(train, test.len(), cfg.seed),
            over: all.clone(),
        });
    }

    // Live matchers: every window predicts (with the true patch as the running one); the
    // middle window's prediction is also rendered.
    let mut live_scores = Vec::new();
    for lm in &live {
        if test.live.is_empty() {
            progress(format!(
                "{}: the test set has no live windows, skipped",
                lm.0.name()
            ));
            continue;
        }
        progress(format!(
            "{}: predicting {} windows",
            lm.0.name(),
            test.len() * test.windows
        ));
        let bases: Vec<Patch> = (0..test.len())
            .flat_map(|i| std::iter::repeat_n(test.patch(i), test.windows))
            .collect();
        let wnotes: Vec<f32> = notes
            .iter()
            .flat_map(|&n| std::iter::repeat_n(n, test.windows))
            .collect();
        let preds = lm.predict_batch(&test.live, &wnotes, &bases)?;
        let over = lm.outputs();
        let mut s = Scores::default();
        for (r, p) in preds.iter().enumerate() {
            s.add_params(&bases[r], p, &over);
        }
        let mid = test.windows / 2;
        live_scores.push(s);
        methods.push(Method {
            name: lm.0.name(),
            kind: "live_matcher".into(),
            variant: lm.0.meta().variant.clone(),
            patches: (0..test.len())
                .map(|i| preds[i * test.windows + mid].clone())
                .collect(),
            over,
        });
    }

    // VAE reconstructions: encode each test item's true patch, decode, render at its note.
    let pairs = vae_pairs(&decoders, &encoders);
    for (d, e) in &pairs {
        if let Some(e) = e {
            progress(format!(
                "{}: reconstructing {} test items",
                d.0.name(),
                test.len()
            ));
            let truths: Vec<Patch> = (0..test.len()).map(|i| test.patch(i)).collect();
            let z = e.encode(&truths)?;
            let recon = d.decode(&z)?;
            methods.push(Method {
                name: format!("{} reconstruction", vae_name(d)),
                kind: "vae_reconstruction".into(),
                variant: d.0.meta().variant.clone(),
                patches: recon,
                over: all.clone(),
            });
        }
    }

    // One rendering pass over the test items scores every method.
    progress(format!(
        "rendering {} items x {} methods",
        test.len(),
        methods.len() + 1
    ));
    let per_item: Vec<Vec<(f64, f64)>> = (0..test.len())
        .into_par_iter()
        .map_init(
            || AudioScorer::new(spec.sample_rate),
            |scorer, i| {
                let note = test.note_of(i);
                let target = spec.render(&test.patch(i), note);
                methods
                    .iter()
                    .map(|m| scorer.score(&target, &spec.render(&m.patches[i], note)))
                    .collect()
            },
        )
        .collect();
    let mut rows = Vec::new();
    let mut live_iter = live_scores.into_iter();
    for (k, m) in methods.iter().enumerate() {
        let mut s = if m.kind == "live_matcher" {
            live_iter.next().unwrap_or_default()
        } else {
            let mut s = Scores::default();
            for (i, p) in m.patches.iter().enumerate() {
                s.add_params(&test.patch(i), p, &m.over);
            }
            s
        };
        s.mel_lsd = per_item.iter().map(|v| v[k].0).collect();
        s.mfcc_mae = per_item.iter().map(|v| v[k].1).collect();
        rows.push(MatchRow {
            name: m.name.clone(),
            kind: m.kind.clone(),
            variant: m.variant.clone(),
            scores: s.summary(),
            goal: None,
        });
    }
    report::set_matcher_goals(&mut rows);

    // Prior samples, uniform random patches, interpolation.
    let uniform = baselines::uniform_patches(cfg.prior_samples, cfg.seed ^ 0x5eed);
    let uniform_random_usable = usable_share(&spec, &uniform);
    progress(format!(
        "uniform random patches: {:.1}% usable",
        100.0 * uniform_random_usable
    ));
    let mut vae = Vec::new();
    for (d, e) in &pairs {
        let row = eval_vae(cfg, &spec, &test, d, *e, &rows)?;
        vae.push(row);
    }

    let examples = write_examples(cfg, &spec, &test, &methods)?;
    let report = Report {
        test: cfg.test.clone(),
        train: cfg.train.clone(),
        models: cfg.models.clone(),
        items: test.len(),
        seed: cfg.seed,
        matching: rows,
        vae,
        uniform_random_usable,
        usable_definition: usable::DEFINITION,
        examples,
    };
    report::write(&cfg.out, &report)?;
    Ok(report)
}

fn vae_name(d: &Decoder) -> String {
    format!("VAE {}", d.0.meta().variant)
}

/// Decoders with the encoder of the same variant and latent size, if there is one.
fn vae_pairs<'a>(
    decoders: &'a [Decoder],
    encoders: &'a [Encoder],
) -> Vec<(&'a Decoder, Option<&'a Encoder>)> {
    decoders
        .iter()
        .map(|d| {
            let e = encoders.iter().find(|e| {
                e.0.meta().variant == d.0.meta().variant && e.latent_dim() == d.latent_dim()
            });
            (d, e)
        })
        .collect()
}

fn usable_share(spec: &ItemSpec, patches: &[Patch]) -> f64 {
    if patches.is_empty() {
        return f64::NAN;
    }
    let n = patches
        .par_iter()
        .filter(|p| usable::patch_is_usable(spec, p))
        .count();
    n as f64 / patches.len() as f64
}

fn eval_vae(
    cfg: &EvalConfig,
    spec: &ItemSpec,
    test: &Dataset,
    d: &Decoder,
    e: Option<&Encoder>,
    rows: &[MatchRow],
) -> Result<VaeRow> {
    let name = vae_name(d);
    let z = baselines::normal_latents(cfg.prior_samples, d.latent_dim(), cfg.seed);
    let prior = d.decode(&z)?;
    let prior_usable = usable_share(spec, &prior);
    progress(format!(
        "{name}: {:.1}% of {} prior samples usable",
        100.0 * prior_usable,
        prior.len()
    ));
    let reconstruction = rows
        .iter()
        .find(|r| r.kind == "vae_reconstruction" && r.name == format!("{name} reconstruction"))
        .map(|r| r.scores.clone());
    let (mut latent, mut naive, mut n_pairs) = (None, None, 0);
    if let Some(e) = e {
        let pairs = preset_pairs(test, cfg.pairs, cfg.seed);
        n_pairs = pairs.len();
        progress(format!("{name}: interpolating {n_pairs} preset pairs"));
        let mut paths = Vec::new();
        for &(a, b) in &pairs {
            let (pa, pb) = (test.patch(a), test.patch(b));
            let zs = e.encode(&[pa.clone(), pb.clone()])?;
            paths.push((
                d.decode(&interp::latent_line(&zs[0], &zs[1]))?,
                interp::naive_path(&pa, &pb),
            ));
        }
        let scores: Vec<(f64, f64)> = paths
            .par_iter()
            .map_init(
                || AudioScorer::new(spec.sample_rate),
                |scorer, (lp, np)| {
                    let mut along = |path: &[Patch]| {
                        let audio: Vec<Vec<f32>> =
                            path.iter().map(|p| spec.render(p, usable::NOTE)).collect();
                        let steps: Vec<f64> = audio
                            .windows(2)
                            .map(|w| scorer.mfcc_mae(&w[0], &w[1]))
                            .collect();
                        interp::smoothness(&steps)
                    };
                    (along(lp), along(np))
                },
            )
            .collect();
        let l: Vec<f64> = scores.iter().map(|s| s.0).collect();
        let n: Vec<f64> = scores.iter().map(|s| s.1).collect();
        latent = Some(Stat::of(&l).median);
        naive = Some(Stat::of(&n).median);
    }
    let mut row = VaeRow {
        name,
        latent_dim: d.latent_dim(),
        decoder: d.0.name(),
        encoder: e.map(|e| e.0.name()),
        reconstruction,
        prior_usable,
        prior_samples: prior.len(),
        smoothness_latent: latent,
        smoothness_naive: naive,
        pairs: n_pairs,
        goals: Vec::new(),
    };
    report::set_vae_goals(&mut row);
    Ok(row)
}

/// Distinct pairs of distinct test presets (first item of each preset), seeded.
fn preset_pairs(test: &Dataset, pairs: usize, seed: u64) -> Vec<(usize, usize)> {
    use rand::{seq::SliceRandom, SeedableRng};
    let mut firsts: Vec<usize> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for i in 0..test.len() {
        if test.preset[i] < 0 || seen.insert(test.preset[i]) {
            firsts.push(i);
        }
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::new();
    if firsts.len() < 2 {
        return out;
    }
    let mut used = std::collections::HashSet::new();
    let mut tries = 0;
    while out.len() < pairs && tries < pairs * 20 {
        tries += 1;
        let pick: Vec<usize> = firsts.choose_multiple(&mut rng, 2).copied().collect();
        let key = (pick[0].min(pick[1]), pick[0].max(pick[1]));
        if used.insert(key) {
            out.push((pick[0], pick[1]));
        }
    }
    out
}

/// Target | prediction mel spectrograms for `cfg.examples` evenly spread items, per method.
fn write_examples(
    cfg: &EvalConfig,
    spec: &ItemSpec,
    test: &Dataset,
    methods: &[Method],
) -> Result<Vec<PathBuf>> {
    if cfg.examples == 0 || methods.is_empty() {
        return Ok(Vec::new());
    }
    let dir = cfg.out.join("examples");
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let mut scorer = AudioScorer::new(spec.sample_rate);
    let mut written = Vec::new();
    for i in spread(test.len(), Some(cfg.examples)) {
        let note = test.note_of(i);
        let target = scorer
            .mel_lsd()
            .mel_db(&spec.render(&test.patch(i), note))?;
        for m in methods {
            let pred = scorer
                .mel_lsd()
                .mel_db(&spec.render(&m.patches[i], note))
                .unwrap_or_else(|_| target.clone());
            let file = dir.join(format!("{}-item{i}.png", slug(&m.name)));
            image::write_comparison(&file, &target, &pred)?;
            written.push(file);
        }
    }
    progress(format!(
        "{} example spectrograms in {}",
        written.len(),
        dir.display()
    ));
    Ok(written)
}

fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    out.trim_matches('_').to_owned()
}
