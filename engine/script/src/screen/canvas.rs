//! The drawing state behind `screen`: norns' cairo context rebuilt on tiny-skia.
//!
//! As in cairo, the path is kept in device coordinates (each point goes through the transform
//! in force when it is added), stroke and fill consume it, and `save`/`restore` keep the
//! graphics state (level, aa, line style, transform, font, blend mode) but not the path. The
//! surface is premultiplied RGBA like cairo's ARGB32; the OLED shows the luminance's top four
//! bits, as norns' SSD1322 driver does, so level z paints 17·z and shows z.
//!
//! Defaults are the ones norns gives each script (`Script.clear`): aa off, level 15, line width
//! 1, font 1 at size 8, butt caps, miter joins, miter limit 10.
//!
//! What differs from cairo: tiny-skia's coverage differs from cairo's by a level here and there
//! on anti-aliased edges; the unbounded operators (CLEAR, SOURCE, IN, OUT, DEST_IN, DEST_ATOP)
//! only touch the shape drawn, where cairo also clears outside it; SATURATE draws as DEST_OVER
//! (the same for norns' opaque levels).

use std::collections::HashSet;
use std::f64::consts::{FRAC_PI_2, PI};

use tiny_skia::{
    BlendMode, Color, FillRule, FilterQuality, LineCap, LineJoin, Paint, PathBuilder, Pixmap,
    PixmapPaint, PremultipliedColorU8, Stroke, Transform,
};

use super::font::{Face, Fonts, FACE_COUNT};
use super::frame::{Frame, HEIGHT, WIDTH};
use super::image::Image;

/// The level the OLED shows for a pixel (norns' SSD1322 conversion: luminance weighted
/// 64/160/32 out of 256, top four bits); a grey `v` shows `v >> 4`.
pub fn oled_level(r: u8, g: u8, b: u8) -> u8 {
    let lum = (64 * u32::from(r) + 160 * u32::from(g) + 32 * u32::from(b)) >> 8;
    (lum >> 4) as u8
}

/// An affine transform: (x, y) -> (a·x + c·y + e, b·x + d·y + f), as cairo's matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Matrix {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
}

impl Matrix {
    pub const IDENTITY: Matrix = Matrix {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };

    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.a * x + self.c * y + self.e,
            self.b * x + self.d * y + self.f,
        )
    }

    /// The linear part only (distances, relative moves).
    pub fn apply_vec(&self, x: f64, y: f64) -> (f64, f64) {
        (self.a * x + self.c * y, self.b * x + self.d * y)
    }

    /// Device point back to user space.
    pub fn invert_apply(&self, x: f64, y: f64) -> (f64, f64) {
        let det = self.a * self.d - self.b * self.c;
        if det == 0.0 || !det.is_finite() {
            return (x, y);
        }
        let (x, y) = (x - self.e, y - self.f);
        (
            (self.d * x - self.c * y) / det,
            (-self.b * x + self.a * y) / det,
        )
    }

    fn translate(&mut self, tx: f64, ty: f64) {
        self.e += self.a * tx + self.c * ty;
        self.f += self.b * tx + self.d * ty;
    }

    fn rotate(&mut self, r: f64) {
        let (s, c) = r.sin_cos();
        let (a, b, cc, d) = (self.a, self.b, self.c, self.d);
        self.a = a * c + cc * s;
        self.b = b * c + d * s;
        self.c = -a * s + cc * c;
        self.d = -b * s + d * c;
    }

    /// A pure translation (text then lands on whole pixels, as cairo's glyph positions do).
    fn is_translation(&self) -> bool {
        (self.a - 1.0).abs() < 1e-9
            && (self.d - 1.0).abs() < 1e-9
            && self.b.abs() < 1e-9
            && self.c.abs() < 1e-9
    }

    fn to_skia(self) -> Transform {
        Transform::from_row(
            self.a as f32,
            self.b as f32,
            self.c as f32,
            self.d as f32,
            self.e as f32,
            self.f as f32,
        )
    }
}

#[derive(Clone, Debug)]
struct GState {
    level: u8,
    aa: bool,
    line_width: f64,
    cap: LineCap,
    join: LineJoin,
    miter_limit: f64,
    ctm: Matrix,
    /// norns' face number, 1-based.
    face: usize,
    font_size: f64,
    blend: BlendMode,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            level: 15,
            aa: false,
            line_width: 1.0,
            cap: LineCap::Butt,
            join: LineJoin::Miter,
            miter_limit: 10.0,
            ctm: Matrix::IDENTITY,
            face: 1,
            font_size: 8.0,
            blend: BlendMode::SourceOver,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Seg {
    Move(f64, f64),
    Line(f64, f64),
    Cubic(f64, f64, f64, f64, f64, f64),
    Close,
}

/// norns' operators (`screen.BLEND_MODES`, 0..28) as tiny-skia's blend modes.
pub fn blend_mode(i: i64) -> BlendMode {
    use BlendMode::*;
    const MODES: [BlendMode; 29] = [
        SourceOver,
        Xor,
        Plus,
        Multiply,
        Screen,
        Overlay,
        Darken,
        Lighten,
        ColorDodge,
        ColorBurn,
        HardLight,
        SoftLight,
        Difference,
        Exclusion,
        Clear,
        Source,
        SourceIn,
        SourceOut,
        SourceAtop,
        Destination,
        DestinationOver,
        DestinationIn,
        DestinationOut,
        DestinationAtop,
        // SATURATE: for opaque sources the same as DEST_OVER.
        DestinationOver,
        Hue,
        Saturation,
        Color,
        Luminosity,
    ];
    MODES[i.clamp(0, 28) as usize]
}

/// Coordinates beyond this are clamped before they reach the rasteriser (f32 there).
const FAR: f64 = 1.0e7;

fn far(v: f64) -> f32 {
    v.clamp(-FAR, FAR) as f32
}

pub struct Canvas {
    pixmap: Pixmap,
    path: Vec<Seg>,
    /// The current point and the start of the current subpath, in device space.
    current: Option<(f64, f64)>,
    start: Option<(f64, f64)>,
    g: GState,
    stack: Vec<GState>,
    fonts: Fonts,
    /// Faces already noted as drawn with a stand-in.
    noted: HashSet<usize>,
}

impl Default for Canvas {
    fn default() -> Self {
        Canvas::new()
    }
}

impl Canvas {
    pub fn new() -> Canvas {
        Canvas {
            pixmap: Pixmap::new(WIDTH as u32, HEIGHT as u32).expect("a 128x64 pixmap"),
            path: Vec::new(),
            current: None,
            start: None,
            g: GState::default(),
            stack: Vec::new(),
            fonts: Fonts::default(),
            noted: HashSet::new(),
        }
    }

    /// What the OLED would show of the canvas now.
    pub fn frame(&self) -> Frame {
        let levels = self
            .pixmap
            .pixels()
            .iter()
            .map(|p| oled_level(p.red(), p.green(), p.blue()))
            .collect();
        Frame { levels }
    }

    pub fn clear(&mut self) {
        self.pixmap.fill(Color::TRANSPARENT);
    }

    pub fn level(&mut self, z: i64) {
        self.g.level = z.clamp(0, 15) as u8;
    }

    pub fn aa(&mut self, on: bool) {
        self.g.aa = on;
    }

    pub fn line_width(&mut self, w: f64) {
        self.g.line_width = w;
    }

    pub fn line_cap(&mut self, style: &str) {
        self.g.cap = match style {
            "round" => LineCap::Round,
            "square" => LineCap::Square,
            _ => LineCap::Butt,
        };
    }

    pub fn line_join(&mut self, style: &str) {
        self.g.join = match style {
            "round" => LineJoin::Round,
            "bevel" => LineJoin::Bevel,
            _ => LineJoin::Miter,
        };
    }

    pub fn miter_limit(&mut self, limit: f64) {
        self.g.miter_limit = limit;
    }

    pub fn blend(&mut self, i: i64) {
        self.g.blend = blend_mode(i);
    }

    pub fn save(&mut self) {
        // Bounded: a script that saves every frame without restoring must not grow forever.
        if self.stack.len() < 1024 {
            self.stack.push(self.g.clone());
        }
    }

    pub fn restore(&mut self) {
        if let Some(g) = self.stack.pop() {
            self.g = g;
        }
    }

    pub fn translate(&mut self, x: f64, y: f64) {
        self.g.ctm.translate(x, y);
    }

    pub fn rotate(&mut self, r: f64) {
        self.g.ctm.rotate(r);
    }

    /// The current point in user space ((0, 0) when there is none, as cairo answers).
    pub fn current_point(&self) -> (f64, f64) {
        match self.current {
            Some((x, y)) => self.g.ctm.invert_apply(x, y),
            None => (0.0, 0.0),
        }
    }

    pub fn has_current_point(&self) -> bool {
        self.current.is_some()
    }

    fn move_dev(&mut self, p: (f64, f64)) {
        self.path.push(Seg::Move(p.0, p.1));
        self.current = Some(p);
        self.start = Some(p);
    }

    fn line_dev(&mut self, p: (f64, f64)) {
        if self.current.is_none() {
            return self.move_dev(p);
        }
        self.path.push(Seg::Line(p.0, p.1));
        self.current = Some(p);
    }

    pub fn move_to(&mut self, x: f64, y: f64) {
        let p = self.g.ctm.apply(x, y);
        self.move_dev(p);
    }

    pub fn line_to(&mut self, x: f64, y: f64) {
        let p = self.g.ctm.apply(x, y);
        self.line_dev(p);
    }

    fn rel(&self, dx: f64, dy: f64) -> Option<(f64, f64)> {
        let (cx, cy) = self.current?;
        let (vx, vy) = self.g.ctm.apply_vec(dx, dy);
        Some((cx + vx, cy + vy))
    }

    /// False when there is no current point (after stroke or fill).
    pub fn move_rel(&mut self, dx: f64, dy: f64) -> bool {
        match self.rel(dx, dy) {
            Some(p) => {
                self.move_dev(p);
                true
            }
            None => false,
        }
    }

    pub fn line_rel(&mut self, dx: f64, dy: f64) -> bool {
        match self.rel(dx, dy) {
            Some(p) => {
                self.line_dev(p);
                true
            }
            None => false,
        }
    }

    fn curve_dev(&mut self, p1: (f64, f64), p2: (f64, f64), p3: (f64, f64)) {
        if self.current.is_none() {
            self.move_dev(p1);
        }
        self.path
            .push(Seg::Cubic(p1.0, p1.1, p2.0, p2.1, p3.0, p3.1));
        self.current = Some(p3);
    }

    pub fn curve_to(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, x3: f64, y3: f64) {
        let m = self.g.ctm;
        self.curve_dev(m.apply(x1, y1), m.apply(x2, y2), m.apply(x3, y3));
    }

    pub fn curve_rel(&mut self, c: [f64; 6]) -> bool {
        let (Some(p1), Some(p2), Some(p3)) = (
            self.rel(c[0], c[1]),
            self.rel(c[2], c[3]),
            self.rel(c[4], c[5]),
        ) else {
            return false;
        };
        self.curve_dev(p1, p2, p3);
        true
    }

    /// cairo_arc: clockwise on screen from `a1` to `a2` (raised by whole turns until it is not
    /// below `a1`), joined by a line to the current point if there is one.
    pub fn arc(&mut self, xc: f64, yc: f64, r: f64, a1: f64, mut a2: f64) {
        if a2 < a1 {
            let turns = ((a1 - a2) / (2.0 * PI)).ceil();
            a2 += turns * 2.0 * PI;
            if a2 < a1 {
                a2 += 2.0 * PI;
            }
        }
        // More than a few full turns draws the same circle; keep the segment count sane.
        let span = (a2 - a1).min(4.0 * PI);
        let r = r.abs();
        let point = |a: f64| (xc + r * a.cos(), yc + r * a.sin());
        let start = point(a1);
        self.line_to(start.0, start.1);
        if r == 0.0 || span == 0.0 {
            return;
        }
        let n = (span / FRAC_PI_2).ceil().max(1.0) as usize;
        let step = span / n as f64;
        let k = 4.0 / 3.0 * (step / 4.0).tan();
        for i in 0..n {
            let t0 = a1 + step * i as f64;
            let t1 = t0 + step;
            let (s0, c0) = t0.sin_cos();
            let (s1, c1) = t1.sin_cos();
            let p1 = (xc + r * (c0 - k * s0), yc + r * (s0 + k * c0));
            let p2 = (xc + r * (c1 + k * s1), yc + r * (s1 - k * c1));
            let p3 = (xc + r * c1, yc + r * s1);
            self.curve_to(p1.0, p1.1, p2.0, p2.1, p3.0, p3.1);
        }
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64) {
        self.move_to(x, y);
        self.line_rel(w, 0.0);
        self.line_rel(0.0, h);
        self.line_rel(-w, 0.0);
        self.close();
    }

    pub fn close(&mut self) {
        if self.current.is_some() {
            self.path.push(Seg::Close);
            self.current = self.start;
            // cairo: a close starts a new subpath at the same point.
            if let Some(p) = self.start {
                self.path.push(Seg::Move(p.0, p.1));
            }
        }
    }

    fn build_path(&self) -> Option<tiny_skia::Path> {
        let mut pb = PathBuilder::new();
        for seg in &self.path {
            match *seg {
                Seg::Move(x, y) => pb.move_to(far(x), far(y)),
                Seg::Line(x, y) => pb.line_to(far(x), far(y)),
                Seg::Cubic(x1, y1, x2, y2, x3, y3) => {
                    pb.cubic_to(far(x1), far(y1), far(x2), far(y2), far(x3), far(y3))
                }
                Seg::Close => pb.close(),
            }
        }
        pb.finish()
    }

    fn paint(&self) -> Paint<'static> {
        let v = self.g.level * 17;
        let mut paint = Paint::default();
        paint.set_color_rgba8(v, v, v, 255);
        paint.anti_alias = self.g.aa;
        paint.blend_mode = self.g.blend;
        paint
    }

    fn new_path(&mut self) {
        self.path.clear();
        self.current = None;
        self.start = None;
    }

    pub fn fill(&mut self) {
        if let Some(path) = self.build_path() {
            let paint = self.paint();
            self.pixmap.fill_path(
                &path,
                &paint,
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
        self.new_path();
    }

    pub fn stroke(&mut self) {
        // The transform is only ever translations and rotations, so the pen is the same
        // width in device space as in user space.
        let w = self.g.line_width;
        if w > 0.0 && w.is_finite() {
            if let Some(path) = self.build_path() {
                let paint = self.paint();
                let stroke = Stroke {
                    width: w.min(FAR) as f32,
                    miter_limit: self.g.miter_limit.clamp(1.0, FAR) as f32,
                    line_cap: self.g.cap,
                    line_join: self.g.join,
                    dash: None,
                };
                self.pixmap
                    .stroke_path(&path, &paint, &stroke, Transform::identity(), None);
            }
        }
        self.new_path();
    }

    /// `screen.font_face(i)` with norns' 1-based index: out of range keeps the face (norns).
    /// Returns a note when the face is drawn with a stand-in (once per face).
    pub fn font_face(&mut self, i: i64) -> Option<String> {
        let i = i.max(1) as usize;
        if i > FACE_COUNT {
            return None;
        }
        self.g.face = i;
        let (_, own) = Face::for_norns_face(i);
        if !own && self.noted.insert(i) {
            return Some(format!(
                "screen.font_face({i}): wyrd has no '{}' face; text draws with 04B_03",
                super::lua::FACE_NAMES[i - 1]
            ));
        }
        None
    }

    pub fn font_size(&mut self, size: f64) {
        self.g.font_size = size;
    }

    fn face(&self) -> (Face, f64) {
        let (face, _) = Face::for_norns_face(self.g.face);
        (face, self.g.font_size / face.native_size())
    }

    /// cairo_text_extents' width and height (of the ink), in user-space pixels.
    pub fn text_extents(&mut self, text: &str) -> (f64, f64) {
        let (face, scale) = self.face();
        match self.fonts.ink(face, text) {
            Some(ink) if scale > 0.0 => (
                f64::from(ink.x1 - ink.x0) * scale,
                f64::from(ink.y1 - ink.y0) * scale,
            ),
            _ => (0.0, 0.0),
        }
    }

    /// Draws `text` with its baseline at the current point ((0, 0) if none) shifted by `dx`
    /// along the baseline, and leaves the current point after its advance (cairo_show_text).
    pub fn text(&mut self, text: &str, dx: f64) {
        let (ux, uy) = self.current_point();
        let ux = ux + dx;
        let (face, scale) = self.face();
        let (glyphs, pen_end) = self.fonts.layout(face, text);
        if scale > 0.0 && scale.is_finite() {
            let m = self.g.ctm;
            let straight = m.is_translation();
            let (mut ox, mut oy) = m.apply(ux, uy);
            if straight {
                ox = ox.round();
                oy = oy.round();
            }
            let mut pb = PathBuilder::new();
            for (pen, g) in &glyphs {
                for &(px, py) in &g.pixels {
                    let gx = f64::from(pen + px) * scale;
                    let gy = f64::from(py) * scale;
                    let corners = [
                        (gx, gy),
                        (gx + scale, gy),
                        (gx + scale, gy + scale),
                        (gx, gy + scale),
                    ];
                    for (i, &(cx, cy)) in corners.iter().enumerate() {
                        let (vx, vy) = m.apply_vec(cx, cy);
                        let (x, y) = (far(ox + vx), far(oy + vy));
                        if i == 0 {
                            pb.move_to(x, y);
                        } else {
                            pb.line_to(x, y);
                        }
                    }
                    pb.close();
                }
            }
            if let Some(path) = pb.finish() {
                let paint = self.paint();
                self.pixmap.fill_path(
                    &path,
                    &paint,
                    FillRule::Winding,
                    Transform::identity(),
                    None,
                );
            }
        }
        let advance = if scale.is_finite() {
            f64::from(pen_end) * scale
        } else {
            0.0
        };
        self.move_to(ux + advance, uy);
    }

    /// norns' text_right and text_center: back by the ink width (all or half) first.
    pub fn text_aligned(&mut self, text: &str, fraction: f64) {
        let (w, _) = self.text_extents(text);
        self.text(text, -w * fraction);
    }

    /// Left-aligned text with characters dropped from its end until its ink fits in `w`.
    pub fn text_trim(&mut self, text: &str, w: f64) {
        let mut s: Vec<char> = text.chars().collect();
        while !s.is_empty() && self.text_extents(&s.iter().collect::<String>()).0 > w {
            s.pop();
        }
        self.text(&s.iter().collect::<String>(), 0.0);
    }

    /// Draws an image with its top left at user (x, y), through the current transform and
    /// blend mode.
    pub fn image(&mut self, img: &Image, x: f64, y: f64) {
        let Some(mut pm) = Pixmap::new(img.width.max(1) as u32, img.height.max(1) as u32) else {
            return;
        };
        for (dst, p) in pm.pixels_mut().iter_mut().zip(img.rgba.chunks_exact(4)) {
            *dst = tiny_skia::ColorU8::from_rgba(p[0], p[1], p[2], p[3]).premultiply();
        }
        let paint = PixmapPaint {
            opacity: 1.0,
            blend_mode: self.g.blend,
            quality: FilterQuality::Nearest,
        };
        let mut m = self.g.ctm;
        m.translate(x, y);
        self.pixmap
            .draw_pixmap(0, 0, pm.as_ref(), &paint, m.to_skia(), None);
    }

    /// Levels of a rectangle (norns: x 0..127, y 0..63, w and h > 0, clipped to the screen;
    /// anything else gives an empty string).
    pub fn peek(&self, x: i64, y: i64, w: i64, h: i64) -> Vec<u8> {
        if !(0..WIDTH as i64).contains(&x) || !(0..HEIGHT as i64).contains(&y) || w <= 0 || h <= 0 {
            return Vec::new();
        }
        let w = w.min(WIDTH as i64 - x);
        let h = h.min(HEIGHT as i64 - y);
        let px = self.pixmap.pixels();
        let mut out = Vec::with_capacity((w * h) as usize);
        for j in y..y + h {
            for i in x..x + w {
                let p = px[j as usize * WIDTH + i as usize];
                out.push(oled_level(p.red(), p.green(), p.blue()));
            }
        }
        out
    }

    /// Sets a rectangle of pixels to levels (one byte each, row by row, `w` to a row).
    pub fn poke(&mut self, x: i64, y: i64, w: i64, h: i64, levels: &[u8]) {
        if !(0..WIDTH as i64).contains(&x)
            || !(0..HEIGHT as i64).contains(&y)
            || w <= 0
            || h <= 0
            || (levels.len() as u128) < (w as u128) * (h as u128)
        {
            return;
        }
        let cw = w.min(WIDTH as i64 - x);
        let ch = h.min(HEIGHT as i64 - y);
        let px = self.pixmap.pixels_mut();
        for j in 0..ch {
            for i in 0..cw {
                let z = levels[(j * w + i) as usize].min(15) * 17;
                px[(y + j) as usize * WIDTH + (x + i) as usize] =
                    PremultipliedColorU8::from_rgba(z, z, z, z).expect("grey is premultiplied");
            }
        }
    }
}
