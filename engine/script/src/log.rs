//! What a script reports: its errors, kept for the host's stats, and while a REPL line runs,
//! everything it prints or reports, for the REPL's reply.

/// Errors a log keeps; older ones are dropped (the count keeps counting).
const KEPT_ERRORS: usize = 64;

#[derive(Debug, Default)]
pub struct Log {
    /// Output of `print` while a REPL line runs, sent back to the REPL instead of stdout.
    capture: Option<String>,
    /// Errors reported so far (tracebacks), most recent last; bounded.
    pub errors: Vec<String>,
    pub error_count: u64,
}

impl Log {
    pub fn report(&mut self, message: &str) {
        // Inside a REPL line the REPL shows it; printing it too would show it twice there.
        if !self.echo(message) {
            eprintln!("wyrd: lua: {message}");
        }
        self.error_count += 1;
        if self.errors.len() == KEPT_ERRORS {
            self.errors.remove(0);
        }
        self.errors.push(message.to_string());
    }

    /// Sends `line` back to the REPL, if a REPL line is running; returns whether it did.
    pub fn echo(&mut self, line: &str) -> bool {
        match &mut self.capture {
            Some(c) => {
                c.push_str(line);
                c.push('\n');
                true
            }
            None => false,
        }
    }

    /// Starts keeping what [`Log::echo`] is given, for a REPL reply.
    pub fn capture(&mut self) {
        self.capture = Some(String::new());
    }

    /// What was echoed since [`Log::capture`]; echoing stops.
    pub fn captured(&mut self) -> Option<String> {
        self.capture.take()
    }

    /// Keeps a retired script's errors after these, still bounded.
    pub fn absorb(&mut self, old: &Log) {
        self.error_count += old.error_count;
        self.errors.extend(old.errors.iter().cloned());
        let excess = self.errors.len().saturating_sub(KEPT_ERRORS);
        self.errors.drain(..excess);
    }
}
