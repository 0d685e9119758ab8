//! Recordings in: WAV files at any common rate, checked and resampled to the engine's rate.
//!
//! The resampler is rubato's synchronous FFT resampler (a fixed ratio, offline): each block
//! of about 4096 input frames is transformed, band-limited by a squared Blackman-Harris
//! windowed sinc just below the lower of the two Nyquist frequencies, and transformed back at
//! the new length. Its delay (half a block) is trimmed, so an event at input frame `n` lands
//! at output frame `n · to / from`, and the output is `round(len · to / from)` frames long.

use std::path::Path;

use anyhow::{bail, Context};
use rubato::audioadapter_buffers::direct::{SequentialSliceOfSlices, SequentialSliceOfVecs};
use rubato::{Fft, FixedSync, Resampler, WindowFunction};

use crate::Stereo;

/// The sample rates a recording may have, Hz.
pub const INPUT_RATES: std::ops::RangeInclusive<u32> = 8_000..=384_000;

/// The FFT block the resampler aims at, in input frames (rounded up to an even number of the
/// rate pair's smallest blocks: 4116 at 44.1 kHz, 88202 at 44.101 kHz). At 4096 the
/// anti-aliasing filter's cutoff is at 99.7 % of the lower Nyquist frequency.
const BLOCK: usize = 4096;

/// Read a mono or stereo WAV file (8-, 16-, 24- or 32-bit integer, or 32-bit float) at any
/// rate in [`INPUT_RATES`] and return it at `rate` (mono is duplicated to both channels). A
/// file already at `rate` comes back sample for sample as [`crate::read_wav`] reads it.
///
/// Refused, with a message that names the file: a file that is not a WAV file, no channels
/// or more than two, other sample formats, no audio, NaN or infinite samples, a rate outside
/// [`INPUT_RATES`].
pub fn read_input(path: &Path, rate: u32) -> anyhow::Result<Stereo> {
    let name = path.display();
    let reader =
        hound::WavReader::open(path).with_context(|| format!("{name}: cannot open as WAV"))?;
    let spec = reader.spec();
    drop(reader);
    match spec.channels {
        0 => bail!("{name}: the WAV file has no channels"),
        1 | 2 => {}
        n => bail!("{name}: {n} channels; wyrd reads mono or stereo WAV files"),
    }
    let supported = match spec.sample_format {
        hound::SampleFormat::Int => matches!(spec.bits_per_sample, 8 | 16 | 24 | 32),
        hound::SampleFormat::Float => spec.bits_per_sample == 32,
    };
    if !supported {
        let kind = match spec.sample_format {
            hound::SampleFormat::Int => "integer",
            hound::SampleFormat::Float => "float",
        };
        bail!(
            "{name}: {}-bit {kind} samples; wyrd reads 8-, 16-, 24- or 32-bit integer or \
             32-bit float WAV files",
            spec.bits_per_sample
        );
    }
    if !INPUT_RATES.contains(&spec.sample_rate) {
        bail!(
            "{name}: sample rate {} Hz is outside {}..{} Hz",
            spec.sample_rate,
            INPUT_RATES.start(),
            INPUT_RATES.end()
        );
    }
    let audio = crate::read_wav(path).with_context(|| format!("{name}: cannot read"))?;
    if audio.frames() == 0 {
        bail!("{name}: no audio (the file holds no samples)");
    }
    let bad = |x: &[f32]| x.iter().position(|v| !v.is_finite());
    if let Some(at) = bad(&audio.left).or_else(|| bad(&audio.right)) {
        bail!("{name}: sample {at} is not a finite number (NaN or infinite)");
    }
    Ok(resample(&audio, rate))
}

/// `audio` at `rate`: unchanged (the same samples) when it is already there, otherwise
/// resampled (see the module's notes), round(frames · rate / audio.sample_rate) frames long
/// and time-aligned with the original. Identical channels are resampled once.
///
/// # Panics
/// When `rate` or `audio.sample_rate` is 0.
pub fn resample(audio: &Stereo, rate: u32) -> Stereo {
    assert!(
        rate > 0 && audio.sample_rate > 0,
        "resample: sample rates must be positive ({} Hz to {rate} Hz)",
        audio.sample_rate
    );
    if audio.sample_rate == rate {
        return audio.clone();
    }
    let n = audio.left.len().min(audio.right.len());
    let (left, right) = (&audio.left[..n], &audio.right[..n]);
    let mut out = if left == right {
        resample_channels(&[left], audio.sample_rate, rate)
    } else {
        resample_channels(&[left, right], audio.sample_rate, rate)
    };
    let right = out.pop().expect("one channel at least");
    let left = out.pop().unwrap_or_else(|| right.clone());
    Stereo {
        left,
        right,
        sample_rate: rate,
    }
}

/// Each of `channels` (equally long) from `from` Hz to `to` Hz, delay trimmed, cut or padded
/// to round(len · to / from) frames.
fn resample_channels(channels: &[&[f32]], from: u32, to: u32) -> Vec<Vec<f32>> {
    let frames = channels[0].len();
    let want =
        ((frames as u128 * u128::from(to) + u128::from(from) / 2) / u128::from(from)) as usize;
    if frames == 0 {
        return vec![Vec::new(); channels.len()];
    }
    // An even number of the rate pair's smallest blocks, so that both FFT blocks are even
    // and the delay (half of either) is a whole number of frames on both sides.
    let (from, to) = (from as usize, to as usize);
    let smallest = from / gcd(from, to);
    let blocks = BLOCK.div_ceil(smallest).next_multiple_of(2);
    let mut resampler = Fft::<f32>::new_custom(
        from,
        to,
        blocks * smallest,
        1,
        channels.len(),
        WindowFunction::BlackmanHarris2,
        FixedSync::Input,
    )
    .expect("positive sample rates and block");
    let input = SequentialSliceOfSlices::new(channels, channels.len(), frames)
        .expect("channels of equal length");
    let room = resampler.process_all_needed_output_len(frames);
    let mut out = vec![vec![0.0f32; room]; channels.len()];
    let mut output = SequentialSliceOfVecs::new_mut(&mut out, channels.len(), room)
        .expect("output buffers of the needed length");
    let (_, produced) = resampler
        .process_all_into_buffer(&input, &mut output, frames, None)
        .expect("buffers sized as the resampler asks");
    debug_assert!(produced >= want, "{produced} frames, {want} wanted");
    for ch in &mut out {
        ch.truncate(produced.min(want));
        ch.resize(want, 0.0);
    }
    out
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
