use wyrd_schema::{Kind, PARAMS};

#[derive(clap::Args)]
pub struct Args {
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
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
