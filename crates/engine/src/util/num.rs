//! Integer and float parsing/formatting with Redis 7.0's acceptance rules.
//!
//! Behaviour was checked against redis-server 7.0.15 (see the tests). Summary
//! for callers:
//! * integers (`string2ll`): optional `-`, no `+`, no leading zeros (except
//!   `"0"` itself; `"-0"` is rejected), no spaces, overflow rejected. Commands
//!   reply `ERR value is not an integer or out of range` on failure.
//! * doubles (`parse_f64_strict`, what ZADD/ZINCRBY/... read): C `strtod`
//!   syntax (decimal, hex floats like `0x1p3`, `inf`/`infinity` in any case,
//!   optional `+`/`-`), but the whole input must be consumed, no leading
//!   whitespace, NaN rejected, overflow to ±inf and underflow to zero
//!   rejected. Error reply: `ERR value is not a valid float`.
//! * long doubles (`parse_long_double_strict`, INCRBYFLOAT/HINCRBYFLOAT): same
//!   syntax, inputs of 5120 bytes or more rejected, range is the x87 80-bit
//!   one. `inf` itself parses; the command then checks the *result* and replies
//!   `ERR increment would produce NaN or Infinity`. A stored value or an
//!   increment that does not parse gives `ERR value is not a valid float`.

/// Parses a signed 64-bit integer exactly as Redis's `string2ll` (no sign but `-`, no leading
/// zeros, no spaces, no overflow). The protocol parser needs the same rule for length
/// prefixes, so the one implementation lives there.
pub fn string2ll(s: &[u8]) -> Option<i64> {
    resp::request::parse_i64(s)
}

/// Redis's `string2l`; `long` is 64-bit on the platforms Redis targets, so this
/// is identical to [`string2ll`].
pub fn string2l(s: &[u8]) -> Option<i64> {
    string2ll(s)
}

/// Number of bytes in the decimal form of `n`, without formatting it.
pub fn i64_len(n: i64) -> usize {
    let mut len = if n < 0 { 2 } else { 1 };
    let mut v = n.unsigned_abs() / 10;
    while v > 0 {
        len += 1;
        v /= 10;
    }
    len
}

/// Decimal bytes of `v` (Redis's `ll2string`), written by the reply encoder's digit writer.
pub fn ll2string(v: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(20);
    resp::reply::push_decimal(&mut out, v);
    out
}

/// Parses a double argument as Redis does (`strtod` + strict checks).
pub fn parse_f64_strict(s: &[u8]) -> Option<f64> {
    if let Some(v) = parse_plain_decimal(s) {
        return Some(v);
    }
    let p = parse_c_float(s)?;
    if p.value.is_infinite() && !p.literal_inf {
        return None; // ERANGE overflow
    }
    if p.value == 0.0 && p.nonzero_digits {
        return None; // ERANGE underflow to zero
    }
    Some(p.value)
}

/// Exact powers of ten up to 10^15.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The common case of a score, without the general parser's bookkeeping: an optional sign,
/// then at most 15 digits with at most one `.` (`12`, `-0.5`, `1700000000000`). The digits
/// as an integer are exact in an `f64`, and so is the power of ten, so one division gives the
/// correctly rounded value `strtod` gives (Clinger's fast path); no overflow or underflow is
/// possible. `None` for anything else, left to the general parser.
fn parse_plain_decimal(s: &[u8]) -> Option<f64> {
    let (neg, body) = match s.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, s),
    };
    let mut n: u64 = 0;
    let mut digits = 0;
    let mut dot = None;
    for (i, &c) in body.iter().enumerate() {
        match c {
            b'0'..=b'9' if digits < 15 => {
                n = n * 10 + u64::from(c - b'0');
                digits += 1;
            }
            b'.' if dot.is_none() => dot = Some(i),
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let scale = dot.map_or(0, |i| body.len() - 1 - i);
    let v = n as f64 / POW10[scale];
    Some(if neg { -v } else { v })
}

/// Parses an INCRBYFLOAT-style long double argument.
///
/// Redis uses 80-bit `long double`; we only have `f64`. Inputs that are finite
/// in long double but too large for `f64` come back as ±inf, so the caller's
/// "result is NaN or infinite" check replies `ERR increment would produce NaN
/// or Infinity` where Redis would have stored a huge number. Inputs outside
/// the long double range (about 1.19e4932 and 3.6e-4951; the boundary is
/// approximated from the leading digits) are rejected as Redis does.
pub fn parse_long_double_strict(s: &[u8]) -> Option<f64> {
    const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;
    if s.len() >= MAX_LONG_DOUBLE_CHARS {
        return None;
    }
    let p = parse_c_float(s)?;
    if p.literal_inf || !p.nonzero_digits {
        return Some(p.value);
    }
    let out_of_range = match p.magnitude {
        Magnitude::Dec(e, ref lead) => {
            e > 4932
                || (e == 4932 && lead.as_slice() > &b"118973149535723176502"[..])
                || e < -4951
                || (e == -4951 && lead.as_slice() < &b"182259976594123730126"[..])
        }
        Magnitude::Bin(e) => !(-16446..16384).contains(&e),
    };
    if out_of_range {
        None
    } else {
        Some(p.value)
    }
}

/// Order of magnitude of the parsed number, for long double range checks.
enum Magnitude {
    /// Decimal exponent of the first significant digit, and up to 21 leading
    /// significant digits.
    Dec(i64, Vec<u8>),
    /// Binary exponent of the leading bit.
    Bin(i64),
}

struct Parsed {
    value: f64,
    literal_inf: bool,
    nonzero_digits: bool,
    magnitude: Magnitude,
}

/// Reads an optionally signed exponent; saturates so huge exponents stay huge.
fn parse_exp(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut e: i64 = 0;
    for &c in digits {
        e = (e * 10 + i64::from(c - b'0')).min(1_000_000_000);
    }
    Some(if neg { -e } else { e })
}

/// Full-input `strtod` grammar: sign, then `inf`/`infinity`, hex or decimal.
/// Anything else (including `nan`, spaces, trailing bytes) is `None`.
fn parse_c_float(s: &[u8]) -> Option<Parsed> {
    let (neg, body) = match s.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, s),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(Parsed {
            value: sign * f64::INFINITY,
            literal_inf: true,
            nonzero_digits: true,
            magnitude: Magnitude::Bin(0),
        });
    }
    if body.len() > 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
        return parse_hex(&body[2..], sign);
    }
    parse_dec(s, body)
}

fn parse_dec(whole: &[u8], body: &[u8]) -> Option<Parsed> {
    let epos = body.iter().position(|&c| c == b'e' || c == b'E');
    let (mant, exp) = match epos {
        Some(i) => (&body[..i], parse_exp(&body[i + 1..])?),
        None => (body, 0),
    };
    let dot = mant.iter().position(|&c| c == b'.');
    let (int, frac) = match dot {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, &mant[..0]),
    };
    let all_digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let first_nz = int.iter().chain(frac).position(|&c| c != b'0');
    let nonzero_digits = first_nz.is_some();
    let e10 = match first_nz {
        Some(i) if i < int.len() => (int.len() - 1 - i) as i64 + exp,
        Some(i) => -((i - int.len()) as i64 + 1) + exp,
        None => 0,
    };
    let lead: Vec<u8> = int
        .iter()
        .chain(frac)
        .skip(first_nz.unwrap_or(0))
        .take(21)
        .copied()
        .collect();
    // Validated above: ASCII only, and a grammar Rust's parser also accepts.
    let value: f64 = std::str::from_utf8(whole).ok()?.parse().ok()?;
    Some(Parsed {
        value,
        literal_inf: false,
        nonzero_digits,
        magnitude: Magnitude::Dec(e10, lead),
    })
}

/// Hex float (`0x` already stripped): hexdigits [. hexdigits] [p exp],
/// correctly rounded to nearest-even like glibc.
fn parse_hex(s: &[u8], sign: f64) -> Option<Parsed> {
    let ppos = s.iter().position(|&c| c == b'p' || c == b'P');
    let (mant, pexp) = match ppos {
        Some(i) => (&s[..i], parse_exp(&s[i + 1..])?),
        None => (s, 0),
    };
    let dot = mant.iter().position(|&c| c == b'.');
    let (int, frac) = match dot {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, &mant[..0]),
    };
    if int.len() + frac.len() == 0 {
        return None;
    }
    let mut m: u64 = 0;
    let mut e: i64 = pexp;
    let mut sticky = false;
    let mut kept = 0;
    for (i, &c) in int.iter().chain(frac).enumerate() {
        let d = u64::from(char::from(c).to_digit(16)?);
        let in_frac = i >= int.len();
        if kept < 16 {
            if m != 0 || d != 0 {
                kept += 1;
            }
            m = (m << 4) | d;
            if in_frac {
                e -= 4;
            }
        } else {
            sticky |= d != 0;
            if !in_frac {
                e += 4;
            }
        }
    }
    if m == 0 {
        return Some(Parsed {
            value: sign * 0.0,
            literal_inf: false,
            nonzero_digits: false,
            magnitude: Magnitude::Bin(0),
        });
    }
    let lz = i64::from(m.leading_zeros());
    m <<= lz;
    e -= lz;
    let top = e + 63; // exponent of the leading bit
    let value = if top > 1023 {
        f64::INFINITY
    } else {
        let bits = if top >= -1022 { 53 } else { top + 1075 };
        if bits <= 0 {
            // Below half the smallest subnormal, or exactly half (ties to 0).
            let above_half = bits == 0 && (m != 1 << 63 || sticky);
            if above_half {
                f64::from_bits(1)
            } else {
                0.0
            }
        } else {
            let shift = 64 - bits; // 11..=63
            let mut keep = m >> shift;
            let rem = m & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            if rem > half || (rem == half && (sticky || keep & 1 == 1)) {
                keep += 1;
            }
            // keep <= 2^53 is exact in f64, and so is the product unless it
            // overflows to inf, which is the right answer then.
            (keep as f64) * pow2(e + shift)
        }
    };
    Some(Parsed {
        value: sign * value,
        literal_inf: false,
        nonzero_digits: true,
        magnitude: Magnitude::Bin(top),
    })
}

/// 2^k as f64 for k in [-1074, 1023].
fn pow2(k: i64) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_decimals_parse_as_the_general_parser_does() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut taken = 0;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 20) as usize;
            let s: Vec<u8> = (0..len)
                .map(|i| b"0123456789012345.-+e"[((x >> (3 * i)) % 20) as usize])
                .collect();
            if let Some(v) = super::parse_plain_decimal(&s) {
                taken += 1;
                let general = super::parse_c_float(&s).map(|p| p.value);
                assert_eq!(general.map(f64::to_bits), Some(v.to_bits()), "{s:?}");
            }
        }
        assert!(taken > 10_000, "the fast path ran {taken} times");
        for (s, v) in [
            ("0", 0.0),
            ("-0", -0.0),
            ("+7", 7.0),
            (".5", 0.5),
            ("5.", 5.0),
        ] {
            let got = super::parse_plain_decimal(s.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), f64::to_bits(v), "{s}");
        }
        for s in [
            "",
            ".",
            "-",
            "1.2.3",
            "1e5",
            "1234567890123456",
            " 1",
            "0x10",
        ] {
            assert!(super::parse_plain_decimal(s.as_bytes()).is_none(), "{s}");
        }
    }

    use super::*;

    #[test]
    fn string2ll_edges() {
        assert_eq!(string2ll(b"0"), Some(0));
        assert_eq!(string2ll(b"-1"), Some(-1));
        assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b"-9223372036854775809"[..],
            b"9223372036854775808",
            b"99999999999999999999999",
            b"-0",
            b"007",
            b"00",
            b"-01",
            b"+1",
            b" 1",
            b"1 ",
            b"",
            b"-",
            b"0x10",
            b"1e3",
            b"1.0",
            b"12a",
            b"1\0",
        ] {
            assert_eq!(string2ll(bad), None, "{:?}", bad);
            assert_eq!(string2l(bad), None);
        }
    }

    #[test]
    fn ll2string_roundtrip() {
        for v in [0, 1, -1, 10, -10, 12345, i64::MAX, i64::MIN] {
            assert_eq!(ll2string(v), v.to_string().into_bytes());
            assert_eq!(string2ll(&ll2string(v)), Some(v));
        }
    }

    #[test]
    fn double_accepts_like_zadd() {
        // Observed with ZADD on redis-server 7.0.15.
        let ok: &[(&[u8], f64)] = &[
            (b"1", 1.0),
            (b"1.5", 1.5),
            (b"0x10", 16.0),
            (b"0x1p3", 8.0),
            (b"0X1.8P1", 3.0),
            (b"0x.8", 0.5),
            (b"1e3", 1000.0),
            (b"+1", 1.0),
            (b"007", 7.0),
            (b".5", 0.5),
            (b"5.", 5.0),
            (b"00.5", 0.5),
            (b"1.5e308", 1.5e308),
            (b"4e-320", 4e-320),
            (b"inf", f64::INFINITY),
            (b"-inf", f64::NEG_INFINITY),
            (b"+inf", f64::INFINITY),
            (b"Infinity", f64::INFINITY),
            (b"INF", f64::INFINITY),
            (b"-Infinity", f64::NEG_INFINITY),
        ];
        for &(s, v) in ok {
            assert_eq!(parse_f64_strict(s), Some(v), "{:?}", s);
        }
        assert_eq!(
            parse_f64_strict(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(parse_f64_strict(b"0e999999999999"), Some(0.0));
    }

    #[test]
    fn double_rejects_like_zadd() {
        for bad in [
            &b"nan"[..],
            b"NaN",
            b"-nan",
            b" 1",
            b"1 ",
            b"",
            b"1e400",
            b"-1e400",
            b"1e-400",
            b"0x",
            b"1e",
            b"infinit",
            b"infx",
            b"1_0",
            b"1\0abc",
            b".",
            b"-",
            b"1.5e308*10",
            b"0x1p",
            b"0x1p99999",
            b"1/3",
            b"\t1",
        ] {
            assert_eq!(parse_f64_strict(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn hex_rounding() {
        assert_eq!(parse_f64_strict(b"0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(parse_f64_strict(b"0x1p-1075"), None); // ties to zero
        assert_eq!(parse_f64_strict(b"0x1.8p-1075"), Some(f64::from_bits(1)));
        assert_eq!(parse_f64_strict(b"0x1.fffffffffffffp1023"), Some(f64::MAX));
        assert_eq!(parse_f64_strict(b"0x1.fffffffffffff8p1023"), None); // rounds to inf
        assert_eq!(parse_f64_strict(b"0x1.00000000000008p0"), Some(1.0));
        assert_eq!(
            parse_f64_strict(b"0x1.000000000000081p0"),
            Some(1.0 + f64::EPSILON)
        );
        assert_eq!(
            parse_f64_strict(b"0x1.00000000000018p0"),
            Some(1.0 + 2.0 * f64::EPSILON)
        );
        assert_eq!(parse_f64_strict(b"0x00000000000000000001"), Some(1.0));
        assert_eq!(
            parse_f64_strict(b"0x123456789abcdef0123p0"),
            Some(0x0123_4567_89ab_cdef_0123_u128 as f64)
        );
    }

    #[test]
    fn long_double_rules() {
        // Observed with INCRBYFLOAT on redis-server 7.0.15.
        assert_eq!(parse_long_double_strict(b"1e-400"), Some(0.0));
        assert_eq!(parse_long_double_strict(b"3e-4951"), Some(0.0));
        assert_eq!(parse_long_double_strict(b"1e-4952"), None);
        assert_eq!(parse_long_double_strict(b"1e-5000"), None);
        assert_eq!(parse_long_double_strict(b"1e400"), Some(f64::INFINITY));
        assert_eq!(
            parse_long_double_strict(b"1.18973149535723176502e4932"),
            Some(f64::INFINITY)
        );
        assert_eq!(parse_long_double_strict(b"1.2e4932"), None);
        assert_eq!(parse_long_double_strict(b"1e5000"), None);
        assert_eq!(parse_long_double_strict(b"0x1p-16000"), Some(0.0));
        assert_eq!(parse_long_double_strict(b"0x1p16383"), Some(f64::INFINITY));
        assert_eq!(parse_long_double_strict(b"inf"), Some(f64::INFINITY));
        assert_eq!(parse_long_double_strict(b"nan"), None);
        assert_eq!(parse_long_double_strict(b" 1"), None);
        let mut long = vec![b'0'; 5119];
        long.push(b'1');
        assert_eq!(parse_long_double_strict(&long), None); // 5120 bytes
        long.remove(0);
        assert_eq!(parse_long_double_strict(&long), Some(1.0)); // 5119 bytes
        assert_eq!(parse_f64_strict(&[b'0'; 9000]), Some(0.0)); // no limit for doubles
    }
}
