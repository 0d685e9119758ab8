//! Measurements on recordings that tests and benches share.

/// Start frames of sounds that begin after at least `gap` frames of exact silence: note
/// onsets of a patch whose notes end in digital silence.
pub fn onsets(x: &[f32], gap: usize) -> Vec<usize> {
    let mut out = vec![];
    let mut quiet = gap;
    for (i, &s) in x.iter().enumerate() {
        if s != 0.0 {
            if quiet >= gap {
                out.push(i);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn onsets_need_the_gap_before_them() {
        let x = [0.0, 0.5, 0.0, 0.2, 0.0, 0.0, 0.0, 0.1, 0.3];
        assert_eq!(super::onsets(&x, 3), vec![1, 7]);
        assert_eq!(super::onsets(&x, 1), vec![1, 3, 7]);
    }
}
