//! Text: real bitmap fonts from U8g2 (through the `u8g2-fonts` crate), as pixel glyphs.
//!
//! norns' default face (1, "norns", and 69, "04B_03") is Yuji Oshimoto's 04B_03, a pixel font
//! drawn as a TrueType outline of squares at size 8. U8g2 carries the same design as a bitmap
//! (`u8g2_font_04b_03_tr`, 8 px), so glyph shapes, advances and `screen.text_extents` match
//! norns' at size 8. Face 25 (tom-thumb) is U8g2's `tom_thumb_4x6`. What differs from norns:
//! - the other 66 faces (Roboto, Vera, Terminus, unscii, ...) are not here: they draw with
//!   04B_03 (a note says so once per face and script);
//! - other sizes scale the bitmap (each glyph pixel a square of size/8 px, anti-aliased when
//!   `screen.aa(1)`), where cairo would rasterise the outline with hinting: close, not equal;
//! - only the characters U8g2's fonts carry (04B_03: printable ASCII; tom-thumb: Latin-1);
//!   others advance like a space and draw nothing (cairo would draw the font's .notdef box).

use std::collections::HashMap;

use embedded_graphics_core::pixelcolor::BinaryColor;
use embedded_graphics_core::prelude::{Dimensions, DrawTarget, Pixel, Point, Size};
use embedded_graphics_core::primitives::Rectangle;
use u8g2_fonts::types::{FontColor, VerticalPosition};
use u8g2_fonts::{fonts, FontRenderer};

/// norns' face names (`screen.font_face_names`), 1-based.
pub const FACE_COUNT: usize = 69;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    B03,
    TomThumb,
}

impl Face {
    /// The font a norns face (1-based) draws with here, and whether that is norns' own.
    pub fn for_norns_face(face: usize) -> (Face, bool) {
        match face {
            1 | 69 => (Face::B03, true),
            25 => (Face::TomThumb, true),
            _ => (Face::B03, false),
        }
    }

    /// The pixel size the bitmap is drawn at (norns' font size at which one glyph pixel is
    /// one screen pixel).
    pub fn native_size(self) -> f64 {
        match self {
            Face::B03 => 8.0,
            Face::TomThumb => 6.0,
        }
    }

    fn renderer(self) -> FontRenderer {
        match self {
            Face::B03 => FontRenderer::new::<fonts::u8g2_font_04b_03_tr>(),
            Face::TomThumb => FontRenderer::new::<fonts::u8g2_font_tom_thumb_4x6_tf>(),
        }
    }
}

/// One glyph: its lit pixels relative to the pen on the baseline (y up is negative), and
/// how far the pen moves.
#[derive(Clone, Debug, Default)]
pub struct Glyph {
    pub pixels: Vec<(i32, i32)>,
    pub advance: i32,
}

/// Ink bounds of a string in glyph pixels, relative to the pen at its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ink {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

#[derive(Default)]
pub struct Fonts {
    glyphs: HashMap<(Face, char), Glyph>,
}

struct Collect(Vec<(i32, i32)>);

impl Dimensions for Collect {
    fn bounding_box(&self) -> Rectangle {
        Rectangle::new(Point::new(-512, -512), Size::new(1024, 1024))
    }
}

impl DrawTarget for Collect {
    type Color = BinaryColor;
    type Error = std::convert::Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Pixel<Self::Color>>,
    {
        for Pixel(p, c) in pixels {
            if c == BinaryColor::On {
                self.0.push((p.x, p.y));
            }
        }
        Ok(())
    }
}

impl Fonts {
    pub fn glyph(&mut self, face: Face, ch: char) -> &Glyph {
        self.glyphs.entry((face, ch)).or_insert_with(|| {
            let renderer = face.renderer();
            let mut target = Collect(Vec::new());
            let rendered = renderer.render(
                ch,
                Point::new(0, 0),
                VerticalPosition::Baseline,
                FontColor::Transparent(BinaryColor::On),
                &mut target,
            );
            match rendered {
                Ok(dims) => Glyph {
                    pixels: target.0,
                    advance: dims.advance.x,
                },
                // Not in the font: as wide as a space, no ink.
                Err(_) if ch != ' ' => Glyph {
                    pixels: vec![],
                    advance: {
                        let mut t = Collect(Vec::new());
                        renderer
                            .render(
                                ' ',
                                Point::new(0, 0),
                                VerticalPosition::Baseline,
                                FontColor::Transparent(BinaryColor::On),
                                &mut t,
                            )
                            .map(|d| d.advance.x)
                            .unwrap_or(0)
                    },
                },
                Err(_) => Glyph::default(),
            }
        })
    }

    /// Each glyph of `text` with the pen position (in glyph pixels) it starts at, and the
    /// pen position after the last.
    pub fn layout(&mut self, face: Face, text: &str) -> (Vec<(i32, Glyph)>, i32) {
        let mut pen = 0;
        let mut out = Vec::new();
        for ch in text.chars() {
            let g = self.glyph(face, ch).clone();
            let adv = g.advance;
            out.push((pen, g));
            pen += adv;
        }
        (out, pen)
    }

    /// The ink bounds of `text` (None: nothing is drawn, as for "" or spaces).
    pub fn ink(&mut self, face: Face, text: &str) -> Option<Ink> {
        let (glyphs, _) = self.layout(face, text);
        let mut ink: Option<Ink> = None;
        for (pen, g) in &glyphs {
            for &(x, y) in &g.pixels {
                let (x, y) = (x + pen, y);
                ink = Some(match ink {
                    None => Ink {
                        x0: x,
                        y0: y,
                        x1: x + 1,
                        y1: y + 1,
                    },
                    Some(i) => Ink {
                        x0: i.x0.min(x),
                        y0: i.y0.min(y),
                        x1: i.x1.max(x + 1),
                        y1: i.y1.max(y + 1),
                    },
                });
            }
        }
        ink
    }
}
