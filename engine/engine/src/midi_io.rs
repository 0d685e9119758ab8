//! MIDI that crosses the audio thread's edge as data: what arrives goes on to the script as
//! well as to the synth, and what the script sends leaves through the driver's MIDI out on
//! the frame it was stamped with. Messages are short and `Copy`, so they travel through the
//! queues and the per-period buffer without the heap.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crossbeam::queue::ArrayQueue;

/// One MIDI message of at most three bytes: every channel message and the system messages
/// that fit (clock, start, stop, song position...). Longer ones (sysex) do not travel here.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MidiBytes {
    len: u8,
    data: [u8; 3],
}

impl MidiBytes {
    /// `None` when `bytes` is empty or longer than three bytes.
    pub fn new(bytes: &[u8]) -> Option<MidiBytes> {
        if bytes.is_empty() || bytes.len() > 3 {
            return None;
        }
        let mut data = [0; 3];
        data[..bytes.len()].copy_from_slice(bytes);
        Some(MidiBytes {
            len: bytes.len() as u8,
            data,
        })
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.data[..usize::from(self.len)]
    }
}

impl std::fmt::Debug for MidiBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MidiBytes({:02x?})", self.as_slice())
    }
}

/// A MIDI message on the engine clock's frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MidiEvent {
    pub frame: u64,
    pub bytes: MidiBytes,
}

/// Incoming MIDI for the script: filled by the audio thread only while someone listens, so
/// a host without a script never fills it.
pub(crate) struct MidiInQueue {
    queue: ArrayQueue<MidiEvent>,
    listening: AtomicBool,
    dropped: AtomicU64,
}

impl MidiInQueue {
    pub fn new(capacity: usize) -> Self {
        MidiInQueue {
            queue: ArrayQueue::new(capacity.max(1)),
            listening: AtomicBool::new(false),
            dropped: AtomicU64::new(0),
        }
    }

    /// From the audio thread: never blocks; a full queue drops the event and counts it.
    pub fn offer(&self, frame: u64, bytes: &[u8]) {
        if !self.listening.load(Ordering::Relaxed) {
            return;
        }
        let Some(bytes) = MidiBytes::new(bytes) else {
            return;
        };
        if self.queue.push(MidiEvent { frame, bytes }).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn listen(&self, on: bool) {
        self.listening.store(on, Ordering::Relaxed);
    }

    pub fn pop(&self) -> Option<MidiEvent> {
        self.queue.pop()
    }

    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// Most MIDI messages one period sends; more are dropped and counted (a script sending
/// thousands in one period is a bug, and the MIDI wire could not carry them anyway).
pub const MIDI_OUT_PER_PERIOD: usize = 512;

/// The period's outgoing MIDI, `(frame offset in the period, bytes)` in time order. Its
/// storage is allocated once, with the engine.
pub struct MidiOut {
    events: Vec<(u32, MidiBytes)>,
    dropped: u64,
}

impl MidiOut {
    pub(crate) fn new() -> Self {
        MidiOut {
            events: Vec::with_capacity(MIDI_OUT_PER_PERIOD),
            dropped: 0,
        }
    }

    pub(crate) fn clear(&mut self) {
        self.events.clear();
    }

    pub(crate) fn push(&mut self, offset: u32, bytes: MidiBytes) {
        if self.events.len() < MIDI_OUT_PER_PERIOD {
            self.events.push((offset, bytes));
        } else {
            self.dropped += 1;
        }
    }

    pub fn events(&self) -> &[(u32, MidiBytes)] {
        &self.events
    }

    /// Messages dropped so far because a period had more than [`MIDI_OUT_PER_PERIOD`].
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midi_bytes_hold_one_to_three_bytes() {
        assert_eq!(
            MidiBytes::new(&[0x90, 60, 100]).unwrap().as_slice(),
            &[0x90, 60, 100]
        );
        assert_eq!(MidiBytes::new(&[0xf8]).unwrap().as_slice(), &[0xf8]);
        assert!(MidiBytes::new(&[]).is_none());
        assert!(MidiBytes::new(&[0xf0, 1, 2, 0xf7]).is_none());
    }

    #[test]
    fn the_in_queue_only_fills_while_listened_to_and_counts_what_it_drops() {
        let q = MidiInQueue::new(2);
        q.offer(1, &[0x90, 60, 1]);
        assert!(q.pop().is_none());
        q.listen(true);
        for f in 0..3 {
            q.offer(f, &[0x90, 60, 1]);
        }
        assert_eq!(q.dropped(), 1);
        assert_eq!(q.pop().unwrap().frame, 0);
        assert_eq!(q.pop().unwrap().frame, 1);
        assert!(q.pop().is_none());
    }
}
