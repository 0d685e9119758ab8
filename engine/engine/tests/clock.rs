//! The engine clock's reading is never torn: a writer publishing as fast as it can and readers
//! on other threads, where every (frame, time, rate) published belongs together.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use wyrd_engine::Clock;

/// What the writer publishes for step `k`: three values that only match when read together.
fn published(k: u64) -> (u64, u64, u32) {
    (
        k * 64,
        k.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
        44_100 + (k % 7) as u32,
    )
}

#[test]
fn readers_never_see_a_torn_reading() {
    let clock = Arc::new(Clock::default());
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (clock, stop) = (Arc::clone(&clock), Arc::clone(&stop));
            std::thread::spawn(move || {
                let (mut reads, mut last) = (0u64, 0u64);
                while !stop.load(Ordering::Relaxed) {
                    let r = clock.read();
                    let k = r.frame / 64;
                    assert_eq!(
                        (r.frame, r.nanos, r.sample_rate),
                        if k == 0 && r.nanos == 0 {
                            (0, 0, 0)
                        } else {
                            published(k)
                        },
                        "a torn reading"
                    );
                    assert!(r.frame >= last, "the clock went back");
                    last = r.frame;
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    let writer = {
        let clock = Arc::clone(&clock);
        std::thread::spawn(move || {
            for k in 1..=3_000_000u64 {
                let (frame, nanos, rate) = published(k);
                clock.publish(frame, nanos, rate);
            }
        })
    };
    writer.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    let reads: u64 = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(reads > 1000, "the readers ran ({reads} reads)");
    assert_eq!(clock.read().frame, 3_000_000 * 64);
}
