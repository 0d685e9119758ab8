//! Every preset shipped in Debian's amsynth package renders finite samples within 0 dBFS, and
//! renders are bit-identical run to run.
use rayon::prelude::*;
use wyrd_render::{render_notes, NoteRender};

fn debian_banks() -> Vec<std::path::PathBuf> {
    let dir = wyrd_bank::banks_dir()
        .expect("amSynth banks not found: run `./setup.sh banks` (or set WYRD_BANKS)");
    let files = wyrd_bank::debian_bank_files(&dir);
    assert_eq!(
        files.len(),
        28,
        "expected Debian's 28 bank files in {}",
        dir.display()
    );
    files
}

#[test]
fn every_shipped_preset_renders_finite_within_0dbfs() {
    let presets: Vec<(String, wyrd_schema::Patch)> = debian_banks()
        .iter()
        .flat_map(|f| {
            let bank = wyrd_bank::read_bank(f).unwrap();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            bank.presets
                .into_iter()
                .enumerate()
                .map(move |(i, p)| (format!("{name}#{i}"), p))
        })
        .collect();
    assert_eq!(presets.len(), 3482);
    let spec = NoteRender {
        notes: vec![48, 60, 67],
        hold: 0.6,
        tail: 0.3,
        ..NoteRender::default()
    };
    let silent: usize = presets
        .par_iter()
        .map(|(key, patch)| {
            let audio = render_notes(patch, &spec);
            let mut peak = 0.0f32;
            for s in audio.left.iter().chain(&audio.right) {
                assert!(
                    s.is_finite() && s.abs() <= 1.0,
                    "{key} ({}): sample {s}",
                    patch.name
                );
                peak = peak.max(s.abs());
            }
            usize::from(peak < 1e-4)
        })
        .sum();
    // A few presets are meant to be near-silent at these notes (slow attacks, closed filters);
    // if many were, the render would be broken rather than the presets.
    assert!(silent < 100, "{silent} presets rendered silent");
}

#[test]
fn renders_are_bit_identical_and_seeded() {
    let bank = wyrd_bank::read_bank(&debian_banks()[0]).unwrap();
    // A noise-heavy preset shows the seed; any preset shows determinism.
    let noisy = bank
        .presets
        .iter()
        .find(|p| p.get(4) == 3.0 || p.get(13) == 3.0)
        .expect("a noise preset");
    let spec = NoteRender {
        notes: vec![60, 64],
        hold: 0.5,
        tail: 0.2,
        ..NoteRender::default()
    };
    let a = render_notes(noisy, &spec);
    let b = render_notes(noisy, &spec);
    assert_eq!(a, b);
    let c = render_notes(noisy, &NoteRender { seed: 2, ..spec });
    assert_ne!(a.left, c.left);
}

#[test]
fn wav_round_trip_keeps_every_sample() {
    let bank = wyrd_bank::read_bank(&debian_banks()[0]).unwrap();
    let audio = render_notes(
        &bank.presets[0],
        &NoteRender {
            hold: 0.2,
            tail: 0.1,
            ..NoteRender::default()
        },
    );
    let path = std::env::temp_dir().join(format!("wyrd-render-test-{}.wav", std::process::id()));
    wyrd_render::write_wav(&path, &audio).unwrap();
    let back = wyrd_render::read_wav(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(back, audio);
}
