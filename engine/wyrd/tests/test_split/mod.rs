//! The test split's presets as the dataset renders them, and the eval table's mean-patch
//! baseline: what the resynthesis tests (offline and live) compare against.

use std::path::{Path, PathBuf};

use wyrd_render::{render_notes, NoteRender, Stereo};

pub const SR: u32 = 48_000;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The first `n` test-split presets (models/splits/test.txt) at note 60: 1 s held, 0.5 s tail.
pub fn test_presets(n: usize) -> Vec<(String, Stereo)> {
    let keys = std::fs::read_to_string(root().join("models/splits/test.txt")).unwrap();
    keys.lines()
        .take(n)
        .map(|key| {
            let (bank, index) = key.split_once('#').unwrap();
            let path = wyrd_bank::find_bank(Path::new(bank))
                .unwrap_or_else(|| panic!("no bank {bank} (./setup.sh banks)"));
            let bank = wyrd_bank::read_bank(&path).unwrap();
            let patch = &bank.presets[index.parse::<usize>().unwrap()];
            let audio = render_notes(
                patch,
                &NoteRender {
                    notes: vec![60],
                    hold: 1.0,
                    tail: 0.5,
                    sample_rate: SR,
                    max_voices: 1,
                    ..NoteRender::default()
                },
            );
            (key.to_string(), audio)
        })
        .collect()
}

/// The eval table's median mel-LSD of the mean training patch (models/eval/eval.json).
pub fn mean_patch_baseline() -> f64 {
    let text = std::fs::read_to_string(root().join("models/eval/eval.json")).unwrap();
    let eval: serde_json::Value = serde_json::from_str(&text).unwrap();
    eval["matching"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["variant"] == "mean")
        .and_then(|m| m["scores"]["mel_lsd"]["median"].as_f64())
        .expect("mean-patch baseline in eval.json")
}
