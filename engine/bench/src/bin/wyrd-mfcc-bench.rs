//! Whole-file MFCC time (librosa.feature.mfcc defaults at the file's rate), best of N, for the
//! side-by-side comparison with librosa in compare_librosa.sh. Prints `ms <best>` and the
//! shape, so the script can check both sides computed the same thing.

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use wyrd_analysis::{MfccAnalyzer, MfccConfig};

#[derive(Parser)]
struct Args {
    wav: PathBuf,
    #[arg(long, default_value_t = 5)]
    repeats: usize,
}

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let stereo = wyrd_render::read_wav(&a.wav)?;
    let mono = stereo.mono();
    let mut analyzer = MfccAnalyzer::new(MfccConfig::new(stereo.sample_rate))?;
    let mut best = f64::INFINITY;
    let mut shape = (0, 0);
    for _ in 0..a.repeats.max(1) {
        let t = Instant::now();
        let m = analyzer.mfcc(&mono)?;
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        shape = m.shape();
    }
    println!("ms {best:.3}");
    println!("shape {} {}", shape.0, shape.1);
    Ok(())
}
