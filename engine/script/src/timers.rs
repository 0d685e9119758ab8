//! Everything a script waits for, ordered by the engine frame it is due on.
//!
//! Clock coroutines, metro ticks, poll ticks and latent decodes all wait here. Ids are never reused, so a
//! cancelled entry can be forgotten lazily: it is skipped when it surfaces (a cancelled clock
//! never wakes, even if the cancel comes after its wake-up was computed).
//! Metros and polls keep their ticks beside the queue; each tick arms the next.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// A `clock.run` coroutine waiting in `clock.sleep` or `clock.sync`.
    Clock(u64),
    /// The next tick of a metro.
    Metro(u64),
    /// The next report of a poll.
    Poll(u64),
    /// The next decode of a latent mapper whose point moved (rate-limited).
    Latent(u64),
}

/// A due entry: the frame, the exact position and beat asked for, and what to wake.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Due {
    pub frame: u64,
    /// Exact (fractional) frame position.
    pub at: f64,
    pub beat: Option<f64>,
    pub timer: Timer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    frame: u64,
    /// Insertion order breaks ties: things due on one frame run in the order they were asked.
    seq: u64,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    timer: Timer,
    at: f64,
    beat: Option<f64>,
}

#[derive(Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<Key>>,
    slots: HashMap<u64, Slot>,
    seq: u64,
    /// The live wait of each timer: a timer waits at most once; re-arming replaces the old wait.
    armed: HashMap<Timer, u64>,
}

impl Timers {
    /// Arms `timer` for the exact frame position `at` (due on the nearest frame), replacing
    /// any earlier wait of the same timer.
    pub fn arm(&mut self, at: f64, beat: Option<f64>, timer: Timer) {
        let at = at.max(0.0);
        self.seq += 1;
        if let Some(old) = self.armed.insert(timer, self.seq) {
            self.slots.remove(&old);
        }
        self.slots.insert(self.seq, Slot { timer, at, beat });
        self.heap.push(Reverse(Key {
            frame: at.round() as u64,
            seq: self.seq,
        }));
    }

    pub fn cancel(&mut self, timer: Timer) {
        if let Some(seq) = self.armed.remove(&timer) {
            self.slots.remove(&seq);
        }
    }

    /// The frame of the earliest live entry.
    pub fn next_frame(&mut self) -> Option<u64> {
        self.skip_stale();
        self.heap.peek().map(|Reverse(k)| k.frame)
    }

    /// Removes and returns the earliest live entry due at or before `until`.
    pub fn pop_due(&mut self, until: u64) -> Option<Due> {
        self.skip_stale();
        let &Reverse(key) = self.heap.peek()?;
        if key.frame > until {
            return None;
        }
        self.heap.pop();
        let slot = self.slots.remove(&key.seq)?;
        self.armed.remove(&slot.timer);
        Some(Due {
            frame: key.frame,
            at: slot.at,
            beat: slot.beat,
            timer: slot.timer,
        })
    }

    /// Entries waiting for a beat, for re-timing after a tempo change.
    pub fn beat_waits(&self) -> Vec<(Timer, f64)> {
        let mut waits: Vec<(u64, Timer, f64)> = self
            .slots
            .iter()
            .filter_map(|(&seq, s)| s.beat.map(|b| (seq, s.timer, b)))
            .collect();
        waits.sort_by_key(|w| w.0);
        waits.into_iter().map(|(_, t, b)| (t, b)).collect()
    }

    pub fn len(&self) -> usize {
        self.armed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.armed.is_empty()
    }

    pub fn clear(&mut self) {
        self.heap.clear();
        self.slots.clear();
        self.armed.clear();
    }

    /// Drops superseded and cancelled entries from the top of the heap.
    fn skip_stale(&mut self) {
        while let Some(Reverse(key)) = self.heap.peek() {
            if self.slots.contains_key(&key.seq) {
                return;
            }
            self.heap.pop();
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Repeat {
    /// Exact frame of tick 0.
    pub start: f64,
    /// Frames between ticks.
    pub period: f64,
    /// Ticks so far.
    pub ticks: u64,
    /// Stage reported with the next tick (norns metros count from `init_stage`).
    pub stage: i64,
    /// Ticks in all, or −1 forever.
    pub count: i64,
}

impl Repeat {
    /// Like norns, the first tick comes one period after `start`.
    fn new(start: f64, period: f64, stage: i64, count: i64) -> Self {
        Repeat {
            start,
            period,
            ticks: 1,
            stage,
            count,
        }
    }

    pub fn next_frame(&self) -> f64 {
        self.start + self.ticks as f64 * self.period
    }
}

/// Everything a script waits for: the queue, and the metros and polls that wait in it.
#[derive(Debug, Default)]
pub struct Schedule {
    pub timers: Timers,
    metros: HashMap<u64, Repeat>,
    /// Each poll's name and ticks.
    polls: HashMap<u64, (String, Repeat)>,
}

impl Schedule {
    pub fn start_metro(&mut self, id: u64, start: f64, period: f64, count: i64, stage: i64) {
        let r = Repeat::new(start, period, stage, count);
        self.timers.arm(r.next_frame(), None, Timer::Metro(id));
        self.metros.insert(id, r);
    }

    pub fn stop_metro(&mut self, id: u64) {
        self.metros.remove(&id);
        self.timers.cancel(Timer::Metro(id));
    }

    pub fn set_metro_period(&mut self, id: u64, period: f64) {
        if let Some(r) = self.metros.get_mut(&id) {
            // The tick already waiting keeps its frame; the new period counts from it.
            let next = r.next_frame();
            *r = Repeat {
                start: next - period,
                period,
                ticks: 1,
                ..*r
            };
        }
    }

    /// Advances a metro that is due: its stage, whether this is its last tick, and its next
    /// tick armed unless it is done.
    pub fn tick_metro(&mut self, id: u64) -> Option<(i64, bool)> {
        let mut r = *self.metros.get(&id)?;
        let stage = r.stage;
        let last = r.count >= 0 && r.ticks >= r.count as u64;
        if last {
            self.metros.remove(&id);
        } else {
            r.stage += 1;
            r.ticks += 1;
            self.timers.arm(r.next_frame(), None, Timer::Metro(id));
            self.metros.insert(id, r);
        }
        Some((stage, last))
    }

    pub fn start_poll(&mut self, id: u64, name: String, start: f64, period: f64) {
        let r = Repeat::new(start, period, 1, -1);
        self.timers.arm(r.next_frame(), None, Timer::Poll(id));
        self.polls.insert(id, (name, r));
    }

    pub fn stop_poll(&mut self, id: u64) {
        self.polls.remove(&id);
        self.timers.cancel(Timer::Poll(id));
    }

    /// Advances a poll that is due, its next tick armed; the name of what it reports.
    pub fn tick_poll(&mut self, id: u64) -> Option<String> {
        let (name, mut r) = self.polls.get(&id)?.clone();
        r.ticks += 1;
        self.timers.arm(r.next_frame(), None, Timer::Poll(id));
        self.polls.insert(id, (name.clone(), r));
        Some(name)
    }

    pub fn clear(&mut self) {
        self.timers.clear();
        self.metros.clear();
        self.polls.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_in_frame_order_then_request_order() {
        let mut t = Timers::default();
        t.arm(100.0, None, Timer::Clock(1));
        t.arm(50.0, None, Timer::Metro(2));
        t.arm(100.0, None, Timer::Poll(3));
        assert_eq!(t.next_frame(), Some(50));
        assert_eq!(t.pop_due(49), None);
        let order: Vec<_> = std::iter::from_fn(|| t.pop_due(1000))
            .map(|d| d.timer)
            .collect();
        assert_eq!(
            order,
            vec![Timer::Metro(2), Timer::Clock(1), Timer::Poll(3)]
        );
        assert!(t.is_empty());
    }

    #[test]
    fn cancelled_and_rearmed_timers_wake_once_at_their_latest_frame() {
        let mut t = Timers::default();
        t.arm(10.0, None, Timer::Clock(1));
        t.arm(20.0, None, Timer::Clock(2));
        t.cancel(Timer::Clock(1));
        t.arm(30.0, None, Timer::Clock(2));
        assert_eq!(t.next_frame(), Some(30));
        let d = t.pop_due(100).unwrap();
        assert_eq!((d.frame, d.timer), (30, Timer::Clock(2)));
        assert_eq!(t.pop_due(100), None);
    }

    #[test]
    fn beat_waits_lists_only_live_entries() {
        let mut t = Timers::default();
        t.arm(10.0, Some(1.0), Timer::Clock(1));
        t.arm(20.0, Some(2.0), Timer::Clock(2));
        t.arm(30.0, None, Timer::Metro(1));
        t.cancel(Timer::Clock(1));
        assert_eq!(t.beat_waits(), vec![(Timer::Clock(2), 2.0)]);
    }
}
