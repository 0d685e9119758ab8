//! Live resynthesis end to end under `jackd -d dummy`: a test client plays renders of
//! test-split presets into wyrd's input while `scripts/resynth` runs, and records its output.
//! The output's sustained part must come closer to the input (mel-LSD) than the eval table's
//! mean-patch baseline does to its targets.

#[allow(dead_code)]
mod rig;
mod test_split;

use std::ops::Range;
use std::path::Path;
use std::time::{Duration, Instant};

use rig::{Rig, SR};
use test_split::{mean_patch_baseline, test_presets};
use wyrd_analysis::distance::mel_lsd;
use wyrd_testrig::Job;

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
    // The recorder (not wyrd) misses a JACK cycle now and then on a busy machine, leaving a
    // hole of silence in place. Each note is measured on the longest stretch of its sustained
    // part clear of holes (2048 frames either side, an analysis window), if that is at least
    // 0.25 s; a note without one waits for another take of the whole input (up to three).
    // wyrd keeps running throughout, as on stage.
    let pad = 2048;
    let mut lsd: Vec<Option<f64>> = vec![None; presets.len()];
    for take in 1..=3 {
        let out = rig.play(&job);
        let holes = rig.capturer.last_holes();
        for (i, (key, _)) in presets.iter().enumerate() {
            if lsd[i].is_some() {
                continue;
            }
            // The sustained part: 0.25..1.0 s after the input note starts.
            let sustained = lead + i * slot + SR as usize / 4..lead + i * slot + SR as usize;
            let clear = longest_clear(sustained, &holes, pad);
            if clear.len() < SR as usize / 4 {
                eprintln!("take {take}, {key}: skipped (the recorder missed cycles)");
                continue;
            }
            let d = mel_lsd(&input[clear.clone()], &out[clear.clone()], SR);
            eprintln!(
                "take {take}, {key}: mel-LSD {d:.2} dB over {} frames",
                clear.len()
            );
            lsd[i] = Some(d);
        }
        if lsd.iter().flatten().count() >= 3 {
            break;
        }
    }
    let log = rig.interrupt();
    assert!(!log.contains("wyrd: lua:"), "{log}");
    assert!(!log.contains("wyrd: model error"), "{log}");

    let baseline = mean_patch_baseline();
    let mut lsd: Vec<f64> = lsd.into_iter().flatten().collect();
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

/// The longest part of `span` at least `pad` frames away from every hole.
fn longest_clear(span: Range<usize>, holes: &[Range<usize>], pad: usize) -> Range<usize> {
    let mut best = span.start..span.start;
    let mut start = span.start;
    let mut blocked: Vec<Range<usize>> = holes
        .iter()
        .map(|h| h.start.saturating_sub(pad)..h.end + pad)
        .filter(|h| h.start < span.end && span.start < h.end)
        .collect();
    blocked.sort_by_key(|h| h.start);
    for h in blocked.iter().chain(std::iter::once(&(span.end..span.end))) {
        let end = h.start.clamp(start, span.end);
        if end - start > best.len() {
            best = start..end;
        }
        start = start.max(h.end.min(span.end));
    }
    best
}

#[test]
#[allow(clippy::single_range_in_vec_init)] // a list of one hole, not a range of numbers
fn the_longest_clear_stretch_keeps_its_distance_from_holes() {
    assert_eq!(longest_clear(0..100, &[], 5), 0..100);
    assert_eq!(longest_clear(0..100, &[30..40, 60..62], 5), 67..100);
    assert_eq!(longest_clear(0..100, &[10..20, 80..90], 5), 25..75);
    assert_eq!(longest_clear(0..100, &[0..100], 5).len(), 0);
    // Holes outside the span only count through their padding.
    assert_eq!(longest_clear(50..100, &[0..47], 5), 52..100);
}
