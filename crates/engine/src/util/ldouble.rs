//! Just enough of the x87 80-bit `long double` to reproduce INCRBYFLOAT byte for byte.
//!
//! Redis parses with `strtold`, adds in `long double` (64-bit significand, 15-bit exponent) and
//! prints `%.17Lf`. Doing the same in `f64` visibly differs (`1234 + 0.1` is
//! `1234.09999999999999998` in Redis, `0.1 + 0.2` is `0.3`), so this module emulates the format
//! exactly: correctly rounded (ties to even) parsing of decimal, hexadecimal and `inf` input,
//! correctly rounded addition, and exact `%.17Lf` formatting, with big-integer arithmetic bounded
//! by the 5 KiB input limit Redis applies. Subnormals are kept; NaN never leaves this module.
//!
//! Known differences from Redis: none found. Checked against redis-server 7.0.15 on x86-64 with
//! the edge cases in the tests below and a seeded random sequence of 400 INCRBYFLOATs
//! (`tests/cases/strings_generated.redis`). Redis on a platform whose `long double` is not x87
//! (e.g. aarch64's 128-bit quad) prints different digits; we follow x86-64.

use super::bigint::Big;
use std::cmp::Ordering;

/// Significand bits of the x87 extended format.
const MANT_BITS: i64 = 64;
/// Exponent of the lowest significand bit of the smallest subnormal (2^-16445).
const MIN_EXP: i64 = -16445;
/// Largest exponent of the lowest significand bit (max value just under 2^16384).
const MAX_EXP: i64 = 16384 - MANT_BITS;
/// Redis refuses float strings of this many bytes or more (`MAX_LONG_DOUBLE_CHARS`).
const MAX_CHARS: usize = 5 * 1024;

/// A finite or infinite extended-precision value: `mant * 2^exp`, with `mant` normalized
/// (top bit set) except for subnormals and zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LDouble {
    neg: bool,
    inf: bool,
    mant: u64,
    exp: i64,
}

impl LDouble {
    pub const ZERO: LDouble = LDouble {
        neg: false,
        inf: false,
        mant: 0,
        exp: 0,
    };

    const fn infinity(neg: bool) -> LDouble {
        LDouble {
            neg,
            inf: true,
            mant: 0,
            exp: 0,
        }
    }

    pub fn is_finite(&self) -> bool {
        !self.inf
    }

    fn is_zero(&self) -> bool {
        !self.inf && self.mant == 0
    }

    /// Exact: every i64 fits in 64 significand bits.
    pub fn from_i64(n: i64) -> LDouble {
        round(n < 0, &Big::from_u64(n.unsigned_abs()), 0, false)
    }

    /// The sum, correctly rounded; None for NaN (infinities of opposite signs).
    pub fn add(&self, other: &LDouble) -> Option<LDouble> {
        match (self.inf, other.inf) {
            (true, true) if self.neg != other.neg => return None,
            (true, _) => return Some(*self),
            (_, true) => return Some(*other),
            _ => {}
        }
        if other.is_zero() {
            return Some(if self.is_zero() && self.neg != other.neg {
                LDouble::ZERO
            } else {
                *self
            });
        }
        if self.is_zero() {
            return Some(*other);
        }
        let base = self.exp.min(other.exp);
        let a = Big::from_u64(self.mant).shl((self.exp - base) as usize);
        let b = Big::from_u64(other.mant).shl((other.exp - base) as usize);
        if self.neg == other.neg {
            return Some(round(self.neg, &a.add(&b), base, false));
        }
        Some(match a.cmp(&b) {
            Ordering::Equal => LDouble::ZERO,
            Ordering::Greater => round(self.neg, &a.sub(&b), base, false),
            Ordering::Less => round(other.neg, &b.sub(&a), base, false),
        })
    }

    /// `%.17Lf` with trailing zeros (and a bare '.') removed and "-0" printed as "0": Redis's
    /// `ld2string(.., LD_STR_HUMAN)`. Finite values only.
    pub fn to_human(&self) -> String {
        let (int_part, frac) = if self.exp >= 0 {
            (
                Big::from_u64(self.mant).shl(self.exp as usize).to_decimal(),
                0u64,
            )
        } else {
            let scaled = self.mant as u128 * 100_000_000_000_000_000u128;
            let s = (-self.exp) as u32;
            let q = if s >= 122 {
                0 // scaled < 2^121 <= half an output unit
            } else {
                let q = scaled >> s;
                let rem = scaled & ((1u128 << s) - 1);
                let half = 1u128 << (s - 1);
                if rem > half || (rem == half && q & 1 == 1) {
                    q + 1
                } else {
                    q
                }
            };
            let p = 100_000_000_000_000_000u128;
            ((q / p).to_string(), (q % p) as u64)
        };
        let mut out = String::new();
        if self.neg {
            out.push('-');
        }
        out.push_str(&int_part);
        if frac != 0 {
            let digits = format!("{:017}", frac);
            out.push('.');
            out.push_str(digits.trim_end_matches('0'));
        }
        if out == "-0" {
            out = "0".into();
        }
        out
    }
}

/// Rounds `n * 2^exp` (plus a nonzero tail below the lowest bit of `n` when `sticky`) to the
/// nearest `LDouble`, ties to even; overflow gives infinity, underflow zero.
fn round(neg: bool, n: &Big, exp: i64, sticky: bool) -> LDouble {
    let bl = n.bitlen() as i64;
    if bl == 0 {
        return LDouble {
            neg,
            ..LDouble::ZERO
        };
    }
    let shift = (bl - MANT_BITS).max(MIN_EXP - exp);
    let (mut mant, mut e) = if shift <= 0 {
        (n.low_u64() << (-shift) as u32, exp + shift)
    } else {
        let s = shift as usize;
        let mant = n.bits_from(s);
        let round_bit = n.bit(s - 1);
        let tail = sticky || n.any_below(s - 1);
        let up = round_bit && (tail || mant & 1 == 1);
        (mant, exp + shift).then_round(up)
    };
    if mant == 0 {
        return LDouble {
            neg,
            ..LDouble::ZERO
        };
    }
    if e > MAX_EXP {
        return LDouble::infinity(neg);
    }
    // Normalize exponents of exact small values so equal values compare equal.
    while mant >> 63 == 0 && e > MIN_EXP {
        mant <<= 1;
        e -= 1;
    }
    LDouble {
        neg,
        inf: false,
        mant,
        exp: e,
    }
}

trait ThenRound {
    fn then_round(self, up: bool) -> (u64, i64);
}

impl ThenRound for (u64, i64) {
    fn then_round(self, up: bool) -> (u64, i64) {
        let (m, e) = self;
        if !up {
            return (m, e);
        }
        match m.checked_add(1) {
            Some(m) => (m, e),
            None => (1 << 63, e + 1),
        }
    }
}

/// Redis's blocking-timeout conversion, `(long long) ceill(strtold(s) * 1000.0)`, done in
/// x87 long double: None when `s` is not a long double Redis accepts; otherwise the
/// milliseconds, with C's out-of-range conversion (x86's "integer indefinite", i64::MIN) for
/// infinities and values beyond a long long.
pub fn seconds_to_ceil_millis(s: &[u8]) -> Option<i64> {
    let v = parse(s)?;
    if v.inf {
        return Some(i64::MIN);
    }
    let p = round(
        v.neg,
        &Big::from_u64(v.mant).mul(&Big::from_u64(1000)),
        v.exp,
        false,
    );
    if p.inf {
        return Some(i64::MIN);
    }
    if p.mant == 0 {
        return Some(0);
    }
    let (int_part, frac): (u128, bool) = if p.exp >= 0 {
        if p.exp > 63 {
            return Some(i64::MIN);
        }
        ((p.mant as u128) << p.exp, false)
    } else {
        let shift = (-p.exp) as u32;
        if shift >= 64 {
            (0, true)
        } else {
            (
                (p.mant >> shift) as u128,
                p.mant & ((1u64 << shift) - 1) != 0,
            )
        }
    };
    // ceil: up for positives with a fraction, toward zero for negatives.
    let magnitude = if !p.neg && frac {
        int_part + 1
    } else {
        int_part
    };
    if p.neg {
        if magnitude > 1u128 << 63 {
            return Some(i64::MIN);
        }
        Some((magnitude as i128).wrapping_neg() as i64)
    } else if magnitude >= 1u128 << 63 {
        Some(i64::MIN)
    } else {
        Some(magnitude as i64)
    }
}

/// Redis's `string2ld`: all of `s` must be a `strtold` number, no leading space, not NaN, and
/// not out of range (a result that overflows or underflows to zero is refused).
pub fn parse(s: &[u8]) -> Option<LDouble> {
    if s.is_empty() || s.len() >= MAX_CHARS || s[0].is_ascii_whitespace() || s[0] == 0x0b {
        return None;
    }
    let (neg, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == b"inf" || lower == b"infinity" {
        return Some(LDouble::infinity(neg));
    }
    let v = if lower.starts_with(b"0x") {
        parse_hex(neg, &lower[2..])?
    } else {
        parse_dec(neg, &lower)?
    };
    (v.is_finite() && (!v.is_zero() || v.exact_zero_input)).then_some(v.value)
}

struct Parsed {
    value: LDouble,
    exact_zero_input: bool,
}

impl Parsed {
    fn is_finite(&self) -> bool {
        self.value.is_finite()
    }
    fn is_zero(&self) -> bool {
        self.value.is_zero()
    }
}

/// Splits `digits[.digits]` and returns (all digits, count after the point, rest).
fn split_mantissa(s: &[u8], hex: bool) -> Option<(Vec<u8>, usize, &[u8])> {
    let is_digit = |c: u8| {
        if hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    };
    let int_len = s.iter().take_while(|&&c| is_digit(c)).count();
    let mut digits = s[..int_len].to_vec();
    let mut rest = &s[int_len..];
    let mut frac = 0;
    if rest.first() == Some(&b'.') {
        let f = rest[1..].iter().take_while(|&&c| is_digit(c)).count();
        digits.extend_from_slice(&rest[1..1 + f]);
        frac = f;
        rest = &rest[1 + f..];
    }
    if digits.is_empty() {
        return None;
    }
    Some((digits, frac, rest))
}

/// An exponent suffix `<mark>[+-]digits`, saturated far beyond any representable range.
fn parse_exp(rest: &[u8], mark: u8) -> Option<i64> {
    if rest.is_empty() {
        return Some(0);
    }
    if rest[0] != mark {
        return None;
    }
    let (neg, digits) = match rest.get(1) {
        Some(b'-') => (true, &rest[2..]),
        Some(b'+') => (false, &rest[2..]),
        _ => (false, &rest[1..]),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        v = (v * 10 + (d - b'0') as i64).min(1_000_000_000);
    }
    Some(if neg { -v } else { v })
}

fn parse_dec(neg: bool, s: &[u8]) -> Option<Parsed> {
    let (digits, frac, rest) = split_mantissa(s, false)?;
    let exp10 = parse_exp(rest, b'e')? - frac as i64;
    let sig: Vec<u8> = digits.iter().copied().skip_while(|&d| d == b'0').collect();
    if sig.is_empty() {
        return Some(Parsed {
            value: LDouble {
                neg,
                ..LDouble::ZERO
            },
            exact_zero_input: true,
        });
    }
    // Decimal magnitude of the value is about 10^(len + exp10 - 1).
    let mag = sig.len() as i64 + exp10;
    let value = if mag > 4935 {
        LDouble::infinity(neg)
    } else if mag < -4955 {
        LDouble {
            neg,
            ..LDouble::ZERO
        }
    } else {
        let mut n = Big::from_u64(0);
        for &d in &sig {
            n.mul_add(10, (d - b'0') as u64);
        }
        if exp10 >= 0 {
            n = n.mul(&Big::pow10(exp10 as usize));
            round(neg, &n, 0, false)
        } else {
            let d = Big::pow10((-exp10) as usize);
            let s = (d.bitlen() as i64 - n.bitlen() as i64 + MANT_BITS + 2).max(0) as usize;
            let (q, rem_nonzero) = n.shl(s).div(&d);
            round(neg, &q, -(s as i64), rem_nonzero)
        }
    };
    Some(Parsed {
        value,
        exact_zero_input: false,
    })
}

fn parse_hex(neg: bool, s: &[u8]) -> Option<Parsed> {
    let (digits, frac, rest) = split_mantissa(s, true)?;
    let exp2 = parse_exp(rest, b'p')? - 4 * frac as i64;
    let sig: Vec<u8> = digits.iter().copied().skip_while(|&d| d == b'0').collect();
    if sig.is_empty() {
        return Some(Parsed {
            value: LDouble {
                neg,
                ..LDouble::ZERO
            },
            exact_zero_input: true,
        });
    }
    let top = exp2 + 4 * sig.len() as i64;
    let value = if top > MAX_EXP + MANT_BITS + 8 {
        LDouble::infinity(neg)
    } else if top < MIN_EXP - 8 {
        LDouble {
            neg,
            ..LDouble::ZERO
        }
    } else {
        let mut n = Big::from_u64(0);
        for &d in &sig {
            n.mul_add(16, (d as char).to_digit(16).unwrap_or(0) as u64);
        }
        round(neg, &n, exp2, false)
    };
    Some(Parsed {
        value,
        exact_zero_input: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incr(a: &str, b: &str) -> Option<String> {
        let x = parse(a.as_bytes())?;
        let y = parse(b.as_bytes())?;
        x.add(&y).filter(|v| v.is_finite()).map(|v| v.to_human())
    }

    #[test]
    fn matches_redis_long_double() {
        // Expected values observed on redis-server 7.0.15 (x86-64).
        assert_eq!(incr("1234", "0.1").unwrap(), "1234.09999999999999998");
        assert_eq!(incr("10.5", "0.1").unwrap(), "10.6");
        assert_eq!(incr("0.1", "0.2").unwrap(), "0.3");
        assert_eq!(incr("-1", "0.99999999999999999999").unwrap(), "0");
        assert_eq!(incr("0", "-1e-30").unwrap(), "0");
        assert_eq!(incr("5.0e3", "2.0e2").unwrap(), "5200");
        assert_eq!(incr("0", "0x10").unwrap(), "16");
        assert!(incr("0", "1e400")
            .unwrap()
            .starts_with("100000000000000000002818806839"));
        assert_eq!(incr("0", "1e-400").unwrap(), "0");
        assert_eq!(incr("1", "inf"), None);
    }

    #[test]
    fn parse_rules() {
        for bad in [
            "", " 1", "1 ", "abc", "nan", "1e", "1e+", ".", "0x", "1e99999", "1e-99999", "--1",
            "1\x000",
        ] {
            assert!(parse(bad.as_bytes()).is_none(), "{bad:?}");
        }
        for good in [
            "+1",
            "-.5",
            "1.",
            "0e99999",
            "-0",
            "INF",
            "-infinity",
            "0x1.8p1",
            "1E5",
        ] {
            assert!(parse(good.as_bytes()).is_some(), "{good:?}");
        }
        assert_eq!(parse(b"0x1.8p1").unwrap().to_human(), "3");
        // Range edges observed on redis-server 7.0.15.
        assert!(parse(b"3e-4951").is_some());
        assert!(parse(b"1e-4952").is_none());
        assert!(parse(b"1.18973149535723176502e4932").is_some());
        assert!(parse(b"1.2e4932").is_none());
        assert!(parse(b"0x1p16383").is_some());
        assert!(parse(b"0x1p16384").is_none());
        assert!(parse(b"0x1p-16445").is_some());
        assert!(parse(b"0x1p-16446").is_none());
        assert!(parse(b"0x1.8p-16446").is_some());
    }

    #[test]
    fn int_round_trip() {
        for n in [0, 1, -1, i64::MAX, i64::MIN, 1 << 62] {
            assert_eq!(LDouble::from_i64(n).to_human(), n.to_string());
        }
    }
}
