use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use ndarray::Array2;
use wyrd_analysis::pitch::{track, PitchConfig};
use wyrd_analysis::{
    rms, spectral_centroid, spectral_flatness, MelNorm, MfccAnalyzer, MfccConfig, PadMode,
    RmsConfig, SpectralConfig, Spectrogram,
};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Feature {
    /// MFCCs (librosa.feature.mfcc), frames x n_mfcc.
    Mfcc,
    /// Mel spectrogram in dB (power_to_db of librosa.feature.melspectrogram), frames x n_mels.
    Mel,
    /// Pitch follower: Hz (-1 unvoiced) and confidence, frames x 2.
    Pitch,
    /// RMS (librosa.feature.rms), frames x 1.
    Rms,
    /// Spectral centroid in Hz (librosa.feature.spectral_centroid), frames x 1.
    Centroid,
    /// Spectral flatness (librosa.feature.spectral_flatness), frames x 1.
    Flatness,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Pad {
    Zero,
    Reflect,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Norm {
    Slaney,
    None,
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("feature").args(["mfcc", "mel", "pitch", "rms", "centroid", "flatness"]))]
pub struct Args {
    /// Input WAV (mixed to mono like librosa.load; analysed at its own sample rate).
    input: PathBuf,
    /// MFCCs (the default).
    #[arg(long)]
    mfcc: bool,
    /// Mel spectrogram in dB.
    #[arg(long)]
    mel: bool,
    /// Pitch in Hz (-1 when unvoiced) and its confidence.
    #[arg(long)]
    pitch: bool,
    #[arg(long)]
    rms: bool,
    #[arg(long)]
    centroid: bool,
    #[arg(long)]
    flatness: bool,
    #[arg(long, default_value_t = 20)]
    n_mfcc: usize,
    #[arg(long, default_value_t = 2048)]
    n_fft: usize,
    #[arg(long, default_value_t = 512)]
    hop: usize,
    /// Window length (default: n_fft).
    #[arg(long)]
    win: Option<usize>,
    #[arg(long, default_value_t = 128)]
    n_mels: usize,
    #[arg(long, default_value_t = 0.0)]
    fmin: f64,
    /// Highest mel frequency (default: Nyquist).
    #[arg(long)]
    fmax: Option<f64>,
    /// HTK mel scale instead of Slaney's.
    #[arg(long)]
    htk: bool,
    #[arg(long, value_enum, default_value_t = Norm::Slaney)]
    mel_norm: Norm,
    #[arg(long, value_enum, default_value_t = Pad::Zero)]
    pad: Pad,
    /// Frames start at the signal start instead of being centred on hop multiples.
    #[arg(long)]
    no_center: bool,
    /// Floor for --mel and --mfcc, in dB under the clip's peak.
    #[arg(long, default_value_t = 80.0, conflicts_with = "no_top_db")]
    top_db: f64,
    #[arg(long)]
    no_top_db: bool,
    /// Cepstral liftering coefficient (0: none).
    #[arg(long, default_value_t = 0.0)]
    lifter: f64,
    /// Write the features here: .npy (float64, frames x columns) or .json.
    #[arg(long, short, required_unless_present = "json")]
    out: Option<PathBuf>,
    /// Print the features as JSON on stdout.
    #[arg(long)]
    json: bool,
}

impl Args {
    fn feature(&self) -> Feature {
        [
            (self.mel, Feature::Mel),
            (self.pitch, Feature::Pitch),
            (self.rms, Feature::Rms),
            (self.centroid, Feature::Centroid),
            (self.flatness, Feature::Flatness),
        ]
        .into_iter()
        .find(|(on, _)| *on)
        .map_or(Feature::Mfcc, |(_, f)| f)
    }

    fn mfcc_config(&self, sample_rate: u32) -> MfccConfig {
        let mut c = MfccConfig::new(sample_rate);
        c.n_mfcc = self.n_mfcc;
        c.lifter = self.lifter;
        c.top_db = (!self.no_top_db).then_some(self.top_db);
        let m = &mut c.mel;
        m.n_fft = self.n_fft;
        m.hop_length = self.hop;
        m.win_length = self.win;
        m.n_mels = self.n_mels;
        m.fmin = self.fmin;
        m.fmax = self.fmax;
        m.htk = self.htk;
        m.norm = match self.mel_norm {
            Norm::Slaney => MelNorm::Slaney,
            Norm::None => MelNorm::None,
        };
        m.center = !self.no_center;
        m.pad_mode = match self.pad {
            Pad::Zero => PadMode::Constant,
            Pad::Reflect => PadMode::Reflect,
        };
        c
    }
}

/// Reads a WAV as librosa.load(mono=True, sr=None) does.
pub fn read_mono(path: &Path) -> anyhow::Result<(Vec<f32>, u32)> {
    let stereo = wyrd_render::read_wav(path)?;
    Ok((stereo.mono(), stereo.sample_rate))
}

fn column(values: Vec<f64>) -> Array2<f64> {
    let n = values.len();
    Array2::from_shape_vec((n, 1), values).expect("n x 1 holds n values")
}

fn table(s: Spectrogram) -> Array2<f64> {
    let (frames, bins) = s.shape();
    Array2::from_shape_vec((frames, bins), s.as_slice().to_vec()).expect("shape of the data")
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let (signal, sr) = read_mono(&a.input)?;
    let feature = a.feature();
    let cfg = a.mfcc_config(sr);
    let input = a.input.display();
    let data = match feature {
        Feature::Mfcc => table(MfccAnalyzer::new(cfg)?.mfcc(&signal)?),
        Feature::Mel => table(MfccAnalyzer::new(cfg)?.mel_db(&signal)?),
        Feature::Rms => {
            let stft = cfg.mel.stft_config();
            column(rms(&signal, &RmsConfig::from_stft(&stft))?)
        }
        Feature::Centroid | Feature::Flatness => {
            let spectral = SpectralConfig {
                stft: cfg.mel.stft_config(),
                ..SpectralConfig::new(sr)
            };
            column(if feature == Feature::Centroid {
                spectral_centroid(&signal, &spectral)?
            } else {
                spectral_flatness(&signal, &spectral)?
            })
        }
        Feature::Pitch => {
            let mut pc = PitchConfig::new(sr);
            pc.hop = a.hop;
            let est = track(&signal, &pc)?;
            let flat: Vec<f64> = est.iter().flat_map(|e| [e.hz, e.confidence]).collect();
            Array2::from_shape_vec((est.len(), 2), flat).expect("two columns")
        }
    };
    let name = feature_name(feature);
    if a.json {
        super::print_lines([to_json(name, sr, a.hop, &data)])?;
    }
    if let Some(out) = &a.out {
        let is_json = out.extension().is_some_and(|e| e == "json");
        if is_json {
            std::fs::write(out, to_json(name, sr, a.hop, &data) + "\n")
                .with_context(|| format!("{}: cannot write", out.display()))?;
        } else {
            ndarray_npy::write_npy(out, &data)
                .with_context(|| format!("{}: cannot write", out.display()))?;
        }
        if !a.json {
            eprintln!(
                "wyrd: {name} of {input}: {} frames x {} -> {}",
                data.nrows(),
                data.ncols(),
                out.display()
            );
        }
    }
    if data.iter().any(|v| !v.is_finite()) {
        bail!("{input}: the analysis produced non-finite values");
    }
    Ok(())
}

fn feature_name(f: Feature) -> &'static str {
    match f {
        Feature::Mfcc => "mfcc",
        Feature::Mel => "mel_db",
        Feature::Pitch => "pitch",
        Feature::Rms => "rms",
        Feature::Centroid => "centroid",
        Feature::Flatness => "flatness",
    }
}

fn to_json(feature: &str, sample_rate: u32, hop: usize, data: &Array2<f64>) -> String {
    let rows: Vec<Vec<f64>> = data.outer_iter().map(|r| r.to_vec()).collect();
    serde_json::json!({
        "feature": feature,
        "sample_rate": sample_rate,
        "hop_length": hop,
        "frames": data.nrows(),
        "columns": data.ncols(),
        "data": rows,
    })
    .to_string()
}
