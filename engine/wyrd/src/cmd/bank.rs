use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print the index and name of each preset in a bank.
    List {
        /// A .bank file, by path or by name in the banks folder.
        file: PathBuf,
    },
}

pub fn run(cmd: &Command) -> anyhow::Result<()> {
    match cmd {
        Command::List { file } => {
            let path = super::resolve_bank(file)?;
            let bank = wyrd_bank::read_bank(&path)?;
            for w in &bank.warnings {
                eprintln!("warning: {w}");
            }
            super::print_lines(
                bank.presets
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("{i:>3}  {}", p.name)),
            )
        }
    }
}
