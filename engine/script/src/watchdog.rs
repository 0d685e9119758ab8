//! The runaway-callback watchdog: an instruction hook interrupts a callback that runs past its
//! budget, so an endless loop in a script cannot stall the host.

use std::time::{Duration, Instant};

use mlua::{HookTriggers, Lua, VmState};

use crate::api::with_state;

/// How long one callback may run before it is interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Wall-clock time (playing live).
    Time(Duration),
    /// Lua VM instructions (offline renders: deterministic, so two renders stay identical).
    Instructions(u64),
}

/// Instructions between watchdog checks: cheap enough to leave on, fine enough to stop a loop
/// within microseconds of its budget.
pub const HOOK_INTERVAL: u32 = 1000;

#[derive(Debug)]
pub struct Watchdog {
    pub budget: Budget,
    deadline: Option<Instant>,
    left: Option<u64>,
    pub tripped: u64,
}

impl Watchdog {
    pub fn new(budget: Budget) -> Self {
        Watchdog {
            budget,
            deadline: None,
            left: None,
            tripped: 0,
        }
    }

    pub fn arm(&mut self) {
        match self.budget {
            Budget::Time(d) => self.deadline = Some(Instant::now() + d),
            Budget::Instructions(n) => self.left = Some(n),
        }
    }

    pub fn disarm(&mut self) {
        self.deadline = None;
        self.left = None;
    }

    /// Called by the instruction hook: true when the running callback is over budget.
    pub fn over(&mut self) -> bool {
        let over = match (self.deadline, self.left.as_mut()) {
            (Some(d), _) => Instant::now() >= d,
            (None, Some(left)) => {
                *left = left.saturating_sub(u64::from(HOOK_INTERVAL));
                *left == 0
            }
            _ => false,
        };
        if over {
            self.tripped += 1;
        }
        over
    }

    pub fn describe(&self) -> String {
        match self.budget {
            Budget::Time(d) => format!("{:.0} ms", d.as_secs_f64() * 1000.0),
            Budget::Instructions(n) => format!("{n} Lua instructions"),
        }
    }
}

/// Sets the hook that checks the state's watchdog every [`HOOK_INTERVAL`] instructions.
pub(crate) fn install(lua: &Lua) -> mlua::Result<()> {
    lua.set_global_hook(
        HookTriggers::new().every_nth_instruction(HOOK_INTERVAL),
        |lua, _| {
            let over = with_state(lua, |s| s.watchdog.over().then(|| s.watchdog.describe()))?;
            match over {
                Some(budget) => Err(mlua::Error::runtime(format!(
                    "runaway: interrupted after {budget} without returning (an endless loop?)"
                ))),
                None => Ok(VmState::Continue),
            }
        },
    )
}
