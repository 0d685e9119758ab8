//! The project's goals for each model, and `eval.md` / `eval.json`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use super::{Goal, MatchRow, Report, VaeRow};

pub const KNN_FACTOR: f64 = 0.8;
pub const MEAN_FACTOR: f64 = 0.5;
pub const VAE_CONT_MAE: f64 = 0.06;
pub const VAE_CAT_ACC: f64 = 0.90;
pub const PRIOR_USABLE: f64 = 0.95;

/// Note matchers: median mel-LSD ≤ 0.8 × kNN's and ≤ 0.5 × the mean patch's.
pub fn set_matcher_goals(rows: &mut [MatchRow]) {
    let median = |variant: &str| {
        rows.iter()
            .find(|r| r.kind == "baseline" && r.variant == variant)
            .map(|r| r.scores.mel_lsd.median)
    };
    let (knn, mean) = (median("knn"), median("mean"));
    for r in rows.iter_mut().filter(|r| r.kind == "note_matcher") {
        let m = r.scores.mel_lsd.median;
        let met = match (knn, mean) {
            (Some(k), Some(a)) => Some(m <= KNN_FACTOR * k && m <= MEAN_FACTOR * a),
            _ => None,
        };
        r.goal = Some(Goal {
            text: format!(
                "median mel-LSD <= {KNN_FACTOR} x kNN ({}) and <= {MEAN_FACTOR} x mean patch ({})",
                num(knn.map(|k| KNN_FACTOR * k)),
                num(mean.map(|a| MEAN_FACTOR * a))
            ),
            met,
        });
    }
}

pub fn set_vae_goals(row: &mut VaeRow) {
    let recon = row.reconstruction.as_ref();
    row.goals = vec![
        Goal {
            text: format!(
                "reconstruction continuous MAE <= {VAE_CONT_MAE} and categorical accuracy >= {:.0}%",
                100.0 * VAE_CAT_ACC
            ),
            met: recon.map(|r| r.cont_mae <= VAE_CONT_MAE && r.cat_acc >= VAE_CAT_ACC),
        },
        Goal {
            text: format!("usable prior samples >= {:.0}%", 100.0 * PRIOR_USABLE),
            met: Some(row.prior_usable >= PRIOR_USABLE),
        },
        Goal {
            text: "latent interpolation smoother than naive (median max step / path length)".into(),
            met: match (row.smoothness_latent, row.smoothness_naive) {
                (Some(l), Some(n)) if l.is_finite() && n.is_finite() => Some(l < n),
                _ => None,
            },
        },
    ];
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.3}"),
        _ => "n/a".into(),
    }
}

fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1}%", 100.0 * v)
    } else {
        "n/a".into()
    }
}

fn mark(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "not met",
        None => "n/a",
    }
}

pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# wyrd eval\n");
    let _ = writeln!(
        s,
        "Test set `{}` ({} items), training set {}, models `{}`, seed {}.\n",
        r.test.display(),
        r.items,
        r.train
            .as_ref()
            .map_or("none (no baselines)".into(), |t| format!(
                "`{}`",
                t.display()
            )),
        r.models.display(),
        r.seed
    );
    let _ = writeln!(
        s,
        "## Matching (re-rendered, target = render of the true patch)\n"
    );
    let _ = writeln!(
        s,
        "| model | kind | items | mel-LSD median | mel-LSD mean | MFCC-MAE median | MFCC-MAE mean | cont MAE | cat acc | goal |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for row in &r.matching {
        let m = &row.scores;
        let goal = row
            .goal
            .as_ref()
            .map_or(String::new(), |g| format!("{}: {}", mark(g.met), g.text));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.name,
            row.kind,
            m.items,
            num(Some(m.mel_lsd.median)),
            num(Some(m.mel_lsd.mean)),
            num(Some(m.mfcc_mae.median)),
            num(Some(m.mfcc_mae.mean)),
            num(Some(m.cont_mae)),
            pct(m.cat_acc),
            goal
        );
    }
    let _ = writeln!(
        s,
        "\nLive matchers: parameter errors over their outputs and every window (the running patch \
         being the true one), mel-LSD of the middle window's prediction. Failed renders \
         (non-finite) are left out of the statistics.\n"
    );
    let _ = writeln!(s, "## VAE\n");
    let _ = writeln!(
        s,
        "| model | latent | recon cont MAE | recon cat acc | recon mel-LSD median | usable prior | smoothness latent | smoothness naive | goals |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for v in &r.vae {
        let rc = v.reconstruction.as_ref();
        let goals: Vec<String> = v
            .goals
            .iter()
            .map(|g| format!("{}: {}", mark(g.met), g.text))
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} of {} | {} | {} | {} |",
            v.name,
            v.latent_dim,
            num(rc.map(|r| r.cont_mae)),
            rc.map_or("n/a".into(), |r| pct(r.cat_acc)),
            num(rc.map(|r| r.mel_lsd.median)),
            pct(v.prior_usable),
            v.prior_samples,
            num(v.smoothness_latent),
            num(v.smoothness_naive),
            goals.join("; ")
        );
    }
    let _ = writeln!(
        s,
        "| uniform random patch | - | - | - | - | {} | - | - | reference |",
        pct(r.uniform_random_usable)
    );
    let _ = writeln!(s, "\nUsable: {}.", r.usable_definition);
    let _ = writeln!(
        s,
        "Smoothness: for preset pairs, 8-step paths (latent: between the encoder means, decoded; \
         naive: linear in the 0..1 view, categoricals switching at the midpoint), MFCC-MAE between \
         consecutive renders of note 60; max step / path length, median over pairs (1/7 = even, \
         1 = one jump)."
    );
    if !r.examples.is_empty() {
        let _ = writeln!(s, "\n## Examples (target | prediction, mel dB)\n");
        for e in &r.examples {
            let name = e.file_name().unwrap_or_default().to_string_lossy();
            let _ = writeln!(s, "![{name}](examples/{name})");
        }
    }
    s
}

/// NaN is not JSON; it is written as null.
pub fn write(out: &Path, r: &Report) -> Result<()> {
    let md = out.join("eval.md");
    std::fs::write(&md, markdown(r)).with_context(|| format!("{}: cannot write", md.display()))?;
    let json = out.join("eval.json");
    let v = serde_json::to_value(r)?;
    std::fs::write(&json, serde_json::to_string_pretty(&v)? + "\n")
        .with_context(|| format!("{}: cannot write", json.display()))?;
    Ok(())
}
