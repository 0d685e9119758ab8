//! The fidelity report: per-preset distances, baselines, summary, and their text forms.

use std::fmt::Write as _;

/// The goal for median(wyrd vs amSynth) / median(between presets).
pub const GOAL_RATIO: f64 = 0.35;

/// How the report was made, printed in its header.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub banks: usize,
    pub count: usize,
    pub seed: u64,
    pub notes: Vec<u8>,
    pub velocity: u8,
    pub hold: f64,
    pub tail: f64,
    pub sample_rate: u32,
}

/// One preset and note.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Bank file name without `.bank`.
    pub bank: String,
    pub preset: usize,
    pub name: String,
    pub note: u8,
    /// mel-LSD (dB) of wyrd's render against amSynth's (the reference). NaN: wyrd's output was
    /// unusable (empty or not finite).
    pub wyrd: f64,
    /// mel-LSD (dB) of amSynth's second render against its first (`None`: not measured).
    pub itself: Option<f64>,
    /// The preset audibly uses amSynth's noise generator.
    pub noisy: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub settings: Settings,
    pub rows: Vec<Row>,
    /// mel-LSD between the amSynth renders of two different presets, same note.
    pub between: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub wyrd: f64,
    pub between: f64,
    pub itself: f64,
    /// Over noise presets only: the floor no noise generator other than amSynth's can beat.
    pub itself_noisy: f64,
    /// `wyrd / between`; the goal is ≤ [`GOAL_RATIO`].
    pub ratio: f64,
}

/// Median, with NaN counted as worse than any number (a broken render must never improve
/// it); NaN for no values.
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values
        .into_iter()
        .map(|x| if x.is_nan() { f64::INFINITY } else { x })
        .collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

impl Report {
    pub fn summary(&self) -> Summary {
        let wyrd = median(self.rows.iter().map(|r| r.wyrd));
        let between = median(self.between.iter().copied());
        let itself = median(self.rows.iter().filter_map(|r| r.itself));
        let itself_noisy = median(
            self.rows
                .iter()
                .filter(|r| r.noisy)
                .filter_map(|r| r.itself),
        );
        Summary {
            wyrd,
            between,
            itself,
            itself_noisy,
            ratio: wyrd / between,
        }
    }

    /// Worst (largest distance, NaN first) to best.
    pub fn worst_first(&self) -> Vec<&Row> {
        let key = |r: &Row| {
            if r.wyrd.is_nan() {
                f64::INFINITY
            } else {
                r.wyrd
            }
        };
        let mut rows: Vec<&Row> = self.rows.iter().collect();
        rows.sort_by(|a, b| {
            key(b)
                .total_cmp(&key(a))
                .then_with(|| (&a.bank, a.preset, a.note).cmp(&(&b.bank, b.preset, b.note)))
        });
        rows
    }

    fn summary_lines(&self) -> Vec<(String, String)> {
        let s = self.summary();
        let verdict = if s.ratio <= GOAL_RATIO {
            "met"
        } else {
            "not met"
        };
        vec![
            (
                "median mel-LSD wyrd vs amSynth".into(),
                format!("{:.3} dB ({} renders)", s.wyrd, self.rows.len()),
            ),
            (
                "median mel-LSD between presets (amSynth)".into(),
                format!("{:.3} dB ({} pairs)", s.between, self.between.len()),
            ),
            (
                "median mel-LSD amSynth vs itself".into(),
                format!(
                    "{:.3} dB ({} renders)",
                    s.itself,
                    self.rows.iter().filter(|r| r.itself.is_some()).count()
                ),
            ),
            (
                "  … noise presets only".into(),
                format!(
                    "{:.3} dB ({} renders)",
                    s.itself_noisy,
                    self.rows
                        .iter()
                        .filter(|r| r.noisy && r.itself.is_some())
                        .count()
                ),
            ),
            (
                "ratio wyrd / between".into(),
                format!("{:.3} (goal ≤ {GOAL_RATIO}: {verdict})", s.ratio),
            ),
        ]
    }

    /// A plain-text table for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:>4}  {:<22} {:<24} {:>4} {:>9} {:>9} {:>5}",
            "rank", "preset", "name", "note", "mel-LSD", "self", "noise"
        );
        for (i, r) in self.worst_first().iter().enumerate() {
            let _ = writeln!(
                out,
                "{:>4}  {:<22} {:<24} {:>4} {:>9.3} {:>9} {:>5}",
                i + 1,
                format!("{}#{}", r.bank, r.preset),
                truncate(&r.name, 24),
                r.note,
                r.wyrd,
                opt(r.itself),
                yes(r.noisy)
            );
        }
        out.push('\n');
        for (k, v) in self.summary_lines() {
            let _ = writeln!(out, "{k:<44} {v}");
        }
        out
    }

    pub fn to_markdown(&self) -> String {
        let s = &self.settings;
        let notes: Vec<String> = s.notes.iter().map(u8::to_string).collect();
        let mut out = String::new();
        let _ = writeln!(out, "# wyrd fidelity report\n");
        let _ = writeln!(
            out,
            "{} presets (seed {}) from {} banks, notes {}, velocity {}, hold {} s, tail {} s, {} Hz. \
             Distance: mel-LSD in dB of the left channel, amSynth as the reference. \
             amSynth: Debian's amsynth under a private JACK dummy server in freewheel mode, a fresh \
             process per note, recorded from the note-on frame. \"self\": amSynth against a second \
             render of itself — a plain repeat for presets without audible noise (amSynth is \
             deterministic, so this is 0 unless the capture path is broken), the noise generator \
             advanced for polyphonic noise presets without portamento, n/a for other noise presets.\n",
            self.rows.len() / s.notes.len().max(1),
            s.seed,
            s.banks,
            notes.join(", "),
            s.velocity,
            s.hold,
            s.tail,
            s.sample_rate
        );
        let _ = writeln!(out, "## Summary\n\n| measure | value |\n|---|---|");
        for (k, v) in self.summary_lines() {
            let _ = writeln!(out, "| {k} | {v} |");
        }
        let _ = writeln!(out, "\n## Presets, worst first\n\n| rank | preset | name | note | mel-LSD (dB) | self (dB) | noise |");
        let _ = writeln!(out, "|---:|---|---|---:|---:|---:|---|");
        for (i, r) in self.worst_first().iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {}#{} | {} | {} | {:.3} | {} | {} |",
                i + 1,
                r.bank,
                r.preset,
                r.name.replace('|', "\\|"),
                r.note,
                r.wyrd,
                opt(r.itself),
                yes(r.noisy)
            );
        }
        out
    }

    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "bank,preset,name,note,mel_lsd_wyrd_vs_amsynth,mel_lsd_amsynth_vs_itself,noise\n",
        );
        for r in self.worst_first() {
            let itself = r.itself.map(|d| format!("{d:.6}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "{},{},{},{},{:.6},{itself},{}",
                csv_field(&r.bank),
                r.preset,
                csv_field(&r.name),
                r.note,
                r.wyrd,
                yes(r.noisy)
            );
        }
        out
    }
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        ""
    }
}

fn opt(d: Option<f64>) -> String {
    d.map(|d| format!("{d:.3}")).unwrap_or_else(|| "n/a".into())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(preset: usize, wyrd: f64) -> Row {
        Row {
            bank: "B".into(),
            preset,
            name: format!("n{preset}"),
            note: 60,
            wyrd,
            itself: Some(0.5),
            noisy: false,
        }
    }

    fn report(rows: Vec<Row>, between: Vec<f64>) -> Report {
        let settings = Settings {
            banks: 1,
            count: rows.len(),
            seed: 1,
            notes: vec![60],
            velocity: 100,
            hold: 2.0,
            tail: 1.0,
            sample_rate: 48_000,
        };
        Report {
            settings,
            rows,
            between,
        }
    }

    #[test]
    fn median_counts_nan_as_worst() {
        assert_eq!(median([3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median([4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median([1.0, f64::NAN, f64::NAN]), f64::INFINITY);
        assert!(median([]).is_nan());
    }

    #[test]
    fn rows_are_sorted_worst_first_and_summary_is_consistent() {
        let r = report(
            vec![row(0, 1.0), row(1, f64::NAN), row(2, 5.0), row(3, 2.0)],
            vec![10.0, 20.0, 30.0],
        );
        let order: Vec<usize> = r.worst_first().iter().map(|r| r.preset).collect();
        assert_eq!(order, [1, 2, 3, 0]);
        let s = r.summary();
        assert_eq!(s.between, 20.0);
        assert_eq!(s.wyrd, 3.5);
        assert_eq!(s.ratio, 3.5 / 20.0);
        assert!(r
            .to_markdown()
            .contains("| 1 | B#1 | n1 | 60 | NaN | 0.500 |  |"));
    }

    #[test]
    fn csv_quotes_awkward_names() {
        let mut a = row(0, 1.0);
        a.name = "Pad, \"warm\"".into();
        let csv = report(vec![a], vec![1.0]).to_csv();
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("B,0,\"Pad, \"\"warm\"\"\",60,1.000000"),
            "{csv}"
        );
    }
}
