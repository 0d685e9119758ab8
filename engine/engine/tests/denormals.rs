//! Denormals never reach the output: a reverb tail decaying into the subnormal range comes
//! out as exact zeros through the offline driver (which runs the same period as JACK's), while
//! the bare synth outside the process wrapper still produces subnormals.

mod common;

use common::*;
use wyrd_dsp::Synth;
use wyrd_engine::{Action, EngineConfig, Offline, Score};
use wyrd_schema::Patch;

/// A saw through the reverb at its smallest room: its tail spends seconds below 1e-38.
fn reverb_tail() -> Patch {
    let mut p = Patch::default();
    for (id, v) in [
        ("osc1_waveform", 2.0),
        ("reverb_wet", 0.5),
        ("reverb_roomsize", 0.0),
    ] {
        p.set(wyrd_schema::find(id).unwrap().index, v);
    }
    p
}

const HOLD: u64 = SR as u64 / 2;
const TAIL: usize = 20 * SR as usize;

fn subnormals(x: &[f32]) -> usize {
    x.iter().filter(|s| s.is_subnormal()).count()
}

#[test]
fn a_reverb_tail_has_no_subnormal_sample() {
    let mut cfg = EngineConfig::new(SR);
    cfg.patch = reverb_tail();
    let mut offline = Offline::new(cfg);
    let controller = offline.controller().clone();
    let events = vec![
        (
            0,
            Action::NoteOn {
                note: 60,
                velocity: 100,
            },
        ),
        (HOLD, Action::NoteOff { note: 60 }),
    ];
    let mut score = Score::new(&controller, events);
    let [l, r] = offline
        .render_frames(&mut score, HOLD as usize + TAIL)
        .unwrap();
    assert_eq!(subnormals(&l) + subnormals(&r), 0);
    // The tail did decay to silence rather than being cut: sound first, zeros at the end.
    assert!(rms(&l[..HOLD as usize]) > 0.01);
    assert!(l[l.len() - SR as usize..].iter().all(|&s| s == 0.0));

    // The same patch on the bare synth, in IEEE mode: the tail is full of subnormals, which is
    // what the wrapper keeps out.
    let mut synth = Synth::new(SR as f32, 16);
    synth.load_patch(reverb_tail().values());
    synth.note_on(60, 100);
    let (mut bl, mut br) = (vec![0.0; HOLD as usize], vec![0.0; HOLD as usize]);
    synth.process(&mut bl, &mut br);
    synth.note_off(60);
    let (mut tl, mut tr) = (vec![0.0; TAIL], vec![0.0; TAIL]);
    synth.process(&mut tl, &mut tr);
    assert!(subnormals(&tl) > TAIL / 4, "{} subnormals", subnormals(&tl));
}
