//! PNG files for `screen.display_png`: decoded to 8-bit RGBA whatever their colour type.

pub struct Image {
    pub width: usize,
    pub height: usize,
    /// Straight (not premultiplied) RGBA, row by row.
    pub rgba: Vec<u8>,
}

/// Larger than any screen image needs; a bigger file is refused before it is decoded.
const MAX_PIXELS: usize = 4096 * 4096;

pub fn decode_png(bytes: &[u8]) -> Result<Image, String> {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let (w, h) = {
        let info = reader.info();
        (info.width as usize, info.height as usize)
    };
    if w.saturating_mul(h) > MAX_PIXELS {
        return Err(format!("the image is {w}x{h}, too large"));
    }
    let mut buf = vec![0; reader.output_buffer_size()];
    let out = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let data = &buf[..out.buffer_size()];
    let (width, height) = (out.width as usize, out.height as usize);
    let stride = out.line_size;
    let mut rgba = Vec::with_capacity(width * height * 4);
    for row in data.chunks(stride).take(height) {
        match out.color_type {
            png::ColorType::Grayscale => {
                for &g in &row[..width] {
                    rgba.extend_from_slice(&[g, g, g, 255]);
                }
            }
            png::ColorType::GrayscaleAlpha => {
                for p in row[..width * 2].chunks_exact(2) {
                    rgba.extend_from_slice(&[p[0], p[0], p[0], p[1]]);
                }
            }
            png::ColorType::Rgb => {
                for p in row[..width * 3].chunks_exact(3) {
                    rgba.extend_from_slice(&[p[0], p[1], p[2], 255]);
                }
            }
            png::ColorType::Rgba => rgba.extend_from_slice(&row[..width * 4]),
            png::ColorType::Indexed => return Err("an indexed PNG was not expanded".into()),
        }
    }
    Ok(Image {
        width,
        height,
        rgba,
    })
}
