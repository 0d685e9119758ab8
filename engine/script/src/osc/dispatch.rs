//! OSC on the Lua thread: each message goes to the script's `osc.event` first, then to the
//! built-in path it names (norns' order), at the group's logical time. Timetagged bundles
//! wait here until their frame comes within the lookahead, like clock wake-ups.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::events::OscArg;
use crate::runtime::Runtime;
use crate::state::Now;

use super::builtin::{self, Builtin};
use super::message::{encode, Message, Packet, When};
use super::stats::OscStats;
use super::timetag::TimeMap;

/// Timetagged groups waiting for their frame; more are dropped and counted.
pub const MAX_PENDING: usize = 4096;

#[derive(Debug, Clone, Default)]
pub struct OscConfig {
    /// `/eval` runs Lua sent from loopback. Off: nothing received can run code.
    pub allow_eval: bool,
    /// The bank `/preset n` picks from (a name or path); `/preset bank n` changes it.
    pub bank: Option<String>,
    /// `/script/load` loads scripts from here only.
    pub scripts_dir: Option<PathBuf>,
}

/// What the Lua thread does after a message: answer the sender, or load a script.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Reply { to: SocketAddr, packet: Vec<u8> },
    Load { path: PathBuf, from: SocketAddr },
}

/// Where the audio is, for timing a group.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// The frame playing now (fractional).
    pub playhead: f64,
    /// Unix time now, seconds.
    pub unix: f64,
    /// The frame the Lua thread has run timers up to (playhead + lookahead).
    pub horizon: u64,
}

pub struct Dispatcher {
    config: OscConfig,
    stats: Arc<OscStats>,
    bank: String,
    time: TimeMap,
    /// Waiting bundles by (frame, arrival): same-frame bundles keep their order.
    waiting: BTreeMap<(u64, u64), Packet>,
    seq: u64,
}

impl Dispatcher {
    pub fn new(config: OscConfig, stats: Arc<OscStats>, sample_rate: u32) -> Self {
        let bank = config
            .bank
            .clone()
            .unwrap_or_else(|| "amsynth_factory".to_string());
        Dispatcher {
            config,
            stats,
            bank,
            time: TimeMap::new(sample_rate),
            waiting: BTreeMap::new(),
            seq: 0,
        }
    }

    pub fn stats(&self) -> &Arc<OscStats> {
        &self.stats
    }

    /// A group arrives from the network.
    pub fn receive(&mut self, runtime: &mut Runtime, packet: Packet, clock: Clock) -> Vec<Outcome> {
        let untimed = Now {
            frame: clock.horizon as f64,
            beat: None,
            exact: false,
        };
        match packet.when {
            When::Now => self.deliver(runtime, &packet.messages, packet.from, untimed),
            // One frame for all of them: the engine applies them together even if the audio
            // thread takes the queue in the middle of the group.
            When::Together => self.deliver(
                runtime,
                &packet.messages,
                packet.from,
                Now {
                    exact: true,
                    ..untimed
                },
            ),
            When::At(tag) => {
                let frame = self.time.frame(tag, clock.unix, clock.playhead);
                if frame < clock.playhead {
                    // Its time has passed: play it now and say so.
                    OscStats::count(&self.stats.late);
                    return self.deliver(runtime, &packet.messages, packet.from, untimed);
                }
                let frame = frame.round() as u64;
                if frame <= clock.horizon {
                    return self.deliver(runtime, &packet.messages, packet.from, exact(frame));
                }
                if self.waiting.len() >= MAX_PENDING {
                    self.stats.problem(
                        &self.stats.dropped,
                        "timetagged bundles",
                        &format!("more than {MAX_PENDING} timetagged bundles waiting; dropping"),
                    );
                    return vec![];
                }
                self.seq += 1;
                self.waiting.insert((frame, self.seq), packet);
                vec![]
            }
        }
    }

    /// The frame of the next waiting bundle.
    pub fn next_due(&self) -> Option<u64> {
        self.waiting.keys().next().map(|&(frame, _)| frame)
    }

    /// Delivers every waiting bundle due by `horizon`, each on its frame.
    pub fn run_due(&mut self, runtime: &mut Runtime, horizon: u64) -> Vec<Outcome> {
        let mut out = vec![];
        while let Some(entry) = self.waiting.first_entry() {
            let frame = entry.key().0;
            if frame > horizon {
                break;
            }
            let p = entry.remove();
            out.extend(self.deliver(runtime, &p.messages, p.from, exact(frame)));
        }
        out
    }

    /// Runs a group of messages at `now`: `osc.event`, then the built-ins.
    pub fn deliver(
        &mut self,
        runtime: &mut Runtime,
        messages: &[Message],
        from: SocketAddr,
        now: Now,
    ) -> Vec<Outcome> {
        let mut out = vec![];
        for m in messages {
            let parsed = builtin::parse(&m.path, &m.args);
            runtime.osc(&m.path, &m.args, from, now);
            match parsed {
                Ok(Some(b)) => {
                    if let Some(o) = self.builtin(runtime, b, &m.path, from, now) {
                        out.push(o);
                    }
                }
                Ok(None) => {}
                Err(why) => self.bad(&m.path, &why),
            }
        }
        out
    }

    fn bad(&self, path: &str, why: &str) {
        self.stats
            .problem(&self.stats.bad, path, &format!("{path}: {why}"));
    }

    fn builtin(
        &mut self,
        runtime: &mut Runtime,
        b: Builtin,
        path: &str,
        from: SocketAddr,
        now: Now,
    ) -> Option<Outcome> {
        let reply = |path: &str, args: &[OscArg]| Outcome::Reply {
            to: from,
            packet: encode(path, args),
        };
        let lua = |runtime: &mut Runtime, name: &str, args: Vec<OscArg>| {
            runtime.osc_builtin(name, &args, now)
        };
        let result = match b {
            // A flood of fader moves must not crowd a note out of the engine's queue: a
            // parameter change is superseded by the next one anyway, a note is not. A shed
            // change is still checked, so a bad one counts as bad, not as shed.
            Builtin::Param { id, value, norm } if !now.exact && runtime.engine_congested() => {
                match lua(
                    runtime,
                    "param_check",
                    vec![OscArg::Str(id), value, OscArg::Bool(norm)],
                ) {
                    Ok(_) => OscStats::count(&self.stats.shed),
                    Err(why) => self.bad(path, &why),
                }
                return None;
            }
            Builtin::Param { id, value, norm } => lua(
                runtime,
                "param",
                vec![OscArg::Str(id), value, OscArg::Bool(norm)],
            ),
            Builtin::ParamGet { id } => {
                return match lua(runtime, "param_get", vec![OscArg::Str(id.clone())]) {
                    Ok(Some(v)) => Some(reply(&format!("/param/{id}"), &[v])),
                    Ok(None) => None,
                    Err(why) => {
                        self.bad(path, &why);
                        None
                    }
                };
            }
            Builtin::NoteOn { note, velocity } => lua(
                runtime,
                "note_on",
                vec![OscArg::Float(note), OscArg::Float(velocity)],
            ),
            Builtin::NoteOff { note } => lua(runtime, "note_off", vec![OscArg::Float(note)]),
            Builtin::AllOff => lua(runtime, "all_off", vec![]),
            Builtin::Preset { bank, number } => {
                let bank = bank.unwrap_or_else(|| self.bank.clone());
                let r = lua(
                    runtime,
                    "preset",
                    vec![OscArg::Str(bank.clone()), OscArg::Int(number)],
                );
                if r.is_ok() {
                    self.bank = bank;
                }
                r
            }
            // The active latent mapper's point: it decodes at its own rate, so a flood of fader
            // moves costs at most that many decodes and nothing needs shedding.
            Builtin::Latent { index, value } => runtime.latent_set(index, value, now).map(|_| None),
            Builtin::Latents(values) => runtime.latent_set_all(&values, now).map(|_| None),
            Builtin::LatentGet { index } => {
                return match runtime.latent_get(index) {
                    Ok(v) => Some(reply(&format!("/latent/{index}"), &[OscArg::Float(v)])),
                    Err(why) => {
                        self.bad(path, &why);
                        None
                    }
                };
            }
            Builtin::ScriptLoad(name) => {
                return match self.script(&name) {
                    Ok(path) => Some(Outcome::Load { path, from }),
                    Err(why) => {
                        self.bad(path, &why);
                        Some(reply("/script/error", &[OscArg::Str(why)]))
                    }
                };
            }
            Builtin::Ping(args) => return Some(reply("/pong", &args)),
            Builtin::Remote(event) => {
                runtime.host_event(&event, now);
                return None;
            }
            Builtin::Eval(code) => {
                if !self.config.allow_eval {
                    self.stats.problem(
                        &self.stats.refused,
                        "/eval",
                        "/eval refused: wyrd runs code sent over OSC only when started with --allow-eval",
                    );
                    return None;
                }
                if !from.ip().to_canonical().is_loopback() {
                    self.stats.problem(
                        &self.stats.refused,
                        &format!("/eval from {}", from.ip()),
                        &format!(
                            "/eval from {} refused: only this machine may send code",
                            from.ip()
                        ),
                    );
                    return None;
                }
                let r = runtime.eval(&code, now);
                return Some(reply(
                    "/eval/reply",
                    &[
                        OscArg::Int(i64::from(r.ok)),
                        // A REPL ends its output with a newline; a reply is one value.
                        OscArg::Str(r.output.trim_end().to_string()),
                    ],
                ));
            }
        };
        if let Err(why) = result {
            self.bad(path, &why);
        }
        None
    }

    /// A script by name (`steps` → `<scripts>/steps/steps.lua`) or by path, which must lie in
    /// the scripts folder: a controller may switch scripts, not run any file on the machine.
    fn script(&self, name: &str) -> Result<PathBuf, String> {
        let root = self
            .config
            .scripts_dir
            .as_deref()
            .ok_or("no scripts folder (start wyrd with --scripts-dir)")?;
        let root = std::fs::canonicalize(root)
            .map_err(|e| format!("scripts folder {}: {e}", root.display()))?;
        let given = Path::new(name);
        let candidates = if given.components().count() == 1 && given.extension().is_none() {
            vec![root.join(name).join(format!("{name}.lua"))]
        } else {
            vec![given.to_path_buf(), root.join(given)]
        };
        for c in candidates {
            if let Ok(c) = std::fs::canonicalize(&c) {
                if c.is_file() && c.starts_with(&root) {
                    return Ok(c);
                }
            }
        }
        Err(format!("no script '{name}' in {}", root.display()))
    }
}

fn exact(frame: u64) -> Now {
    Now {
        frame: frame as f64,
        beat: None,
        exact: true,
    }
}
