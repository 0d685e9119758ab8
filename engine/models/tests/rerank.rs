//! Live resynthesis' search (`instrument::rerank`) on real renders heard by the live analysis:
//! the frames of a known patch pick that patch among candidates, the index finds a preset from
//! a window of its held part, and `wyrd resynth` with the search is deterministic, with and
//! without an index.

use std::path::Path;
use std::sync::Arc;

use wyrd_analysis::live::{LiveAnalyzer, LiveConfig, LiveFrame};
use wyrd_dataset::ItemSpec;
use wyrd_models::instrument::offline::resynth_file;
use wyrd_models::instrument::rerank::{Heard, Judge, RoundStart, Search, Source, Timbre};
use wyrd_models::instrument::{load, Loaded, ResynthConfig, SearchConfig};
use wyrd_models::search::Index;
use wyrd_render::{render_notes, NoteRender, Stereo};
use wyrd_schema::{defaults, find, Patch, NUM_PARAMS, PARAMS};

const SR: u32 = 48_000;

fn factory(n: usize) -> [f32; NUM_PARAMS] {
    let path =
        wyrd_bank::find_bank(Path::new("amsynth_factory.bank")).expect("banks (./setup.sh banks)");
    *wyrd_bank::read_bank(&path).unwrap().presets[n].values()
}

/// The live matcher's timbre less osc 2's tuning, as resynthesis searches it.
fn timbre() -> Timbre {
    let ids =
        |names: &[&str]| -> Vec<usize> { names.iter().map(|n| find(n).unwrap().index).collect() };
    Timbre {
        continuous: ids(&[
            "filter_resonance",
            "filter_env_amount",
            "filter_cutoff",
            "lfo_freq",
            "osc_mix",
            "freq_mod_amount",
            "filter_mod_amount",
            "amp_mod_amount",
            "osc_mix_mode",
            "osc1_pulsewidth",
            "osc2_pulsewidth",
            "distortion_crunch",
            "filter_kbd_track",
        ]),
        groups: ids(&[
            "osc1_waveform",
            "osc2_waveform",
            "lfo_waveform",
            "osc2_sync",
            "filter_type",
            "filter_slope",
            "freq_mod_osc",
        ])
        .into_iter()
        .map(|i| (i, PARAMS[i].options().unwrap().len()))
        .collect(),
    }
}

/// The default patch with its envelope held open, as resynthesis plays it.
fn voice() -> [f32; NUM_PARAMS] {
    let mut v = defaults();
    for (id, x) in [
        ("amp_attack", 0.0),
        ("amp_decay", 0.0),
        ("amp_sustain", 1.0),
        ("amp_release", 0.05),
    ] {
        let i = find(id).unwrap().index;
        v[i] = PARAMS[i].sanitize(x);
    }
    v
}

fn render(patch: &[f32; NUM_PARAMS], note: u8, hold: f64) -> Vec<f32> {
    let spec = NoteRender {
        notes: vec![note],
        hold,
        tail: 0.0,
        sample_rate: SR,
        max_voices: 1,
        ..NoteRender::default()
    };
    render_notes(&Patch::from_values("p", *patch), &spec).mono()
}

/// `audio` analysed as the live analysis thread would.
fn live_frames(audio: &[f32]) -> Vec<LiveFrame> {
    let mut a = LiveAnalyzer::new(&LiveConfig::new(SR)).unwrap();
    let mut frames = Vec::new();
    a.push(audio, audio, |f: &LiveFrame| frames.push(*f))
        .unwrap();
    frames
}

fn heard(frames: &[LiveFrame]) -> Heard {
    Heard::of(
        frames
            .iter()
            .map(|f| (f.mfcc(), f.rms, f.pitch_hz.iter().any(|&hz| hz > 0.0))),
    )
}

#[test]
fn live_frames_of_a_patch_pick_it_among_the_candidates() {
    let (timbre, voice) = (timbre(), voice());
    let candidates: Vec<[f32; NUM_PARAMS]> = [1, 3, 5, 7, 9, 12]
        .into_iter()
        .map(|n| timbre.onto(&voice, &factory(n)))
        .collect();
    let note = 57;
    // Ten frames whose windows end at 25,088 samples (frames 38..48, centres 38·512..47·512).
    let end = 25_088;
    for (t, truth) in candidates.iter().enumerate() {
        let frames = live_frames(&render(truth, note, 1.0));
        let target = heard(&frames[38..48]);
        assert_eq!(frames[47].centre + 1024, end as u64);
        let mut judge = Judge::new(SR, &SearchConfig::default());
        let scores: Vec<f32> = candidates
            .iter()
            .map(|c| judge.score(c, note, end, &target).score)
            .collect();
        let best = (0..scores.len())
            .min_by(|&a, &b| scores[a].total_cmp(&scores[b]))
            .unwrap();
        assert_eq!(best, t, "candidate {t}: {scores:?}");
        // Rendered to the same point of the note, the truth sounds as the live analysis heard
        // it (the score adds how far its pitch is off the note's, the same for all).
        let again = judge
            .hear(
                &render(truth, note, end as f64 / 48e3),
                10,
                Some(target.rms),
            )
            .unwrap();
        let d = judge.distance(&again, &target);
        assert!(d < 0.05, "candidate {t}: {d} dB");
    }

    // A whole round: the truth offered as the matcher's patch wins over the playing patch and
    // its perturbations (no index here), after `every` hops and not before.
    let (truth, playing) = (candidates[2], candidates[4]);
    let frames = live_frames(&render(&truth, note, 1.0));
    let config = SearchConfig {
        index: Some("/nonexistent/wyrd-test.idx".into()),
        ..SearchConfig::default()
    };
    let every = config.every;
    let mut search = Search::new(config, timbre.clone(), SR);
    search.prepare();
    assert!(!search.has_index());
    let mut winner = None;
    for hop in 0..every {
        winner = search.hop(|| {
            Some(RoundStart {
                heard: heard(&frames[38..48]),
                note,
                since: end,
                matcher: truth,
                playing,
                keep_level: false,
            })
        });
        assert_eq!(winner.is_some(), hop + 1 == every, "hop {hop}");
    }
    let w = winner.unwrap();
    assert_eq!(w.source, Source::Matcher);
    assert_eq!(w.patch, timbre.onto(&playing, &truth));
    // Two candidates, four perturbations: every one heard once.
    assert_eq!(search.renders(), 6);
}

#[test]
fn the_index_finds_a_preset_from_a_window_of_its_held_part() {
    let spec = ItemSpec::default();
    let dir = std::env::temp_dir().join(format!("wyrd-rerank-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bank = wyrd_bank::find_bank(Path::new("BriansBank03.amSynth.bank"))
        .expect("banks (./setup.sh banks)");
    std::fs::copy(bank, dir.join("BriansBank03.amSynth.bank")).unwrap();
    let index = Index::build(&dir, &spec).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let mut weights = vec![1.0f32; spec.n_mfcc()];
    weights[0] = 0.0;
    for p in [0, index.len() / 2, index.len() - 1] {
        let frames = live_frames(&spec.render(&index.patches[p], 60));
        // Segment 4 of 12 over the item's 141 frames: frames 47..58, 0.5..0.62 s, held.
        let window = heard(&frames[47..58]);
        let near = index.nearest_held(&spec, &window.mean, &weights, 61, 5);
        assert_eq!(near.len(), 5);
        assert!(near.windows(2).all(|w| w[0].distance <= w[1].distance));
        // Presets that sound identical share the top distance; this one is among them.
        assert!(near[0].distance < 1e-3, "{near:?}");
        let same: Vec<usize> = near
            .iter()
            .filter(|n| n.distance < 1e-3)
            .map(|n| n.preset)
            .collect();
        assert!(same.contains(&p), "{p}: {near:?}");
    }
}

fn live_matcher() -> Arc<wyrd_models::LiveMatcher> {
    match load("live_matcher").unwrap() {
        Loaded::LiveMatcher(m) => m,
        other => panic!("live_matcher is {}", other.kind()),
    }
}

/// Two notes of a factory preset (held 0.8 s, 0.4 s apart), the second 12 dB quieter.
fn input() -> Stereo {
    let p = factory(3);
    let mut mono = vec![0.0f32; SR as usize / 10];
    for (note, gain) in [(57, 1.0), (64, 0.25)] {
        let mut n = render(&p, note, 0.8);
        n.iter_mut().for_each(|s| *s *= gain);
        mono.extend(n);
        mono.extend(vec![0.0; 2 * SR as usize / 5]);
    }
    Stereo {
        left: mono.clone(),
        right: mono,
        sample_rate: SR,
    }
}

#[test]
fn resynthesis_with_the_search_is_deterministic_with_or_without_an_index() {
    let m = live_matcher();
    let input = input();
    let base = Patch::default();
    let run = |search: Option<SearchConfig>| {
        let mut c = ResynthConfig::new(SR);
        c.search = search;
        resynth_file(&input, Arc::clone(&m), c, &base, 0.2).unwrap()
    };
    let searched = run(Some(SearchConfig::default()));
    assert_eq!(
        searched,
        run(Some(SearchConfig::default())),
        "two runs differ"
    );
    let alone = run(None);
    assert_ne!(searched, alone, "the search changed nothing");
    let no_index = SearchConfig {
        index: Some("/nonexistent/wyrd-test.idx".into()),
        ..SearchConfig::default()
    };
    let without = run(Some(no_index.clone()));
    assert_eq!(
        without,
        run(Some(no_index)),
        "two runs without an index differ"
    );
    assert_ne!(
        without, alone,
        "without an index the search changed nothing"
    );
    // Another seed moves other perturbations.
    let reseeded = run(Some(SearchConfig {
        seed: 7,
        ..SearchConfig::default()
    }));
    assert_ne!(reseeded, searched);
    for out in [&searched, &without] {
        assert!(out.left.iter().all(|s| s.is_finite()));
        let peak = out.left.iter().fold(0.0f32, |a, &s| a.max(s.abs()));
        assert!(peak > 0.01, "silent: {peak}");
    }
}
