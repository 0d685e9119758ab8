//! The REPL's two faces: a line editor on the terminal running `wyrd run`, and `wyrd repl`,
//! which attaches to a running host's REPL socket. Both speak matron's rules (a line is tried
//! as `return <line>` first; an incomplete chunk continues on the next line), which `bridge`
//! applies where the lines run, in the script's Lua state.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustyline::error::ReadlineError;

use crate::events::ReplReply;

mod bridge;

const PROMPT: &str = "> ";
const MORE: &str = ">> ";

/// Runs a line editor on the terminal, handing each line to `ask`; sets `quit` on Ctrl-D or
/// Ctrl-C. Returns when the user quits or `ask` fails.
pub fn terminal(mut ask: impl FnMut(String) -> Option<ReplReply>, quit: Arc<AtomicBool>) {
    let mut editor = match rustyline::DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("wyrd: no line editor ({e}); the REPL socket still works");
            return;
        }
    };
    let mut prompt = PROMPT;
    loop {
        match editor.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    editor.add_history_entry(line.as_str()).ok();
                }
                let Some(reply) = ask(line) else { break };
                print!("{}", reply.output);
                std::io::stdout().flush().ok();
                prompt = if reply.more { MORE } else { PROMPT };
            }
            Err(ReadlineError::Interrupted) | Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("wyrd: REPL: {e}");
                break;
            }
        }
    }
    quit.store(true, Ordering::Release);
}

/// A connection to a running host's REPL socket.
pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    pub fn connect(port: u16) -> std::io::Result<Client> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        Ok(Client {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    pub fn ask(&mut self, line: &str) -> std::io::Result<ReplReply> {
        // One request is one line: a pasted multi-line chunk is sent line by line.
        writeln!(self.writer, "{}", line.replace('\n', " "))?;
        let mut reply = String::new();
        if self.reader.read_line(&mut reply)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the host closed the REPL connection",
            ));
        }
        serde_json::from_str(&reply)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}
