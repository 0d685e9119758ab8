/// A real-valued time-frequency matrix stored frame-major: `frames x bins`.
///
/// librosa returns `(bins, frames)`; frame-major is the transpose, chosen because every
/// consumer here (distances, streaming) walks one frame at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrogram {
    n_frames: usize,
    n_bins: usize,
    data: Vec<f64>,
}

impl Spectrogram {
    pub fn zeros(n_frames: usize, n_bins: usize) -> Self {
        Spectrogram {
            n_frames,
            n_bins,
            data: vec![0.0; n_frames * n_bins],
        }
    }

    /// Wraps frame-major `data`; `None` when its length is not `n_frames * n_bins`.
    pub fn from_vec(n_frames: usize, n_bins: usize, data: Vec<f64>) -> Option<Self> {
        (data.len() == n_frames * n_bins).then_some(Spectrogram {
            n_frames,
            n_bins,
            data,
        })
    }

    pub fn n_frames(&self) -> usize {
        self.n_frames
    }

    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// `(frames, bins)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.n_frames, self.n_bins)
    }

    pub fn frame(&self, t: usize) -> &[f64] {
        &self.data[t * self.n_bins..(t + 1) * self.n_bins]
    }

    pub fn frame_mut(&mut self, t: usize) -> &mut [f64] {
        &mut self.data[t * self.n_bins..(t + 1) * self.n_bins]
    }

    pub fn get(&self, t: usize, bin: usize) -> f64 {
        self.data[t * self.n_bins + bin]
    }

    pub fn frames(&self) -> impl ExactSizeIterator<Item = &[f64]> + '_ {
        // chunks_exact(0) panics; a zero-bin spectrogram simply has no data to walk.
        self.data
            .chunks_exact(self.n_bins.max(1))
            .take(self.n_frames)
    }

    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.data
    }

    pub fn into_vec(self) -> Vec<f64> {
        self.data
    }

    /// Largest value, or `-inf` when empty.
    pub fn max(&self) -> f64 {
        self.data.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }

    /// Nested `frames x bins` copy in f32, for callers that want plain vectors.
    pub fn to_nested_f32(&self) -> Vec<Vec<f32>> {
        self.frames()
            .map(|f| f.iter().map(|&v| v as f32).collect())
            .collect()
    }
}
