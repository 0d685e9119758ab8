//! The published frame: what norns' OLED would show, 128×64 pixels of 16 grey levels, and the
//! shared slot `screen.update()` publishes it to (a web UI, offline capture).

use std::path::Path;
use std::sync::{Arc, Mutex};

pub const WIDTH: usize = 128;
pub const HEIGHT: usize = 64;

/// One frame: a level 0..=15 per pixel, row by row from the top left.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    pub levels: Vec<u8>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lit = self.levels.iter().filter(|&&l| l > 0).count();
        write!(f, "Frame(128x64, {lit} lit pixels)")
    }
}

impl Default for Frame {
    fn default() -> Self {
        Frame::blank()
    }
}

impl Frame {
    pub fn blank() -> Frame {
        Frame {
            levels: vec![0; WIDTH * HEIGHT],
        }
    }

    /// The level at `(x, y)` (0-based pixels); 0 outside the screen.
    pub fn level(&self, x: usize, y: usize) -> u8 {
        if x < WIDTH && y < HEIGHT {
            self.levels[y * WIDTH + x]
        } else {
            0
        }
    }

    /// As the OLED shows it: level/15 white, each pixel `scale`×`scale`.
    pub fn grey(&self, scale: usize) -> (usize, usize, Vec<u8>) {
        let scale = scale.max(1);
        let (w, h) = (WIDTH * scale, HEIGHT * scale);
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                out.push(self.levels[(y / scale) * WIDTH + x / scale].min(15) * 17);
            }
        }
        (w, h, out)
    }

    /// An 8-bit greyscale PNG of the frame.
    pub fn to_png(&self, scale: usize) -> Result<Vec<u8>, String> {
        let (w, h, grey) = self.grey(scale);
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, w as u32, h as u32);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().map_err(|e| e.to_string())?;
            writer.write_image_data(&grey).map_err(|e| e.to_string())?;
        }
        Ok(bytes)
    }

    pub fn write_png(&self, path: &Path, scale: usize) -> Result<(), String> {
        let bytes = self.to_png(scale)?;
        std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// A frame from a PNG [`Frame::to_png`] wrote at scale 1 (or any 128×64 image: its
    /// luminance, quantised to 16 levels as the OLED does).
    pub fn from_png(bytes: &[u8]) -> Result<Frame, String> {
        let img = super::image::decode_png(bytes)?;
        if img.width != WIDTH || img.height != HEIGHT {
            return Err(format!(
                "the image is {}x{}, not 128x64",
                img.width, img.height
            ));
        }
        let levels = img
            .rgba
            .chunks_exact(4)
            .map(|p| super::canvas::oled_level(p[0], p[1], p[2]))
            .collect();
        Ok(Frame { levels })
    }
}

#[derive(Default)]
struct Published {
    /// How many frames were published (0: none yet).
    seq: u64,
    frame: Frame,
    inverted: bool,
}

/// The latest published frame, shared: the Lua thread publishes, anyone reads. Drawing never
/// happens on the audio thread, so a mutex is enough.
#[derive(Clone, Default)]
pub struct ScreenHandle(Arc<Mutex<Published>>);

impl std::fmt::Debug for ScreenHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScreenHandle(frame {})", self.seq())
    }
}

impl ScreenHandle {
    pub fn new() -> ScreenHandle {
        ScreenHandle::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Published> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn publish(&self, mut frame: Frame) {
        let mut p = self.lock();
        if p.inverted {
            frame.levels.iter_mut().for_each(|l| *l = 15 - *l);
        }
        p.frame = frame;
        p.seq += 1;
    }

    /// `screen.invert`: the display's own mode, applied to what is shown now and from now on.
    pub(crate) fn set_inverted(&self, inverted: bool) {
        let mut p = self.lock();
        if p.inverted != inverted {
            p.inverted = inverted;
            p.frame.levels.iter_mut().for_each(|l| *l = 15 - *l);
            p.seq += 1;
        }
    }

    /// The latest frame and its sequence number (0 and a blank frame before the first).
    pub fn latest(&self) -> (u64, Frame) {
        let p = self.lock();
        (p.seq, p.frame.clone())
    }

    /// How many frames have been published.
    pub fn seq(&self) -> u64 {
        self.lock().seq
    }
}
