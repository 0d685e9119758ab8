//! The voice live tests and benches play: a plain sine, so pitch, level and onsets read
//! cleanly from a recording.

use wyrd_schema::{find, Patch};

/// A sine with no filter or effects, 0 attack, a 0.1 s release and full velocity sensitivity.
pub fn sine_patch() -> Patch {
    let mut p = Patch::default();
    for (id, v) in [
        ("osc1_waveform", 0.0),
        ("osc_mix", -1.0),
        ("filter_type", 4.0),
        ("amp_attack", 0.0),
        ("amp_release", 0.1),
        ("amp_vel_sens", 1.0),
        ("master_vol", 0.4),
        ("reverb_wet", 0.0),
    ] {
        p.set(find(id).expect("a schema id").index, v);
    }
    p.name = "sine".into();
    p
}

/// Frames from a note-on at frame 0 to the patch's first sound, offline: the voice's own
/// onset delay, which live playing adds to every note. `None`: the note is silent.
pub fn onset_delay(patch: &Patch, sample_rate: u32, note: u8) -> Option<usize> {
    use wyrd_engine::{Action, EngineConfig, Offline, Score};
    let mut config = EngineConfig::new(sample_rate);
    config.patch = patch.clone();
    let mut offline = Offline::new(config);
    let on = Action::NoteOn {
        note,
        velocity: 127,
    };
    let mut score = Score::new(offline.controller(), vec![(0, on)]);
    let [l, _] = offline.render_frames(&mut score, 256).ok()?;
    l.iter().position(|&s| s != 0.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sine_sounds_within_a_few_frames() {
        let d = super::onset_delay(&super::sine_patch(), 48_000, 69).unwrap();
        assert!(d < 64, "{d}");
    }
}
