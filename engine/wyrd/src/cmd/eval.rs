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
    /// Also put the matching methods side by side (kNN, re-ranked kNN, the note matcher,
    /// `wyrd match` at each budget, a joint fit of three notes, `wyrd resynth`) on this many
    /// test presets at each of their notes, and on the out-of-domain notes: search.md.
    #[arg(long, value_name = "PRESETS")]
    search: Option<usize>,
    /// The `wyrd match` budgets the search table compares, seconds.
    #[arg(long, value_delimiter = ',', default_value = "2,5")]
    budgets: Vec<f64>,
    /// Out-of-domain notes (a folder with manifest.json; default: data/ood when present).
    #[arg(long)]
    ood: Option<PathBuf>,
    /// Only the search table.
    #[arg(long, requires = "search")]
    search_only: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    if !a.search_only {
        models_report(a)?;
    }
    if let Some(presets) = a.search {
        search_report(a, presets)?;
    }
    Ok(())
}

fn models_report(a: &Args) -> anyhow::Result<()> {
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

fn search_report(a: &Args, presets: usize) -> anyhow::Result<()> {
    use wyrd_models::eval::{data, search};
    use wyrd_models::instrument::{load, Loaded};
    use wyrd_models::search::{Index, Matcher};
    let say = |m: &str| eprintln!("eval: {m}");
    let spec = wyrd_dataset::ItemSpec::default();
    let test = data::load(&a.test)?;
    let train = a.train.as_deref().map(data::load).transpose()?;
    let index_path = Index::default_path()
        .ok_or_else(|| anyhow::anyhow!("no data folder for the preset index (run ./setup.sh)"))?;
    let index = Index::cached(&index_path, &spec, &say)?;
    let mut matcher = Matcher::new(index, Some(&a.models), &say)?;
    let live = match load("live_matcher") {
        Ok(Loaded::LiveMatcher(m)) => Some(m),
        _ => {
            say("no live matcher: the resynthesis row is left out");
            None
        }
    };
    let ood = a.ood.clone().or_else(|| {
        wyrd_bank::find_data("ood/manifest.json").and_then(|p| p.parent().map(Into::into))
    });
    let cfg = search::SearchEvalConfig {
        presets,
        budgets: a.budgets.clone(),
        seed: 1,
        ood,
    };
    let report = search::run(&cfg, &mut matcher, &test, train.as_ref(), live, &say)?;
    search::write(&a.out, &report)?;
    print!("{}", search::markdown(&report));
    println!("\nwrote {}", a.out.join("search.md").display());
    Ok(())
}
