//! One datagram per input: `decode`, then every group through the dispatcher into a loaded
//! script (its `osc.event` and the built-in paths) on the offline driver, then everything the
//! datagram left waiting, then a block of audio.
//!
//! Checks: nothing panics or overflows; decoded arrays never nest past `MAX_NESTING`; every
//! reply decodes as an OSC message; nothing received runs code; every sample is finite and
//! within ±1 (the limiter's guard).
//!
//! The engine and the Lua runtime are built once and live across inputs (building them costs
//! milliseconds); the dispatcher is fresh per input and flushed at its end, so OSC timing state
//! never carries from one input to the next.

#![no_main]

use std::cell::RefCell;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use wyrd_engine::{EngineConfig, Offline};
use wyrd_script::osc::message::MAX_NESTING;
use wyrd_script::osc::{decode, Clock, Dispatcher, OscConfig, OscStats, Outcome};
use wyrd_script::{Budget, Now, OscArg, Runtime, RuntimeConfig, Silence};

const SR: u32 = 48_000;
const BLOCK: usize = 64;
const LOOKAHEAD: u64 = 512;
const U0: f64 = 1_800_000_000.0;

const SCRIPT: &str = r#"
function init()
  params:add{ type = "number", id = "num", name = "num", min = -10, max = 10, default = 0 }
  params:add{ type = "option", id = "opt", name = "opt", options = { "a", "b", "c" } }
  params:add{ type = "control", id = "ctl", name = "ctl",
    controlspec = controlspec.new(0, 1, "lin", 0, 0.5, ""),
    action = function(v) engine.osc_mix(v * 2 - 1) end }
  params:add{ type = "text", id = "txt", name = "txt", text = "hi" }
  params:add{ type = "trigger", id = "trig", name = "trig", action = function() end }
end

local function weigh(v)
  local t = type(v)
  if t == "number" then return v
  elseif t == "string" then return #v
  elseif t == "table" then
    local s = 0
    for _, x in pairs(v) do s = s + weigh(x) end
    return s
  end
  return 0
end

function osc.event(path, args, from)
  last = weigh(args)
  local a, b = args[1], args[2]
  if path == "/set" then pcall(params.set, params, "num", a)
  elseif path == "/ctl" then pcall(params.set, params, "ctl", a)
  elseif path == "/vol" then pcall(engine.master_vol, a)
  elseif path == "/cut" then pcall(engine.filter_cutoff, a)
  elseif path == "/note" then pcall(engine.note_on, a, b)
  end
end
"#;

struct World {
    offline: Offline,
    runtime: Runtime,
    frame: u64,
    stats: Arc<OscStats>,
}

impl World {
    fn new() -> World {
        let dir = std::env::temp_dir().join(format!("wyrd-osc-fuzz-{}", std::process::id()));
        let script_dir = dir.join("osc_fuzz");
        std::fs::create_dir_all(&script_dir).unwrap();
        let file = script_dir.join("osc_fuzz.lua");
        std::fs::write(&file, SCRIPT).unwrap();

        let mut ec = EngineConfig::new(SR);
        ec.queue_capacity = 1 << 14;
        ec.schedule_capacity = 1 << 14;
        let mut offline = Offline::new(ec);
        offline.engine_mut().seed_noise(1);
        let controller = offline.controller().clone();
        let mut rc = RuntimeConfig::new(SR);
        rc.budget = Budget::Instructions(200_000);
        rc.seed = Some(1);
        rc.data_root = Some(dir.join("data"));
        let mut runtime =
            Runtime::new(controller, Arc::new(Silence { n_mfcc: 20 }), rc).unwrap();
        runtime
            .load(
                &file,
                Now {
                    frame: 0.0,
                    beat: None,
                    exact: true,
                },
            )
            .unwrap();
        World {
            offline,
            runtime,
            frame: 0,
            stats: Arc::new(OscStats::default()),
        }
    }

    fn clock(&self) -> Clock {
        Clock {
            playhead: self.frame as f64,
            unix: U0 + self.frame as f64 / f64::from(SR),
            horizon: self.frame + LOOKAHEAD,
        }
    }

    fn step(&mut self, data: &[u8]) {
        // Loopback, so that only allow_eval: false stands between /eval and Lua.
        let from: SocketAddr = "127.0.0.1:9000".parse().unwrap();
        let mut d = Dispatcher::new(
            OscConfig {
                allow_eval: false,
                bank: Some("no_such_bank".into()),
                scripts_dir: None,
            },
            Arc::clone(&self.stats),
            SR,
        );
        let mut outcomes = vec![];
        if let Ok(packets) = decode(data, from) {
            if !known_issue_allowed() {
                for p in &packets {
                    for m in &p.messages {
                        let depth = depth(&m.args);
                        assert!(depth <= MAX_NESTING, "arrays nested {depth} deep decoded");
                    }
                }
            }
            let clock = self.clock();
            for p in packets {
                outcomes.extend(d.receive(&mut self.runtime, p, clock));
            }
            // What the datagram left waiting plays now, at its own frames.
            outcomes.extend(d.run_due(&mut self.runtime, u64::MAX));
        }
        for o in &outcomes {
            match o {
                Outcome::Reply { packet, .. } => {
                    let p = rosc::decoder::decode_udp(packet);
                    assert!(
                        matches!(p, Ok((_, rosc::OscPacket::Message(_)))),
                        "a reply that is not a message: {p:?}"
                    );
                }
                Outcome::Load { .. } => panic!("a script load without a scripts folder"),
            }
        }
        let mut l = [0.0f32; BLOCK];
        let mut r = [0.0f32; BLOCK];
        self.offline
            .render(&mut (), &mut l, &mut r)
            .expect("no input to fail");
        for x in l.iter().chain(&r) {
            assert!(x.is_finite() && x.abs() <= 1.0, "sample {x}");
        }
        self.frame += BLOCK as u64;
        // Nothing received may run code (checked now and then: it costs a Lua call).
        if self.frame % (1024 * BLOCK as u64) == 0 {
            let r = self.runtime.eval("pwned == nil", self.now());
            assert_eq!(r.output.trim(), "true", "/eval ran: {}", r.output);
        }
    }

    fn now(&self) -> Now {
        Now {
            frame: self.frame as f64,
            beat: None,
            exact: true,
        }
    }
}

fn depth(args: &[OscArg]) -> usize {
    args.iter()
        .map(|a| match a {
            OscArg::List(l) => 1 + depth(l),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

/// `WYRD_FUZZ_ALLOW_DEEP=1` skips the nesting assertion, to keep fuzzing past a known
/// finding (arrays hidden from the nesting pre-check behind an unaligned bundle element).
fn known_issue_allowed() -> bool {
    static ALLOW: OnceLock<bool> = OnceLock::new();
    *ALLOW.get_or_init(|| std::env::var_os("WYRD_FUZZ_ALLOW_DEEP").is_some_and(|v| v == "1"))
}

thread_local! {
    static WORLD: RefCell<Option<World>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    WORLD.with(|w| {
        let mut w = w.borrow_mut();
        w.get_or_insert_with(World::new).step(data);
    });
});
