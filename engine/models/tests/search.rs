//! The search's parts on real renders: the index finds a preset from its own sound and
//! survives a save and load; a fit is deterministic, never worse than its proposals, and in
//! tune; the level matching the search relies on holds where the voice is linear.

use std::path::Path;
use std::sync::OnceLock;

use wyrd_dataset::ItemSpec;
use wyrd_models::search::index::summarise;
use wyrd_models::search::{fit, FitConfig, Index, Proposal, Scorer, Target};
use wyrd_schema::{ParamId, Patch};

fn spec() -> ItemSpec {
    ItemSpec::default()
}

/// An index of one bank's train-split presets, built once.
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("wyrd-search-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bank = wyrd_bank::find_bank(Path::new("BriansBank03.amSynth.bank"))
            .expect("banks (./setup.sh banks)");
        std::fs::copy(bank, dir.join("BriansBank03.amSynth.bank")).unwrap();
        let index = Index::build(&dir, &spec()).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        index
    })
}

fn factory(n: usize) -> Patch {
    let path = wyrd_bank::find_bank(Path::new("amsynth_factory.bank")).unwrap();
    wyrd_bank::read_bank(&path).unwrap().presets[n].clone()
}

fn target(scorer: &mut Scorer, patch: &Patch, note: u8) -> Target {
    let spec = spec();
    let audio = spec.render(patch, note);
    let t = scorer
        .target_note(&spec, note, spec.velocity, audio, false)
        .unwrap();
    Target {
        spec,
        notes: vec![t],
    }
}

#[test]
fn the_index_finds_a_preset_by_its_own_sound_and_round_trips() {
    let index = index();
    assert!(index.len() > 20, "{}", index.len());
    let spec = spec();
    let mut analyzer = wyrd_analysis::MfccAnalyzer::new(spec.mfcc_config()).unwrap();
    for p in [0, index.len() / 2, index.len() - 1] {
        let audio = spec.render(&index.patches[p], 60);
        let f = spec.features(&mut analyzer, &audio).unwrap();
        let near = index.nearest(&summarise(&f.mfcc, spec.n_mfcc()), 60, 3);
        // Presets that sound identical at note 60 share the top distance; this one is among them.
        assert!(near[0].distance < 1e-6, "{:?}", near);
        assert!(
            near.iter().any(|n| n.preset == p && n.distance < 1e-6),
            "{p}: {near:?}"
        );
    }
    let file = std::env::temp_dir().join(format!("wyrd-index-{}.idx", std::process::id()));
    index.save(&file).unwrap();
    let back = Index::load(&file, &spec).unwrap();
    std::fs::remove_file(&file).ok();
    assert_eq!(back.keys, index.keys);
    assert_eq!(
        back.patches.iter().map(|p| *p.values()).collect::<Vec<_>>(),
        index
            .patches
            .iter()
            .map(|p| *p.values())
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_fit_is_deterministic_never_worse_than_its_proposals_and_in_tune() {
    let mut scorer = Scorer::new(&spec()).unwrap();
    // "Synth Strings 1" at A3: not in the index's bank.
    let t = target(&mut scorer, &factory(1), 57);
    let index = index();
    let spec = spec();
    let mut analyzer = wyrd_analysis::MfccAnalyzer::new(spec.mfcc_config()).unwrap();
    let f = spec.features(&mut analyzer, &t.notes[0].audio).unwrap();
    let proposals: Vec<Proposal> = index
        .nearest(&summarise(&f.mfcc, spec.n_mfcc()), 57, 8)
        .into_iter()
        .map(|n| Proposal {
            patch: index.patches[n.preset].clone(),
            source: index.keys[n.preset].clone(),
        })
        .collect();
    let config = FitConfig {
        evaluations: 250,
        ..FitConfig::default()
    };
    let a = fit(&t, &scorer, &proposals, &config, &|_, _| {});
    let b = fit(&t, &scorer, &proposals, &config, &|_, _| {});
    assert_eq!(a.patch.values(), b.patch.values(), "not deterministic");
    assert!(a.evaluations <= 250, "{}", a.evaluations);
    let best_proposal = proposals
        .iter()
        .map(|p| scorer.score(&p.patch, &t).mel_lsd)
        .fold(f64::INFINITY, f64::min);
    assert!(
        a.score.mel_lsd < best_proposal,
        "{} after the search, {best_proposal} before",
        a.score.mel_lsd
    );
    assert!(a.score.cents <= 10.0, "{} cents", a.score.cents);
    // The history is the best so far: it never gets worse.
    assert!(a
        .history
        .windows(2)
        .all(|w| w[1].best.total <= w[0].best.total));
}

#[test]
fn matching_the_level_is_what_changing_the_master_volume_does() {
    let mut scorer = Scorer::new(&spec()).unwrap();
    let mut patch = factory(7);
    patch.set(ParamId::DistortionCrunch as usize, 0.0);
    // Quiet enough that amSynth's limiter (which acts from |L|+|R| = 0.9) leaves it alone.
    patch.set(ParamId::MasterVol as usize, 0.25);
    let t = target(&mut scorer, &patch, 60);
    // The same patch 6 dB quieter: leveling finds (nearly: the output limiter is not quite
    // linear even well under full scale) the original volume, and the distance nearly vanishes.
    let mut quiet = patch.clone();
    let v = patch.values()[ParamId::MasterVol as usize];
    quiet.set(ParamId::MasterVol as usize, v * 0.5f32.sqrt());
    let (score, volume) = scorer.score_leveled(&quiet, &t);
    let volume = volume.expect("linear without distortion");
    assert!((volume - v).abs() < 0.03, "{volume} vs {v}");
    let unleveled = scorer.score(&quiet, &t).mel_lsd;
    assert!(unleveled > 1.0, "{unleveled}");
    assert!(
        score.mel_lsd < 0.15 * unleveled,
        "{} vs {unleveled}",
        score.mel_lsd
    );
    let mut back = quiet.clone();
    back.set(ParamId::MasterVol as usize, volume);
    assert!(scorer.score(&back, &t).mel_lsd < 0.15 * unleveled);
}
