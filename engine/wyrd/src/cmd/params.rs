use wyrd_schema::{Kind, PARAMS};

#[derive(clap::Args)]
pub struct Args {
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
    /// Print every parameter's laws evaluated on N values across (and past) its range, as
    /// JSON: what other implementations (the training code) are checked against.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=100_000))]
    grid: Option<u32>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(n) = args.grid {
        return super::print_lines([serde_json::to_string(&grid(n as usize))?]);
    }
    if args.json {
        return super::print_lines([serde_json::to_string_pretty(&wyrd_schema::to_json())?]);
    }
    let header = format!(
        "{:>2}  {:<18} {:<20} {:>7} {:>7} {:>7}  values",
        "#", "id", "label", "min", "max", "default"
    );
    let rows = PARAMS.iter().map(|p| {
        let values = match p.kind {
            Kind::Categorical { options } => options.join(" | "),
            Kind::Stepped => format!("steps of {} {}", p.step, p.unit),
            Kind::Continuous => format!(
                "{} .. {} {}",
                fmt(p.to_physical(p.min)),
                fmt(p.to_physical(p.max)),
                p.unit
            ),
        };
        format!(
            "{:>2}  {:<18} {:<20} {:>7} {:>7} {:>7}  {}",
            p.index,
            p.id,
            p.label,
            p.min,
            p.max,
            p.default,
            values.trim_end()
        )
    });
    super::print_lines(std::iter::once(header).chain(rows))
}

fn fmt(v: f64) -> String {
    format!("{:.4}", v)
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// Stored values from 10 % below `min` to 10 % above `max` (and 0..1 positions past both
/// ends), with what the schema makes of them.
fn grid(n: usize) -> serde_json::Value {
    let t = |i: usize| -0.1 + 1.2 * i as f64 / (n - 1) as f64;
    let params = PARAMS.iter().map(|p| {
        let span = f64::from(p.max) - f64::from(p.min);
        let values: Vec<f32> = (0..n)
            .map(|i| (f64::from(p.min) + t(i) * span) as f32)
            .collect();
        let sanitized: Vec<f32> = values.iter().map(|&v| p.sanitize(v)).collect();
        let positions: Vec<f64> = (0..n).map(t).collect();
        serde_json::json!({
            "id": p.id,
            "values": values,
            "sanitized": sanitized,
            "normalized": sanitized.iter().map(|&v| p.normalize(v)).collect::<Vec<_>>(),
            "physical": sanitized.iter().map(|&v| p.to_physical(v)).collect::<Vec<_>>(),
            "positions": positions,
            "denormalized": positions.iter().map(|&x| p.denormalize(x)).collect::<Vec<_>>(),
        })
    });
    serde_json::json!({ "hash": wyrd_schema::schema_hash(), "params": params.collect::<Vec<_>>() })
}
