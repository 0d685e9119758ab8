//! Frame features from audio arriving in chunks of any size, with fixed memory.
//!
//! [`StreamingAnalyzer`] emits, every hop, the same frame the offline functions compute:
//! mel dB, MFCCs ([`crate::mfcc`](mod@crate::mfcc)), RMS, spectral centroid and flatness
//! ([`crate::spectral`]).
//! Centred analysis reproduces librosa's `n_fft / 2` padding at both ends: the leading pad is
//! fed before the first sample, the trailing pad by [`StreamingAnalyzer::finish`]. So a
//! centred frame `t` (centred on sample `t * hop`) comes out as soon as its last sample,
//! `t * hop + (n_fft - 1) / 2`, has been pushed: about `n_fft / 2` samples of latency. With
//! reflect padding nothing comes out before sample `n_fft / 2`, which the leading pad mirrors.
//!
//! One difference from offline MFCCs, by necessity: `top_db` is ignored. librosa floors the
//! mel dB at the *whole clip's* peak minus `top_db`, and a stream cannot know its peak before
//! it ends, so streamed mel dB is `10 log10(max(P, amin))` unfloored and the MFCCs are taken
//! from that. They equal offline results computed with `top_db: None`
//! ([`FeatureConfig::offline_mfcc`]).

use crate::db::power_to_db_value;
use crate::error::{check_finite, invalid, AnalysisError};
use crate::mel::{fft_frequencies, MelFilterbank};
use crate::mfcc::{Cepstrum, MfccConfig};
use crate::spectral::{
    centroid_from_power, flatness_from_power, frame_rms, padded_index, RmsConfig, SpectralConfig,
};
use crate::stft::{PadMode, Stft};

/// What a [`StreamingAnalyzer`] computes. The STFT, mel and MFCC settings come from `mfcc`
/// (its `top_db` is ignored: see the module docs); RMS uses the STFT's framing with `n_fft`
/// as the frame length, as librosa's defaults line up.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureConfig {
    pub mfcc: MfccConfig,
    /// Flatness floor on `|X|^power` (librosa's `amin`).
    pub flatness_amin: f64,
    /// Flatness exponent on the magnitude spectrum (librosa's `power`).
    pub flatness_power: f64,
}

impl FeatureConfig {
    /// librosa's defaults at `sample_rate` ([`MfccConfig::new`], flatness amin 1e-10, power 2).
    pub fn new(sample_rate: u32) -> Self {
        MfccConfig::new(sample_rate).into()
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        self.mfcc.validate()?;
        self.spectral().validate()
    }

    /// The offline MFCC configuration the streamed mel dB and MFCCs equal (`top_db: None`).
    pub fn offline_mfcc(&self) -> MfccConfig {
        MfccConfig {
            top_db: None,
            ..self.mfcc.clone()
        }
    }

    /// The offline centroid / flatness configuration the streamed values equal.
    pub fn spectral(&self) -> SpectralConfig {
        SpectralConfig {
            sample_rate: self.mfcc.mel.sample_rate,
            stft: self.mfcc.mel.stft_config(),
            flatness_amin: self.flatness_amin,
            flatness_power: self.flatness_power,
        }
    }

    /// The offline RMS configuration the streamed values equal.
    pub fn rms(&self) -> RmsConfig {
        RmsConfig::from_stft(&self.mfcc.mel.stft_config())
    }
}

impl From<MfccConfig> for FeatureConfig {
    fn from(mfcc: MfccConfig) -> Self {
        let spectral = SpectralConfig::new(mfcc.mel.sample_rate);
        FeatureConfig {
            mfcc,
            flatness_amin: spectral.flatness_amin,
            flatness_power: spectral.flatness_power,
        }
    }
}

/// One analysis frame, borrowed from the analyser for the duration of the callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureFrame<'a> {
    /// Frame number from the start of the stream, as in offline results.
    pub index: usize,
    /// `10 log10(max(mel power, amin))` per mel band, no `top_db` floor.
    pub mel_db: &'a [f64],
    /// MFCCs of `mel_db` (lifter applied).
    pub mfcc: &'a [f64],
    pub rms: f64,
    /// Hz.
    pub centroid: f64,
    pub flatness: f64,
}

/// Chunked, allocation-free frame analysis; see the module docs.
///
/// Every buffer is sized in [`StreamingAnalyzer::new`]; [`push`](Self::push) and
/// [`finish`](Self::finish) never allocate, so they may run on an audio thread.
pub struct StreamingAnalyzer {
    config: FeatureConfig,
    n_fft: usize,
    hop: usize,
    /// Samples of centring pad at each end (`n_fft / 2`, 0 when uncentred).
    pad: usize,
    reflect: bool,
    stft: Stft,
    filterbank: MelFilterbank,
    cepstrum: Cepstrum,
    freqs: Vec<f64>,
    /// The padded stream's last `n_fft` samples, each written twice (at `i` and `i + n_fft`)
    /// so that they are always contiguous at `ring[ring_pos..ring_pos + n_fft]`.
    ring: Vec<f64>,
    ring_pos: usize,
    /// Samples of the padded stream so far, and the count at which the next frame is complete.
    fed: usize,
    next_emit: usize,
    frame_index: usize,
    /// Real samples pushed in this stream.
    received: usize,
    /// Centred reflect padding mirrors samples `1..=pad` in front of the signal, so the first
    /// `pad + 1` samples wait here until the leading pad can be built.
    head: Vec<f64>,
    head_len: usize,
    started: bool,
    power: Vec<f64>,
    mel_db: Vec<f64>,
    mfcc: Vec<f64>,
}

impl StreamingAnalyzer {
    pub fn new(config: impl Into<FeatureConfig>) -> Result<Self, AnalysisError> {
        let config = config.into();
        config.validate()?;
        let mel = &config.mfcc.mel;
        let stft_cfg = mel.stft_config();
        let n_fft = stft_cfg.n_fft;
        // `fed` and `next_emit` count samples of the stream; a ring of 2 n_fft must be sizable.
        if n_fft > usize::MAX / 4 {
            return Err(invalid(format!("n_fft {n_fft} is too large")));
        }
        let pad = if stft_cfg.center { n_fft / 2 } else { 0 };
        let filterbank = MelFilterbank::new(
            f64::from(mel.sample_rate),
            n_fft,
            mel.n_mels,
            mel.fmin,
            mel.fmax_hz(),
            mel.htk,
            mel.norm,
        )?;
        let mut analyzer = StreamingAnalyzer {
            n_fft,
            hop: stft_cfg.hop_length,
            pad,
            reflect: stft_cfg.center && stft_cfg.pad_mode == PadMode::Reflect,
            stft: Stft::new(stft_cfg)?,
            cepstrum: Cepstrum::new(&config.mfcc)?,
            freqs: fft_frequencies(f64::from(mel.sample_rate), n_fft),
            ring: vec![0.0; 2 * n_fft],
            ring_pos: 0,
            fed: 0,
            next_emit: n_fft,
            frame_index: 0,
            received: 0,
            head: vec![0.0; pad + 1],
            head_len: 0,
            started: false,
            power: vec![0.0; stft_cfg.n_bins()],
            mel_db: vec![0.0; filterbank.n_mels()],
            mfcc: vec![0.0; config.mfcc.n_mfcc],
            filterbank,
            config,
        };
        analyzer.reset();
        Ok(analyzer)
    }

    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    /// Frames emitted so far in this stream.
    pub fn frames_emitted(&self) -> usize {
        self.frame_index
    }

    /// Samples pushed so far in this stream.
    pub fn samples_pushed(&self) -> usize {
        self.received
    }

    /// Forgets the current stream and starts a new one (without allocating).
    pub fn reset(&mut self) {
        self.ring.fill(0.0);
        self.ring_pos = 0;
        self.fed = 0;
        self.next_emit = self.n_fft;
        self.frame_index = 0;
        self.received = 0;
        self.head_len = 0;
        self.started = !self.reflect;
        if !self.reflect {
            // Zero padding is known in advance; it cannot complete a frame (pad < n_fft).
            for _ in 0..self.pad {
                self.write(0.0);
            }
        }
    }

    /// Analyses `samples`, calling `on_frame` for each frame they complete (possibly none).
    ///
    /// A NaN or infinite sample rejects the whole chunk before any of it is used, with its
    /// index counted from the start of the stream; the stream can continue with other chunks.
    pub fn push(
        &mut self,
        samples: &[f32],
        mut on_frame: impl FnMut(&FeatureFrame<'_>),
    ) -> Result<(), AnalysisError> {
        check_finite(samples).map_err(|e| match e {
            AnalysisError::NonFinite { index } => AnalysisError::NonFinite {
                index: self.received + index,
            },
            other => other,
        })?;
        for &x in samples {
            let x = f64::from(x);
            self.received += 1;
            if self.started {
                self.feed(x, &mut on_frame);
            } else {
                self.head[self.head_len] = x;
                self.head_len += 1;
                if self.head_len == self.head.len() {
                    self.start_reflected(&mut on_frame);
                }
            }
        }
        Ok(())
    }

    /// Ends the stream: feeds the trailing centring pad, emitting the frames offline analysis
    /// has past the last hop, then [`reset`](Self::reset)s for a new stream.
    pub fn finish(&mut self, mut on_frame: impl FnMut(&FeatureFrame<'_>)) {
        if self.pad > 0 {
            if !self.reflect {
                for _ in 0..self.pad {
                    self.feed(0.0, &mut on_frame);
                }
            } else if !self.started {
                // The whole signal fits in `head`: pad it as np.pad does, reflecting repeatedly
                // if it is shorter than the pad.
                let len = self.head_len;
                for i in -(self.pad as isize)..(len + self.pad) as isize {
                    let x = padded_index(len, i, PadMode::Reflect).map_or(0.0, |k| self.head[k]);
                    self.feed(x, &mut on_frame);
                }
            } else {
                // The last pad + 1 real samples are the newest in the ring (at least pad + 1
                // real samples have been fed); copy them out before the pad overwrites them.
                let end = self.ring_pos + self.n_fft;
                self.head
                    .copy_from_slice(&self.ring[end - (self.pad + 1)..end]);
                for j in 1..=self.pad {
                    let x = self.head[self.pad - j];
                    self.feed(x, &mut on_frame);
                }
            }
        }
        self.reset();
    }

    fn start_reflected(&mut self, on_frame: &mut impl FnMut(&FeatureFrame<'_>)) {
        self.started = true;
        for j in (1..=self.pad).rev() {
            let x = self.head[j];
            self.feed(x, on_frame);
        }
        for j in 0..self.head.len() {
            let x = self.head[j];
            self.feed(x, on_frame);
        }
    }

    fn write(&mut self, x: f64) {
        self.ring[self.ring_pos] = x;
        self.ring[self.ring_pos + self.n_fft] = x;
        self.ring_pos += 1;
        if self.ring_pos == self.n_fft {
            self.ring_pos = 0;
        }
        self.fed += 1;
    }

    fn feed(&mut self, x: f64, on_frame: &mut impl FnMut(&FeatureFrame<'_>)) {
        self.write(x);
        if self.fed == self.next_emit {
            self.next_emit += self.hop;
            self.emit(on_frame);
        }
    }

    fn emit(&mut self, on_frame: &mut impl FnMut(&FeatureFrame<'_>)) {
        let frame = &self.ring[self.ring_pos..self.ring_pos + self.n_fft];
        self.stft.power_of_frame(frame, &mut self.power);
        self.filterbank.apply(&self.power, &mut self.mel_db);
        let amin = self.config.mfcc.amin;
        for v in &mut self.mel_db {
            *v = power_to_db_value(*v, amin);
        }
        self.cepstrum.apply(&self.mel_db, &mut self.mfcc);
        on_frame(&FeatureFrame {
            index: self.frame_index,
            mel_db: &self.mel_db,
            mfcc: &self.mfcc,
            rms: frame_rms(frame),
            centroid: centroid_from_power(&self.power, &self.freqs),
            flatness: flatness_from_power(
                &self.power,
                self.config.flatness_amin,
                self.config.flatness_power,
            ),
        });
        self.frame_index += 1;
    }
}
