//! Offline frame capture: the latest published frame at each tick of a frame rate on the
//! virtual clock, after the callbacks due at that frame have run (so two renders give the
//! same frames).

use wyrd_engine::Timeline;

use super::frame::{Frame, ScreenHandle};

/// What a captured frame is handed to: its index and the frame.
pub type FrameSink<'a> = dyn FnMut(usize, &Frame) -> Result<(), String> + 'a;

pub struct ScreenCapture<'a> {
    handle: ScreenHandle,
    sample_rate: f64,
    fps: f64,
    /// Frames of audio to capture within.
    total: u64,
    next: usize,
    sink: &'a mut FrameSink<'a>,
    /// The first error the sink returned; capture stops there.
    pub error: Option<String>,
}

impl<'a> ScreenCapture<'a> {
    pub fn new(
        handle: ScreenHandle,
        sample_rate: u32,
        fps: f64,
        total: u64,
        sink: &'a mut FrameSink<'a>,
    ) -> Self {
        ScreenCapture {
            handle,
            sample_rate: f64::from(sample_rate),
            fps,
            total,
            next: 0,
            sink,
            error: None,
        }
    }

    /// The audio frame capture `k` happens at.
    fn frame_of(&self, k: usize) -> u64 {
        (k as f64 * self.sample_rate / self.fps).round() as u64
    }

    fn due(&self) -> Option<u64> {
        let at = self.frame_of(self.next);
        (self.error.is_none() && at < self.total).then_some(at)
    }
}

impl Timeline for ScreenCapture<'_> {
    fn next_due(&mut self) -> Option<u64> {
        self.due()
    }

    fn run_due(&mut self, frame: u64) {
        while let Some(at) = self.due() {
            if at > frame {
                break;
            }
            let (_, shown) = self.handle.latest();
            if let Err(e) = (self.sink)(self.next, &shown) {
                self.error = Some(e);
            }
            self.next += 1;
        }
    }
}
