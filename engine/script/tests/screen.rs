//! norns' `screen`: what drawing puts on the 128×64 canvas, what `screen.update()` shows,
//! bad input, and the demo script's frames against reference PNGs (tests/screen/).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use wyrd_script::render::{render_script_with_screen, ScriptRender};
use wyrd_script::Frame;

/// The frame shown after loading a script whose redraw() is `body` between a clear and an
/// update (norns calls redraw once after init).
fn draw(body: &str) -> Frame {
    let (frame, _) = draw_and(body, &[]);
    frame
}

/// [`draw`], then REPL expressions evaluated in the script; what they show.
fn draw_and(body: &str, exprs: &[&str]) -> (Frame, Vec<String>) {
    let src = format!("function redraw()\n screen.clear()\n {body}\n screen.update()\nend\n");
    let s = Script::new("draw", &src);
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    let out = exprs.iter().map(|e| b.eval(e)).collect();
    (b.runtime.screen().latest().1, out)
}

/// The lit pixels' bounding box (x0, y0, x1, y1), inclusive.
fn ink(f: &Frame) -> Option<(usize, usize, usize, usize)> {
    let mut bb: Option<(usize, usize, usize, usize)> = None;
    for y in 0..64 {
        for x in 0..128 {
            if f.level(x, y) > 0 {
                bb = Some(match bb {
                    None => (x, y, x, y),
                    Some((a, b, c, d)) => (a.min(x), b.min(y), c.max(x), d.max(y)),
                });
            }
        }
    }
    bb
}

fn repl_error(b: &mut Bench, expr: &str) -> String {
    let r = b.runtime.repl(expr, at(0));
    assert!(!r.ok, "{expr} should fail, gave {}", r.output);
    r.output
}

#[test]
fn a_filled_rect_at_level_15_covers_exactly_its_pixels() {
    for aa in [0, 1] {
        let f = draw(&format!(
            "screen.aa({aa}) screen.level(15) screen.rect(10, 20, 5, 3) screen.fill()"
        ));
        for y in 0..64 {
            for x in 0..128 {
                let inside = (10..15).contains(&x) && (20..23).contains(&y);
                assert_eq!(
                    f.level(x, y),
                    if inside { 15 } else { 0 },
                    "aa {aa} ({x},{y})"
                );
            }
        }
    }
}

#[test]
fn levels_show_as_themselves_and_peek_reads_them() {
    for z in 0..16 {
        let (f, out) = draw_and(
            &format!("screen.level({z}) screen.rect(0, 0, 4, 4) screen.fill()"),
            &["string.byte(screen.peek(1, 1))"],
        );
        assert_eq!(f.level(2, 2), z);
        assert_eq!(out[0], z.to_string());
    }
    // Out of range levels clamp, as norns' do.
    assert_eq!(
        draw("screen.level(40) screen.pixel(3, 3) screen.fill()").level(3, 3),
        15
    );
    assert_eq!(
        draw("screen.level(-2) screen.pixel(3, 3) screen.fill()").level(3, 3),
        0
    );
}

#[test]
fn pixel_is_one_pixel_at_zero_based_coordinates() {
    let f = draw("screen.level(9) screen.pixel(0, 0) screen.pixel(127, 63) screen.fill()");
    assert_eq!(f.level(0, 0), 9);
    assert_eq!(f.level(127, 63), 9);
    assert_eq!(f.levels.iter().filter(|&&l| l > 0).count(), 2);
}

#[test]
fn a_one_pixel_line_on_half_pixels_is_crisp_and_on_whole_pixels_is_not() {
    let f = draw(
        "screen.aa(1) screen.level(15) screen.line_width(1)
         screen.move(0, 10.5) screen.line(20, 10.5) screen.stroke()",
    );
    for x in 0..20 {
        assert_eq!(
            (f.level(x, 9), f.level(x, 10), f.level(x, 11)),
            (0, 15, 0),
            "x {x}"
        );
    }
    assert_eq!(f.level(20, 10), 0);
    // cairo's classic: on a whole-pixel y the line straddles two rows at half level.
    let f = draw(
        "screen.aa(1) screen.level(15) screen.move(0, 10) screen.line(20, 10) screen.stroke()",
    );
    let (a, b) = (f.level(5, 9), f.level(5, 10));
    assert!((6..=8).contains(&a) && (6..=8).contains(&b), "{a} {b}");
}

#[test]
fn aa_off_draws_only_full_levels_and_aa_on_blends_edges() {
    let circle = "screen.level(15) screen.circle(64, 32, 10.3) screen.stroke()
                  screen.move(0, 0) screen.line(127, 40) screen.stroke()";
    let off = draw(&format!("screen.aa(0) {circle}"));
    assert!(off.levels.iter().all(|&l| l == 0 || l == 15));
    assert!(off.levels.iter().filter(|&&l| l == 15).count() > 100);
    // norns starts every script with aa off.
    assert_eq!(draw(circle), off);
    let on = draw(&format!("screen.aa(1) {circle}"));
    assert!(on.levels.iter().any(|&l| l > 0 && l < 15));
}

#[test]
fn text_sits_on_its_baseline_and_advances_the_current_point() {
    let (f, out) = draw_and(
        "screen.level(15) screen.move(10, 20) screen.text('hello')",
        &["screen.current_point()"],
    );
    // 04B_03 at size 8: 'h', 'l' five pixels tall above the baseline, 18 px of ink.
    assert_eq!(ink(&f), Some((10, 15, 27, 19)));
    // The advance (19 px: each glyph has a column of space after it).
    assert_eq!(out[0], "29\t20");
}

#[test]
fn text_extents_are_norns_04b_03_metrics() {
    // norns' numbers, from its resources/norns.ttf (04B_03, 2048 units per em) at size 8:
    // the ink box's width and height, truncated to integers (norns' legacy API).
    let (_, out) = draw_and(
        "",
        &[
            "screen.text_extents('hello')",
            "screen.text_extents('HELLO')",
            "screen.text_extents('SCREEN DEMO')",
            "screen.text_extents('120 BPM')",
            "screen.text_extents('m')",
            "screen.text_extents('g')",
            "screen.text_extents('')",
        ],
    );
    assert_eq!(
        out,
        ["18\t5", "21\t5", "50\t5", "32\t5", "5\t4", "4\t6", "0\t0"]
    );
    // Size 16 doubles the pixels.
    let (_, out) = draw_and(
        "",
        &["screen.font_size(16) return screen.text_extents('hello')"],
    );
    assert_eq!(out, ["36\t10"]);
}

#[test]
fn text_right_and_center_align_on_the_ink_width() {
    let f = draw("screen.move(100, 30) screen.text_right('hello')");
    assert_eq!(ink(&f), Some((82, 25, 99, 29)));
    let f = draw("screen.move(64, 30) screen.text_center('hello')");
    assert_eq!(ink(&f), Some((55, 25, 72, 29)));
    let f = draw("screen.level(3) screen.text_rotate(64, 30, 'hi', 90)");
    let (x0, y0, x1, y1) = ink(&f).unwrap();
    // Rotated a quarter turn clockwise: the text runs down from (64, 30), rising to the right.
    assert!(
        x0 >= 64 && x1 <= 70 && y0 >= 30 && y1 <= 40,
        "{x0} {y0} {x1} {y1}"
    );
}

#[test]
fn peek_and_poke_round_trip() {
    let (f, out) = draw_and(
        "screen.poke(5, 6, 3, 2, string.char(0, 1, 2, 13, 14, 15))",
        &[
            "local s = screen.peek(5, 6, 3, 2) return s:byte(1, -1)",
            "#screen.peek(126, 62, 10, 10)",
            "#screen.peek(-1, 0, 1, 1)",
        ],
    );
    assert_eq!(out[0], "0\t1\t2\t13\t14\t15");
    // Clipped to the screen; out of range gives an empty string (norns).
    assert_eq!(out[1], "4");
    assert_eq!(out[2], "0");
    assert_eq!((f.level(6, 6), f.level(7, 7)), (1, 15));
}

#[test]
fn display_png_draws_an_image_at_its_position() {
    let dir = wyrd_testrig::TempDir::new("wyrd-screen-png").unwrap();
    let mut img = Frame::blank();
    img.levels[0] = 15; // (0, 0)
    img.levels[2 * 128 + 1] = 6; // (1, 2)
    let file = dir.path().join("dot.png");
    img.write_png(&file, 1).unwrap();
    let f = draw(&format!("screen.display_png('{}', 3, 4)", file.display()));
    assert_eq!((f.level(3, 4), f.level(4, 6)), (15, 6));
    assert_eq!(f.levels.iter().filter(|&&l| l > 0).count(), 2);
    // A missing file is an error naming the function.
    let s = Script::new("p", "");
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    let e = repl_error(&mut b, "screen.display_png('/nonexistent.png', 0, 0)");
    assert!(e.contains("screen.display_png: /nonexistent.png"), "{e}");
}

#[test]
fn clear_blanks_and_only_update_shows() {
    let s = Script::new(
        "upd",
        "function redraw() screen.level(15) screen.rect(0, 0, 8, 8) screen.fill() screen.update() end",
    );
    let mut b = Bench::start();
    let screen = b.runtime.screen();
    assert_eq!(screen.seq(), 0);
    b.load(&s.file).unwrap();
    // After init: norns clears and shows the screen, then calls redraw().
    let (seq, f) = screen.latest();
    assert_eq!(seq, 2);
    assert_eq!(f.level(3, 3), 15);
    // Drawing without update changes nothing shown.
    b.eval("screen.clear() screen.rect(20, 20, 4, 4) screen.fill()");
    assert_eq!(screen.latest(), (2, f.clone()));
    b.eval("screen.update()");
    let (seq, f) = screen.latest();
    assert_eq!(seq, 3);
    assert_eq!((f.level(3, 3), f.level(21, 21)), (0, 15));
    // screen.sleep blanks it and ignores updates until screen.ping().
    b.eval("screen.sleep() screen.rect(0, 0, 4, 4) screen.fill() screen.update()");
    assert!(screen.latest().1.levels.iter().all(|&l| l == 0));
    b.eval("screen.ping() screen.update()");
    assert_eq!(screen.latest().1.level(1, 1), 15);
}

#[test]
fn a_script_without_redraw_shows_a_blank_screen_after_init() {
    let s = Script::new(
        "noredraw",
        "function init() screen.rect(0, 0, 8, 8) screen.fill() screen.update() end",
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    let (seq, f) = b.runtime.screen().latest();
    assert!(seq >= 2);
    assert!(f.levels.iter().all(|&l| l == 0));
}

#[test]
fn paths_save_restore_and_transforms_behave_as_cairos() {
    // rect: a closed subpath; the current point returns to its corner.
    let (_, out) = draw_and(
        "",
        &[
            "screen.rect(3, 4, 10, 10) return screen.current_point()",
            "screen.stroke() return screen.current_point()",
            "screen.translate(10, 5) screen.move(1, 1) return screen.current_point()",
        ],
    );
    assert_eq!(out, ["3\t4", "0\t0", "1\t1"]);
    // A translated rect lands translated; restore brings the old transform back.
    let f = draw(
        "screen.save() screen.translate(50, 10) screen.rect(0, 0, 2, 2) screen.fill()
         screen.restore() screen.rect(0, 0, 1, 1) screen.fill()",
    );
    assert_eq!(
        (f.level(50, 10), f.level(51, 11), f.level(0, 0)),
        (15, 15, 15)
    );
    assert_eq!(f.levels.iter().filter(|&&l| l > 0).count(), 5);
    // A filled circle of radius 5: about 78 pixels.
    let n = draw("screen.circle(64, 32, 5) screen.fill()")
        .levels
        .iter()
        .filter(|&&l| l > 0)
        .count();
    assert!((70..=90).contains(&n), "{n}");
    // XOR over a lit pixel clears it.
    let f = draw(
        "screen.rect(0, 0, 4, 1) screen.fill() screen.blend_mode('xor')
         screen.rect(2, 0, 4, 1) screen.fill()",
    );
    let row: Vec<u8> = (0..7).map(|x| f.level(x, 0)).collect();
    assert_eq!(row, [15, 15, 0, 0, 15, 15, 0]);
}

#[test]
fn bad_arguments_are_errors_naming_the_function() {
    let s = Script::new("bad", "");
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    for (expr, want) in [
        (
            "screen.level('x')",
            "screen.level: level must be a number, got a string",
        ),
        (
            "screen.level(2.5)",
            "screen.level: level must be a whole number",
        ),
        (
            "screen.move(0/0, 1)",
            "screen.move: x must be a finite number",
        ),
        ("screen.move(1)", "screen.move: y must be a number, got nil"),
        (
            "screen.line(1, math.huge)",
            "screen.line: y must be a finite number",
        ),
        (
            "screen.rect(1, 2, 3)",
            "screen.rect: h must be a number, got nil",
        ),
        (
            "screen.circle(1, 2, {})",
            "screen.circle: r must be a number, got table",
        ),
        (
            "screen.text(nil)",
            "screen.text: expected a string, got nil",
        ),
        (
            "screen.text_extents({})",
            "screen.text_extents: expected a string",
        ),
        (
            "screen.arc(0, 0, 1, 0, 0/0)",
            "screen.arc: angle2 must be a finite number",
        ),
        (
            "screen.stroke() screen.line_rel(1, 1)",
            "screen.line_rel: no current point",
        ),
        (
            "screen.poke(0, 0, 1, 1, 5)",
            "screen.poke: the pixels must be a string",
        ),
        (
            "screen.font_size('big')",
            "screen.font_size: size must be a number",
        ),
    ] {
        let e = repl_error(&mut b, expr);
        assert!(e.contains(want), "{expr}: {e}");
    }
    // Numbers where strings go and numeric strings where numbers go, as norns' Lua C API.
    b.eval("screen.move('10', 20) screen.text(42) screen.line_width('2')");
    // Extreme but finite values draw (or not) without trouble.
    b.eval(
        "screen.aa(1) screen.line_width(1e300) screen.move(-1e300, 5) screen.line(1e300, 1e300)
         screen.stroke() screen.circle(0, 0, 1e300) screen.fill() screen.arc(5, 5, 3, 0, 1e300)
         screen.stroke() screen.font_size(1e12) screen.move(0, 10) screen.text('big')
         screen.font_size(-3) screen.text('neg') screen.font_size(0) screen.text('zero')
         screen.miter_limit(-1) screen.line_width(-2) screen.rect(0, 0, 5, 5) screen.stroke()
         screen.rotate(1e300) screen.translate(1e300, -1e300) screen.text_center('x')
         screen.peek(0, 0, 1e15, 1e15) screen.poke(0, 0, 1e15, 1e15, 'abc')
         screen.font_face(1e9) screen.font_face(-5) screen.blend_mode(1e9) screen.text('u\u{263A}')
         screen.update()",
    );
}

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/screen")
}

fn demo_frames(seconds: f64, fps: f64) -> Vec<Frame> {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/screen_demo/screen_demo.lua");
    let spec = ScriptRender::new(&script, seconds);
    let mut frames = Vec::new();
    let mut keep = |i: usize, f: &Frame| {
        assert_eq!(i, frames.len());
        frames.push(f.clone());
        Ok(())
    };
    let report = render_script_with_screen(&spec, &mut |_, _| Ok(()), Some((fps, &mut keep)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.error_count, 0, "{:?}", report.errors);
    frames
}

/// The demo script rendered offline: chosen frames equal the reviewed PNGs in tests/screen/
/// (WYRD_BLESS=1 writes them anew).
#[test]
fn the_demo_scripts_frames_match_the_references() {
    let frames = demo_frames(4.0, 15.0);
    assert_eq!(frames.len(), 60);
    // Deterministic: a second render gives the same frames.
    assert_eq!(frames, demo_frames(4.0, 15.0));
    let bless = std::env::var_os("WYRD_BLESS").is_some();
    for k in [0usize, 1, 22, 59] {
        let file = reference_dir().join(format!("screen_demo_{k:05}.png"));
        if bless {
            frames[k].write_png(&file, 1).unwrap();
            frames[k]
                .write_png(&file.with_extension("x4.png"), 4)
                .unwrap();
            continue;
        }
        let want = Frame::from_png(&std::fs::read(&file).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (WYRD_BLESS=1 writes the references)",
                file.display()
            )
        }))
        .unwrap();
        assert!(
            frames[k] == want,
            "frame {k} differs from {}",
            file.display()
        );
    }
    // The frames move: the step lit and the frame counter change.
    assert_ne!(frames[1], frames[22]);
}
