//! The `wyrd` command line.

mod cmd;

use clap::{Parser, Subcommand};

/// Debug builds abort on any allocation inside the audio period (the process wrapper runs it
/// inside `assert_no_alloc`); release builds use the system allocator unguarded.
#[cfg(debug_assertions)]
#[global_allocator]
static ALLOC: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

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
    /// Render a preset, or a Lua script on a virtual clock, offline to a float WAV file, deterministically.
    Render(cmd::render::Args),
    /// Compute audio features of a WAV file (librosa-compatible) into .npy or JSON.
    Analyze(cmd::analyze::Args),
    /// Distances between two WAV files: mel-LSD (dB) and MFCC-MAE.
    Compare(cmd::compare::Args),
    /// Play live on JACK (MIDI in, stereo out, audio input analysed), optionally running a Lua script.
    Run(cmd::run::Args),
    /// Attach to a running host's Lua REPL (like maiden's).
    Repl(cmd::repl::Args),
    /// Show what wyrd finds: JACK server, ports, real-time limits, ONNX Runtime, banks.
    Doctor,
    /// Model data: the preset split and rendered datasets (models/FORMAT.md).
    #[command(subcommand)]
    Dataset(cmd::dataset::Command),
    /// Evaluate models against the test split: matching, VAE reconstruction, prior, interpolation.
    Eval(cmd::eval::Args),
    /// Match recorded notes to an amSynth preset: proposals from the models and the preset
    /// index, refined by rendering candidates and measuring them.
    Match(cmd::match_::Args),
    /// Build (or check) the preset index `wyrd match` proposes from.
    Index(cmd::index::Args),
    /// Resynthesise a recording through the live matcher and the pitch and amplitude followers, offline.
    Resynth(cmd::resynth::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Params(a) => cmd::params::run(&a),
        Command::Bank { command } => cmd::bank::run(&command),
        Command::Render(a) => cmd::render::run(&a),
        Command::Analyze(a) => cmd::analyze::run(&a),
        Command::Compare(a) => cmd::compare::run(&a),
        Command::Run(a) => cmd::run::run(&a),
        Command::Repl(a) => cmd::repl::run(&a),
        Command::Doctor => cmd::doctor::run(),
        Command::Dataset(c) => cmd::dataset::run(&c),
        Command::Eval(a) => cmd::eval::run(&a),
        Command::Match(a) => cmd::match_::run(&a),
        Command::Index(a) => cmd::index::run(&a),
        Command::Resynth(a) => cmd::resynth::run(&a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wyrd: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
