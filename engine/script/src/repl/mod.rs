//! The REPL's two faces: a line editor on the terminal running `wyrd run`, and `wyrd repl`,
//! which attaches to a running host's REPL socket. Both speak matron's rules (a line is tried
//! as `return <line>` first; an incomplete chunk continues on the next line), which `bridge`
//! applies where the lines run, in the script's Lua state.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustyline::error::ReadlineError;
use rustyline::{Cmd, ConditionalEventHandler, EventHandler, KeyCode, KeyEvent, Modifiers};

use crate::events::ReplReply;
use crate::host_events::HostEvent;

mod bridge;

const PROMPT: &str = "> ";
const MORE: &str = ">> ";

/// Where the terminal's keys and encoders go.
pub type HostSink = Arc<dyn Fn(HostEvent) + Send + Sync>;

/// The terminal's key map for norns' keys and encoders (a terminal has no key-up, so a key is
/// tapped, or held by one keystroke and let go by the next):
/// F1–F3 tap K1–K3; Alt-1..Alt-3 hold or let go of K1–K3; F5/F6 turn E1 down/up, F7/F8 E2,
/// F9/F10 E3, one detent a keystroke (2 steps: one delta at norns' default sensitivity).
/// The lines `:key N Z` and `:enc N D` do the same in every REPL (see `Runtime::repl`).
pub const KEY_MAP: &str =
    "F1-F3 tap K1-K3, Alt-1..3 hold/let go, F5/F6 E1 -/+, F7/F8 E2, F9/F10 E3; :key N Z, :enc N D";

struct KeyBinding {
    sink: HostSink,
    action: Binding,
    held: Arc<[AtomicBool; 3]>,
}

#[derive(Clone, Copy)]
enum Binding {
    Tap(i64),
    Hold(i64),
    Turn(i64, i64),
}

impl ConditionalEventHandler for KeyBinding {
    fn handle(
        &self,
        _: &rustyline::Event,
        _: rustyline::RepeatCount,
        _: bool,
        _: &rustyline::EventContext,
    ) -> Option<Cmd> {
        match self.action {
            Binding::Tap(n) => {
                (self.sink)(HostEvent::Key { n, z: 1 });
                (self.sink)(HostEvent::Key { n, z: 0 });
            }
            Binding::Hold(n) => {
                let down = !self.held[(n - 1) as usize].fetch_xor(true, Ordering::Relaxed);
                (self.sink)(HostEvent::Key {
                    n,
                    z: i64::from(down),
                });
            }
            Binding::Turn(n, d) => (self.sink)(HostEvent::Enc { n, d }),
        }
        Some(Cmd::Noop)
    }
}

fn bind_keys<H: rustyline::Helper, I: rustyline::history::History>(
    editor: &mut rustyline::Editor<H, I>,
    sink: &HostSink,
) {
    let held = Arc::new([
        AtomicBool::new(false),
        AtomicBool::new(false),
        AtomicBool::new(false),
    ]);
    let mut bind = |key: KeyEvent, action: Binding| {
        let handler = KeyBinding {
            sink: Arc::clone(sink),
            action,
            held: Arc::clone(&held),
        };
        editor.bind_sequence(key, EventHandler::Conditional(Box::new(handler)));
    };
    for n in 1..=3u8 {
        bind(
            KeyEvent(KeyCode::F(n), Modifiers::NONE),
            Binding::Tap(i64::from(n)),
        );
        let digit = char::from(b'0' + n);
        bind(
            KeyEvent(KeyCode::Char(digit), Modifiers::ALT),
            Binding::Hold(i64::from(n)),
        );
        let (down, up) = (3 + 2 * n, 4 + 2 * n);
        bind(
            KeyEvent(KeyCode::F(down), Modifiers::NONE),
            Binding::Turn(i64::from(n), -2),
        );
        bind(
            KeyEvent(KeyCode::F(up), Modifiers::NONE),
            Binding::Turn(i64::from(n), 2),
        );
    }
}

/// A `:key N Z` or `:enc N D` line as an event; `None` for any other line (Lua). A line that
/// starts with `:` but is wrong gives the reason.
pub fn meta_line(line: &str) -> Option<Result<HostEvent, String>> {
    let rest = line.trim().strip_prefix(':')?;
    let text = format!("0 {rest}");
    Some(
        match crate::host_events::parse_events(&text, "repl", 48_000, 120.0) {
            Ok(events) => match events.first().map(|e| e.event) {
                Some(e @ (HostEvent::Key { .. } | HostEvent::Enc { .. })) => Ok(e),
                _ => Err(format!("usage: {KEY_MAP}")),
            },
            Err(e) => Err(e.trim_start_matches("repl:1: ").to_string()),
        },
    )
}

/// Runs a line editor on the terminal, handing each line to `ask` and norns' keys and
/// encoders ([`KEY_MAP`]) to `host`; sets `quit` on Ctrl-D or Ctrl-C. Returns when the user
/// quits or `ask` fails.
pub fn terminal(
    mut ask: impl FnMut(String) -> Option<ReplReply>,
    host: HostSink,
    quit: Arc<AtomicBool>,
) {
    let mut editor = match rustyline::DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("wyrd: no line editor ({e}); the REPL socket still works");
            return;
        }
    };
    bind_keys(&mut editor, &host);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_lines_press_keys_and_turn_encoders() {
        assert_eq!(
            meta_line(":key 2 1"),
            Some(Ok(HostEvent::Key { n: 2, z: 1 }))
        );
        assert_eq!(
            meta_line(" :enc 3 -4 "),
            Some(Ok(HostEvent::Enc { n: 3, d: -4 }))
        );
        assert_eq!(
            meta_line(":key 5 1"),
            Some(Err("key 5 is outside 1..3".into()))
        );
        assert!(matches!(meta_line(":grid 1 1 1"), Some(Err(_))));
        assert_eq!(meta_line("x = 1"), None);
        assert_eq!(meta_line("print(':key 1 1')"), None);
    }
}
