//! Commands waiting for their frame: a binary heap whose capacity is reserved up front, so
//! pushing within capacity never allocates in the audio thread.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::command::Action;

struct Pending {
    frame: u64,
    /// Arrival order, so commands for the same frame apply in the order they were sent.
    seq: u64,
    action: Action,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.frame, self.seq) == (other.frame, other.seq)
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    // Reversed: BinaryHeap is a max-heap and the earliest command must come out first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.frame, other.seq).cmp(&(self.frame, self.seq))
    }
}

pub(crate) struct Schedule {
    heap: BinaryHeap<Pending>,
    capacity: usize,
    seq: u64,
}

impl Schedule {
    pub fn with_capacity(capacity: usize) -> Self {
        Schedule {
            heap: BinaryHeap::with_capacity(capacity),
            capacity,
            seq: 0,
        }
    }

    /// Queues `action` for `frame`; hands it back when full rather than growing the heap.
    pub fn push(&mut self, frame: u64, action: Action) -> Result<(), Action> {
        if self.heap.len() >= self.capacity {
            return Err(action);
        }
        self.seq += 1;
        self.heap.push(Pending {
            frame,
            seq: self.seq,
            action,
        });
        Ok(())
    }

    /// Frame of the earliest queued command.
    pub fn next_frame(&self) -> Option<u64> {
        self.heap.peek().map(|p| p.frame)
    }

    /// Removes the earliest command if it is due before `end`.
    pub fn pop_before(&mut self, end: u64) -> Option<(u64, Action)> {
        if self.next_frame()? < end {
            self.heap.pop().map(|p| (p.frame, p.action))
        } else {
            None
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_fifo_within_a_frame() {
        let mut s = Schedule::with_capacity(4);
        s.push(
            50,
            Action::NoteOn {
                note: 1,
                velocity: 1,
            },
        )
        .unwrap();
        s.push(
            10,
            Action::NoteOn {
                note: 2,
                velocity: 1,
            },
        )
        .unwrap();
        s.push(
            50,
            Action::NoteOn {
                note: 3,
                velocity: 1,
            },
        )
        .unwrap();
        s.push(
            10,
            Action::NoteOn {
                note: 4,
                velocity: 1,
            },
        )
        .unwrap();
        assert!(s.push(0, Action::AllNotesOff).is_err(), "full");
        assert!(s.pop_before(10).is_none());
        let order: Vec<(u64, u8)> = std::iter::from_fn(|| s.pop_before(100))
            .map(|(f, a)| match a {
                Action::NoteOn { note, .. } => (f, note),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(order, [(10, 2), (10, 4), (50, 1), (50, 3)]);
        assert_eq!(s.len(), 0);
    }
}
