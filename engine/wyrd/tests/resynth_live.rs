//! Live resynthesis end to end under `jackd -d dummy`: a test client plays renders of
//! test-split presets into wyrd's input while `scripts/resynth` runs, and records its output.
//! The output's sustained part must come closer to the input (mel-LSD) than the eval table's
//! mean-patch baseline does to its targets.

#[allow(dead_code)]
mod rig;
mod test_split;

use std::path::Path;
use std::time::{Duration, Instant};

use rig::{Rig, SR};
use test_split::{mean_patch_baseline, test_presets};
use wyrd_analysis::distance::mel_lsd;
use wyrd_jackd::Job;

#[test]
fn live_resynthesis_of_test_presets_beats_the_mean_patch_baseline() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/resynth/resynth.lua");
    let script = script.display().to_string();
    let mut rig = Rig::start(&[&script, "--repl-port", "0", "--no-watch"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rig.wyrd.log().contains("resynth.lua running") {
        assert!(
            Instant::now() < deadline,
            "not running:\n{}",
            rig.wyrd.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let presets = test_presets(8);
    // Each note 1.5 s, then 0.5 s of silence so the follower lets go between them.
    let slot = 2 * SR as usize;
    let lead = SR as usize / 4;
    let mut input = vec![0.0f32; lead + presets.len() * slot];
    for (i, (_, audio)) in presets.iter().enumerate() {
        let at = lead + i * slot;
        let audio = audio.mono();
        input[at..at + audio.len()].copy_from_slice(&audio);
    }
    let mut job = Job::new(vec![], 0, input.len() as u32);
    job.input = Some((input.clone(), input.clone()));
    // Real time: the analysis and model threads keep pace with the audio as they do on stage.
    job.freewheel = false;
    let out = rig.play(&job);
    let holes = rig.capturer.last_holes();
    let log = rig.interrupt();
    assert!(!log.contains("wyrd: lua:"), "{log}");
    assert!(!log.contains("wyrd: model error"), "{log}");

    let baseline = mean_patch_baseline();
    let mut lsd = vec![];
    for (i, (key, _)) in presets.iter().enumerate() {
        // The sustained part: 0.25..1.0 s after the input note starts.
        let sustained = lead + i * slot + SR as usize / 4..lead + i * slot + SR as usize;
        if holes
            .iter()
            .any(|h| h.start < sustained.end && sustained.start < h.end)
        {
            eprintln!("{key}: skipped (the recorder missed a cycle)");
            continue;
        }
        let d = mel_lsd(&input[sustained.clone()], &out[sustained], SR);
        eprintln!("{key}: mel-LSD {d:.2} dB");
        lsd.push(d);
    }
    assert!(
        lsd.len() >= 3,
        "too few notes recorded whole: {}",
        lsd.len()
    );
    lsd.sort_by(f64::total_cmp);
    let median = lsd[lsd.len() / 2];
    eprintln!(
        "live resynthesis: median mel-LSD {median:.2} dB over {} test presets; the mean-patch \
         baseline is {baseline:.2} dB, {:.2} dB ({:.0} %) worse",
        lsd.len(),
        baseline - median,
        100.0 * (baseline - median) / baseline
    );
    assert!(
        median < baseline,
        "median {median:.2} dB, baseline {baseline:.2} dB"
    );
}
