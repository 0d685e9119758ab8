//! [`ModelRunner`]: where model inference runs. Live, on its own thread (`wyrd-models`): the Lua
//! thread posts jobs to a bounded queue and never waits on ONNX Runtime; live input frames come
//! straight from the analysis thread. Offline, inline on the caller's thread and logical clock,
//! so a render is deterministic. Either way results reach the engine as commands through its
//! lock-free queue.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam::channel::{self, Receiver, Sender, TrySendError};
use wyrd_analysis::live::{LiveAnalysis, LiveFrame};
use wyrd_engine::thread_cpu_nanos;
use wyrd_engine::{Action, At, Command, Controller};

use crate::instrument::mapper::Mapper;
use crate::instrument::resynth::Resynth;

/// Jobs waiting for the model thread before new ones are refused (and counted).
const JOBS: usize = 256;
/// Analysis frames buffered for resynthesis (about 0.7 s at 48 kHz).
const FRAMES: usize = 64;

enum Job {
    Decode {
        mapper: Arc<Mapper>,
        z: Vec<f32>,
        at: At,
    },
    ResynthStart(Box<Resynth>),
    ResynthStop,
    Quit,
}

/// What the model thread (or the inline host) has done.
#[derive(Debug, Default)]
struct Counters {
    decodes: AtomicU64,
    matches: AtomicU64,
    renders: AtomicU64,
    errors: AtomicU64,
    dropped: AtomicU64,
    cpu_nanos: AtomicU64,
    /// Error messages already logged (each is logged once).
    logged: Mutex<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelStats {
    /// Latent decodes run.
    pub decodes: u64,
    /// Live matcher runs (one per input frame while a note sounds).
    pub matches: u64,
    /// Candidate patches resynthesis' search rendered.
    pub renders: u64,
    /// Inference errors (each logged once per kind).
    pub errors: u64,
    /// Jobs refused because the queue was full, and engine commands it refused.
    pub dropped: u64,
    /// CPU time spent on inference and its bookkeeping, nanoseconds.
    pub cpu_nanos: u64,
}

pub struct ModelRunner {
    controller: Controller,
    counters: Arc<Counters>,
    mode: Mode,
}

enum Mode {
    Inline {
        resynth: Mutex<Option<Box<Resynth>>>,
    },
    Thread {
        jobs: Sender<Job>,
        thread: Option<JoinHandle<()>>,
        live_input: bool,
    },
}

impl ModelRunner {
    /// Offline: every job runs at once on the caller's thread, stamped with the frame given.
    pub fn inline(controller: Controller) -> ModelRunner {
        ModelRunner {
            controller,
            counters: Arc::default(),
            mode: Mode::Inline {
                resynth: Mutex::new(None),
            },
        }
    }

    /// Live: starts the model thread. `analysis` feeds resynthesis (none: it cannot start).
    pub fn spawn(
        controller: Controller,
        analysis: Option<Arc<LiveAnalysis>>,
    ) -> std::io::Result<ModelRunner> {
        let (tx, rx) = channel::bounded(JOBS);
        let counters = Arc::<Counters>::default();
        let live_input = analysis.is_some();
        let worker = Worker {
            controller: controller.clone(),
            counters: Arc::clone(&counters),
            analysis,
            resynth: None,
            frames: None,
            actions: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name("wyrd-models".into())
            .spawn(move || worker.run(rx))?;
        Ok(ModelRunner {
            controller,
            counters,
            mode: Mode::Thread {
                jobs: tx,
                thread: Some(thread),
                live_input,
            },
        })
    }

    pub fn is_inline(&self) -> bool {
        matches!(self.mode, Mode::Inline { .. })
    }

    /// Decodes `z` with `mapper` and sends the patch to the engine at `at`. Live this only
    /// queues the job; a full queue drops it (the next point supersedes it anyway).
    pub fn decode(&self, mapper: &Arc<Mapper>, z: Vec<f32>, at: At) {
        match &self.mode {
            Mode::Inline { .. } => {
                let mut w = self.inline_worker();
                w.decode(mapper, &z, at);
            }
            Mode::Thread { jobs, .. } => self.post(
                jobs,
                Job::Decode {
                    mapper: Arc::clone(mapper),
                    z,
                    at,
                },
            ),
        }
    }

    /// Starts resynthesis (replacing one running). Live it needs the audio input's analysis.
    pub fn resynth_start(&self, mut resynth: Resynth) -> Result<(), String> {
        match &self.mode {
            Mode::Inline { resynth: slot } => {
                let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(mut old) = slot.take() {
                    let mut w = self.inline_worker();
                    old.release(&mut w.actions);
                    w.flush(At::Now);
                }
                resynth.prepare();
                *slot = Some(Box::new(resynth));
                Ok(())
            }
            Mode::Thread {
                jobs, live_input, ..
            } => {
                if !live_input {
                    return Err("resynth: this host has no audio input analysis".into());
                }
                jobs.send(Job::ResynthStart(Box::new(resynth)))
                    .map_err(|_| "resynth: the model thread has stopped".to_string())
            }
        }
    }

    /// Stops resynthesis (its note is released); nothing happens if none runs.
    pub fn resynth_stop(&self, at: At) {
        match &self.mode {
            Mode::Inline { resynth } => {
                if let Some(mut r) = resynth.lock().unwrap_or_else(|e| e.into_inner()).take() {
                    let mut w = self.inline_worker();
                    r.release(&mut w.actions);
                    w.flush(at);
                }
            }
            Mode::Thread { jobs, .. } => {
                jobs.send(Job::ResynthStop).ok();
            }
        }
    }

    /// Offline: one analysis frame of the input, heard at engine frame `at`. Does nothing live
    /// (the model thread takes frames from the analysis thread itself) or when no
    /// resynthesis runs.
    pub fn feed(&self, frame: &LiveFrame, at: u64) {
        let Mode::Inline { resynth } = &self.mode else {
            return;
        };
        let mut slot = resynth.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = slot.as_mut() {
            let mut w = self.inline_worker();
            w.resynth_frame(r, frame, At::Frame(at));
        }
    }

    pub fn stats(&self) -> ModelStats {
        let c = &self.counters;
        ModelStats {
            decodes: c.decodes.load(Ordering::Relaxed),
            matches: c.matches.load(Ordering::Relaxed),
            renders: c.renders.load(Ordering::Relaxed),
            errors: c.errors.load(Ordering::Relaxed),
            dropped: c.dropped.load(Ordering::Relaxed),
            cpu_nanos: c.cpu_nanos.load(Ordering::Relaxed),
        }
    }

    /// Stops the model thread (after the jobs already queued).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Mode::Thread { jobs, thread, .. } = &mut self.mode {
            if let Some(t) = thread.take() {
                jobs.send(Job::Quit).ok();
                t.join().ok();
            }
        }
    }

    fn post(&self, jobs: &Sender<Job>, job: Job) {
        if let Err(TrySendError::Full(_)) = jobs.try_send(job) {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn inline_worker(&self) -> Worker {
        Worker {
            controller: self.controller.clone(),
            counters: Arc::clone(&self.counters),
            analysis: None,
            resynth: None,
            frames: None,
            actions: Vec::new(),
        }
    }
}

impl Drop for ModelRunner {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The model thread's state (and, briefly, the inline host's).
struct Worker {
    controller: Controller,
    counters: Arc<Counters>,
    analysis: Option<Arc<LiveAnalysis>>,
    resynth: Option<Box<Resynth>>,
    frames: Option<Receiver<LiveFrame>>,
    actions: Vec<Action>,
}

impl Worker {
    fn run(mut self, jobs: Receiver<Job>) {
        loop {
            let job = match &self.frames {
                Some(frames) => {
                    crossbeam::select! {
                        recv(jobs) -> j => j.ok(),
                        recv(frames) -> f => {
                            if let (Ok(frame), Some(mut r)) = (f, self.resynth.take()) {
                                self.resynth_frame(&mut r, &frame, At::Now);
                                self.resynth = Some(r);
                            }
                            continue;
                        }
                    }
                }
                None => jobs.recv().ok(),
            };
            match job {
                None | Some(Job::Quit) => break,
                Some(Job::Decode { mapper, z, at }) => self.decode(&mapper, &z, at),
                Some(Job::ResynthStart(mut r)) => {
                    self.stop_resynth();
                    // Before subscribing: opening the preset index takes milliseconds.
                    r.prepare();
                    // Frames from before the start would be stale: subscribe now.
                    self.frames = self.analysis.as_ref().map(|a| a.subscribe(FRAMES));
                    self.resynth = Some(r);
                }
                Some(Job::ResynthStop) => self.stop_resynth(),
            }
        }
        self.stop_resynth();
    }

    fn stop_resynth(&mut self) {
        self.frames = None;
        if let Some(mut r) = self.resynth.take() {
            r.release(&mut self.actions);
            self.flush(At::Now);
        }
    }

    fn decode(&mut self, mapper: &Arc<Mapper>, z: &[f32], at: At) {
        let cpu0 = thread_cpu_nanos();
        match mapper.decode(z) {
            Ok(patch) => {
                self.counters.decodes.fetch_add(1, Ordering::Relaxed);
                self.actions.push(Action::SetPatch(patch));
                self.flush(at);
            }
            Err(e) => self.error(e.to_string()),
        }
        self.count_cpu(cpu0);
    }

    fn resynth_frame(&mut self, r: &mut Resynth, frame: &LiveFrame, at: At) {
        let cpu0 = thread_cpu_nanos();
        let energy = self.controller.stats().output_energy();
        let sounding = r.note().is_some();
        let renders = r.renders();
        let result = r.frame(frame, energy, &mut self.actions);
        self.counters
            .renders
            .fetch_add(r.renders() - renders, Ordering::Relaxed);
        match result {
            Ok(()) => {
                if sounding || r.note().is_some() {
                    self.counters.matches.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(e) => self.error(e.to_string()),
        }
        self.flush(at);
        self.count_cpu(cpu0);
    }

    fn flush(&mut self, at: At) {
        for action in self.actions.drain(..) {
            if self.controller.send(Command { at, action }).is_err() {
                self.counters.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn error(&mut self, message: String) {
        self.counters.errors.fetch_add(1, Ordering::Relaxed);
        let mut logged = self
            .counters
            .logged
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !logged.contains(&message) && logged.len() < 32 {
            eprintln!("wyrd: model error: {message}");
            logged.push(message);
        }
    }

    fn count_cpu(&self, cpu0: u64) {
        let spent = thread_cpu_nanos().saturating_sub(cpu0);
        self.counters.cpu_nanos.fetch_add(spent, Ordering::Relaxed);
    }
}
