//! The runtime's side of the REPL: lines, `/eval` chunks and `exec`, run in the current
//! script's state at the logical time they are given.

use mlua::Function;

use crate::errors::{error_text, ScriptError};
use crate::events::ReplReply;
use crate::host_events::HostEvent;
use crate::runtime::Runtime;
use crate::state::{Now, State};

impl Runtime {
    /// A `:key`/`:enc` line: the event, and what its handlers printed.
    fn repl_host_event(&mut self, meta: Result<HostEvent, String>, now: Now) -> ReplReply {
        let event = match meta {
            Ok(e) => e,
            Err(why) => {
                return ReplReply {
                    output: format!("{why}\n"),
                    more: false,
                    ok: false,
                }
            }
        };
        if let Some(mut s) = self.current.lua.app_data_mut::<State>() {
            s.log.capture();
        }
        self.host_event(&event, now);
        let output = self
            .current
            .lua
            .app_data_mut::<State>()
            .and_then(|mut s| s.log.captured())
            .unwrap_or_default();
        ReplReply {
            output,
            more: false,
            ok: true,
        }
    }

    /// Runs a chunk sent from elsewhere (`/eval`): like a REPL line, but complete in itself.
    pub fn eval(&mut self, source: &str, now: Now) -> ReplReply {
        self.current.set_now(now);
        let lua = &self.current.lua;
        let f = lua
            .load(format!("return {source}"))
            .set_name("=eval")
            .into_function()
            .or_else(|_| lua.load(source).set_name("=eval").into_function());
        finish(self.run_chunk(f))
    }

    /// One REPL line (matron's rules: first as `return <line>`; incomplete chunks wait). A
    /// chunk continued over several lines is tried as `return <chunk>` too, so its value shows.
    /// `:key N Z` and `:enc N D` (not Lua) press norns' keys and turn its encoders.
    pub fn repl(&mut self, line: &str, now: Now) -> ReplReply {
        if self.pending.is_empty() {
            if let Some(meta) = super::meta_line(line) {
                return self.repl_host_event(meta, now);
            }
        }
        self.current.set_now(now);
        let lua = &self.current.lua;
        let chunk = if self.pending.is_empty() {
            line.to_string()
        } else {
            format!("{}\n{line}", self.pending)
        };
        if let Ok(f) = lua
            .load(format!("return {chunk}"))
            .set_name("=repl")
            .into_function()
        {
            self.pending.clear();
            return finish(self.current.eval(f));
        }
        match lua.load(&chunk).set_name("=repl").into_function() {
            Err(mlua::Error::SyntaxError {
                incomplete_input: true,
                ..
            }) => {
                self.pending = chunk;
                ReplReply {
                    output: String::new(),
                    more: true,
                    ok: true,
                }
            }
            f => {
                self.pending.clear();
                finish(self.run_chunk(f))
            }
        }
    }

    /// Runs Lua source in the current state at `now` (used by tests and `--eval`-style tools).
    pub fn exec(&mut self, source: &str, now: Now) -> Result<(), ScriptError> {
        self.current.set_now(now);
        let f = self
            .current
            .lua
            .load(source)
            .set_name("=exec")
            .into_function()
            .map_err(|e| ScriptError(error_text(&e)))?;
        self.current.protected(|| f.call::<()>(()))
    }

    /// A compiled chunk's reply, or the error that kept it from compiling.
    fn run_chunk(&self, f: mlua::Result<Function>) -> ReplReply {
        match f {
            Ok(f) => self.current.eval(f),
            Err(e) => ReplReply {
                output: error_text(&e),
                more: false,
                ok: false,
            },
        }
    }
}

/// Every reply ends its output with a newline, so the next output or prompt starts on a line of
/// its own (a line editor redraws its prompt over an unfinished line).
fn finish(mut reply: ReplReply) -> ReplReply {
    if !reply.output.is_empty() && !reply.output.ends_with('\n') {
        reply.output.push('\n');
    }
    reply
}
