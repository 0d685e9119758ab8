//! The stereo input ring between the audio callback and the analysis thread.
//!
//! Single producer (the JACK process callback), single consumer (the analysis thread), fixed
//! capacity, wait-free on both sides. When the consumer falls behind, the producer keeps the
//! audio thread on time by dropping the frames that do not fit and counting them: analysis may
//! miss audio, the instrument never stalls for it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rtrb::{Consumer, Producer, RingBuffer};

/// One stereo sample pair: left, right.
pub type StereoSample = [f32; 2];

/// Creates a ring holding `capacity` stereo frames.
pub fn input_ring(capacity: usize) -> (InputWriter, InputReader) {
    let (producer, consumer) = RingBuffer::new(capacity.max(1));
    let dropped = Arc::new(AtomicU64::new(0));
    (
        InputWriter {
            producer,
            dropped: Arc::clone(&dropped),
        },
        InputReader { consumer, dropped },
    )
}

/// The audio thread's end. Every method is wait-free and allocation-free.
pub struct InputWriter {
    producer: Producer<StereoSample>,
    dropped: Arc<AtomicU64>,
}

impl InputWriter {
    /// Appends as many frames of `left`/`right` (equal lengths) as fit; returns how many.
    pub fn write(&mut self, left: &[f32], right: &[f32]) -> usize {
        let n = left.len().min(right.len());
        let fit = n.min(self.producer.slots());
        if fit < n {
            self.dropped.fetch_add((n - fit) as u64, Ordering::Relaxed);
        }
        if fit == 0 {
            return 0;
        }
        match self.producer.write_chunk_uninit(fit) {
            Ok(chunk) => chunk.fill_from_iter(left.iter().zip(right).map(|(&l, &r)| [l, r])),
            // `slots()` just said they are free and only this end ever fills them.
            Err(_) => 0,
        }
    }

    /// Frames lost because the ring was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The analysis thread's end.
pub struct InputReader {
    consumer: Consumer<StereoSample>,
    dropped: Arc<AtomicU64>,
}

impl InputReader {
    /// Frames ready to read.
    pub fn available(&self) -> usize {
        self.consumer.slots()
    }

    /// Moves up to `left.len()` frames (both slices equally long) out of the ring; returns how many.
    pub fn read(&mut self, left: &mut [f32], right: &mut [f32]) -> usize {
        let want = left.len().min(right.len()).min(self.consumer.slots());
        let Ok(chunk) = self.consumer.read_chunk(want) else {
            return 0;
        };
        let (a, b) = chunk.as_slices();
        for (i, &[l, r]) in a.iter().chain(b).enumerate() {
            left[i] = l;
            right[i] = r;
        }
        chunk.commit_all();
        want
    }

    /// Frames the writer had to drop because this end was not reading fast enough.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_arrive_in_order_and_overflow_is_counted() {
        let (mut w, mut r) = input_ring(8);
        let left: Vec<f32> = (0..6).map(|i| i as f32).collect();
        let right: Vec<f32> = left.iter().map(|x| -x).collect();
        assert_eq!(w.write(&left, &right), 6);
        assert_eq!(w.write(&left, &right), 2, "only two slots were left");
        assert_eq!(w.dropped(), 4);
        let (mut l, mut rr) = (vec![0.0; 16], vec![0.0; 16]);
        assert_eq!(r.read(&mut l, &mut rr), 8);
        assert_eq!(&l[..8], &[0., 1., 2., 3., 4., 5., 0., 1.]);
        assert_eq!(&rr[..8], &[-0., -1., -2., -3., -4., -5., -0., -1.]);
        assert_eq!(r.dropped(), 4);
        assert_eq!(r.read(&mut l, &mut rr), 0);
        // Wrapping around the end of the buffer keeps the order.
        assert_eq!(w.write(&left, &right), 6);
        assert_eq!(r.read(&mut l[..3], &mut rr[..3]), 3);
        assert_eq!(r.read(&mut l, &mut rr), 3);
        assert_eq!(&l[..3], &[3., 4., 5.]);
    }
}
