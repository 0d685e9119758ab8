//! The engine without JACK: events land on their frames, MIDI and commands do what they say.

mod common;

use common::*;
use wyrd_dsp::Synth;
use wyrd_engine::{Action, Command, Engine, EngineConfig};
use wyrd_schema::find;
use wyrd_schema::polyperc::ParamId as PercParamId;

/// What a synth plays with `note` struck at its first frame, rendered in one piece.
fn reference(patch: &wyrd_schema::Patch, note: u8, velocity: u8, len: usize) -> Vec<f32> {
    let mut synth = Synth::new(SR as f32, wyrd_dsp::DEFAULT_VOICES);
    synth.load_patch(patch.values());
    let (mut l, mut r) = (vec![0.0; len], vec![0.0; len]);
    synth.note_on(note, velocity);
    synth.process(&mut l, &mut r);
    l
}

fn first_sound(x: &[f32]) -> Option<usize> {
    x.iter().position(|&s| s != 0.0)
}

/// `out` is silent before `frame` and then plays `reference` (shifted to `frame`): the same
/// onset sample, the same waveform up to control-block alignment.
fn assert_plays_from(out: &[f32], reference: &[f32], frame: usize) {
    let onset = first_sound(reference).unwrap();
    assert_eq!(first_sound(out), Some(frame + onset), "onset");
    let n = out.len() - frame;
    let worst = out[frame..]
        .iter()
        .zip(&reference[..n])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-3, "waveform differs by up to {worst}");
}

#[test]
fn a_midi_note_plays_from_its_frame_in_the_period() {
    for offset in [0u32, 1, 37, 63] {
        let (mut engine, _) = engine_with(sine_patch(), vec![]);
        let (mut l, mut r) = (vec![0.0; 64], vec![0.0; 64]);
        let mut out = Vec::new();
        let on = [0x90u8, 69, 100];
        engine.process([(offset, &on[..])].into_iter(), &mut l, &mut r);
        out.extend_from_slice(&l);
        out.extend(run(&mut engine, 20, 64));
        let expected = reference(&sine_patch(), 69, 100, out.len());
        assert_plays_from(&out, &expected, offset as usize);
    }
}

#[test]
fn a_scheduled_command_lands_on_its_frame_across_periods() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![]);
    let frame = 1000u64; // period 15 (of 64 frames), offset 40
    ctl.send(Command::at_frame(
        frame,
        Action::NoteOn {
            note: 69,
            velocity: 90,
        },
    ))
    .unwrap();
    let out = run(&mut engine, 40, 64);
    assert_plays_from(
        &out,
        &reference(&sine_patch(), 69, 90, out.len()),
        frame as usize,
    );
    assert_eq!(engine.frame(), 40 * 64);
    assert_eq!(ctl.stats().snapshot().late_commands, 0);
}

#[test]
fn a_command_for_a_past_frame_plays_at_once_and_is_counted_late() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![]);
    run(&mut engine, 4, 64);
    ctl.send(Command::at_frame(
        10,
        Action::NoteOn {
            note: 60,
            velocity: 100,
        },
    ))
    .unwrap();
    let out = run(&mut engine, 1, 64);
    assert!(out.iter().any(|&s| s != 0.0));
    assert_eq!(ctl.stats().snapshot().late_commands, 1);
}

#[test]
fn same_frame_commands_apply_in_the_order_sent() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![]);
    ctl.send(Command::at_frame(
        100,
        Action::NoteOn {
            note: 60,
            velocity: 100,
        },
    ))
    .unwrap();
    ctl.send(Command::at_frame(100, Action::NoteOff { note: 60 }))
        .unwrap();
    ctl.send(Command::at_frame(100, Action::AllSoundOff))
        .unwrap();
    run(&mut engine, 4, 64);
    assert_eq!(ctl.stats().snapshot().active_voices, 0);
}

#[test]
fn controllers_move_mapped_parameters_and_the_pedal_holds_notes() {
    let (mut engine, _) = engine_with(sine_patch(), vec![]);
    let cutoff = find("filter_cutoff").unwrap();
    let vol = find("master_vol").unwrap();
    let msgs: [&[u8]; 3] = [&[0xb0, 74, 0], &[0xb3, 7, 127], &[0xb0, 2, 99]];
    let (mut l, mut r) = (vec![0.0; 64], vec![0.0; 64]);
    engine.process(msgs.iter().map(|m| (5u32, *m)), &mut l, &mut r);
    assert_eq!(engine.param(cutoff.index), cutoff.min);
    assert_eq!(engine.param(vol.index), 1.0);

    // Sustain: the note outlives its note-off until the pedal comes up.
    let on: &[u8] = &[0x90, 60, 100];
    let pedal_down: &[u8] = &[0xb0, 64, 127];
    let off: &[u8] = &[0x80, 60, 0];
    engine.process(
        [(0u32, pedal_down), (1, on), (2, off)].into_iter(),
        &mut l,
        &mut r,
    );
    run(&mut engine, 200, 64); // 0.27 s, longer than the 0.1 s release
    assert_eq!(engine.stats().snapshot().active_voices, 1);
    let pedal_up: &[u8] = &[0xb0, 64, 0];
    engine.process([(0u32, pedal_up)].into_iter(), &mut l, &mut r);
    run(&mut engine, 400, 64);
    assert_eq!(engine.stats().snapshot().active_voices, 0);
}

#[test]
fn program_change_loads_the_banks_preset() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![sine_patch(), saw_patch()]);
    let wave = find("osc1_waveform").unwrap().index;
    let pc: &[u8] = &[0xc0, 1];
    let (mut l, mut r) = (vec![0.0; 64], vec![0.0; 64]);
    engine.process([(10u32, pc)].into_iter(), &mut l, &mut r);
    assert_eq!(engine.param(wave), 2.0);
    assert_eq!(ctl.stats().snapshot().program, 1);
    // A program the bank does not have changes nothing.
    let missing: &[u8] = &[0xc0, 100];
    engine.process([(0u32, missing)].into_iter(), &mut l, &mut r);
    assert_eq!(engine.param(wave), 2.0);
    assert_eq!(ctl.stats().snapshot().program, 1);
}

/// Frequency from positive-going zero crossings.
fn frequency(x: &[f32]) -> f64 {
    let ups: Vec<usize> = (1..x.len())
        .filter(|&i| x[i - 1] < 0.0 && x[i] >= 0.0)
        .collect();
    let periods = (ups.len() - 1) as f64;
    periods * f64::from(SR) / (ups[ups.len() - 1] - ups[0]) as f64
}

#[test]
fn pitch_bend_spans_two_semitones_by_default_and_is_configurable() {
    for (range, expected_semis) in [(2.0f32, 2.0f64), (12.0, 12.0)] {
        let mut cfg = EngineConfig::new(SR);
        cfg.patch = sine_patch();
        cfg.bend_range = range;
        let (mut engine, _) = Engine::new(cfg);
        let on: &[u8] = &[0x90, 57, 100];
        let bend_up: &[u8] = &[0xe0, 0x7f, 0x7f];
        let (mut l, mut r) = (vec![0.0; 64], vec![0.0; 64]);
        engine.process([(0u32, on), (0, bend_up)].into_iter(), &mut l, &mut r);
        let out = run(&mut engine, 300, 64);
        let f = frequency(&out[2000..]);
        let semis = 12.0 * (f / 220.0).log2();
        assert!(
            (semis - expected_semis).abs() < 0.02,
            "range {range}: {semis}"
        );
    }
}

#[test]
fn a_full_queue_refuses_and_counts() {
    let mut cfg = EngineConfig::new(SR);
    cfg.queue_capacity = 4;
    let (_engine, ctl) = Engine::new(cfg);
    for _ in 0..4 {
        ctl.now(Action::AllNotesOff).unwrap();
    }
    let err = ctl.now(Action::AllNotesOff).unwrap_err();
    assert!(matches!(err.0.action, Action::AllNotesOff));
    assert_eq!(ctl.stats().snapshot().dropped_commands, 1);
}

#[test]
fn heap_data_leaves_the_audio_thread_to_be_freed() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![]);
    ctl.now(Action::SetPatch(Box::new(*saw_patch().values())))
        .unwrap();
    ctl.now(Action::SetBank(Box::default())).unwrap();
    ctl.now(Action::SetSynth(Box::new(Synth::new(44_100.0, 4))))
        .unwrap();
    run(&mut engine, 1, 64);
    assert_eq!(
        ctl.collect_garbage(),
        3,
        "patch, old bank and old synth come back"
    );
    assert_eq!(engine.sample_rate(), 44_100);
    // The new synth carries on with the patch as it stood.
    assert_eq!(engine.param(find("osc1_waveform").unwrap().index), 2.0);
}

#[test]
fn streamed_parameter_changes_are_smoothed() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![]);
    let vol = find("master_vol").unwrap().index;
    ctl.now(Action::NoteOn {
        note: 69,
        velocity: 127,
    })
    .unwrap();
    let before = run(&mut engine, 200, 64);
    // 0.4 -> 0.2: the gain law is vol², so the level ends at a quarter.
    ctl.now(Action::SetParam {
        index: vol,
        value: 0.2,
    })
    .unwrap();
    let after = run(&mut engine, 200, 64);
    let old = rms(&before[before.len() - 640..]);
    let first = rms(&after[..64]);
    let end = rms(&after[after.len() - 640..]);
    assert!((end / old - 0.25).abs() < 0.01, "{}", end / old);
    // No step: the first period after the change is still near the old level.
    assert!(first > 0.7 * old, "{}", first / old);
}

/// The offline driver gives the same samples however its output is taken: one buffer, a
/// sink per chunk (a file writer), or many short renders; notes land on their frames.
#[test]
fn offline_renders_are_the_same_into_buffers_sinks_and_pieces() {
    use wyrd_engine::{Offline, Score};
    let score = |ctl: &wyrd_engine::Controller| {
        let events = [(0u64, 60u8), (1000, 64), (4321, 67)]
            .into_iter()
            .flat_map(|(at, note)| {
                [
                    (
                        at,
                        Action::NoteOn {
                            note,
                            velocity: 100,
                        },
                    ),
                    (at + 2500, Action::NoteOff { note }),
                ]
            })
            .collect();
        Score::new(ctl, events)
    };
    let offline = || {
        let mut cfg = EngineConfig::new(SR);
        cfg.patch = saw_patch();
        Offline::new(cfg)
    };
    const N: usize = 20_000;
    let mut a = offline();
    let [whole, _] = a.render_frames(&mut score(a.controller()), N).unwrap();
    assert_eq!(a.frame(), N as u64);

    let mut b = offline();
    let mut streamed = Vec::new();
    let mut sink = |l: &[f32], _: &[f32]| -> Result<(), String> {
        streamed.extend_from_slice(l);
        Ok(())
    };
    b.render_into(&mut score(b.controller()), N, &mut sink)
        .unwrap();
    assert_eq!(streamed, whole);

    let mut c = offline();
    let mut s = score(c.controller());
    let mut pieces = Vec::new();
    for len in [1024usize, 1000, 17_976] {
        pieces.extend(c.render_frames(&mut s, len).unwrap()[0].iter());
    }
    assert_eq!(pieces.len(), N);
    // Pieces that end off the engine's chunk grid move control blocks, so only the notes'
    // onsets are compared there: each on its frame (plus the oscillators' fixed delay).
    let onset = |x: &[f32], from: usize| from + x[from..].iter().position(|&v| v != 0.0).unwrap();
    let delay = onset(&whole, 0);
    assert!(delay < 64, "{delay}");
    assert_eq!(onset(&pieces, 0), delay);
    assert!(whole[..delay].iter().all(|&v| v == 0.0));
}

#[test]
fn midi_out_leaves_on_the_frame_it_was_stamped_with() {
    use wyrd_engine::{MidiBytes, MidiEvent, Offline, Score};
    let mut offline = Offline::new(EngineConfig::new(SR)).record_midi_out();
    let ctl = offline.controller().clone();
    let on = MidiBytes::new(&[0x91, 60, 100]).unwrap();
    let clock = MidiBytes::new(&[0xf8]).unwrap();
    // Across chunk and period edges, and two on one frame in the order sent.
    let frames = [0u64, 1, 1023, 1024, 5000, 5000];
    for (i, &f) in frames.iter().enumerate() {
        let bytes = if i % 2 == 0 { on } else { clock };
        ctl.send(Command::at_frame(f, Action::MidiOut(bytes)))
            .unwrap();
    }
    offline
        .render_frames(&mut Score::new(&ctl, vec![]), 8000)
        .unwrap();
    let sent = offline.take_midi_out();
    let expected: Vec<MidiEvent> = frames
        .iter()
        .enumerate()
        .map(|(i, &frame)| MidiEvent {
            frame,
            bytes: if i % 2 == 0 { on } else { clock },
        })
        .collect();
    assert_eq!(sent, expected);
    // MIDI out does not play the synth.
    assert_eq!(ctl.stats().snapshot().active_voices, 0);
}

#[test]
fn incoming_midi_reaches_a_listener_with_its_frame_and_plays_unless_told_not_to() {
    for to_synth in [true, false] {
        let mut cfg = EngineConfig::new(SR);
        cfg.patch = sine_patch();
        cfg.midi_to_synth = to_synth;
        let (mut engine, ctl) = Engine::new(cfg);
        let (mut l, mut r) = (vec![0.0; 64], vec![0.0; 64]);
        let on = [0x90u8, 69, 100];
        // Nobody listens yet: nothing is kept.
        engine.process([(3u32, &on[..])].into_iter(), &mut l, &mut r);
        assert!(ctl.next_midi_in().is_none());
        ctl.listen_midi(true);
        let cc = [0xb0u8, 20, 7];
        engine.process([(5u32, &cc[..]), (9, &on[..])].into_iter(), &mut l, &mut r);
        let a = ctl.next_midi_in().unwrap();
        let b = ctl.next_midi_in().unwrap();
        assert_eq!((a.frame, a.bytes.as_slice()), (64 + 5, &cc[..]));
        assert_eq!((b.frame, b.bytes.as_slice()), (64 + 9, &on[..]));
        assert!(ctl.next_midi_in().is_none());
        let loud = l.iter().any(|s| s.abs() > 1e-4);
        assert_eq!(loud, to_synth, "midi_to_synth {to_synth}");
    }
}

#[test]
fn scripted_midi_plays_the_synth_on_its_frame() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![]);
    let on = wyrd_engine::MidiBytes::new(&[0x90, 69, 100]).unwrap();
    ctl.send(Command::at_frame(1000, Action::Midi(on))).unwrap();
    let out = run(&mut engine, 40, 64);
    let expected = reference(&sine_patch(), 69, 100, out.len() - 1000);
    assert_plays_from(&out, &[vec![0.0; 1000], expected].concat(), 0);
}

/// PolyPerc alone, `hz` struck at frame 0 with `set` applied first: the left channel.
fn perc_reference(hz: f32, set: &[(PercParamId, f32)], len: usize) -> Vec<f32> {
    let mut p = wyrd_dsp::PolyPerc::new(SR as f32);
    for &(id, v) in set {
        p.set(id, v);
    }
    p.hz(hz);
    let (mut l, mut r) = (vec![0.0; len], vec![0.0; len]);
    p.process(&mut l, &mut r);
    l
}

#[test]
fn a_polyperc_note_lands_on_its_frame_beside_the_synth() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![]);
    ctl.send(Command::at_frame(1000, Action::PercNote { hz: 330.0 }))
        .unwrap();
    let out = run(&mut engine, 60, 64);
    let expected = perc_reference(330.0, &[], out.len() - 1000);
    assert!(out[..1000].iter().all(|&s| s == 0.0));
    assert_eq!(
        first_sound(&out),
        Some(1000 + first_sound(&expected).unwrap())
    );
    let worst = out[1000..]
        .iter()
        .zip(&expected)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-6, "differs by {worst}");
    assert_eq!(engine.perc_voices(), 1);

    // With an amSynth note sounding too, the output is the sum.
    let (mut both, ctl) = engine_with(sine_patch(), vec![]);
    ctl.now(Action::NoteOn {
        note: 60,
        velocity: 100,
    })
    .unwrap();
    ctl.now(Action::PercNote { hz: 330.0 }).unwrap();
    let mixed = run(&mut both, 20, 64);
    let synth_alone = reference(&sine_patch(), 60, 100, mixed.len());
    let perc_alone = perc_reference(330.0, &[], mixed.len());
    let worst = mixed
        .iter()
        .zip(synth_alone.iter().zip(&perc_alone))
        .map(|(m, (a, b))| (m - (a + b)).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-3, "mix differs by {worst}");
}

#[test]
fn polyperc_params_apply_to_the_notes_after_them() {
    let (mut engine, ctl) = engine_with(sine_patch(), vec![]);
    ctl.now(Action::PercNote { hz: 220.0 }).unwrap();
    for (id, value) in [(PercParamId::Cutoff, 300.0), (PercParamId::Release, 0.05)] {
        ctl.send(Command::at_frame(640, Action::PercParam { id, value }))
            .unwrap();
    }
    let out = run(&mut engine, 100, 64);
    // The first note plays on with the values it started with.
    let expected = perc_reference(220.0, &[], out.len());
    let worst = out
        .iter()
        .zip(&expected)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-6, "differs by {worst}");
    assert_eq!(engine.perc_param(PercParamId::Cutoff), 300.0);
    // A later note takes them: 50 ms release, freed after 60 ms.
    ctl.now(Action::PercNote { hz: 220.0 }).unwrap();
    ctl.now(Action::AllSoundOff).unwrap();
    run(&mut engine, 1, 64);
    assert_eq!(
        engine.perc_voices(),
        0,
        "all sound off silences PolyPerc too"
    );
    ctl.now(Action::PercNote { hz: 220.0 }).unwrap();
    run(&mut engine, 1, 64);
    assert_eq!(engine.perc_voices(), 1);
    run(&mut engine, 45, 64); // 2944 frames: past 10 ms + 50 ms
    assert_eq!(engine.perc_voices(), 0);
}
