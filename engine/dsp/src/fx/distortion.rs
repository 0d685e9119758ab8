//! amSynth's waveshaper on the mono voice sum: y = sign(x)·|x|^(1−crunch).

/// Shape `buf` in place with crunch ramped from `from` to `to`; returns without work when off.
pub fn process(buf: &mut [f32], from: f32, to: f32) {
    if from <= 0.0 && to <= 0.0 {
        return;
    }
    let step = (to - from) / buf.len() as f32;
    let mut crunch = from;
    for x in buf.iter_mut() {
        crunch += step;
        let exponent = (1.0 - crunch).max(0.01);
        *x = x.abs().powf(exponent).copysign(*x);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn boosts_small_signals_and_keeps_sign() {
        let mut b = [0.25f32, -0.25, 1.0, 0.0];
        super::process(&mut b, 0.5, 0.5);
        assert!((b[0] - 0.5).abs() < 1e-6);
        assert!((b[1] + 0.5).abs() < 1e-6);
        assert_eq!(b[2], 1.0);
        assert_eq!(b[3], 0.0);
    }
}
