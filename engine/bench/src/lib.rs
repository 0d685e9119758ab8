//! wyrd's side of the voice-cost comparison with SuperCollider (`compare_scsynth.sh`): the
//! reference patch and a render loop that, like scsynth in NRT mode, does nothing but synthesis.

pub mod patch;

use wyrd_dsp::Synth;

pub use patch::{sc_frequency, sc_notes, sc_patch, BLOCK, SAMPLE_RATE};

/// What to render.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    pub voices: usize,
    pub seconds: f64,
    pub all_blocks: bool,
    pub block: usize,
}

/// What came out, so the caller can tell a real render from silence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rendered {
    pub frames: u64,
    pub peak: f32,
    pub active_voices: usize,
}

impl Workload {
    pub fn frames(&self) -> u64 {
        (self.seconds * f64::from(SAMPLE_RATE)).round() as u64
    }
}

/// Play `w.voices` held notes of the reference patch for `w.seconds`, in blocks of `w.block`
/// frames, handing each stereo block to `sink`. The notes are never released, as in the SC score.
pub fn render(w: &Workload, mut sink: impl FnMut(&[f32], &[f32])) -> Rendered {
    assert!(w.block > 0, "block size must be positive");
    let mut synth = Synth::new(SAMPLE_RATE, w.voices);
    synth.set_patch(&sc_patch(w.all_blocks));
    for note in sc_notes(w.voices) {
        synth.note_on(note, 100);
    }
    let mut left = vec![0.0f32; w.block];
    let mut right = vec![0.0f32; w.block];
    let total = w.frames();
    let mut done = 0u64;
    let mut peak = 0.0f32;
    while done < total {
        let n = (total - done).min(w.block as u64) as usize;
        let (l, r) = (&mut left[..n], &mut right[..n]);
        synth.process(l, r);
        // A peak costs a few instructions per frame, shared by all voices; scsynth pays more for
        // writing its output file, so this does not flatter wyrd.
        peak = l.iter().chain(r.iter()).fold(peak, |m, x| m.max(x.abs()));
        sink(l, r);
        done += n as u64;
    }
    Rendered {
        frames: total,
        peak,
        active_voices: synth.active_voices(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wyrd_schema::{ParamId, PARAMS};

    #[test]
    fn notes_follow_the_sc_frequencies() {
        let notes = sc_notes(16);
        assert_eq!(
            notes,
            [45, 49, 52, 55, 57, 59, 61, 63, 64, 65, 67, 68, 69, 70, 71, 72]
        );
        let mut more = sc_notes(128);
        more.sort_unstable();
        more.dedup();
        assert_eq!(more.len(), 128, "every voice gets its own key");
    }

    #[test]
    fn patch_is_in_range_and_matches_the_sc_voice() {
        for all in [false, true] {
            let v = sc_patch(all);
            for (p, x) in PARAMS.iter().zip(v) {
                assert_eq!(p.sanitize(x), x, "{} = {x}", p.id);
            }
        }
        let v = sc_patch(false);
        let phys = |id: ParamId| id.spec().to_physical(v[id as usize]);
        assert!((phys(ParamId::LfoFreq) - 3.0).abs() < 1e-5);
        assert!((phys(ParamId::AmpAttack) - 0.01).abs() < 1e-6);
        assert!((phys(ParamId::FilterRelease) - 0.5).abs() < 1e-5);
        assert!((phys(ParamId::Osc2Detune) - 1.005).abs() < 1e-6);
        assert!((phys(ParamId::MasterVol) - 0.1).abs() < 1e-6);
        assert!((phys(ParamId::FilterModAmount) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(v[ParamId::ReverbWet as usize], 0.0);
        let full = sc_patch(true);
        assert!(full[ParamId::ReverbWet as usize] > 0.0);
        assert_eq!(full[ParamId::Osc2Sync as usize], 1.0);
    }

    #[test]
    fn renders_the_requested_length() {
        let w = Workload {
            voices: 2,
            seconds: 0.01,
            all_blocks: true,
            block: BLOCK,
        };
        let mut frames = 0;
        let out = render(&w, |l, r| {
            assert_eq!(l.len(), r.len());
            frames += l.len() as u64;
        });
        assert_eq!(out.frames, 480);
        assert_eq!(frames, 480);
    }
}
