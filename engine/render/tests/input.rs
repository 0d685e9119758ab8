//! Input recordings at any rate: read, checked and resampled to 48 kHz with their pitch,
//! level, length and timing kept; 48 kHz files untouched; bad files refused by name.

use std::f64::consts::TAU;
use std::path::{Path, PathBuf};

use wyrd_render::{read_input, read_wav, resample, Stereo};

const SR: u32 = 48_000;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wyrd-render-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// How the samples are stored.
#[derive(Clone, Copy, Debug)]
enum Format {
    Int(u16),
    Float,
}

/// Writes `channels` (equally long) at `rate` in `format`.
fn write(path: &Path, rate: u32, format: Format, channels: &[Vec<f64>]) {
    let (bits, sample_format) = match format {
        Format::Int(b) => (b, hound::SampleFormat::Int),
        Format::Float => (32, hound::SampleFormat::Float),
    };
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..channels.first().map_or(0, Vec::len) {
        for ch in channels {
            let v = ch[i];
            match format {
                Format::Float => w.write_sample(v as f32).unwrap(),
                Format::Int(b) => {
                    let full = ((1i64 << (b - 1)) - 1) as f64;
                    w.write_sample((v * full).round() as i32).unwrap()
                }
            }
        }
    }
    w.finalize().unwrap();
}

fn sine(rate: u32, freq: f64, amp: f64, seconds: f64) -> Vec<f64> {
    let n = (seconds * f64::from(rate)).round() as usize;
    (0..n)
        .map(|i| amp * (TAU * freq * i as f64 / f64::from(rate)).sin())
        .collect()
}

fn expected_len(frames: usize, rate: u32) -> usize {
    ((frames as f64) * f64::from(SR) / f64::from(rate)).round() as usize
}

/// Frequency from the rising zero crossings (linearly interpolated) of `x` at `rate`.
fn frequency(x: &[f32], rate: u32) -> f64 {
    let mut crossings = vec![];
    for i in 1..x.len() {
        let (a, b) = (f64::from(x[i - 1]), f64::from(x[i]));
        if a < 0.0 && b >= 0.0 {
            crossings.push((i - 1) as f64 + a / (a - b));
        }
    }
    let (first, last) = (crossings[0], *crossings.last().unwrap());
    (crossings.len() - 1) as f64 * f64::from(rate) / (last - first)
}

fn rms_db(x: &[f32]) -> f64 {
    let ms = x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64;
    10.0 * ms.log10()
}

fn cents(a: f64, b: f64) -> f64 {
    1200.0 * (a / b).log2()
}

/// The middle of `x`, a tenth of a second in from each end.
fn middle(x: &[f32]) -> &[f32] {
    let edge = SR as usize / 10;
    &x[edge..x.len() - edge]
}

#[test]
fn sines_at_other_rates_keep_their_pitch_level_and_length() {
    let mut worst = (0.0f64, 0.0f64);
    for rate in [
        44_100, 96_000, 88_200, 22_050, 8_000, 192_000, 384_000, 44_101,
    ] {
        for format in [Format::Int(16), Format::Int(24), Format::Float] {
            let nyquist = f64::from(rate.min(SR)) / 2.0;
            for freq in [55.0, 440.0, 997.0, 5_000.0, 15_000.0, 19_000.0, 20_000.0] {
                if freq > 0.91 * nyquist {
                    continue;
                }
                let amp = 0.5;
                let x = sine(rate, freq, amp, 1.0);
                let path = tmp(&format!("sine-{rate}-{format:?}-{freq}.wav"));
                write(&path, rate, format, std::slice::from_ref(&x));
                let a = read_input(&path, SR).unwrap();
                assert_eq!(a.sample_rate, SR);
                assert_eq!(a.frames(), expected_len(x.len(), rate), "{rate} Hz");
                assert_eq!(a.left, a.right, "mono is duplicated");
                let m = middle(&a.left);
                let c = cents(frequency(m, SR), freq);
                let level = rms_db(m) - 20.0 * (amp / 2f64.sqrt()).log10();
                assert!(
                    c.abs() < 0.5,
                    "{rate} Hz {format:?} {freq} Hz sine: off by {c:.4} cents"
                );
                assert!(
                    level.abs() < 0.1,
                    "{rate} Hz {format:?} {freq} Hz sine: level off by {level:.4} dB"
                );
                worst.0 = worst.0.max(c.abs());
                worst.1 = worst.1.max(level.abs());
            }
        }
    }
    eprintln!(
        "worst pitch error {:.5} cents, worst level error {:.5} dB",
        worst.0, worst.1
    );
}

#[test]
fn a_click_lands_where_it_was() {
    let mut worst = 0.0f64;
    for rate in [44_100, 96_000, 88_200, 22_050, 8_000, 192_000, 44_101] {
        let n = rate as usize; // one second
        for at in [0, 1, 1_234, n / 2 + 7, n - 100] {
            let mut x = vec![0.0f32; n];
            x[at] = 0.9;
            let a = resample(
                &Stereo {
                    left: x.clone(),
                    right: x,
                    sample_rate: rate,
                },
                SR,
            );
            assert_eq!(a.frames(), expected_len(n, rate));
            let peak = a
                .left
                .iter()
                .enumerate()
                .max_by(|p, q| p.1.abs().total_cmp(&q.1.abs()))
                .unwrap()
                .0;
            let want = at as f64 * f64::from(SR) / f64::from(rate);
            // Where the band-limited click's peak is, between samples (a parabola through
            // the three samples around the largest).
            if peak > 0 && peak + 1 < a.frames() {
                let (y0, y1, y2) = (a.left[peak - 1], a.left[peak], a.left[peak + 1]);
                let (y0, y1, y2) = (f64::from(y0), f64::from(y1), f64::from(y2));
                let fine = peak as f64 + 0.5 * (y0 - y2) / (y0 - 2.0 * y1 + y2);
                assert!(
                    (fine - want).abs() < 0.2,
                    "{rate} Hz: click at {at} peaks at {fine:.3}, not {want:.3}"
                );
                worst = worst.max((fine - want).abs());
            }
            assert!(
                (peak as f64 - want).abs() <= 1.0,
                "{rate} Hz: click at {at} landed at {peak}, not {want:.2}"
            );
        }
    }
    eprintln!("clicks land within {worst:.3} frames of where they were (interpolated)");
}

#[test]
fn content_above_the_new_nyquist_is_filtered_out() {
    // 30 kHz at 96 kHz has no place at 48 kHz: it must not alias down to 18 kHz.
    let x: Vec<f32> = sine(96_000, 30_000.0, 0.5, 1.0)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    let a = resample(
        &Stereo {
            left: x.clone(),
            right: x,
            sample_rate: 96_000,
        },
        SR,
    );
    let db = rms_db(middle(&a.left));
    eprintln!("30 kHz at 96 kHz resampled to 48 kHz: {db:.1} dBFS");
    assert!(db < -100.0, "{db:.1} dBFS left of a -9 dBFS 30 kHz sine");
}

#[test]
fn files_at_the_asked_rate_come_back_bit_identical() {
    // Pseudo-random samples in all four formats, stereo and mono.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut noise = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64 * 1.8 - 0.9
    };
    let l: Vec<f64> = (0..10_000).map(|_| noise()).collect();
    let r: Vec<f64> = (0..10_000).map(|_| noise()).collect();
    for format in [
        Format::Int(8),
        Format::Int(16),
        Format::Int(24),
        Format::Int(32),
        Format::Float,
    ] {
        for channels in [vec![l.clone()], vec![l.clone(), r.clone()]] {
            let path = tmp(&format!("same-{format:?}-{}.wav", channels.len()));
            write(&path, SR, format, &channels);
            let a = read_input(&path, SR).unwrap();
            assert_eq!(a, read_wav(&path).unwrap(), "{format:?}");
            if let Format::Float = format {
                let f: Vec<f32> = l.iter().map(|&v| v as f32).collect();
                assert_eq!(a.left, f);
            }
        }
    }
    // And resample itself leaves audio at its own rate alone.
    let s = Stereo {
        left: vec![0.1, -0.2, 0.3],
        right: vec![1.0, f32::MIN_POSITIVE, -1.0],
        sample_rate: 44_100,
    };
    assert_eq!(resample(&s, 44_100), s);
}

#[test]
fn stereo_channels_stay_separate() {
    for rate in [44_100, 96_000] {
        let left = sine(rate, 440.0, 0.5, 1.0);
        let right = vec![0.0; left.len()];
        let path = tmp(&format!("stereo-{rate}.wav"));
        write(&path, rate, Format::Int(24), &[left.clone(), right]);
        let a = read_input(&path, SR).unwrap();
        assert!(
            a.right.iter().all(|&v| v.abs() < 1e-6),
            "{rate} Hz: left leaked"
        );
        assert!(cents(frequency(middle(&a.left), SR), 440.0).abs() < 0.5);

        // Swapped, with a different tone on the other side.
        let other = sine(rate, 660.0, 0.25, 1.0);
        write(&path, rate, Format::Float, &[other, left]);
        let a = read_input(&path, SR).unwrap();
        assert!(cents(frequency(middle(&a.left), SR), 660.0).abs() < 0.5);
        assert!(cents(frequency(middle(&a.right), SR), 440.0).abs() < 0.5);
        let (l, r) = (rms_db(middle(&a.left)), rms_db(middle(&a.right)));
        assert!((r - l - 20.0 * 2f64.log10()).abs() < 0.1, "{l} dB, {r} dB");
    }
}

#[test]
fn eight_bit_and_very_short_files_are_read() {
    let path = tmp("eight.wav");
    let x = sine(44_100, 440.0, 0.5, 0.5);
    write(&path, 44_100, Format::Int(8), std::slice::from_ref(&x));
    let a = read_input(&path, SR).unwrap();
    assert_eq!(a.frames(), expected_len(x.len(), 44_100));
    assert!(cents(frequency(middle(&a.left), SR), 440.0).abs() < 0.5);
    for frames in [1, 2, 3, 147, 1000] {
        let path = tmp(&format!("short-{frames}.wav"));
        write(&path, 44_100, Format::Int(16), &[vec![0.5; frames]]);
        let a = read_input(&path, SR).unwrap();
        assert_eq!(a.frames(), expected_len(frames, 44_100), "{frames} frames");
        assert!(a.left.iter().all(|v| v.is_finite()));
    }
}

/// A WAV file written byte by byte: format tag 1 (PCM), 3 (float), 6 (A-law) or 0xFFFE
/// (extensible, PCM, with `valid` bits of `bits`), any channel count.
fn raw_wav(path: &Path, tag: u16, channels: u16, rate: u32, bits: u16, valid: u16, data: &[u8]) {
    let block = channels * bits.div_ceil(8);
    let mut fmt = vec![];
    fmt.extend_from_slice(&tag.to_le_bytes());
    fmt.extend_from_slice(&channels.to_le_bytes());
    fmt.extend_from_slice(&rate.to_le_bytes());
    fmt.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    fmt.extend_from_slice(&block.to_le_bytes());
    fmt.extend_from_slice(&bits.to_le_bytes());
    if tag == 0xFFFE {
        fmt.extend_from_slice(&22u16.to_le_bytes());
        fmt.extend_from_slice(&valid.to_le_bytes());
        fmt.extend_from_slice(&4u32.to_le_bytes()); // front centre
        fmt.extend_from_slice(&[
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38,
            0x9b, 0x71,
        ]);
    }
    let mut b = b"RIFF".to_vec();
    b.extend_from_slice(&(4 + 8 + fmt.len() as u32 + 8 + data.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    b.extend_from_slice(&fmt);
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(data);
    std::fs::write(path, b).unwrap();
}

/// `read_input` refuses `path`, saying all of `says` and naming the file.
fn refused(path: &Path, says: &[&str]) {
    let e = format!("{:#}", read_input(path, SR).unwrap_err());
    assert!(e.contains(&path.display().to_string()), "{e}");
    for s in says {
        assert!(e.contains(s), "{}: {e}", path.display());
    }
}

#[test]
fn bad_files_are_refused_with_the_file_named() {
    let three = tmp("three.wav");
    let x = sine(44_100, 440.0, 0.5, 0.1);
    write(
        &three,
        44_100,
        Format::Int(16),
        &[x.clone(), x.clone(), x.clone()],
    );
    refused(&three, &["3 channels", "mono or stereo"]);

    let none = tmp("no-channels.wav");
    raw_wav(&none, 1, 0, 44_100, 16, 16, &[]);
    refused(&none, &["channels"]);

    let empty = tmp("empty.wav");
    write(&empty, 44_100, Format::Int(16), &[vec![]]);
    refused(&empty, &["no audio"]);

    let nan = tmp("nan.wav");
    let mut y = x.clone();
    y[100] = f64::NAN;
    write(&nan, 44_100, Format::Float, &[x.clone(), y]);
    refused(&nan, &["sample 100", "not a finite number"]);
    let inf = tmp("inf.wav");
    let mut y = x.clone();
    y[7] = f64::INFINITY;
    write(&inf, SR, Format::Float, &[y]);
    refused(&inf, &["sample 7", "not a finite number"]);

    for rate in [7_999, 384_001, 1] {
        let path = tmp(&format!("rate-{rate}.wav"));
        write(&path, rate, Format::Int(16), &[vec![0.1; 100]]);
        refused(&path, &[&format!("{rate} Hz"), "8000..384000"]);
    }

    let twenty = tmp("twenty-bit.wav");
    raw_wav(&twenty, 0xFFFE, 1, 44_100, 24, 20, &[0; 30]);
    refused(&twenty, &["20-bit integer", "16-, 24- or 32-bit"]);
    let double = tmp("double.wav");
    raw_wav(&double, 3, 1, 44_100, 64, 64, &[0; 80]);
    refused(&double, &["cannot open as WAV"]);
    let alaw = tmp("alaw.wav");
    raw_wav(&alaw, 6, 1, 8_000, 8, 8, &[0; 80]);
    refused(&alaw, &["cannot open as WAV"]);

    let text = tmp("not-a-wav.wav");
    std::fs::write(&text, "hello").unwrap();
    refused(&text, &["cannot open as WAV"]);
    refused(&tmp("missing.wav"), &["cannot open as WAV"]);
}
