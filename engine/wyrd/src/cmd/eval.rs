//! `wyrd eval`: the models of a folder against the test split (logic in `wyrd_models::eval`).

use std::path::PathBuf;

use wyrd_models::eval::{run as evaluate, EvalConfig};

#[derive(clap::Args)]
pub struct Args {
    /// Test dataset folder (`wyrd dataset render --split test --source presets`).
    #[arg(long)]
    test: PathBuf,
    /// Training dataset folder (presets) for the baselines: nearest training render by MFCC,
    /// mean training patch, random training patch. Without it there are no baselines.
    #[arg(long)]
    train: Option<PathBuf>,
    /// Folder of models to evaluate (every *.onnx, found by its wyrd.kind and wyrd.variant).
    #[arg(long, default_value = "models")]
    models: PathBuf,
    /// Where eval.md, eval.json and examples/*.png go.
    #[arg(long, short)]
    out: PathBuf,
    /// Test items whose spectrograms are drawn (target | prediction) per model.
    #[arg(long, default_value_t = 4)]
    examples: usize,
    /// Latent samples z ~ N(0, I) (and uniform random patches) tested for usability.
    #[arg(long, default_value_t = 1000)]
    prior_samples: usize,
    /// Preset pairs for the interpolation smoothness test.
    #[arg(long, default_value_t = 32)]
    pairs: usize,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Evaluate only this many test items (evenly spread), for a quick look.
    #[arg(long)]
    limit: Option<usize>,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let report = evaluate(&EvalConfig {
        test: a.test.clone(),
        train: a.train.clone(),
        models: a.models.clone(),
        out: a.out.clone(),
        examples: a.examples,
        prior_samples: a.prior_samples,
        pairs: a.pairs,
        seed: a.seed,
        limit: a.limit,
    })?;
    print!("{}", wyrd_models::eval::report::markdown(&report));
    println!(
        "\nwrote {} and {}",
        a.out.join("eval.md").display(),
        a.out.join("eval.json").display()
    );
    Ok(())
}
