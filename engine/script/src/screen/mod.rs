//! norns' `screen`: a 128×64 canvas of 16 grey levels drawn as norns' cairo context draws
//! (`canvas`), bitmap text in norns' default font (`font`), the frames `screen.update()`
//! publishes (`frame`), and the `_wyrd.screen_*` primitives `lib/core/screen.lua` is built on
//! (`lua`). Drawing runs on the Lua thread; the published frame is shared through a
//! [`ScreenHandle`] (the runtime's, kept across reloads), and offline renders capture it on
//! the virtual clock (`capture`).

pub mod canvas;
pub mod capture;
pub mod font;
pub mod frame;
pub mod image;
pub(crate) mod lua;

pub use canvas::Canvas;
pub use capture::ScreenCapture;
pub use frame::{Frame, ScreenHandle, HEIGHT, WIDTH};

/// One script's screen: its canvas, and where its updates go.
pub struct Screen {
    pub canvas: Canvas,
    pub handle: ScreenHandle,
}

impl Screen {
    pub fn new(handle: ScreenHandle) -> Screen {
        Screen {
            canvas: Canvas::new(),
            handle,
        }
    }

    /// `screen.update()`: the canvas as it is now becomes the shown frame.
    pub fn update(&self) {
        self.handle.publish(self.canvas.frame());
    }
}
