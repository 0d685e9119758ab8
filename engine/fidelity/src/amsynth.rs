//! One headless amSynth process on our JACK server, playing one preset of one bank.

use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use wyrd_testrig::ChildGuard;

/// How long amSynth may take until its ports exist.
const START_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub struct Amsynth {
    client_name: String,
    child: ChildGuard,
}

impl Amsynth {
    /// Start amSynth with `bank` loaded and `preset` selected; returns once its ports are
    /// registered (seen through `client`, any client of ours on the same server).
    ///
    /// `home` must be a writable scratch directory: amSynth writes its config and a default bank
    /// under `$HOME`, and refuses to start when `$HOME/.local/share` does not exist.
    pub fn start(
        client: &jack::Client,
        client_name: &str,
        bank: &Path,
        preset: u8,
        home: &Path,
        server_name: &str,
    ) -> Result<Self> {
        std::fs::create_dir_all(home.join(".local/share"))
            .and_then(|_| std::fs::create_dir_all(home.join(".config")))
            .with_context(|| format!("{}: cannot prepare amSynth's home", home.display()))?;
        if !bank.is_file() {
            bail!("{}: no such bank file", bank.display());
        }
        let mut cmd = Command::new("amsynth");
        cmd.args([
            "-x",
            "-a",
            "jack",
            "-m",
            "jack",
            "-n",
            client_name,
            "--jack_autoconnect=false",
        ])
        .arg("-b")
        .arg(bank)
        .args(["-P", &preset.to_string()])
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("JACK_DEFAULT_SERVER", server_name)
        .env("JACK_NO_START_SERVER", "1")
        .env("JACK_NO_AUDIO_RESERVATION", "1")
        // Headless needs no display; this keeps amSynth off any X server of the caller's.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
        let child = ChildGuard::spawn(
            "amsynth",
            &mut cmd,
            &home.join(format!("{client_name}.log")),
        )?;
        let mut synth = Amsynth {
            client_name: client_name.to_string(),
            child,
        };
        synth.wait_for_ports(client)?;
        Ok(synth)
    }

    pub fn midi_in(&self) -> String {
        format!("{}:midi_in", self.client_name)
    }

    pub fn left_out(&self) -> String {
        format!("{}:L out", self.client_name)
    }

    pub fn right_out(&self) -> String {
        format!("{}:R out", self.client_name)
    }

    pub fn check_alive(&mut self) -> Result<()> {
        self.child.check_alive()
    }

    pub fn log_tail(&self) -> String {
        self.child.log_tail()
    }

    pub fn stop(&mut self) {
        self.child.stop();
    }

    fn wait_for_ports(&mut self, client: &jack::Client) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        let names = [self.midi_in(), self.left_out(), self.right_out()];
        loop {
            self.child.check_alive()?;
            if names.iter().all(|n| client.port_by_name(n).is_some()) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "amsynth did not register its JACK ports ({}) within {:?}; its output:\n{}",
                    names.join(", "),
                    START_TIMEOUT,
                    self.child.log_tail()
                );
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}
