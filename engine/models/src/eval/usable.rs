//! Whether a patch is usable as a sound: the test behind "share of usable prior samples".
//!
//! A render of note 60 (`ItemSpec::default()`: velocity 100, 1.0 s held, 0.5 s tail) is
//! **usable** when all of:
//! 1. every sample is finite;
//! 2. its peak is between −30 and 0 dBFS inclusive (audible at a normal level, not clipping);
//! 3. it speaks: the first sample with |s| ≥ −40 dBFS (0.01) comes within 100 ms of note-on.
//!
//! (3) with (2) rules out both silence and patches that only swell in after a long attack, which
//! a player cannot use as a keyboard sound.

use wyrd_dataset::ItemSpec;
use wyrd_schema::Patch;

pub const PEAK_MIN_DB: f32 = -30.0;
pub const PEAK_MAX_DB: f32 = 0.0;
pub const ONSET_DB: f32 = -40.0;
pub const ONSET_WITHIN_S: f64 = 0.1;
pub const NOTE: u8 = 60;

pub const DEFINITION: &str =
    "note 60 rendered (velocity 100, 1.0 s + 0.5 s tail): all samples finite, \
peak within -30..0 dBFS, and the first sample with |s| >= -40 dBFS within 100 ms of note-on";

pub fn is_usable(audio: &[f32], sample_rate: u32) -> bool {
    if audio.iter().any(|s| !s.is_finite()) {
        return false;
    }
    let peak = audio.iter().fold(0.0f32, |a, s| a.max(s.abs()));
    if peak <= 0.0 {
        return false;
    }
    let peak_db = 20.0 * peak.log10();
    if !(PEAK_MIN_DB..=PEAK_MAX_DB).contains(&peak_db) {
        return false;
    }
    let level = 10f32.powf(ONSET_DB / 20.0);
    let within = (ONSET_WITHIN_S * f64::from(sample_rate)) as usize;
    audio
        .iter()
        .position(|s| s.abs() >= level)
        .is_some_and(|i| i <= within)
}

pub fn patch_is_usable(spec: &ItemSpec, patch: &Patch) -> bool {
    is_usable(&spec.render(patch, NOTE), spec.sample_rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        let mut a = vec![0.0f32; 48_000];
        assert!(!is_usable(&a, 48_000));
        a[100] = 0.5;
        assert!(is_usable(&a, 48_000));
        a[100] = 1.5;
        assert!(!is_usable(&a, 48_000));
        a[100] = 0.0;
        a[10_000] = 0.5;
        assert!(!is_usable(&a, 48_000), "first sound after 100 ms");
        a[100] = f32::NAN;
        assert!(!is_usable(&a, 48_000));
        let d = Patch::from_values("d", wyrd_schema::defaults());
        assert!(patch_is_usable(&ItemSpec::default(), &d));
    }
}
