//! A child process that is always stopped and reaped: by `stop`, by `Drop` (also during a panic),
//! and by the kernel if this process dies without unwinding.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};

/// The line every "is it installed?" error ends with.
pub const INSTALL_HINT: &str =
    "install them with: apt-get install --no-install-recommends jackd2 amsynth";

/// How long a child gets to exit after SIGTERM before it is killed outright.
const TERM_GRACE: Duration = Duration::from_secs(3);

#[derive(Debug)]
pub struct ChildGuard {
    what: String,
    child: Option<Child>,
    log: PathBuf,
}

impl ChildGuard {
    /// Start `cmd` with stdout and stderr going to `log` (read back for error messages).
    pub fn spawn(what: &str, cmd: &mut Command, log: &Path) -> Result<Self> {
        let out = File::create(log)
            .with_context(|| format!("{}: cannot create log file", log.display()))?;
        let err = out.try_clone()?;
        cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        // SAFETY: prctl is async-signal-safe and touches no memory of ours.
        unsafe {
            cmd.pre_exec(|| {
                // A Ctrl-C or a crash of ours skips every Drop; this makes the kernel send SIGTERM to
                // the child instead, so no jackd/amsynth outlives us. It fires when the spawning
                // *thread* ends, so a guard must not outlive the thread that created it.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().map_err(|e| {
            let program = cmd.get_program().to_string_lossy().into_owned();
            if e.kind() == ErrorKind::NotFound {
                anyhow!("{what}: `{program}` not found; {INSTALL_HINT}")
            } else {
                anyhow!("{what}: cannot start `{program}`: {e}")
            }
        })?;
        Ok(ChildGuard {
            what: what.to_string(),
            child: Some(child),
            log: log.to_path_buf(),
        })
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// `Err` (with the end of its log) when the child has already exited.
    pub fn check_alive(&mut self) -> Result<()> {
        let Some(child) = self.child.as_mut() else {
            return Err(anyhow!("{} was already stopped", self.what));
        };
        match child.try_wait()? {
            None => Ok(()),
            Some(status) => {
                self.child = None;
                Err(anyhow!(
                    "{} exited unexpectedly ({status}); its output ends with:\n{}",
                    self.what,
                    self.log_tail()
                ))
            }
        }
    }

    /// The last lines the child wrote, for error messages.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log, 2000)
    }

    /// Sends `signal` (e.g. `libc::SIGINT`, what Ctrl-C sends) and waits up to `timeout` for
    /// the child to exit on its own; `None` if it is still running then (it is left running).
    pub fn signal_and_wait(&mut self, signal: i32, timeout: Duration) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        if let Ok(Some(status)) = child.try_wait() {
            self.child = None;
            return Some(status);
        }
        // SAFETY: plain syscall on the pid of a child we have not reaped yet.
        unsafe {
            libc::kill(child.id() as libc::pid_t, signal);
        }
        self.wait_exit(timeout)
    }

    /// Waits up to `timeout` for the child to exit by itself; reaps it if it did.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                self.child = None;
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Everything the child wrote (stdout and stderr), lossy.
    pub fn log(&self) -> String {
        std::fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// SIGTERM, then SIGKILL if it lingers; always reaps. `None` when it was not running.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        // SAFETY: plain syscall on the pid of a child we have not reaped yet, so it cannot have
        // been reused by another process.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + TERM_GRACE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill();
        child.wait().ok()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last `max` bytes of a text file (lossy), or a note that it could not be read.
pub fn log_tail(path: &Path, max: u64) -> String {
    let read = || -> std::io::Result<String> {
        let mut f = File::open(path)?;
        let len = f.metadata()?.len();
        f.seek(SeekFrom::Start(len.saturating_sub(max)))?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf)?;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    };
    read().unwrap_or_else(|e| format!("(cannot read {}: {e})", path.display()))
}

/// A directory removed on drop.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(prefix: &str) -> Result<Self> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path)
            .with_context(|| format!("{}: cannot create", path.display()))?;
        Ok(TempDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_names_the_packages_to_install() {
        let dir = TempDir::new("wyrd-jackd-child-test").unwrap();
        let err = ChildGuard::spawn(
            "jackd",
            &mut Command::new("wyrd-no-such-program"),
            &dir.path().join("log"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("not found") && err.contains(INSTALL_HINT),
            "{err}"
        );
    }

    #[test]
    fn stop_terminates_and_reaps() {
        let dir = TempDir::new("wyrd-jackd-child-test").unwrap();
        let mut child = ChildGuard::spawn(
            "sleep",
            Command::new("sleep").arg("30"),
            &dir.path().join("log"),
        )
        .unwrap();
        let pid = child.pid().unwrap();
        assert!(child.check_alive().is_ok());
        let t = Instant::now();
        assert!(child.stop().is_some());
        assert!(t.elapsed() < TERM_GRACE, "SIGTERM should suffice");
        assert!(!Path::new(&format!("/proc/{pid}")).exists(), "reaped");
        assert!(child.stop().is_none());
    }

    #[test]
    fn an_exited_child_reports_its_output() {
        let dir = TempDir::new("wyrd-jackd-child-test").unwrap();
        let mut child = ChildGuard::spawn(
            "sh",
            Command::new("sh").args(["-c", "echo broken >&2; exit 3"]),
            &dir.path().join("log"),
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let err = loop {
            match child.check_alive() {
                Err(e) => break e.to_string(),
                Ok(()) if Instant::now() > deadline => panic!("sh did not exit"),
                Ok(()) => thread::sleep(Duration::from_millis(5)),
            }
        };
        assert!(
            err.contains("exited unexpectedly") && err.contains("broken"),
            "{err}"
        );
    }
}
