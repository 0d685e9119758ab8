use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use wyrd_render::{render_notes_to_wav, NoteRender, WavSink};

#[derive(clap::Args)]
pub struct Args {
    /// A Lua script (scripts/<name>/<name>.lua) to run on a virtual clock instead of playing
    /// a chord; --bank/--preset then choose the patch it starts with.
    script: Option<PathBuf>,
    /// Seconds to render a script for.
    #[arg(long, default_value_t = 8.0, requires = "script")]
    seconds: f64,
    /// Tempo a script's clock starts at (beats per minute).
    #[arg(long, default_value_t = 120.0, requires = "script")]
    bpm: f64,
    /// amSynth bank file (path, or name in the banks folder).
    #[arg(long, required_unless_present_any = ["preset_file", "script"])]
    bank: Option<PathBuf>,
    /// Preset index in the bank (MIDI program number).
    #[arg(long, default_value_t = 0)]
    preset: usize,
    /// A single amSynth preset file instead of a bank.
    #[arg(long, conflicts_with = "bank")]
    preset_file: Option<PathBuf>,
    /// MIDI notes struck together.
    #[arg(long, value_delimiter = ',', default_value = "60")]
    notes: Vec<u8>,
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u8).range(1..=127))]
    velocity: u8,
    /// Seconds the notes are held.
    #[arg(long, default_value_t = 3.0)]
    hold: f64,
    /// Seconds rendered after note-off.
    #[arg(long, default_value_t = 1.0)]
    tail: f64,
    #[arg(long, default_value_t = 48_000)]
    sr: u32,
    /// Noise seed: the same seed gives bit-identical output.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output WAV (32-bit float, stereo).
    #[arg(short, long)]
    output: PathBuf,
    /// A WAV file (mono or stereo, any rate 8–384 kHz, resampled to 48 kHz) played into the
    /// script's audio input, as a microphone would be live (what `resynth.start` listens
    /// to); silence after it ends.
    #[arg(long, requires = "script")]
    input: Option<PathBuf>,
    /// Write the script's screen as PNG frames here (DIR/frame_00000.png, ...): the frame
    /// last shown with screen.update() at each tick of --screen-fps on the virtual clock.
    #[arg(long, value_name = "DIR", requires = "script")]
    screen: Option<PathBuf>,
    /// Screen frames per second.
    #[arg(long, default_value_t = 15.0, requires = "screen")]
    screen_fps: f64,
    /// Each screen pixel as N×N pixels in the PNGs (1: 128×64).
    #[arg(long, default_value_t = 1, requires = "screen",
          value_parser = clap::value_parser!(u32).range(1..=16))]
    screen_scale: u32,
    /// ONNX Runtime library for the script's models (default: WYRD_ORT_LIB, then
    /// data/onnxruntime).
    #[arg(long)]
    ort_lib: Option<PathBuf>,
    /// Timed key, encoder, MIDI, grid and arc events played to the script, one per line:
    /// `TIME KIND ARGS` (`0.5 key 2 1`, `1 enc 1 -3`, `2 midi note_on 60 100`, `4b grid 1 1 1`;
    /// TIME in seconds or beats; see the README).
    #[arg(long, requires = "script")]
    events: Option<PathBuf>,
    /// Writes what the script sent out of the MIDI port to this file, one message per line
    /// (`SECONDS FRAME BYTES...`).
    #[arg(long, requires = "script")]
    midi_out: Option<PathBuf>,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    if let Some(lib) = &a.ort_lib {
        wyrd_models::runtime::set_library_path(Some(lib.clone()));
    }
    if let Some(script) = &a.script {
        return render_script(a, script);
    }
    if a.notes.iter().any(|&n| n > 127) {
        bail!("notes must be MIDI note numbers 0..127");
    }
    if !(8_000..=384_000).contains(&a.sr) {
        bail!("--sr {} is outside 8000..384000", a.sr);
    }
    if !(a.hold.is_finite()
        && a.tail.is_finite()
        && a.hold >= 0.0
        && a.tail >= 0.0
        && a.hold + a.tail <= 3600.0)
    {
        bail!("--hold and --tail must be non-negative seconds (at most an hour in all)");
    }
    let patch = load_patch(a)?;
    let spec = NoteRender {
        notes: a.notes.clone(),
        velocity: a.velocity,
        hold: a.hold,
        tail: a.tail,
        sample_rate: a.sr,
        seed: a.seed,
        ..NoteRender::default()
    };
    let started = Instant::now();
    let frames = render_notes_to_wav(&patch, &spec, &a.output)?;
    let took = started.elapsed().as_secs_f64();
    let seconds = frames as f64 / f64::from(a.sr);
    eprintln!(
        "rendered \"{}\" notes {:?}: {seconds:.2} s in {took:.3} s ({:.0}× real time) -> {}",
        patch.name,
        a.notes,
        seconds / took.max(1e-9),
        a.output.display()
    );
    Ok(())
}

/// The patch to start from: a preset file, a bank preset, or (scripts only) the defaults.
fn load_patch(a: &Args) -> anyhow::Result<wyrd_schema::Patch> {
    Ok(match (&a.bank, &a.preset_file) {
        (_, Some(file)) => wyrd_bank::read_preset(file)?,
        (Some(bank), None) => {
            let path = super::resolve_bank(bank)?;
            let bank = wyrd_bank::read_bank(&path)?;
            for w in &bank.warnings {
                eprintln!("warning: {w}");
            }
            bank.presets.get(a.preset).cloned().with_context(|| {
                format!(
                    "{}: no preset {} (the bank has {})",
                    path.display(),
                    a.preset,
                    bank.presets.len()
                )
            })?
        }
        (None, None) => wyrd_schema::Patch::default(),
    })
}

/// `--input`: a mono or stereo WAV file at any rate in 8000..384000 Hz, resampled to the
/// 48 kHz the models were trained at.
fn read_input(path: &std::path::Path) -> anyhow::Result<wyrd_render::Stereo> {
    wyrd_render::read_input(path, 48_000)
}

fn render_script(a: &Args, script: &std::path::Path) -> anyhow::Result<()> {
    use wyrd_script::render::{render_script_with_screen, ScriptRender};
    if !(a.seconds.is_finite() && a.seconds > 0.0 && a.seconds <= 3600.0) {
        bail!("--seconds must be more than 0 and at most an hour");
    }
    if !(8_000..=384_000).contains(&a.sr) {
        bail!("--sr {} is outside 8000..384000", a.sr);
    }
    let input = a.input.as_deref().map(read_input).transpose()?;
    if input.is_some() && a.sr != 48_000 {
        bail!("--input needs --sr 48000 (the input's rate)");
    }
    let mut spec = ScriptRender::new(script, a.seconds);
    spec.input = input;
    spec.sample_rate = a.sr;
    spec.seed = a.seed;
    spec.bpm = a.bpm;
    spec.patch = load_patch(a)?;
    if let Some(path) = &a.events {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading events {}", path.display()))?;
        spec.events = wyrd_script::parse_events(&text, &path.display().to_string(), a.sr, a.bpm)
            .map_err(anyhow::Error::msg)?;
    }
    if !(a.screen_fps.is_finite() && a.screen_fps > 0.0 && a.screen_fps <= 1000.0) {
        bail!("--screen-fps must be more than 0 and at most 1000");
    }
    if let Some(dir) = &a.screen {
        std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    }
    let scale = a.screen_scale as usize;
    let mut frames_written = 0;
    let mut write_frame = |i: usize, f: &wyrd_script::Frame| -> Result<(), String> {
        let dir = a.screen.as_ref().expect("--screen");
        frames_written += 1;
        f.write_png(&dir.join(format!("frame_{i:05}.png")), scale)
    };
    let screen = a.screen.as_ref().map(|_| {
        (
            a.screen_fps,
            &mut write_frame as &mut wyrd_script::render::FrameSink<'_>,
        )
    });
    let started = Instant::now();
    // The file is made with the first chunk, so a script that fails to load leaves none.
    let mut wav: Option<WavSink> = None;
    let result = render_script_with_screen(
        &spec,
        &mut |l, r| {
            if wav.is_none() {
                wav = Some(WavSink::create(&a.output, a.sr).map_err(|e| format!("{e:#}"))?);
            }
            wav.as_mut().map_or(Ok(()), |w| w.write(l, r))
        },
        screen,
    );
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            if wav.take().is_some() {
                std::fs::remove_file(&a.output).ok();
            }
            anyhow::bail!("{}", e.0)
        }
    };
    wav.context("nothing was rendered")?.finish()?;
    if let Some(path) = &a.midi_out {
        let mut text = String::new();
        for e in &report.midi_out {
            let bytes: Vec<String> = e
                .bytes
                .as_slice()
                .iter()
                .map(|b| format!("0x{b:02x}"))
                .collect();
            let secs = e.frame as f64 / f64::from(a.sr);
            text.push_str(&format!("{secs:.6} {} {}\n", e.frame, bytes.join(" ")));
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let took = started.elapsed().as_secs_f64();
    eprintln!(
        "rendered {} for {:.2} s in {took:.3} s ({:.0}× real time): {} callbacks, {} errors, {} runaway callbacks interrupted{} -> {}",
        script.display(),
        a.seconds,
        a.seconds / took.max(1e-9),
        report.callbacks,
        report.error_count,
        report.runaways,
        models_summary(&report),
        a.output.display()
    );
    if let Some(dir) = &a.screen {
        eprintln!(
            "{frames_written} screen frames at {} per second -> {}",
            a.screen_fps,
            dir.display()
        );
    }
    Ok(())
}

/// What the models did, when the script used them.
fn models_summary(r: &wyrd_script::render::RenderReport) -> String {
    if r.decodes == 0 && r.matches == 0 && r.model_errors == 0 {
        return String::new();
    }
    format!(
        "; models: {} latent decodes, {} live-matcher runs, {} inference errors",
        r.decodes, r.matches, r.model_errors
    )
}
