//! The `wyrd` command line.

mod cmd;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "wyrd",
    version,
    about = "A norns-style live-coding synth host with an amSynth-compatible voice"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the parameter schema (the single source of truth for params, OSC paths and models).
    Params(cmd::params::Args),
    /// Inspect amSynth bank files.
    Bank {
        #[command(subcommand)]
        command: cmd::bank::Command,
    },
    /// Render a preset offline to a float WAV file, deterministically.
    Render(cmd::render::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Params(a) => cmd::params::run(&a),
        Command::Bank { command } => cmd::bank::run(&command),
        Command::Render(a) => cmd::render::run(&a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wyrd: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
