//! `wyrd doctor`: what wyrd finds on this machine, and what to do about anything missing.

use std::path::PathBuf;

use jack::PortFlags;

use wyrd_jack::{open_client, server_name, AUDIO_TYPE, MIDI_TYPE};

/// ONNX Runtime's library file name, as the setup script fetches it from the PyPI wheel.
const ORT_LIBRARY: &str = "libonnxruntime.so.1.31.1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Works, but something a user may want to fix.
    Warn,
    /// Missing: wyrd cannot do this until it is fixed.
    Fail,
}

#[derive(Debug, Clone)]
pub struct Check {
    pub what: &'static str,
    pub status: Status,
    pub lines: Vec<String>,
}

impl Check {
    fn new(what: &'static str, status: Status, lines: Vec<String>) -> Self {
        Check {
            what,
            status,
            lines,
        }
    }
}

/// Runs every check. Never starts a JACK server and never fails: problems are reported.
pub fn checks() -> Vec<Check> {
    vec![jack(), realtime(), onnx_runtime(), banks()]
}

fn jack() -> Check {
    let client = match open_client(&format!("wyrd-doctor-{}", std::process::id())) {
        Ok(c) => c,
        Err(e) => return Check::new("JACK", Status::Fail, vec![e.to_string()]),
    };
    let rate = client.sample_rate();
    let period = client.buffer_size();
    let mut lines = vec![format!(
        "server `{}`: {rate} Hz, {period} frames per period ({:.2} ms)",
        server_name(),
        f64::from(period) * 1000.0 / rate as f64
    )];
    let list = |kind: &str, flags: PortFlags| client.ports(None, Some(kind), flags);
    for (label, kind, flags) in [
        (
            "playback",
            AUDIO_TYPE,
            PortFlags::IS_INPUT | PortFlags::IS_PHYSICAL,
        ),
        (
            "capture",
            AUDIO_TYPE,
            PortFlags::IS_OUTPUT | PortFlags::IS_PHYSICAL,
        ),
        ("MIDI sources", MIDI_TYPE, PortFlags::IS_OUTPUT),
    ] {
        let ports = list(kind, flags);
        lines.push(if ports.is_empty() {
            format!("{label}: none")
        } else {
            format!("{label}: {}", ports.join(", "))
        });
    }
    let wyrd_ports = client.ports(Some("^wyrd"), None, PortFlags::empty());
    if !wyrd_ports.is_empty() {
        lines.push(format!("wyrd clients running: {}", wyrd_ports.join(", ")));
    }
    Check::new("JACK", Status::Ok, lines)
}

fn realtime() -> Check {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we pass and nothing else.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_RTPRIO, &mut limit) } == 0;
    let mut memlock = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: as above.
    unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut memlock) };
    let lockable = if memlock.rlim_cur == libc::RLIM_INFINITY {
        "unlimited".to_string()
    } else {
        format!("{} MiB", memlock.rlim_cur >> 20)
    };
    if ok && limit.rlim_cur > 0 {
        Check::new(
            "real-time priority",
            Status::Ok,
            vec![format!(
                "allowed (rtprio up to {}); lockable memory {lockable}",
                limit.rlim_cur
            )],
        )
    } else {
        Check::new(
            "real-time priority",
            Status::Warn,
            vec![
                format!(
                    "not allowed for this user: JACK will run the audio thread at normal \
                     priority (lockable memory {lockable})"
                ),
                "for low latency live: sudo usermod -aG audio $USER (Debian's jackd2 sets the limits), then log in again".into(),
            ],
        )
    }
}

/// Where wyrd looks for ONNX Runtime, in order: `$WYRD_ORT_LIB`, `$ORT_DYLIB_PATH`, then
/// `onnxruntime/` in the data folder (`./setup.sh ort` puts it there).
fn ort_library_candidates() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ["WYRD_ORT_LIB", "ORT_DYLIB_PATH"]
        .iter()
        .filter_map(|v| std::env::var_os(v).filter(|s| !s.is_empty()))
        .map(PathBuf::from)
        .collect();
    out.extend(
        wyrd_bank::data_roots()
            .into_iter()
            .map(|d| d.join("onnxruntime").join(ORT_LIBRARY)),
    );
    out
}

fn onnx_runtime() -> Check {
    let candidates = ort_library_candidates();
    match candidates.iter().find(|p| p.is_file()) {
        Some(path) => Check::new(
            "ONNX Runtime",
            Status::Ok,
            vec![format!("{}", path.display())],
        ),
        None => Check::new(
            "ONNX Runtime",
            Status::Warn,
            vec![
                format!("{ORT_LIBRARY} not found; wyrd runs without models"),
                "fetch it with `./setup.sh ort`, or point WYRD_ORT_LIB at the library".into(),
            ],
        ),
    }
}

fn banks() -> Check {
    match wyrd_bank::banks_dir() {
        Some(dir) => {
            let files = wyrd_bank::debian_bank_files(&dir);
            let status = if files.is_empty() {
                Status::Warn
            } else {
                Status::Ok
            };
            Check::new(
                "amSynth banks",
                status,
                vec![format!("{} bank files in {}", files.len(), dir.display())],
            )
        }
        None => Check::new(
            "amSynth banks",
            Status::Warn,
            vec!["none found; fetch Debian's with `./setup.sh banks` (or set WYRD_BANKS)".into()],
        ),
    }
}

pub fn run() -> anyhow::Result<()> {
    let checks = checks();
    let mut lines = Vec::new();
    for check in &checks {
        let mark = match check.status {
            Status::Ok => "ok  ",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        lines.push(format!("[{mark}] {}", check.what));
        lines.extend(
            check
                .lines
                .iter()
                .flat_map(|l| l.lines())
                .map(|l| format!("       {l}")),
        );
    }
    super::print_lines(lines)?;
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.what)
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("not ready to play live: {}", failed.join(", "))
    }
}
