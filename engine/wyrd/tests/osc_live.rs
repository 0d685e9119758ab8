//! OSC control of a running `wyrd run` under a real JACK server, driven by third-party clients:
//! liblo's `oscsend` and python-osc (`./setup.sh pyosc` puts it in a venv at data/pyosc).
//! What the messages did is checked where it shows: in wyrd's recorded output, in the replies,
//! and in its log and exit summary.

mod rig;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rig::{
    assert_kept_up, assert_on_grid, cents, goertzel, offline_onset, onsets_clear_of, pitch, rms,
    wait_for, xruns, Rig, SR,
};
use serde_json::{json, Value};
use wyrd_script::osc::{decode, encode};
use wyrd_script::OscArg;
use wyrd_testrig::{Job, TempDir};

/// The python-osc client's interpreter: `WYRD_PYOSC_PYTHON`, else setup.sh's venv.
fn python() -> PathBuf {
    let path = match std::env::var_os("WYRD_PYOSC_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => std::env::var_os("WYRD_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"))
            .join("pyosc/bin/python"),
    };
    // A missing client must fail the suite, not quietly skip the OSC tests.
    let works = Command::new(&path)
        .args(["-c", "import pythonosc"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        works,
        "no python-osc at {}: run `./setup.sh pyosc` (or set WYRD_PYOSC_PYTHON to a python \
         that has it)",
        path.display()
    );
    path
}

/// Helpers every client script starts with. `sys.argv[1]` is wyrd's port; each line a script
/// prints is one JSON value.
const PRELUDE: &str = r#"
import json, socket, sys, time
from pythonosc.osc_bundle_builder import OscBundleBuilder
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

PORT = int(sys.argv[1])

def msg(path, *args):
    b = OscMessageBuilder(path)
    for a in args:
        b.add_arg(a)
    return b.build()

def bundle(when, *messages):
    b = OscBundleBuilder(when)
    for m in messages:
        b.add_content(m)
    return b.build()

# Sends from a socket of its own and reads wyrd's replies on it (python-osc's
# SimpleUDPClient sends from a port it does not listen on).
class Client:
    def __init__(self, host="127.0.0.1"):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(5)
        self.to = (host, PORT)

    def send(self, packet):
        self.sock.sendto(packet.dgram, self.to)

    def reply(self):
        data, _ = self.sock.recvfrom(65536)
        m = OscMessage(data)
        return [m.address, list(m.params)]

def say(*x):
    print(json.dumps(list(x)), flush=True)
"#;

fn client(script: &str, port: u16, args: &[&str]) -> Command {
    let mut cmd = Command::new(python());
    cmd.arg("-c")
        .arg(format!("{PRELUDE}\n{script}"))
        .arg(port.to_string())
        .args(args);
    cmd
}

/// Runs a client script to its end; what it said, one JSON value per line.
fn run_client(rig: &Rig, script: &str, args: &[&str]) -> Vec<Value> {
    let out = client(script, rig.osc_port, args).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "client failed: {stderr}\n{stdout}\nwyrd:\n{}",
        rig.wyrd.log()
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A client script that runs alongside the test: it prints `["ready"]` once set up, then
/// reads a line from stdin (sent by [`Started::go`]) before doing its part.
struct Started {
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Started {
    fn spawn(rig: &Rig, script: &str) -> Started {
        let mut child = client(script, rig.osc_port, &[])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), r#"["ready"]"#, "{}", rig.wyrd.log());
        Started {
            child,
            stdin,
            stdout,
        }
    }

    /// Sends `line` the first time only: safe to call from a polling loop.
    fn go(&mut self, line: &str) {
        if let Some(mut stdin) = self.stdin.take() {
            writeln!(stdin, "{line}").unwrap();
        }
    }

    fn finish(mut self, rig: &Rig) -> Vec<Value> {
        self.go("");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "client failed:\n{}", rig.wyrd.log());
        rest.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Started {
    /// A test that fails half-way leaves no client behind.
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// liblo's `oscsend` to wyrd on IPv4 loopback (as [`Fence`] sends, so they arrive in order).
fn oscsend(rig: &Rig, path: &str, types: &str, args: &[&str]) {
    let mut cmd = Command::new("oscsend");
    cmd.args(["127.0.0.1", &rig.osc_port.to_string(), path]);
    if !types.is_empty() {
        cmd.arg(types).args(args);
    }
    let out = cmd
        .output()
        .expect("oscsend comes with liblo-tools (./setup.sh deps)");
    assert!(out.status.success(), "oscsend: {out:?}");
}

/// `/ping` → `/pong`: wyrd handles OSC in order, so once it answers, everything sent before
/// has reached the engine's queue.
struct Fence {
    socket: UdpSocket,
    to: SocketAddr,
    n: i64,
}

impl Fence {
    fn new(rig: &Rig) -> Fence {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        Fence {
            socket,
            to: SocketAddr::from(([127, 0, 0, 1], rig.osc_port)),
            n: 0,
        }
    }

    fn wait(&mut self, rig: &Rig) {
        self.n += 1;
        let token = [OscArg::Str("fence".into()), OscArg::Int(self.n)];
        self.socket
            .send_to(&encode("/ping", &token), self.to)
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut buf = [0u8; 1024];
        loop {
            assert!(
                Instant::now() < deadline,
                "no /pong in 10 s:\n{}",
                rig.wyrd.log()
            );
            let Ok((len, from)) = self.socket.recv_from(&mut buf) else {
                continue;
            };
            let packets = decode(&buf[..len], from).unwrap();
            if packets
                .iter()
                .flat_map(|p| &p.messages)
                .any(|m| m.path == "/pong" && m.args == token)
            {
                return;
            }
        }
    }
}

/// The counts of wyrd's exit line `wyrd: osc: N messages in M packets; D dropped (queue
/// full), X malformed, B bad, R refused, L late, ...`, each found by its label.
#[derive(Debug)]
struct Summary {
    messages: u64,
    dropped: u64,
    malformed: u64,
    bad: u64,
    refused: u64,
    late: u64,
    #[allow(dead_code)] // read by Debug, which the assertions print
    line: String,
}

fn summary(log: &str) -> Summary {
    let line = log
        .lines()
        .find(|l| l.starts_with("wyrd: osc: ") && l.contains(" messages in "))
        .unwrap_or_else(|| panic!("no OSC summary:\n{log}"));
    let count = |label: &str| -> u64 {
        let at = line
            .find(&format!(" {label}"))
            .unwrap_or_else(|| panic!("no {label:?} in {line}"));
        let digits = line[..at].len()
            - line[..at]
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .len();
        line[at - digits..at].parse().unwrap()
    };
    Summary {
        messages: count("messages"),
        dropped: count("dropped"),
        malformed: count("malformed"),
        bad: count("bad"),
        refused: count("refused"),
        late: count("late"),
        line: line.to_string(),
    }
}

/// The 2nd harmonic's level relative to the fundamental, for A4.
fn second_harmonic(x: &[f32]) -> f64 {
    goertzel(x, 880.0) / goertzel(x, 440.0)
}

/// A quarter second of wyrd's output, recorded after everything sent so far has been applied.
/// Plain OSC messages apply at the Lua thread's horizon (the lookahead, 20 ms, ahead of the
/// audio), so the first 0.05 s of the recording may still be from before them.
fn settled(rig: &mut Rig) -> Vec<f32> {
    let out = rig.play(&Job::new(vec![], 0, SR / 4 + 2400));
    out[2400..].to_vec()
}

#[test]
fn oscsend_plays_notes_and_sets_params() {
    let mut rig = Rig::start(&[]);
    let mut fence = Fence::new(&rig);

    oscsend(&rig, "/note_on", "ii", &["69", "127"]);
    fence.wait(&rig);
    let sine = settled(&mut rig);
    assert!(cents(pitch(&sine), 440.0).abs() < 5.0, "{}", pitch(&sine));
    assert!(second_harmonic(&sine) < 0.01, "{}", second_harmonic(&sine));

    // osc1_waveform in its own units: 2 is the saw, whose 2nd harmonic is half its 1st.
    oscsend(&rig, "/param/osc1_waveform", "f", &["2"]);
    fence.wait(&rig);
    let saw = settled(&mut rig);
    assert!(cents(pitch(&saw), 440.0).abs() < 5.0, "{}", pitch(&saw));
    assert!(
        (second_harmonic(&saw) - 0.5).abs() < 0.1,
        "{}",
        second_harmonic(&saw)
    );

    // After the 0.1 s release (and the declicker), digital silence.
    oscsend(&rig, "/note_off", "i", &["69"]);
    fence.wait(&rig);
    let off = rig.play(&Job::new(vec![], 0, SR / 2));
    assert!(rms(&off[SR as usize / 4..]) < 1e-5, "{}", rms(&off));

    oscsend(&rig, "/note_on", "ii", &["69", "127"]);
    oscsend(&rig, "/note_on", "if", &["76", "90.0"]);
    fence.wait(&rig);
    assert!(rms(&settled(&mut rig)) > 0.05, "the chord did not sound");
    oscsend(&rig, "/all_off", "", &[]);
    fence.wait(&rig);
    let off = rig.play(&Job::new(vec![], 0, SR / 2));
    assert!(rms(&off[SR as usize / 4..]) < 1e-5, "{}", rms(&off));

    let s = summary(&rig.interrupt());
    assert_eq!((s.malformed, s.bad, s.dropped), (0, 0, 0), "{s:?}");
}

#[test]
fn python_osc_sets_and_reads_params_and_pings_over_ipv6() {
    let mut rig = Rig::start(&[]);
    let cutoff = wyrd_schema::find("filter_cutoff").unwrap();
    let units = cutoff.denormalize(0.75);
    let replies = run_client(
        &rig,
        r#"
c = Client()
c.send(msg("/param/filter_cutoff/norm", 0.25))
c.send(msg("/param/filter_cutoff/get"))
say(*c.reply())
c.send(msg("/param/filter_cutoff", float(sys.argv[2])))
c.send(msg("/param/filter_cutoff/get"))
say(*c.reply())
"#,
        &[&units.to_string()],
    );
    // OSC floats are f32, as the patch stores them: the values come back exactly.
    assert_eq!(
        replies,
        vec![
            json!(["/param/filter_cutoff", [cutoff.denormalize(0.25)]]),
            json!(["/param/filter_cutoff", [units]]),
        ]
    );

    if UdpSocket::bind("[::1]:0").is_ok() {
        let replies = run_client(
            &rig,
            r#"
c = Client("::1")
c.send(msg("/ping", "over", 6))
say(*c.reply())
"#,
            &[],
        );
        assert_eq!(replies, vec![json!(["/pong", ["over", 6]])]);
    } else {
        assert!(
            rig.wyrd.log().contains("wyrd: osc: IPv4 only"),
            "{}",
            rig.wyrd.log()
        );
    }
    let s = summary(&rig.interrupt());
    assert_eq!((s.malformed, s.bad), (0, 0), "{s:?}");
}

#[test]
fn timetagged_bundles_land_on_their_frames() {
    let mut rig = Rig::start(&[]);
    // Six notes 0.25 s (12000 frames) apart, each a bundle of its own and its note-off another
    // 0.05 s later, all sent at once well ahead of their time: wyrd holds them and plays each
    // on the frame its timetag names. 12000 is not a multiple of the 64-frame period, so
    // bundles applied at period starts would show.
    let mut sender = Started::spawn(
        &rig,
        r#"
c = Client()
say("ready")
t0 = float(sys.stdin.readline())
for k in range(6):
    t = t0 + 0.6 + 0.25 * k
    c.send(bundle(t, msg("/note_on", 69, 127)))
    c.send(bundle(t + 0.05, msg("/note_off", 69)))
c.send(msg("/ping", "sent"))
say(*c.reply())
"#,
    );
    // In real time, as on stage. The job starts within a period of being handed over; t0 is
    // the wall time of that moment, so the first note is due 0.6 s into the recording.
    let mut job = Job::new(vec![], 0, 5 * SR / 2);
    job.freewheel = false;
    let out = rig.play_while(&job, || {
        let t0 = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        sender.go(&format!("{:.6}", t0.as_secs_f64()));
    });
    assert_eq!(sender.finish(&rig), vec![json!(["/pong", ["sent"]])]);

    let holes = rig.capturer.last_holes();
    let on = onsets_clear_of(&out, &holes);
    assert!(on.len() >= 4, "{on:?}\n{}", rig.wyrd.log());
    let log = rig.interrupt();
    eprintln!(
        "onsets {on:?}, {} xruns, recorder holes {holes:?}",
        xruns(&log)
    );
    // Where the bundles land relative to each other, as in live.rs's clock test.
    assert_on_grid(&on, 12_000, &holes, xruns(&log));
    // Where the first note lands in absolute terms depends on the wall clock → frame estimate
    // and on when the recording really started, so only loosely: within 50 ms.
    let due = (0.6 * f64::from(SR)) as usize + offline_onset();
    assert!(
        on[0].abs_diff(due) < SR as usize / 20,
        "first onset at {} frames, due at {due}",
        on[0]
    );

    let s = summary(&log);
    assert_eq!((s.late, s.bad, s.dropped), (0, 0, 0), "{s:?}");
}

#[test]
fn a_flood_of_messages_does_not_interrupt_the_audio() {
    let mut rig = Rig::start(&[]);
    let flood = 100_000;
    // The note and the first query go through python-osc; the flood is the same python-osc
    // message's bytes sent as fast as a raw socket goes, paced to about a second. Its value
    // is the current cutoff, so the flood changes nothing audible.
    let mut sender = Started::spawn(
        &rig,
        &format!(
            r#"
c = Client()
c.send(msg("/note_on", 69, 127))
c.send(msg("/param/filter_cutoff/get"))
address, (cutoff,) = c.reply()
packet = msg("/param/filter_cutoff", cutoff).dgram
raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
say("ready")
sys.stdin.readline()
start = time.time()
sent = 0
for batch in range(100):
    for _ in range({flood} // 100):
        try:
            raw.sendto(packet, c.to)
            sent += 1
        except OSError:
            pass
    ahead = start + (batch + 1) * 0.01 - time.time()
    if ahead > 0:
        time.sleep(ahead)
end = time.time()
# The queue may still be full when the flood ends, which drops a ping too: ask again until
# one is answered.
c.sock.settimeout(0.1)
pings = 0
answered = None
while answered is None and time.time() - end < 5:
    pings += 1
    c.send(msg("/ping", pings))
    try:
        while answered is None:
            if c.reply()[0] == "/pong":
                answered = time.time() - end
    except socket.timeout:
        pass
say("flood", sent, end - start, pings, answered)
"#
        ),
    );
    let mut job = Job::new(vec![], 0, 3 * SR);
    job.freewheel = false;
    let out = rig.play_while(&job, || sender.go("go"));
    let said = sender.finish(&rig);
    let [_, sent, seconds, pings, answered] = said[0].as_array().unwrap().as_slice() else {
        panic!("{said:?}");
    };
    let (sent, pings) = (sent.as_u64().unwrap(), pings.as_u64().unwrap());
    eprintln!("flood: {sent} messages in {seconds} s, /pong {answered} s after it");
    let answered = answered
        .as_f64()
        .unwrap_or_else(|| panic!("no /pong within 5 s of the flood:\n{}", rig.wyrd.log()));
    assert!(answered < 1.0, "/pong {answered} s after the flood");

    // The note holds throughout: no 10 ms of the recording may fall silent. (The first
    // 0.1 s may precede the note-on.) On a busy machine the recorder itself misses cycles,
    // most of all while the flood's sender takes a core; those frames were never heard, so a
    // window is judged on the frames recorded, and only if it has at least half of them.
    let mut recorded = vec![true; out.len()];
    for hole in rig.capturer.last_holes() {
        recorded[hole.start.min(out.len())..hole.end.min(out.len())].fill(false);
    }
    let from = SR as usize / 10;
    let windows: Vec<Option<f64>> = out[from..]
        .chunks(480)
        .zip(recorded[from..].chunks(480))
        .map(|(x, kept)| {
            let heard: Vec<f32> = x.iter().zip(kept).filter(|p| *p.1).map(|p| *p.0).collect();
            (heard.len() * 2 >= x.len()).then(|| rms(&heard))
        })
        .collect();
    let mut sorted: Vec<f64> = windows.iter().flatten().copied().collect();
    assert!(
        sorted.len() * 2 >= windows.len(),
        "the recorder missed too much to judge: {} of {} windows",
        sorted.len(),
        windows.len()
    );
    sorted.sort_by(f64::total_cmp);
    let floor = sorted[sorted.len() / 2] / 2.0;
    assert!(floor > 0.01, "the note did not sound");
    let quiet: Vec<usize> = (0..windows.len())
        .filter(|&i| windows[i].is_some_and(|w| w < floor))
        .collect();
    assert!(
        quiet.is_empty(),
        "10 ms windows {quiet:?} dropped out ({} of {} judged)\n{}",
        sorted.len(),
        windows.len(),
        rig.wyrd.log()
    );
    eprintln!(
        "{} of {} windows judged, none quiet",
        sorted.len(),
        windows.len()
    );

    let log = rig.interrupt();
    assert_kept_up(&log);
    let s = summary(&log);
    eprintln!("{s:?}");
    // The kernel may drop datagrams before wyrd sees them; wyrd counts every one it took.
    let total = sent + pings + 2;
    assert!(
        s.messages + s.dropped <= total && s.messages + s.dropped > 0,
        "{s:?}, {total} sent"
    );
    assert_eq!((s.malformed, s.bad), (0, 0), "{s:?}");
}

/// This machine's address on its default route, if it has one: not loopback.
fn lan_address() -> Option<std::net::IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    // A UDP connect only picks the route; nothing is sent. 192.0.2.1 is TEST-NET-1.
    s.connect("192.0.2.1:9").ok()?;
    Some(s.local_addr().ok()?.ip()).filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
}

#[test]
fn eval_runs_only_when_allowed_and_only_from_this_machine() {
    // Sends each argument after the host as /eval, then /ping; prints every reply up to the
    // /pong. wyrd answers in order, so an /eval missing before the /pong got no answer.
    let script = r#"
c = Client(sys.argv[2])
for code in sys.argv[3:]:
    c.send(msg("/eval", code))
c.send(msg("/ping", "after"))
while True:
    r = c.reply()
    say(*r)
    if r[0] == "/pong":
        break
"#;
    let pong = json!(["/pong", ["after"]]);
    {
        let mut rig = Rig::start(&[]);
        let replies = run_client(&rig, script, &["127.0.0.1", "1+1"]);
        assert_eq!(replies, vec![pong.clone()]);
        let log = rig.interrupt();
        assert!(log.contains("wyrd: osc: /eval refused"), "{log}");
        assert_eq!(summary(&log).refused, 1, "{log}");
    }
    let mut rig = Rig::start(&["--allow-eval"]);
    assert!(
        rig.wyrd.log().contains("(/eval allowed from loopback)"),
        "{}",
        rig.wyrd.log()
    );
    let replies = run_client(&rig, script, &["127.0.0.1", "1+1", "error('boom')"]);
    assert_eq!(replies.len(), 3, "{replies:?}");
    // The output is the REPL's text, whose lines end in newlines.
    assert_eq!(replies[0], json!(["/eval/reply", [1, "2"]]));
    assert_eq!(replies[1][0], "/eval/reply");
    assert_eq!(replies[1][1][0], 0, "{replies:?}");
    assert!(
        replies[1][1][1].as_str().unwrap().contains("boom"),
        "{replies:?}"
    );
    assert_eq!(replies[2], pong);
    // From another machine, as far as wyrd can tell: this one's own LAN address. A machine
    // without one (no network at all) cannot show this.
    let mut refused = 0;
    if let Some(ip) = lan_address() {
        let replies = run_client(&rig, script, &[&ip.to_string(), "1+1"]);
        assert_eq!(replies, vec![pong]);
        assert!(
            rig.wyrd.log().contains(&format!("/eval from {ip} refused")),
            "{}",
            rig.wyrd.log()
        );
        refused = 1;
    } else {
        eprintln!("no non-loopback address: /eval from another machine not tried");
    }
    assert_eq!(summary(&rig.interrupt()).refused, refused);
}

#[test]
fn script_load_takes_scripts_from_the_scripts_folder_only() {
    let scripts = TempDir::new("wyrd-osc-scripts").unwrap();
    for name in ["one", "two"] {
        let dir = scripts.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("{name}.lua")),
            format!("function init() print('{name} says hello') end\n"),
        )
        .unwrap();
    }
    let elsewhere = TempDir::new("wyrd-osc-elsewhere").unwrap();
    let outside = elsewhere.path().join("evil.lua");
    std::fs::write(&outside, "function init() print('pwned') end\n").unwrap();
    // The same file by a path relative to the scripts folder that climbs out of it.
    let climbing = Path::new("..")
        .join(elsewhere.path().file_name().unwrap())
        .join("evil.lua");
    assert_eq!(
        std::fs::canonicalize(scripts.path().join(&climbing)).unwrap(),
        std::fs::canonicalize(&outside).unwrap()
    );

    let one = scripts.path().join("one/one.lua");
    let (one_arg, dir_arg) = (
        one.display().to_string(),
        scripts.path().display().to_string(),
    );
    let mut rig = Rig::start(&[
        &one_arg,
        "--scripts-dir",
        &dir_arg,
        "--repl-port",
        "0",
        "--no-watch",
    ]);
    wait_for(&rig, "one.lua running", 1);
    let (outside_arg, climbing_arg) = (
        outside.display().to_string(),
        climbing.display().to_string(),
    );
    let replies = run_client(
        &rig,
        r#"
c = Client()
for name in sys.argv[2:]:
    c.send(msg("/script/load", name))
    say(*c.reply())
"#,
        &[
            "two",
            "one/one.lua",
            "/etc/passwd",
            &outside_arg,
            &climbing_arg,
            "evil",
        ],
    );
    let canonical = |p: &str| {
        std::fs::canonicalize(scripts.path().join(p))
            .unwrap()
            .display()
            .to_string()
    };
    assert_eq!(
        replies[0],
        json!(["/script/loaded", [canonical("two/two.lua")]])
    );
    assert_eq!(
        replies[1],
        json!(["/script/loaded", [canonical("one/one.lua")]])
    );
    for r in &replies[2..] {
        assert_eq!(r[0], "/script/error", "{replies:?}");
        assert!(r[1][0].as_str().unwrap().contains("no script"), "{r}");
    }
    assert_eq!(replies.len(), 6);
    let log = rig.interrupt();
    assert!(
        log.contains("two says hello") && log.contains("two.lua running"),
        "{log}"
    );
    assert_eq!(log.matches("one.lua running").count(), 2, "{log}");
    assert!(!log.contains("pwned"), "{log}");
    assert_eq!(summary(&log).bad, 4, "{log}");
}

#[test]
fn bad_input_is_logged_once_counted_and_survived() {
    let mut rig = Rig::start(&[]);
    let mut fence = Fence::new(&rig);
    // Each twice: the second of each is counted, not printed.
    run_client(
        &rig,
        r#"
raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(2):
    raw.sendto(b"garbage", ("127.0.0.1", PORT))
"#,
        &[],
    );
    for _ in 0..2 {
        oscsend(&rig, "/note_on", "s", &["c"]);
        oscsend(&rig, "/param/nope", "i", &["1"]);
    }
    fence.wait(&rig);
    oscsend(&rig, "/note_on", "ii", &["69", "127"]);
    fence.wait(&rig);
    let out = settled(&mut rig);
    assert!(cents(pitch(&out), 440.0).abs() < 5.0, "{}", pitch(&out));

    let log = rig.interrupt();
    for line in [
        "wyrd: osc: malformed packet (7 bytes) from 127.0.0.1:",
        "wyrd: osc: /note_on: expected a number, got a string",
        "wyrd: osc: /param/nope: no param 'nope'",
    ] {
        assert_eq!(log.matches(line).count(), 1, "{line}:\n{log}");
    }
    let s = summary(&log);
    assert_eq!((s.malformed, s.bad, s.refused), (2, 4, 0), "{log}");
}
