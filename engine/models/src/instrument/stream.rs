//! Streaming a model's outputs into the engine without clicks.
//!
//! Continuous values go to the engine as targets, which its parameter smoothing ramps to; an
//! optional one-pole here (resynthesis' `smoothing`) slows them further. Categorical values
//! (waveforms, filter type, slope...) cannot be ramped: a switch is an audible step. They change
//! with **hysteresis**: a group leaves its current option only when another one's probability
//! beats it by [`SWITCH_MARGIN`] in [`SWITCH_ROWS`] consecutive rows, so a latent swept slowly
//! (or a jittering fader) across a boundary switches once, not back and forth every update.
//! Switching only at note boundaries was the other choice; it would freeze the timbre of a
//! drone or a held resynthesis note, so hysteresis it is.

use wyrd_schema::{NUM_PARAMS, PARAMS};

use crate::meta::ModelMeta;

/// How much more probable (softmax) another option must be before a group switches to it.
pub const SWITCH_MARGIN: f32 = 0.2;
/// Consecutive rows another option must win by the margin before the group switches: a
/// jittering fader or a noisy input frame cannot flip a waveform back and forth.
pub const SWITCH_ROWS: u32 = 3;

/// One model's output layout and the state of its stream.
#[derive(Debug, Clone)]
pub struct PatchStream {
    continuous: Vec<usize>,
    /// (schema index, offset in `cat`, size) per categorical group.
    groups: Vec<(usize, usize, usize)>,
    current: Vec<Option<usize>>,
    /// The option challenging the current one, and for how many rows in a row it has won.
    challenger: Vec<Option<(usize, u32)>>,
    smoothed: Vec<Option<f32>>,
    margin: f32,
    /// Schema indices left as the patch has them.
    hold: Vec<usize>,
}

impl PatchStream {
    pub fn new(meta: &ModelMeta) -> Self {
        PatchStream {
            continuous: meta.continuous.clone(),
            groups: meta
                .groups
                .iter()
                .map(|g| (g.index, g.offset, g.size()))
                .collect(),
            current: vec![None; meta.groups.len()],
            challenger: vec![None; meta.groups.len()],
            smoothed: vec![None; meta.continuous.len()],
            margin: SWITCH_MARGIN,
            hold: Vec::new(),
        }
    }

    /// Leaves these parameters (schema indices) as the patch has them.
    pub fn holding(mut self, indices: &[usize]) -> Self {
        self.hold = indices.to_vec();
        self
    }

    pub fn with_margin(mut self, margin: f32) -> Self {
        self.margin = margin;
        self
    }

    /// Forget the stream's state: the next row applies as it is.
    pub fn reset(&mut self) {
        self.current.iter_mut().for_each(|c| *c = None);
        self.challenger.iter_mut().for_each(|c| *c = None);
        self.smoothed.iter_mut().for_each(|c| *c = None);
    }

    /// The categorical options now chosen, per group (`None` before the first row).
    pub fn choices(&self) -> &[Option<usize>] {
        &self.current
    }

    /// Writes one output row (`cont` in the 0..1 view, `cat` softmax per group) into `patch`.
    /// `alpha` is the one-pole step toward the new continuous values (1: none). Non-finite
    /// outputs keep the previous value (or the patch's own), so NaN never reaches the engine.
    pub fn apply(&mut self, cont: &[f32], cat: &[f32], alpha: f32, patch: &mut [f32; NUM_PARAMS]) {
        let alpha = if alpha.is_finite() {
            alpha.clamp(0.0, 1.0)
        } else {
            1.0
        };
        for (k, &i) in self.continuous.iter().enumerate() {
            if self.hold.contains(&i) {
                continue;
            }
            let Some(&x) = cont.get(k).filter(|x| x.is_finite()) else {
                if let Some(s) = self.smoothed[k] {
                    patch[i] = PARAMS[i].denormalize(f64::from(s));
                }
                continue;
            };
            let x = x.clamp(0.0, 1.0);
            let s = match self.smoothed[k] {
                Some(prev) => prev + alpha * (x - prev),
                None => x,
            };
            self.smoothed[k] = Some(s);
            patch[i] = PARAMS[i].denormalize(f64::from(s));
        }
        for (g, &(index, offset, size)) in self.groups.iter().enumerate() {
            if self.hold.contains(&index) {
                continue;
            }
            let Some(scores) = cat.get(offset..offset + size) else {
                continue;
            };
            let winner = choose(scores, self.current[g], self.margin);
            let current = match self.current[g] {
                Some(cur) if winner.is_some_and(|w| w != cur) => {
                    let w = winner.unwrap_or(cur);
                    let rows = match self.challenger[g] {
                        Some((c, n)) if c == w => n + 1,
                        _ => 1,
                    };
                    if rows >= SWITCH_ROWS {
                        self.challenger[g] = None;
                        Some(w)
                    } else {
                        self.challenger[g] = Some((w, rows));
                        Some(cur)
                    }
                }
                Some(cur) => {
                    self.challenger[g] = None;
                    Some(cur)
                }
                None => winner,
            };
            self.current[g] = current;
            if let Some(c) = current {
                patch[index] = c as f32;
            }
        }
    }
}

/// The option winning a row: the current one unless another beats it by `margin`.
fn choose(scores: &[f32], current: Option<usize>, margin: f32) -> Option<usize> {
    let best = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_finite())
        .fold(None, |best: Option<(usize, f32)>, (i, &s)| match best {
            Some((_, b)) if b >= s => best,
            _ => Some((i, s)),
        })
        .map(|(i, _)| i);
    let (Some(best), Some(cur)) = (best, current) else {
        return best.or(current);
    };
    match scores.get(cur).filter(|s| s.is_finite()) {
        Some(&c) if scores[best] - c <= margin => Some(cur),
        _ => Some(best),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_switches_only_past_the_margin() {
        assert_eq!(choose(&[0.6, 0.4], None, 0.2), Some(0));
        // Slightly better is not enough...
        assert_eq!(choose(&[0.45, 0.55], Some(0), 0.2), Some(0));
        assert_eq!(choose(&[0.41, 0.59], Some(0), 0.2), Some(0));
        // ...clearly better is.
        assert_eq!(choose(&[0.35, 0.65], Some(0), 0.2), Some(1));
        // NaN scores never win and never stick.
        assert_eq!(choose(&[f32::NAN, 0.1], Some(0), 0.2), Some(1));
        assert_eq!(choose(&[f32::NAN, f32::NAN], Some(1), 0.2), Some(1));
        assert_eq!(choose(&[f32::NAN], None, 0.2), None);
    }

    #[test]
    fn a_slow_sweep_across_a_boundary_switches_once() {
        let mut switches = 0;
        let mut cur = None;
        // p(option 1) rises 0 → 1 with noise of ±0.08 around the line.
        for k in 0..=200 {
            let noise = if k % 2 == 0 { 0.08 } else { -0.08 };
            let p = (k as f32 / 200.0 + noise).clamp(0.0, 1.0);
            let next = choose(&[1.0 - p, p], cur, SWITCH_MARGIN);
            if cur.is_some() && next != cur {
                switches += 1;
            }
            cur = next;
        }
        assert_eq!(switches, 1);
        assert_eq!(cur, Some(1));
        // Without hysteresis the same sweep flips back and forth.
        let (mut flips, mut cur) = (0, None);
        for k in 0..=200 {
            let noise = if k % 2 == 0 { 0.08 } else { -0.08 };
            let p = (k as f32 / 200.0 + noise).clamp(0.0, 1.0);
            let next = choose(&[1.0 - p, p], cur, 0.0);
            if cur.is_some() && next != cur {
                flips += 1;
            }
            cur = next;
        }
        assert!(flips > 5, "{flips}");
    }
}
