//! The live analysis thread, fed through the input ring the way the JACK callback feeds it:
//! features come out equal to offline analysis, levels follow the input, a stalled reader
//! costs the writer nothing but dropped (counted) frames, and the writer never allocates.

use std::time::{Duration, Instant};

use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use wyrd_analysis::live::{LiveAnalysis, LiveConfig, LiveFrame};
use wyrd_analysis::StreamingAnalyzer;
use wyrd_engine::input_ring;

#[global_allocator]
static ALLOC: AllocDisabler = AllocDisabler;

const SR: u32 = 48_000;

fn sine(freq: f64, amp: f32, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| amp * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(SR)).sin() as f32)
        .collect()
}

#[test]
fn frames_and_levels_match_offline_analysis() {
    let (mut writer, reader) = input_ring(1 << 15);
    let live = LiveAnalysis::spawn(reader, LiveConfig::new(SR)).unwrap();
    let rx = live.subscribe(1024);
    let left = sine(440.0, 0.5, SR as usize);
    let right = sine(220.0, 0.25, SR as usize);
    // An audio thread: 64-frame periods, paced a little faster than real time.
    let producer = std::thread::spawn(move || {
        for (l, r) in left.chunks(64).zip(right.chunks(64)) {
            let mut written = 0;
            assert_no_alloc(|| written = writer.write(l, r));
            assert_eq!(written, l.len(), "the ring must keep up at this pace");
            std::thread::sleep(Duration::from_micros(200));
        }
        writer
    });
    let writer = producer.join().unwrap();
    assert_eq!(writer.dropped(), 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while live.counters().samples < u64::from(SR) {
        assert!(Instant::now() < deadline, "{:?}", live.counters());
        std::thread::sleep(Duration::from_millis(5));
    }
    let levels = live.levels();
    let frames: Vec<LiveFrame> = rx.try_iter().collect();

    // Every hop of the (centred) analysis up to the end of the input, in order.
    assert_eq!(
        frames.len(),
        (SR as usize) / 512 + 1 - 2,
        "{}",
        frames.len()
    );
    assert!(frames.iter().enumerate().all(|(i, f)| f.index == i as u64));

    // The same MFCCs as the streaming analyser run offline on the mono mix.
    let mono: Vec<f32> = sine(440.0, 0.5, SR as usize)
        .iter()
        .zip(sine(220.0, 0.25, SR as usize))
        .map(|(l, r)| 0.5 * (l + r))
        .collect();
    let mut offline = Vec::new();
    let mut analyzer = StreamingAnalyzer::new(LiveConfig::new(SR).features).unwrap();
    analyzer
        .push(&mono, |f| {
            offline.push(f.mfcc.iter().map(|&c| c as f32).collect::<Vec<_>>())
        })
        .unwrap();
    for (f, o) in frames.iter().zip(&offline) {
        assert_eq!(f.mfcc(), &o[..], "frame {}", f.index);
    }

    // Followers: the left channel's pitch and level, the right's.
    let cents = |hz: f32, f: f32| 1200.0 * (hz / f).log2();
    assert!(cents(levels.pitch[0], 440.0).abs() < 10.0, "{levels:?}");
    assert!(cents(levels.pitch[1], 220.0).abs() < 10.0, "{levels:?}");
    assert!(
        (levels.amp[0] - 0.5 / 2f32.sqrt()).abs() < 0.02,
        "{levels:?}"
    );
    assert!(
        (levels.amp[1] - 0.25 / 2f32.sqrt()).abs() < 0.01,
        "{levels:?}"
    );
    assert!((levels.peak[0] - 0.5).abs() < 0.02, "{levels:?}");
    let last = frames.last().unwrap();
    assert!(cents(last.pitch_hz[0], 440.0).abs() < 10.0);
    live.stop().unwrap();
}

#[test]
fn a_stalled_reader_never_blocks_the_writer() {
    // Nobody reads this ring: the writer fills it, then drops and counts, in constant time.
    let (mut writer, _reader) = input_ring(256);
    let block = vec![0.1f32; 64];
    let mut total = 0;
    assert_no_alloc(|| {
        for _ in 0..100 {
            total += writer.write(&block, &block);
        }
    });
    assert_eq!(total, 256);
    assert_eq!(writer.dropped(), 100 * 64 - 256);
}

#[test]
fn a_slow_subscriber_loses_frames_not_the_analysis() {
    let (mut writer, reader) = input_ring(1 << 16);
    let live = LiveAnalysis::spawn(reader, LiveConfig::new(SR)).unwrap();
    let slow = live.subscribe(4); // never read
    let x = sine(330.0, 0.3, SR as usize);
    assert_eq!(writer.write(&x, &x), x.len());
    let deadline = Instant::now() + Duration::from_secs(10);
    while live.counters().samples < u64::from(SR) {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(5));
    }
    let c = live.counters();
    assert_eq!(slow.len(), 4);
    assert_eq!(c.undelivered, c.frames - 4);
    // Silence and NaN from another client read as silence: unvoiced, level falling to 0.
    let mut junk = vec![0.0f32; SR as usize];
    junk[100] = f32::NAN;
    junk[200] = f32::INFINITY;
    assert_eq!(writer.write(&junk, &junk), junk.len());
    let deadline = Instant::now() + Duration::from_secs(10);
    while live.counters().samples < 2 * u64::from(SR) {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(5));
    }
    let levels = live.levels();
    assert_eq!(levels.pitch, [-1.0, -1.0]);
    // One second is four release time constants: down by e^4.
    assert!(
        levels.amp[0] < 0.01 && levels.amp[0].is_finite(),
        "{levels:?}"
    );
    live.stop().unwrap();
}
