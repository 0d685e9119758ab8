//! A private jackd (dummy driver, no sound card) under a unique server name.

use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use crate::child::ChildGuard;

/// How long jackd may take until it accepts clients.
const START_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub struct JackServer {
    name: String,
    child: ChildGuard,
}

impl JackServer {
    /// Start jackd and wait until it accepts clients.
    ///
    /// The server gets its own name so parallel runs (other developers, CI, tests) never share
    /// one; this process's own clients find it through `JACK_DEFAULT_SERVER`, which is set here.
    /// Callers must make sure only one server is in use per process at a time (see `Rig`).
    pub fn start(sample_rate: u32, period: u32, log_dir: &Path) -> Result<Self> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "wyrd-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut cmd = Command::new("jackd");
        cmd.args(["--no-realtime", "-n", &name, "-d", "dummy"])
            .args(["-r", &sample_rate.to_string(), "-p", &period.to_string()])
            // The dummy driver has no device to reserve; skipping D-Bus avoids a needless dependency.
            .env("JACK_NO_AUDIO_RESERVATION", "1");
        let child = ChildGuard::spawn("jackd", &mut cmd, &log_dir.join("jackd.log"))?;
        std::env::set_var("JACK_DEFAULT_SERVER", &name);
        // Never let a client of ours quietly start some other, default server.
        std::env::set_var("JACK_NO_START_SERVER", "1");
        let mut server = JackServer { name, child };
        server.wait_ready()?;
        Ok(server)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.pid()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stops jackd by its PID (SIGTERM, then SIGKILL) and reaps it.
    pub fn stop(&mut self) {
        self.child.stop();
    }

    /// `Err` with jackd's last output when it has died.
    pub fn check_alive(&mut self) -> Result<()> {
        self.child.check_alive()
    }

    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            self.child.check_alive()?;
            // Opening a client is the only reliable readiness test: the socket appears before the
            // server accepts connections.
            if let Ok((probe, _)) =
                jack::Client::new("wyrd-jackd-probe", jack::ClientOptions::NO_START_SERVER)
            {
                drop(probe);
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "jackd (server {}) did not accept clients within {:?}; its output:\n{}",
                    self.name,
                    START_TIMEOUT,
                    self.child.log_tail()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}
