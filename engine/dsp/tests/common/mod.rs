//! Shared helpers for the DSP tests: rendering and spectral measurement.
#![allow(dead_code)]

use realfft::RealFftPlanner;
use wyrd_dsp::Synth;
use wyrd_schema::{find, ParamId, NUM_PARAMS};

pub const SR: f32 = 48_000.0;

/// A plain test patch: one oscillator straight to the output, no velocity scaling.
pub fn plain_patch(wave: f32) -> [f32; NUM_PARAMS] {
    let mut p = wyrd_schema::defaults();
    let mut set = |id: ParamId, v: f32| p[id as usize] = v;
    set(ParamId::Osc1Waveform, wave);
    set(ParamId::OscMix, -1.0);
    set(ParamId::FilterType, 4.0);
    set(ParamId::AmpVelSens, 0.0);
    set(ParamId::FilterVelSens, 0.0);
    set(ParamId::MasterVol, 0.4);
    p
}

pub fn set(p: &mut [f32; NUM_PARAMS], id: &str, v: f32) {
    p[find(id).unwrap_or_else(|| panic!("no param {id}")).index] = v;
}

/// Render `notes` held for `hold` seconds then `tail` seconds of release; returns the left channel.
pub fn render(patch: &[f32; NUM_PARAMS], notes: &[u8], hold: f32, tail: f32) -> Vec<f32> {
    let mut synth = Synth::new(SR, 16);
    synth.load_patch(patch);
    for &n in notes {
        synth.note_on(n, 127);
    }
    let h = (hold * SR) as usize;
    let t = (tail * SR) as usize;
    let mut l = vec![0.0; h + t];
    let mut r = vec![0.0; h + t];
    synth.process(&mut l[..h], &mut r[..h]);
    for &n in notes {
        synth.note_off(n);
    }
    synth.process(&mut l[h..], &mut r[h..]);
    l
}

/// Blackman-Harris windowed magnitude spectrum (linear), length n/2+1.
pub fn spectrum(x: &[f32]) -> Vec<f64> {
    let n = x.len();
    let mut planner = RealFftPlanner::<f64>::new();
    let fft = planner.plan_fft_forward(n);
    let mut buf: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            let w =
                0.35875 - 0.48829 * t.cos() + 0.14128 * (2.0 * t).cos() - 0.01168 * (3.0 * t).cos();
            f64::from(v) * w
        })
        .collect();
    let mut out = fft.make_output_vec();
    fft.process(&mut buf, &mut out).unwrap();
    out.iter().map(|c| c.norm()).collect()
}

/// Frequency of the strongest peak, refined by parabolic interpolation on log magnitudes.
pub fn peak_hz(x: &[f32], sr: f32) -> f64 {
    let s = spectrum(x);
    let k = (2..s.len() - 1)
        .max_by(|&a, &b| s[a].total_cmp(&s[b]))
        .unwrap();
    let (a, b, c) = (s[k - 1].ln(), s[k].ln(), s[k + 1].ln());
    let delta = 0.5 * (a - c) / (a - 2.0 * b + c);
    (k as f64 + delta) * f64::from(sr) / x.len() as f64
}

pub fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

pub fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32).sqrt()
}

pub fn cents(a: f64, b: f64) -> f64 {
    1200.0 * (a / b).log2()
}

/// Times of upward zero crossings (linear interpolation), in samples.
pub fn upward_crossings(x: &[f32]) -> Vec<f64> {
    x.windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + f64::from(w[0] / (w[0] - w[1])))
        .collect()
}

/// Fundamental from the mean period between the first and last upward zero crossing.
pub fn crossing_hz(x: &[f32], sr: f32) -> f64 {
    let c = upward_crossings(x);
    assert!(c.len() > 10, "too few crossings");
    f64::from(sr) * (c.len() - 1) as f64 / (c[c.len() - 1] - c[0])
}
