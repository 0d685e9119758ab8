//! The models in the host (`wyrd_models::instrument`) with the shipped models: names, the latent
//! mapper and its hysteresis, the model runner inline and on its thread, and the resynthesis
//! followers on hand-made analysis frames.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wyrd_analysis::live::{LiveFrame, MAX_MFCC};
use wyrd_engine::{Action, At, EngineConfig, Offline};
use wyrd_models::instrument::find::resolve;
use wyrd_models::instrument::{load, Loaded, Mapper, ModelRunner, Resynth, ResynthConfig};
use wyrd_schema::{defaults, find, Patch, NUM_PARAMS, PARAMS};

fn vae(name: &str) -> Arc<Mapper> {
    match load(name).unwrap() {
        Loaded::Vae { decoder, encoder } => Mapper::new(decoder, encoder),
        other => panic!("{name} is {}", other.kind()),
    }
}

fn live_matcher() -> Arc<wyrd_models::LiveMatcher> {
    match load("live_matcher").unwrap() {
        Loaded::LiveMatcher(m) => m,
        other => panic!("live_matcher is {}", other.kind()),
    }
}

#[test]
fn names_and_aliases_find_the_shipped_models() {
    for (name, kind, dim) in [
        ("preset_vae8", "vae", Some(8)),
        ("amsynth_vae8", "vae", Some(8)),
        ("vae16", "vae", Some(16)),
        ("preset_vae4_encoder", "vae", Some(4)),
        ("live_matcher", "live_matcher", None),
        ("note_matcher_direct", "note_matcher", None),
    ] {
        let m = load(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((m.kind(), m.latent_dim()), (kind, dim), "{name}");
    }
    let Loaded::Vae { encoder, .. } = load("preset_vae8").unwrap() else {
        unreachable!()
    };
    assert!(
        encoder.is_some(),
        "the encoder beside the decoder is loaded"
    );
    let e = load("nope").unwrap_err().to_string();
    assert!(
        e.contains("no model 'nope'") && e.contains("preset_vae8") && e.contains("live_matcher"),
        "{e}"
    );
    let e = resolve("/nonexistent/x.onnx").unwrap_err().to_string();
    assert!(e.contains("/nonexistent/x.onnx"), "{e}");
    // A model trained against another schema is refused, naming the difference.
    let bad =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/wrong_schema_hash.onnx");
    let e = load(bad.to_str().unwrap()).unwrap_err().to_string();
    assert!(e.contains("wyrd.schema_hash"), "{e}");
}

#[test]
fn the_mapper_decodes_deterministically_and_starts_from_a_preset() {
    let m = vae("preset_vae8");
    let z = vec![0.3f32; 8];
    let a = m.decode(&z).unwrap();
    let b = m.decode(&z).unwrap();
    assert_eq!(a, b);
    assert!(a.iter().all(|v| v.is_finite()));
    assert_eq!(m.last_patch().unwrap().values(), &*a);
    // Far-apart points give different patches.
    let c = m.decode(&[-2.5; 8]).unwrap();
    assert!(a.iter().zip(c.iter()).any(|(x, y)| x != y));
    // A preset encodes to a point that decodes near it (in the 0..1 view).
    let mut preset = Patch::from_values("p", defaults());
    preset.set(
        find("filter_cutoff").unwrap().index,
        0.2 * PARAMS[find("filter_cutoff").unwrap().index].max,
    );
    let z = m.encode(&preset).unwrap();
    assert_eq!(z.len(), 8);
    let back = m.decode(&z).unwrap();
    let n = preset.normalized();
    let err: f64 = (0..NUM_PARAMS)
        .map(|i| (PARAMS[i].normalize(back[i]) - n[i]).abs())
        .sum::<f64>()
        / NUM_PARAMS as f64;
    assert!(err < 0.2, "mean error {err}");
    // However far the point goes, the keyboard mode stays the patch's (a switch kills voices).
    let kbd = find("keyboard_mode").unwrap().index;
    for k in -6..=6 {
        let z: Vec<f32> = (0..8)
            .map(|i| k as f32 * 0.5 * if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        assert_eq!(m.decode(&z).unwrap()[kbd], defaults()[kbd]);
    }
    // NaN in z never reaches a patch.
    let p = m.decode(&[f32::NAN; 8]);
    if let Ok(p) = p {
        assert!(p.iter().all(|v| v.is_finite()));
    }
}

#[test]
fn a_slow_latent_sweep_switches_each_categorical_at_most_a_few_times() {
    let m = vae("preset_vae8");
    let cats: Vec<usize> = PARAMS
        .iter()
        .filter(|p| matches!(p.kind, wyrd_schema::Kind::Categorical { .. }))
        .map(|p| p.index)
        .collect();
    let mut prev: Option<Box<[f32; NUM_PARAMS]>> = None;
    let mut switches = 0;
    for k in 0..=400 {
        // A fader's jitter on top of the sweep.
        let jitter = if k % 2 == 0 { 0.1 } else { -0.1 };
        let t = -3.0 + 6.0 * k as f32 / 400.0 + jitter;
        let z: Vec<f32> = (0..8).map(|i| if i == 0 { t } else { 0.0 }).collect();
        let p = m.decode(&z).unwrap();
        if let Some(q) = &prev {
            switches += cats.iter().filter(|&&i| p[i] != q[i]).count();
        }
        prev = Some(p);
    }
    // Without hysteresis a boundary crossed slowly flickers; with it each crossing counts once.
    assert!(
        switches <= 3 * cats.len(),
        "{switches} switches over 400 steps"
    );
}

fn render(offline: &mut Offline, frames: usize) {
    offline.render_frames(&mut (), frames).unwrap();
}

#[test]
fn the_host_sends_decoded_patches_inline_on_their_frame_and_from_its_thread() {
    let m = vae("preset_vae8");
    let z = vec![1.0f32; 8];
    let expected = m.decode(&z).unwrap();
    let cutoff = find("filter_cutoff").unwrap().index;

    let mut offline = Offline::new(EngineConfig::new(48_000));
    let controller = offline.controller().clone();
    let before = offline.engine().param(cutoff);
    assert_ne!(before, expected[cutoff]);
    let inline = ModelRunner::inline(controller.clone());
    inline.decode(&m, z.clone(), At::Frame(256));
    render(&mut offline, 128);
    assert_eq!(
        offline.engine().param(cutoff),
        before,
        "applied before its frame"
    );
    render(&mut offline, 256);
    assert_eq!(offline.engine().param(cutoff), expected[cutoff]);
    assert_eq!(inline.stats().decodes, 1);

    let mut offline = Offline::new(EngineConfig::new(48_000));
    let controller = offline.controller().clone();
    let threaded = ModelRunner::spawn(controller.clone(), None).unwrap();
    threaded.decode(&m, z, At::Now);
    let deadline = Instant::now() + Duration::from_secs(5);
    while offline.engine().param(cutoff) != expected[cutoff] {
        assert!(Instant::now() < deadline, "the model thread never answered");
        std::thread::sleep(Duration::from_millis(1));
        render(&mut offline, 64);
    }
    assert!(threaded.stats().cpu_nanos > 0);
    // Without the input's analysis, resynthesis cannot start on a live host.
    let e = threaded
        .resynth_start(Resynth::new(
            live_matcher(),
            ResynthConfig::new(48_000),
            defaults(),
        ))
        .unwrap_err();
    assert!(e.contains("no audio input"), "{e}");
    threaded.stop();
    controller.collect_garbage();
}

fn frame(index: u64, rms: f32, hz: f32) -> LiveFrame {
    let mut mfcc = [0.0f32; MAX_MFCC];
    mfcc[0] = if rms > 1e-3 { -150.0 } else { -700.0 };
    for (i, c) in mfcc.iter_mut().enumerate().take(20).skip(1) {
        *c = 20.0 / i as f32;
    }
    LiveFrame {
        index,
        centre: index * 512,
        n_mfcc: 20,
        mfcc,
        rms,
        centroid: 1000.0,
        flatness: 0.1,
        pitch_hz: [hz, hz],
        amp: [rms, rms],
    }
}

fn hz(midi: f32) -> f32 {
    440.0 * 2f32.powf((midi - 69.0) / 12.0)
}

#[test]
fn the_followers_start_at_the_onset_bend_to_the_pitch_retrigger_and_release() {
    let mut r = Resynth::new(live_matcher(), ResynthConfig::new(48_000), defaults());
    let mut out = Vec::new();
    let energy = (0.0, 0);
    r.frame(&frame(0, 1e-5, -1.0), energy, &mut out).unwrap();
    assert!(out.is_empty(), "silence plays nothing: {out:?}");
    // The onset: loud, no pitch yet. The voice starts at once on the configured note.
    r.frame(&frame(1, 0.1, -1.0), energy, &mut out).unwrap();
    assert!(matches!(out[0], Action::NoteOn { note: 60, .. }), "{out:?}");
    assert!(matches!(out.last(), Some(Action::SetPatch(_))));
    out.clear();
    // The pitch arrives: 64.3 is bent to from 60, not retriggered.
    r.frame(&frame(2, 0.1, hz(64.3)), energy, &mut out).unwrap();
    let bend = out.iter().find_map(|a| match a {
        Action::PitchBend(b) => Some(*b),
        _ => None,
    });
    assert!((bend.unwrap() - 4.3).abs() < 0.01, "{out:?}");
    assert!(!out.iter().any(|a| matches!(a, Action::NoteOn { .. })));
    out.clear();
    // A jump of more than a semitone is a new note.
    r.frame(&frame(3, 0.1, hz(67.0)), energy, &mut out).unwrap();
    assert!(matches!(out[0], Action::NoteOff { note: 60 }), "{out:?}");
    assert!(out
        .iter()
        .any(|a| matches!(a, Action::NoteOn { note: 67, .. })));
    out.clear();
    // Every patch is finite, even from garbage features.
    let mut garbage = frame(4, 0.1, hz(67.0));
    garbage.mfcc[3] = f32::NAN;
    r.frame(&garbage, energy, &mut out).unwrap();
    for a in &out {
        if let Action::SetPatch(p) = a {
            assert!(p.iter().all(|v| v.is_finite()));
        }
    }
    out.clear();
    // Three quiet frames release it; then nothing more is sent.
    for k in 5..8 {
        r.frame(&frame(k, 1e-5, -1.0), energy, &mut out).unwrap();
    }
    assert!(
        matches!(out.last(), Some(Action::NoteOff { note: 67 })),
        "{out:?}"
    );
    out.clear();
    r.frame(&frame(9, 1e-5, -1.0), energy, &mut out).unwrap();
    assert!(out.is_empty());
    // The next onset without a pitch starts on the last note heard.
    r.frame(&frame(10, 0.1, -1.0), energy, &mut out).unwrap();
    assert!(matches!(out[0], Action::NoteOn { note: 67, .. }), "{out:?}");
}

#[test]
fn the_matcher_shapes_the_timbre_but_osc2_keeps_the_base_tuning() {
    let mut base = defaults();
    let tuning = [
        ("osc2_pitch", 7.0),
        ("osc2_range", -1.0),
        ("osc2_detune", 0.1),
    ];
    for (id, v) in tuning {
        base[find(id).unwrap().index] = v;
    }
    let mut r = Resynth::new(live_matcher(), ResynthConfig::new(48_000), base);
    let cutoff = find("filter_cutoff").unwrap().index;
    let mut out = Vec::new();
    let mut cutoffs = vec![];
    for k in 0..40u64 {
        // Timbres that move: the cepstrum's slope changes from frame to frame.
        let mut f = frame(k, 0.1, hz(57.0 + (k % 12) as f32));
        for (i, c) in f.mfcc.iter_mut().enumerate().take(20).skip(1) {
            *c = (60.0 - 3.0 * k as f32) / i as f32;
        }
        r.frame(&f, (0.0, 0), &mut out).unwrap();
        for a in out.drain(..) {
            if let Action::SetPatch(p) = a {
                for (id, v) in tuning {
                    assert_eq!(p[find(id).unwrap().index], v, "{id} moved");
                }
                cutoffs.push(p[cutoff]);
            }
        }
    }
    let (lo, hi) = cutoffs
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), &c| (a.min(c), b.max(c)));
    assert!(
        cutoffs.len() >= 40 && hi > lo,
        "the matcher never moved the patch: {cutoffs:?}"
    );
}
