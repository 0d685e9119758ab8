//! `wyrd match`: a recorded note in, the amSynth preset that sounds like it out, through the
//! note matcher (audio preparation in `wyrd_models::matching`).

use std::path::PathBuf;

use anyhow::{bail, Context};
use wyrd_analysis::MfccAnalyzer;
use wyrd_dataset::ItemSpec;
use wyrd_models::matching::{detect_note, prepare};
use wyrd_models::NoteMatcher;
use wyrd_render::{render_notes, write_wav, NoteRender};

#[derive(clap::Args)]
pub struct Args {
    /// A WAV file holding the note (48 kHz; the first onset is used).
    input: PathBuf,
    /// MIDI note of the recording; detected from its pitch when absent.
    #[arg(long)]
    note: Option<u8>,
    /// The amSynth preset to write.
    #[arg(short, long)]
    out: PathBuf,
    /// Also render the matched preset playing the note to this WAV file (1.5 s, as matched).
    #[arg(long)]
    render: Option<PathBuf>,
    /// The note matcher model.
    #[arg(long, default_value = "models/note_matcher_direct.onnx")]
    model: PathBuf,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let spec = ItemSpec::default();
    let audio = wyrd_render::read_wav(&a.input)?;
    if audio.sample_rate != spec.sample_rate {
        bail!(
            "{}: sample rate {} Hz, but wyrd match needs {} Hz (wyrd does not resample; convert it first, e.g. `sox in.wav -r 48000 out.wav`)",
            a.input.display(),
            audio.sample_rate,
            spec.sample_rate
        );
    }
    let note_audio =
        prepare(&audio.mono(), &spec).with_context(|| a.input.display().to_string())?;
    let note = match a.note {
        Some(n) if n <= 127 => n,
        Some(n) => bail!("--note {n} is not a MIDI note (0..127)"),
        None => detect_note(&note_audio, spec.sample_rate)
            .with_context(|| a.input.display().to_string())?,
    };
    let mut analyzer = MfccAnalyzer::new(spec.mfcc_config())?;
    let features = spec.features(&mut analyzer, &note_audio)?;
    let matcher = NoteMatcher::open(&a.model)?;
    let mut patch = matcher.predict(&features.mfcc, note)?;
    patch.name = format!(
        "match {}",
        a.input.file_stem().unwrap_or_default().to_string_lossy()
    );
    wyrd_bank::write_preset(&a.out, &patch)?;
    println!(
        "{}: note {note}, matched with {} -> {}",
        a.input.display(),
        a.model.display(),
        a.out.display()
    );
    if let Some(wav) = &a.render {
        let stereo = render_notes(
            &patch,
            &NoteRender {
                notes: vec![note],
                velocity: spec.velocity,
                hold: spec.hold,
                tail: spec.tail,
                sample_rate: spec.sample_rate,
                seed: spec.seed,
                max_voices: 1,
            },
        );
        write_wav(wav, &stereo)?;
        println!("rendered {}", wav.display());
    }
    Ok(())
}
