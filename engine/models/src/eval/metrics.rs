//! Per-item scores and their summaries.

use serde::Serialize;
use wyrd_analysis::{MelLsd, MfccMae};
use wyrd_schema::{Kind, Patch, PARAMS};

/// Parameter errors of `pred` against `truth` over the schema indices `over`: absolute
/// differences in the 0..1 view for continuous (and stepped) ones, equality for categoricals.
pub fn param_errors(truth: &Patch, pred: &Patch, over: &[usize]) -> (Vec<f64>, Vec<bool>) {
    let mut cont = Vec::new();
    let mut cat = Vec::new();
    for &i in over {
        let p = &PARAMS[i];
        match p.kind {
            Kind::Categorical { .. } => {
                cat.push(p.sanitize(truth.get(i)) == p.sanitize(pred.get(i)));
            }
            _ => cont.push((p.normalize(truth.get(i)) - p.normalize(pred.get(i))).abs()),
        }
    }
    (cont, cat)
}

/// Both distances of the project between a target render (reference) and a prediction's;
/// NaN where a render is unusable (non-finite samples), so it never passes for a match.
pub struct AudioScorer {
    lsd: MelLsd,
    mae: MfccMae,
}

impl AudioScorer {
    pub fn new(sample_rate: u32) -> Self {
        AudioScorer {
            lsd: MelLsd::new(sample_rate).expect("48 kHz is a valid mel config"),
            mae: MfccMae::new(sample_rate).expect("48 kHz is a valid MFCC config"),
        }
    }

    pub fn score(&mut self, target: &[f32], pred: &[f32]) -> (f64, f64) {
        (
            self.lsd.distance(target, pred).unwrap_or(f64::NAN),
            self.mae.distance(target, pred).unwrap_or(f64::NAN),
        )
    }

    pub fn mfcc_mae(&mut self, a: &[f32], b: &[f32]) -> f64 {
        self.mae.distance(a, b).unwrap_or(f64::NAN)
    }

    pub fn mel_lsd(&mut self) -> &mut MelLsd {
        &mut self.lsd
    }
}

/// Median and mean over the finite values, and how many were not finite.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Stat {
    pub median: f64,
    pub mean: f64,
    pub n: usize,
    pub failed: usize,
}

impl Stat {
    pub fn of(values: &[f64]) -> Stat {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let failed = values.len() - v.len();
        if v.is_empty() {
            return Stat {
                median: f64::NAN,
                mean: f64::NAN,
                n: 0,
                failed,
            };
        }
        v.sort_by(f64::total_cmp);
        let m = v.len() / 2;
        let median = if v.len() % 2 == 1 {
            v[m]
        } else {
            0.5 * (v[m - 1] + v[m])
        };
        Stat {
            median,
            mean: v.iter().sum::<f64>() / v.len() as f64,
            n: v.len(),
            failed,
        }
    }
}

/// What a matcher (or baseline, or reconstruction) scored over the test items.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MatchScores {
    pub items: usize,
    pub mel_lsd: Stat,
    pub mfcc_mae: Stat,
    /// Mean absolute continuous error in the 0..1 view.
    pub cont_mae: f64,
    /// Share of categorical parameters right.
    pub cat_acc: f64,
}

/// Accumulates per-item scores of one method.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    pub mel_lsd: Vec<f64>,
    pub mfcc_mae: Vec<f64>,
    pub cont: Vec<f64>,
    pub cat: Vec<bool>,
    pub items: usize,
}

impl Scores {
    pub fn add_params(&mut self, truth: &Patch, pred: &Patch, over: &[usize]) {
        let (c, k) = param_errors(truth, pred, over);
        self.cont.extend(c);
        self.cat.extend(k);
        self.items += 1;
    }

    pub fn summary(&self) -> MatchScores {
        let mean = |v: &[f64]| {
            if v.is_empty() {
                f64::NAN
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        };
        MatchScores {
            items: self.items,
            mel_lsd: Stat::of(&self.mel_lsd),
            mfcc_mae: Stat::of(&self.mfcc_mae),
            cont_mae: mean(&self.cont),
            cat_acc: if self.cat.is_empty() {
                f64::NAN
            } else {
                self.cat.iter().filter(|&&b| b).count() as f64 / self.cat.len() as f64
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_skip_nan_and_count_it() {
        let s = Stat::of(&[3.0, f64::NAN, 1.0, 2.0, 10.0]);
        assert_eq!((s.median, s.mean, s.n, s.failed), (2.5, 4.0, 4, 1));
        assert!(Stat::of(&[]).median.is_nan());
    }
}
