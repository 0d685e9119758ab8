//! The JACK client: ports, the process callback around the engine's period, notifications,
//! autoconnect.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use jack::{
    AsyncClient, AudioIn, AudioOut, Client, ClientOptions, ClientStatus, Control, MidiIn, MidiOut,
    PortFlags, ProcessScope, RawMidi,
};
use wyrd_dsp::Synth;
use wyrd_engine::{
    input_ring, monotonic_nanos, Action, AudioThread, Controller, Engine, EngineConfig,
    InputReader, Period, Stats,
};

use crate::error::JackError;

pub const AUDIO_TYPE: &str = "32 bit float mono audio";
pub const MIDI_TYPE: &str = "8 bit raw midi";

/// How the driver starts. `engine.sample_rate` is ignored: the server's rate is used.
#[derive(Debug, Clone)]
pub struct JackOptions {
    /// JACK client name (`wyrd`).
    pub name: String,
    /// Connect to the system playback/capture ports and every hardware MIDI source.
    pub autoconnect: bool,
    pub engine: EngineConfig,
    /// Frames of input audio buffered for the analysis thread.
    pub input_ring_frames: usize,
}

impl Default for JackOptions {
    fn default() -> Self {
        JackOptions {
            name: "wyrd".into(),
            autoconnect: true,
            engine: EngineConfig::new(48_000),
            // Half a second at 48 kHz: room for the analysis thread to be descheduled a while.
            input_ring_frames: 1 << 15,
        }
    }
}

/// Full JACK names of the host's ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortNames {
    pub out_l: String,
    pub out_r: String,
    pub in_l: String,
    pub in_r: String,
    pub midi_in: String,
    pub midi_out: String,
}

struct Notifier {
    stats: Arc<Stats>,
    server_rate: Arc<AtomicU32>,
}

impl jack::NotificationHandler for Notifier {
    unsafe fn shutdown(&mut self, _status: ClientStatus, _reason: &str) {
        self.stats.set_server_gone();
    }

    fn sample_rate(&mut self, _: &Client, srate: jack::Frames) -> Control {
        // Rebuilding the synth allocates, so it happens in `Host::maintain`, not here.
        self.server_rate.store(srate, Ordering::Release);
        Control::Continue
    }

    fn xrun(&mut self, _: &Client) -> Control {
        self.stats.count_xrun();
        Control::Continue
    }
}

struct Processor {
    audio: AudioThread,
    out_l: jack::Port<AudioOut>,
    out_r: jack::Port<AudioOut>,
    in_l: jack::Port<AudioIn>,
    in_r: jack::Port<AudioIn>,
    midi_in: jack::Port<MidiIn>,
    midi_out: jack::Port<MidiOut>,
    stats: Arc<Stats>,
}

impl jack::ProcessHandler for Processor {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        self.audio.period(Period {
            nanos: monotonic_nanos(),
            midi: self.midi_in.iter(ps).map(|m| (m.time, m.bytes)),
            input: Some([self.in_l.as_slice(ps), self.in_r.as_slice(ps)]),
            output: [self.out_l.as_mut_slice(ps), self.out_r.as_mut_slice(ps)],
        });
        // What the period sent, on its frames. JACK refuses events past the port's buffer;
        // those are lost, as on a full MIDI wire.
        let mut out = self.midi_out.writer(ps);
        for (time, bytes) in self.audio.engine().midi_out().events() {
            out.write(&RawMidi {
                time: *time,
                bytes: bytes.as_slice(),
            })
            .ok();
        }
        Control::Continue
    }

    fn buffer_size(&mut self, _: &Client, size: jack::Frames) -> Control {
        // Nothing to reallocate: the engine renders straight into JACK's buffers at any length.
        self.stats.set_period_frames(size);
        Control::Continue
    }
}

/// A running JACK client playing the engine.
pub struct JackDriver {
    client: Option<AsyncClient<Notifier, Processor>>,
    controller: Controller,
    input: Option<InputReader>,
    ports: PortNames,
    server_rate: Arc<AtomicU32>,
    voices: usize,
    pending_rate: Option<u32>,
    connections: Vec<String>,
    memory_locked: Result<(), String>,
}

/// Opens a client without ever starting a server (which would hang or grab a sound card
/// the user did not choose).
pub fn open_client(name: &str) -> Result<Client, JackError> {
    match Client::new(
        name,
        ClientOptions::NO_START_SERVER | ClientOptions::USE_EXACT_NAME,
    ) {
        Ok((client, _)) => Ok(client),
        Err(jack::Error::LibraryError(detail)) => Err(JackError::NoLibrary(detail)),
        Err(jack::Error::ClientError(status)) if status.contains(ClientStatus::NAME_NOT_UNIQUE) => {
            Err(JackError::NameTaken(name.to_string()))
        }
        Err(jack::Error::ClientError(status)) if status.contains(ClientStatus::SERVER_FAILED) => {
            Err(JackError::NoServer(server_name()))
        }
        Err(e) => Err(JackError::Jack(e)),
    }
}

/// The server clients of this process talk to.
pub fn server_name() -> String {
    std::env::var("JACK_DEFAULT_SERVER").unwrap_or_else(|_| "default".into())
}

impl JackDriver {
    pub fn start(options: JackOptions) -> Result<JackDriver, JackError> {
        let client = open_client(&options.name)?;
        let rate = client.sample_rate();
        let mut engine_config = options.engine;
        engine_config.sample_rate = rate;
        let voices = engine_config.voices;
        let (engine, controller) = Engine::new(engine_config);
        let memory_locked = lock_memory();
        let stats = Arc::clone(engine.stats());
        stats.set_period_frames(client.buffer_size());
        let (writer, reader) = input_ring(options.input_ring_frames);
        let processor = Processor {
            audio: AudioThread::new(engine, writer),
            out_l: client
                .register_port("out_l", AudioOut::default())
                .map_err(JackError::Jack)?,
            out_r: client
                .register_port("out_r", AudioOut::default())
                .map_err(JackError::Jack)?,
            in_l: client
                .register_port("in_l", AudioIn::default())
                .map_err(JackError::Jack)?,
            in_r: client
                .register_port("in_r", AudioIn::default())
                .map_err(JackError::Jack)?,
            midi_in: client
                .register_port("midi_in", MidiIn::default())
                .map_err(JackError::Jack)?,
            midi_out: client
                .register_port("midi_out", MidiOut::default())
                .map_err(JackError::Jack)?,
            stats: Arc::clone(&stats),
        };
        let name = client.name().to_string();
        let ports = PortNames {
            out_l: format!("{name}:out_l"),
            out_r: format!("{name}:out_r"),
            in_l: format!("{name}:in_l"),
            in_r: format!("{name}:in_r"),
            midi_in: format!("{name}:midi_in"),
            midi_out: format!("{name}:midi_out"),
        };
        let server_rate = Arc::new(AtomicU32::new(rate));
        let notifier = Notifier {
            stats,
            server_rate: Arc::clone(&server_rate),
        };
        let client = client
            .activate_async(notifier, processor)
            .map_err(JackError::Jack)?;
        let connections = if options.autoconnect {
            autoconnect(client.as_client(), &ports)
        } else {
            Vec::new()
        };
        Ok(JackDriver {
            client: Some(client),
            controller,
            input: Some(reader),
            ports,
            server_rate,
            voices,
            pending_rate: None,
            connections,
            memory_locked,
        })
    }

    pub fn controller(&self) -> Controller {
        self.controller.clone()
    }

    pub fn stats(&self) -> &Stats {
        self.controller.stats()
    }

    /// The analysis thread's end of the input ring (once).
    pub fn take_input(&mut self) -> Option<InputReader> {
        self.input.take()
    }

    pub fn ports(&self) -> &PortNames {
        &self.ports
    }

    /// Whether the engine's memory is locked into RAM, or why not.
    pub fn memory_locked(&self) -> Result<(), &str> {
        self.memory_locked
            .as_ref()
            .map(|_| ())
            .map_err(String::as_str)
    }

    /// The connections autoconnect made, as `from -> to`.
    pub fn connections(&self) -> &[String] {
        &self.connections
    }

    pub fn sample_rate(&self) -> u32 {
        self.server_rate.load(Ordering::Acquire)
    }

    pub fn buffer_size(&self) -> u32 {
        self.stats().period_frames()
    }

    pub fn client(&self) -> Option<&Client> {
        self.client.as_ref().map(AsyncClient::as_client)
    }

    /// Housekeeping for an ordinary thread, called every few milliseconds: frees what the
    /// audio thread handed back and follows sample-rate changes with a new synth.
    pub fn maintain(&mut self) {
        self.controller.collect_garbage();
        let rate = self.sample_rate();
        if self.stats().clock.read().sample_rate == rate {
            self.pending_rate = None;
        } else if rate > 0 && self.pending_rate != Some(rate) {
            let synth = Box::new(Synth::new(rate as f32, self.voices));
            // A full queue leaves `pending_rate` unset, so the next call tries again.
            if self.controller.now(Action::SetSynth(synth)).is_ok() {
                self.pending_rate = Some(rate);
            }
        }
    }

    /// True once the server has shut down or kicked this client out.
    pub fn server_gone(&self) -> bool {
        self.stats().server_gone()
    }

    /// Deactivates and closes the client.
    pub fn stop(mut self) -> Result<(), JackError> {
        self.close()
    }

    fn close(&mut self) -> Result<(), JackError> {
        let Some(client) = self.client.take() else {
            return Ok(());
        };
        if self.stats().server_gone() {
            // The server is gone; deactivating would talk to a dead socket.
            std::mem::forget(client);
            return Ok(());
        }
        client.deactivate().map(drop).map_err(JackError::Jack)?;
        self.controller.collect_garbage();
        Ok(())
    }
}

impl Drop for JackDriver {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// Locks the pages mapped now (the engine's buffers among them) into RAM. Untouched zero pages
/// of a freshly built synth would otherwise be faulted in by the audio thread the first time a
/// voice or the reverb writes them: kernel work inside the period. Only current mappings are
/// locked (not `MCL_FUTURE`), so later allocations can never fail for want of lockable memory.
fn lock_memory() -> Result<(), String> {
    // SAFETY: mlockall takes flags only and changes no memory contents.
    if unsafe { libc::mlockall(libc::MCL_CURRENT) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error().to_string())
    }
}

/// Connects outputs to the first two hardware playback ports, the first two capture ports to
/// the inputs, and every hardware MIDI source to the MIDI input. Returns what it connected;
/// a missing port is simply skipped (a machine without capture still plays).
pub fn autoconnect(client: &Client, ports: &PortNames) -> Vec<String> {
    let physical = |kind: &str, flags: PortFlags| {
        client.ports(None, Some(kind), flags | PortFlags::IS_PHYSICAL)
    };
    let playback = physical(AUDIO_TYPE, PortFlags::IS_INPUT);
    let capture = physical(AUDIO_TYPE, PortFlags::IS_OUTPUT);
    let midi_sources = physical(MIDI_TYPE, PortFlags::IS_OUTPUT);
    let mut pairs: Vec<(String, String)> = Vec::new();
    // A single playback port (mono device) gets both channels.
    if let Some(first) = playback.first() {
        pairs.push((ports.out_l.clone(), first.clone()));
        pairs.push((
            ports.out_r.clone(),
            playback.get(1).unwrap_or(first).clone(),
        ));
    }
    if let Some(first) = capture.first() {
        pairs.push((first.clone(), ports.in_l.clone()));
        pairs.push((capture.get(1).unwrap_or(first).clone(), ports.in_r.clone()));
    }
    for source in midi_sources {
        pairs.push((source, ports.midi_in.clone()));
    }
    pairs
        .into_iter()
        .filter(|(from, to)| {
            matches!(
                client.connect_ports_by_name(from, to),
                Ok(()) | Err(jack::Error::PortAlreadyConnected(..))
            )
        })
        .map(|(from, to)| format!("{from} -> {to}"))
        .collect()
}
