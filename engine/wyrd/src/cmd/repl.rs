use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{bail, Context};
use wyrd_script::repl::Client;
use wyrd_script::HostEvent;

#[derive(clap::Args)]
pub struct Args {
    /// The running host's REPL port (`wyrd run --repl-port`).
    #[arg(long, default_value_t = 5555)]
    port: u16,
    /// Evaluate these lines and exit (otherwise: interactive on a terminal, or lines from stdin).
    #[arg(short, long = "eval")]
    eval: Vec<String>,
}

/// The terminal's keys and encoders, sent as `:key`/`:enc` lines on a second connection
/// (the first is busy with the line being edited).
fn keys_over_socket(port: u16) -> wyrd_script::repl::HostSink {
    let client = std::sync::Mutex::new(Client::connect(port).ok());
    Arc::new(move |e| {
        let line = match e {
            HostEvent::Key { n, z } => format!(":key {n} {z}"),
            HostEvent::Enc { n, d } => format!(":enc {n} {d}"),
            _ => return,
        };
        if let Ok(mut c) = client.lock() {
            if let Some(c) = c.as_mut() {
                if let Ok(reply) = c.ask(&line) {
                    print!("{}", reply.output);
                }
            }
        }
    })
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let mut client = Client::connect(a.port).with_context(|| {
        format!(
            "no wyrd REPL on 127.0.0.1:{} (is `wyrd run` running, with --repl-port {}?)",
            a.port, a.port
        )
    })?;
    let lines: Vec<String> = if !a.eval.is_empty() {
        a.eval.clone()
    } else if std::io::stdin().is_terminal() {
        eprintln!("wyrd: attached to 127.0.0.1:{} (Ctrl-D to leave)", a.port);
        wyrd_script::repl::terminal(
            |line| match client.ask(&line) {
                Ok(r) => Some(r),
                Err(e) => {
                    eprintln!("wyrd: {e}");
                    None
                }
            },
            keys_over_socket(a.port),
            Arc::new(AtomicBool::new(false)),
        );
        return Ok(());
    } else {
        std::io::stdin().lock().lines().collect::<Result<_, _>>()?
    };
    let mut failed = 0;
    let mut out = std::io::stdout().lock();
    for line in lines {
        let reply = client.ask(&line)?;
        write!(out, "{}", reply.output)?;
        if !reply.ok {
            failed += 1;
        }
    }
    out.flush()?;
    if failed > 0 {
        bail!("{failed} line(s) raised an error");
    }
    Ok(())
}
