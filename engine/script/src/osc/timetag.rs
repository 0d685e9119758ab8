//! OSC timetags (NTP wall-clock time) → engine frames.
//!
//! The map is anchored once: wall time `u0` is frame `f0`, and every later timetag is
//! `f0 + (t - u0) · sr`. Timetags a sender spaced exactly (a sequencer's 0.25 s) land exactly
//! that many frames apart, which a fresh estimate per packet (jittered by the audio thread's
//! wake-ups) could not give. When the audio clock and the wall clock drift apart by more than
//! [`RESYNC_SECONDS`] (a sound card's crystal, an NTP step), the map is re-anchored.

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX: f64 = 2_208_988_800.0;

/// How far the anchored map may wander from the live clock before it is re-anchored.
pub const RESYNC_SECONDS: f64 = 0.010;

/// NTP timetag → seconds since the Unix epoch.
pub fn ntp_to_unix(tag: u64) -> f64 {
    (tag >> 32) as f64 - NTP_UNIX + (tag & 0xffff_ffff) as f64 / 4_294_967_296.0
}

/// Seconds since the Unix epoch → NTP timetag.
pub fn unix_to_ntp(t: f64) -> u64 {
    let ntp = (t + NTP_UNIX).max(0.0);
    let secs = ntp.floor();
    let frac = ((ntp - secs) * 4_294_967_296.0).min(4_294_967_295.0);
    ((secs as u64) << 32) | frac as u64
}

#[derive(Debug, Clone, Copy)]
pub struct TimeMap {
    sample_rate: f64,
    anchor: Option<(f64, f64)>,
    /// Times the map was re-anchored after drifting.
    pub resyncs: u64,
}

impl TimeMap {
    pub fn new(sample_rate: u32) -> Self {
        TimeMap {
            sample_rate: f64::from(sample_rate),
            anchor: None,
            resyncs: 0,
        }
    }

    /// The frame of NTP time `tag`, given that frame `now_frame` plays at Unix time `now`.
    pub fn frame(&mut self, tag: u64, now: f64, now_frame: f64) -> f64 {
        let sr = self.sample_rate;
        match self.anchor {
            Some((u0, f0)) if (f0 + (now - u0) * sr - now_frame).abs() <= RESYNC_SECONDS * sr => {}
            Some(_) => {
                self.resyncs += 1;
                self.anchor = Some((now, now_frame));
            }
            None => self.anchor = Some((now, now_frame)),
        }
        let (u0, f0) = self.anchor.unwrap_or((now, now_frame));
        f0 + (ntp_to_unix(tag) - u0) * sr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timetags_spaced_exactly_land_exactly_apart_despite_clock_jitter() {
        let mut map = TimeMap::new(48_000);
        let t0 = 1_800_000_000.0;
        // The live estimate wobbles by ±0.5 ms from packet to packet.
        let jitter = [0.0, 0.0005, -0.0005, 0.0003];
        let frames: Vec<f64> = (0..4)
            .map(|k| {
                let now = t0 + 0.1 * k as f64;
                let live = 96_000.0 + (now - t0 + jitter[k]) * 48_000.0;
                map.frame(unix_to_ntp(t0 + 1.0 + 0.25 * k as f64), now, live)
            })
            .collect();
        for w in frames.windows(2) {
            assert!((w[1] - w[0] - 12_000.0).abs() < 1e-3, "{frames:?}");
        }
        assert!((frames[0] - 144_000.0).abs() < 1e-3);
        assert_eq!(map.resyncs, 0);
    }

    #[test]
    fn a_drifted_clock_is_followed() {
        let mut map = TimeMap::new(48_000);
        let t0 = 1_800_000_000.0;
        map.frame(unix_to_ntp(t0), t0, 0.0);
        // The audio clock is now 20 ms behind the wall clock.
        let f = map.frame(unix_to_ntp(t0 + 10.0), t0 + 10.0, 10.0 * 48_000.0 - 960.0);
        assert_eq!(map.resyncs, 1);
        assert!((f - (480_000.0 - 960.0)).abs() < 1e-3);
    }

    #[test]
    fn ntp_round_trips() {
        let t = 1_763_700_000.123_456;
        assert!((ntp_to_unix(unix_to_ntp(t)) - t).abs() < 1e-6);
    }
}
