//! The engine's period never allocates or frees, whatever arrives: MIDI of every kind, every
//! command (also the ones carrying heap data), scheduled and late commands, a full schedule.

mod common;

use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use common::*;
use wyrd_dsp::Synth;
use wyrd_engine::{
    monotonic_nanos, Action, AudioThread, Command, EngineConfig, MidiBytes, Period, Programs,
};
use wyrd_schema::polyperc::ParamId as PercParamId;

#[global_allocator]
static ALLOC: AllocDisabler = AllocDisabler;

#[test]
fn the_period_never_allocates() {
    let mut cfg = EngineConfig::new(SR);
    cfg.patch = sine_patch();
    cfg.programs = Programs {
        patches: vec![sine_patch(), saw_patch()],
    };
    cfg.schedule_capacity = 64;
    let (mut engine, ctl) = wyrd_engine::Engine::new(cfg);
    // Incoming MIDI is passed on to a listening script, and MIDI goes out, without the heap.
    ctl.listen_midi(true);
    let midi: Vec<Vec<u8>> = vec![
        vec![0x90, 60, 100],
        vec![0x90, 64, 90],
        vec![0xb0, 74, 20],
        vec![0xb0, 64, 127],
        vec![0xe0, 0, 80],
        vec![0x80, 60, 0],
        vec![0xc0, 1],
        vec![0xb0, 64, 0],
        vec![0xb0, 123, 0],
        vec![0xb0, 120, 0],
        vec![0xf8],
        vec![0x90],
    ];
    let (mut l, mut r) = (vec![0.0f32; 1024], vec![0.0f32; 1024]);
    for round in 0..8u64 {
        // Commands are built (allocated) out here, like any sender's would be.
        let base = round * 4096;
        for k in 0..100u64 {
            // More than the schedule holds: the overflow is applied at once, not stored.
            ctl.send(Command::at_frame(
                base + k * 37,
                Action::NoteOn {
                    note: 40 + (k % 40) as u8,
                    velocity: 100,
                },
            ))
            .unwrap();
        }
        ctl.now(Action::SetPatch(Box::new(*saw_patch().values())))
            .unwrap();
        ctl.now(Action::LoadPatch(Box::new(*sine_patch().values())))
            .unwrap();
        ctl.now(Action::SetBank(Box::new(Programs {
            patches: vec![saw_patch()],
        })))
        .unwrap();
        ctl.now(Action::SetSynth(Box::new(Synth::new(SR as f32, 16))))
            .unwrap();
        ctl.now(Action::Program(0)).unwrap();
        ctl.now(Action::SetParam {
            index: 11,
            value: 0.3,
        })
        .unwrap();
        ctl.now(Action::PitchBend(1.0)).unwrap();
        ctl.now(Action::Sustain(true)).unwrap();
        for k in 0..600u64 {
            // More than a period may send: the rest are dropped and counted.
            let bytes = MidiBytes::new(&[0x90, (k % 128) as u8, 1]).unwrap();
            ctl.send(Command::at_frame(base + k, Action::MidiOut(bytes)))
                .unwrap();
        }
        ctl.now(Action::Midi(MidiBytes::new(&[0x90, 61, 100]).unwrap()))
            .unwrap();
        // PolyPerc beside the synth: more notes than its pool, timed and at once, and its
        // parameters.
        for k in 0..40u64 {
            ctl.send(Command::at_frame(
                base + k * 53,
                Action::PercNote {
                    hz: 110.0 + 20.0 * k as f32,
                },
            ))
            .unwrap();
        }
        ctl.now(Action::PercNote { hz: 440.0 }).unwrap();
        for (i, id) in PercParamId::ALL.into_iter().enumerate() {
            ctl.send(Command::at_frame(
                base + 100 * i as u64,
                Action::PercParam {
                    id,
                    value: 0.1 * round as f32,
                },
            ))
            .unwrap();
        }
        ctl.send(Command::at_frame(0, Action::AllNotesOff)).unwrap(); // late
        assert_no_alloc(|| {
            for (i, len) in [64usize, 1, 128, 1024, 63, 256].into_iter().enumerate() {
                let events = midi
                    .iter()
                    .enumerate()
                    .map(|(k, m)| (((k * 5 + i) % len) as u32, m.as_slice()));
                let mut sorted: [(u32, &[u8]); 12] = [(0, &[]); 12];
                for (slot, e) in sorted.iter_mut().zip(events) {
                    *slot = e;
                }
                sorted.sort_unstable_by_key(|e| e.0);
                engine.process(sorted.into_iter(), &mut l[..len], &mut r[..len]);
            }
        });
        assert!(ctl.collect_garbage() >= 4);
        while ctl.next_midi_in().is_some() {}
    }
    assert!(engine.midi_out().dropped() > 0);
    assert!(l.iter().chain(&r).all(|s| s.is_finite()));
    assert!(ctl.stats().snapshot().late_commands > 0);
}

/// The JACK callback's whole period (`AudioThread::period`: clock, input ring, engine, stats,
/// inside the process wrapper), with MIDI, input and every kind of command, under the guard.
#[test]
fn the_drivers_period_never_allocates() {
    let mut cfg = EngineConfig::new(SR);
    cfg.patch = saw_patch();
    let (engine, ctl) = wyrd_engine::Engine::new(cfg);
    let (writer, mut reader) = wyrd_engine::input_ring(4096);
    let mut audio = AudioThread::new(engine, writer);
    let input: Vec<f32> = (0..256).map(|i| (i as f32 * 0.05).sin()).collect();
    let (mut l, mut r) = (vec![0.0f32; 256], vec![0.0f32; 256]);
    let on = [0x90u8, 60, 100];
    let off = [0x80u8, 60, 0];
    let (mut heard_l, mut heard_r) = (vec![0.0f32; 4096], vec![0.0f32; 4096]);
    for round in 0..16u64 {
        ctl.now(Action::SetPatch(Box::new(*sine_patch().values())))
            .unwrap();
        ctl.send(Command::at_frame(round * 256 + 100, Action::AllNotesOff))
            .unwrap();
        assert_no_alloc(|| {
            for len in [64usize, 256, 1, 128] {
                let midi = [(0u32, &on[..]), ((len as u32) / 2, &off[..])];
                audio.period(Period {
                    nanos: monotonic_nanos(),
                    midi: midi.into_iter(),
                    input: Some([&input[..len], &input[..len]]),
                    output: [&mut l[..len], &mut r[..len]],
                });
            }
        });
        ctl.collect_garbage();
        assert_eq!(reader.read(&mut heard_l, &mut heard_r), 64 + 256 + 1 + 128);
        assert_eq!(&heard_l[..64], &input[..64], "the input reaches the ring");
    }
    let s = ctl.stats().snapshot();
    assert_eq!(s.periods, 64);
    let total = 16 * (64 + 256 + 1 + 128);
    assert_eq!(audio.engine().frame(), total);
    // The clock tells where the latest period started.
    assert_eq!(s.frame, total - 128);
    assert!(l.iter().all(|x| x.is_finite()));
}
