//! Numbers as amSynth reads and writes them.
//!
//! amSynth's bank reader does not parse values with a correctly rounded conversion: unless the
//! text contains an `e`, it accumulates digits in single precision (`rez = rez·10 + d`, and
//! `fact /= 10` per fractional digit, result `rez·fact`). That lands an ulp or so away from the
//! nearest f32 for about 43 % of the values in the Debian banks, and amSynth keeps that value,
//! so we reproduce the arithmetic exactly (as compiled for x86-64: no fused multiply-add).
//! The flip side: Rust's shortest `{}` text does not always survive that reader, so the
//! writer checks every candidate text against the reader (see [`format_value`]).

/// A bank value (the rest of the line after the parameter name), the way amSynth reads it.
/// `None` when the text holds no number at all (amSynth would silently use 0).
pub(crate) fn parse_bank_value(text: &str) -> Option<f32> {
    if text.contains('e') {
        return parse_c_float(text);
    }
    let bytes = text.as_bytes();
    // Only a '-' in the very first position counts as a sign; everything else that is not a
    // digit or '.' is skipped, and every '.' after the first one is a no-op.
    let (digits, mut fact) = match bytes.split_first() {
        Some((b'-', rest)) => (rest, -1.0f32),
        _ => (bytes, 1.0f32),
    };
    let mut rez = 0.0f32;
    let mut point_seen = false;
    let mut any_digit = false;
    for &b in digits {
        match b {
            b'.' => point_seen = true,
            b'0'..=b'9' => {
                any_digit = true;
                if point_seen {
                    fact /= 10.0;
                }
                rez = rez * 10.0 + f32::from(b - b'0');
            }
            _ => {}
        }
    }
    any_digit.then_some(rez * fact)
}

/// A C-locale `istream >> float`: skip leading white space, take the longest prefix shaped
/// like a decimal float and convert it correctly rounded. `None` where the stream would fail
/// (no mantissa digit, or an `e` without exponent digits).
pub(crate) fn parse_c_float(text: &str) -> Option<f32> {
    let s = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let b = s.as_bytes();
    let digits_from = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_end = digits_from(i);
    let mut mantissa_digits = int_end - i;
    i = int_end;
    if b.get(i) == Some(&b'.') {
        let frac_end = digits_from(i + 1);
        mantissa_digits += frac_end - (i + 1);
        i = frac_end;
    }
    if mantissa_digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_end = digits_from(j);
        if exp_end == j {
            return None;
        }
        i = exp_end;
    }
    s[..i].parse::<f32>().ok()
}

/// Text that `reader` turns back into exactly `v`. First choice is amSynth's own 6-digit `%g`,
/// so that values read from an amSynth file are written as the same text; then Rust's shortest
/// plain decimal; then shortest `e` notation, which both readers parse correctly rounded, so
/// it always comes back exact. Banks use [`parse_bank_value`], preset files [`parse_c_float`]
/// (amSynth reads those with a stream), so each format is exact under amSynth's own reader.
pub(crate) fn format_value(v: f32, reader: fn(&str) -> Option<f32>) -> String {
    let exact = |text: &str| reader(text).map(f32::to_bits) == Some(v.to_bits());
    let g6 = format_g6(v);
    if exact(&g6) {
        return g6;
    }
    let plain = v.to_string();
    if exact(&plain) {
        return plain;
    }
    format!("{v:e}")
}

/// C's `%g` (what a default C++ stream writes): 6 significant digits, fixed notation for
/// decimal exponents −4..5, trailing zeros removed, exponent with sign and at least 2 digits.
fn format_g6(v: f32) -> String {
    const DIGITS: i32 = 6;
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 {
        return "0".into();
    }
    // f64 like C's varargs promotion; the conversion is exact.
    let v = f64::from(v);
    let sci = format!("{:.*e}", (DIGITS - 1) as usize, v);
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..DIGITS).contains(&exp) {
        let fixed = format!("{:.*}", (DIGITS - 1 - exp) as usize, v);
        trim_fraction(&fixed).to_owned()
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!(
            "{}e{sign}{:02}",
            trim_fraction(mantissa),
            exp.unsigned_abs()
        )
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference arithmetic written out by hand for one value.
    #[test]
    fn digit_accumulation_is_single_precision() {
        let mut fact = 1.0f32;
        for _ in 0..7 {
            fact /= 10.0;
        }
        let expected = 333_333.0f32 * fact;
        assert_eq!(
            parse_bank_value("0.0333333").unwrap().to_bits(),
            expected.to_bits()
        );
        assert_eq!(parse_bank_value("-1").unwrap(), -1.0);
        assert_eq!(parse_bank_value("0").unwrap().to_bits(), 0.0f32.to_bits());
        assert_eq!(
            parse_bank_value("11.84").unwrap(),
            1184.0f32 * (0.1f32 / 10.0)
        );
    }

    #[test]
    fn stray_characters_are_ignored_like_amsynth() {
        assert_eq!(parse_bank_value("0.5\r"), Some(0.5));
        assert_eq!(parse_bank_value("+0.5"), Some(0.5));
        assert_eq!(parse_bank_value("0.5 volts"), Some(0.5));
        // A '-' only counts in first position; later dots are no-ops.
        assert_eq!(parse_bank_value(" -2"), Some(2.0));
        assert_eq!(parse_bank_value("1-2"), Some(12.0));
        assert_eq!(parse_bank_value("1.2.5"), parse_bank_value("1.25"));
        assert_eq!(parse_bank_value("abc"), None);
        assert_eq!(parse_bank_value(""), None);
        assert_eq!(parse_bank_value("-."), None);
    }

    #[test]
    fn e_notation_goes_through_the_c_parser() {
        assert_eq!(parse_bank_value("1.42927e-08"), Some(1.42927e-08));
        assert_eq!(parse_bank_value("-1.23704e-07"), Some(-1.23704e-07));
        assert_eq!(parse_bank_value("  2.5e0xyz"), Some(2.5));
        assert_eq!(parse_bank_value("5E-1 note"), Some(0.5)); // 'e' in "note" selects the C parser
        assert_eq!(parse_bank_value("1e"), None);
        assert_eq!(parse_bank_value("1e+"), None);
        assert_eq!(parse_bank_value("e5"), None);
        assert_eq!(parse_bank_value("abcde"), None);
        assert_eq!(parse_bank_value("1e99"), Some(f32::INFINITY));
        assert_eq!(parse_c_float(".5"), Some(0.5));
        assert_eq!(parse_c_float("5."), Some(5.0));
        assert_eq!(parse_c_float("+.5e+1"), Some(5.0));
        assert_eq!(parse_c_float("."), None);
        assert_eq!(parse_c_float("nan"), None);
        assert_eq!(parse_c_float("inf"), None);
    }

    #[test]
    fn formatting_round_trips_through_both_readers() {
        let mut bits = 0x1234_5678u32;
        let check = |v: f32| {
            for reader in [parse_bank_value, parse_c_float] {
                let text = format_value(v, reader);
                assert_eq!(reader(&text).map(f32::to_bits), Some(v.to_bits()), "{text}");
            }
        };
        for v in [
            0.0,
            1.0,
            -1.0,
            0.67,
            1.259_921,
            7.5,
            -16.0,
            1e-7,
            -1.2e-7,
            f32::MIN_POSITIVE,
        ] {
            check(v);
        }
        for _ in 0..50_000 {
            // xorshift: any finite f32, not only the ones a bank would hold
            bits ^= bits << 13;
            bits ^= bits >> 17;
            bits ^= bits << 5;
            let v = f32::from_bits(bits);
            if v.is_finite() {
                check(v);
            }
        }
        for reader in [parse_bank_value, parse_c_float] {
            assert_eq!(format_value(0.5, reader), "0.5");
            assert_eq!(format_value(-1.0, reader), "-1");
            assert_eq!(format_value(2.0, reader), "2");
            assert_eq!(format_value(7.5, reader), "7.5");
        }
    }

    #[test]
    fn g6_matches_c_printf() {
        for (v, c) in [
            (0.0333333f32, "0.0333333"),
            (1.70001, "1.70001"),
            (-0.279528, "-0.279528"),
            (1.42927e-08, "1.42927e-08"),
            (-1.23704e-07, "-1.23704e-07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (999999.5, "1e+06"),
            (1.259921, "1.25992"),
            (16.0, "16"),
        ] {
            assert_eq!(format_g6(v), c);
        }
    }
}
