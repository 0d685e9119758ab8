use wyrd_schema::{Kind, PARAMS};

#[derive(clap::Args)]
pub struct Args {
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if args.json {
        println!("{}", serde_json::to_string_pretty(&wyrd_schema::to_json())?);
        return Ok(());
    }
    println!(
        "{:>2}  {:<18} {:<20} {:>7} {:>7} {:>7}  values",
        "#", "id", "label", "min", "max", "default"
    );
    for p in &PARAMS {
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
        println!(
            "{:>2}  {:<18} {:<20} {:>7} {:>7} {:>7}  {}",
            p.index,
            p.id,
            p.label,
            p.min,
            p.max,
            p.default,
            values.trim_end()
        );
    }
    Ok(())
}

fn fmt(v: f64) -> String {
    format!("{:.4}", v)
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}
