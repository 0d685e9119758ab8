use std::path::PathBuf;

use anyhow::bail;
use wyrd_analysis::{MelLsd, MfccMae};

use super::analyze::read_mono;

#[derive(clap::Args)]
pub struct Args {
    /// The reference (mel-LSD's floor comes from it).
    reference: PathBuf,
    /// The sound compared with it.
    other: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let (r, sr) = read_mono(&a.reference)?;
    let (o, sr_o) = read_mono(&a.other)?;
    if sr != sr_o {
        bail!(
            "{} is at {sr} Hz but {} is at {sr_o} Hz; the distances compare sounds at one rate",
            a.reference.display(),
            a.other.display()
        );
    }
    let lsd = MelLsd::new(sr)?.distance(&r, &o)?;
    let mae = MfccMae::new(sr)?.distance(&r, &o)?;
    let frames = r.len().min(o.len());
    let line = if a.json {
        serde_json::json!({
            "mel_lsd_db": lsd,
            "mfcc_mae": mae,
            "sample_rate": sr,
            "frames_compared": frames,
        })
        .to_string()
    } else {
        format!(
            "mel-LSD   {lsd:.4} dB\nMFCC-MAE  {mae:.4}\n(over {frames} frames at {sr} Hz, {:.3} s)",
            frames as f64 / f64::from(sr)
        )
    };
    super::print_lines([line])
}
