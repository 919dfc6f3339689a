//! Replies as the engine produces them, and their encoding to RESP2 or RESP3.
//!
//! One `Reply` value encodes differently per protocol, as Redis's `addReply*` family does:
//! a map is a flat array in RESP2, a double is a bulk string, a boolean an integer.

use bytes::Bytes;

/// The protocol version a connection speaks (`HELLO 2` / `HELLO 3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Proto {
    #[default]
    Resp2,
    Resp3,
}

/// A reply value, independent of the wire protocol.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// `+text`
    Simple(Bytes),
    /// `-text`; the text carries its own code prefix (`ERR ...`, `WRONGTYPE ...`).
    Error(Bytes),
    Int(i64),
    Bulk(Bytes),
    /// A missing bulk: `$-1` in RESP2, `_` in RESP3.
    Nil,
    /// A missing array: `*-1` in RESP2, `_` in RESP3.
    NilArray,
    Array(Vec<Reply>),
    /// A map: flat array of key, value in RESP2.
    Map(Vec<(Reply, Reply)>),
    /// A set: plain array in RESP2.
    Set(Vec<Reply>),
    /// A double: bulk string in RESP2 (`%.17g`), `,` in RESP3.
    Double(f64),
    /// A boolean: `:1`/`:0` in RESP2, `#t`/`#f` in RESP3.
    Bool(bool),
    /// A verbatim string with its three-byte format (`txt`): a bulk in RESP2.
    Verbatim([u8; 3], Bytes),
    /// A big number: a bulk string in RESP2.
    BigNumber(Bytes),
    /// An out-of-band push (pub/sub, invalidation): an array in RESP2.
    Push(Vec<Reply>),
    /// Several replies in a row with no header of their own: one command that answers more
    /// than once (SUBSCRIBE a b answers once per channel).
    Seq(Vec<Reply>),
    /// Bytes already encoded, identical in RESP2 and RESP3 (an array of bulk strings, say):
    /// a long reply built straight into one buffer instead of one `Reply` per element.
    Encoded(Bytes),
}

impl Reply {
    /// An array of `len` bulk strings, encoded at once (see [`Reply::Encoded`]).
    pub fn bulk_array<'a>(len: usize, items: impl Iterator<Item = &'a [u8]>) -> Reply {
        let mut out = Vec::with_capacity(16 + len * 16);
        int_line(&mut out, b'*', len as i64);
        let mut n = 0;
        for item in items {
            bulk(&mut out, item);
            n += 1;
        }
        debug_assert_eq!(n, len, "bulk_array: length does not match its items");
        Reply::Encoded(out.into())
    }

    /// The structured form of an [`Reply::Encoded`] reply (other replies come back as they
    /// are), for consumers that inspect replies instead of sending them, such as scripts.
    pub fn decoded(self) -> Reply {
        let Reply::Encoded(bytes) = self else {
            return self;
        };
        match crate::frame::parse_frame(&bytes) {
            Ok(Some((frame, used))) if used == bytes.len() => Reply::from_frame(frame),
            _ => Reply::error("ERR internal error: malformed encoded reply"),
        }
    }

    /// The reply a parsed frame stands for (RESP2 and RESP3 types alike).
    pub fn from_frame(frame: crate::frame::Frame) -> Reply {
        use crate::frame::Frame;
        let all = |items: Vec<Frame>| items.into_iter().map(Reply::from_frame).collect();
        match frame {
            Frame::Simple(s) => Reply::Simple(s),
            Frame::Error(e) | Frame::BlobError(e) => Reply::Error(e),
            Frame::Integer(n) => Reply::Int(n),
            Frame::Bulk(b) => Reply::Bulk(b),
            Frame::NullBulk | Frame::Null => Reply::Nil,
            Frame::NullArray => Reply::NilArray,
            Frame::Array(items) => Reply::Array(all(items)),
            Frame::Map(pairs) => Reply::Map(
                pairs
                    .into_iter()
                    .map(|(k, v)| (Reply::from_frame(k), Reply::from_frame(v)))
                    .collect(),
            ),
            Frame::Set(items) => Reply::Set(all(items)),
            Frame::Double(d) => Reply::Double(d),
            Frame::Boolean(b) => Reply::Bool(b),
            Frame::BigNumber(n) => Reply::BigNumber(n),
            Frame::Verbatim { format, text } => Reply::Verbatim(format, text),
            Frame::Attribute { value, .. } => Reply::from_frame(*value),
            Frame::Push(items) => Reply::Push(all(items)),
        }
    }

    pub fn ok() -> Reply {
        Reply::Simple(Bytes::from_static(b"OK"))
    }
    pub fn simple(s: &'static str) -> Reply {
        Reply::Simple(Bytes::from_static(s.as_bytes()))
    }
    /// An error whose text is static, e.g. `Reply::err("ERR syntax error")`.
    pub fn err(s: &'static str) -> Reply {
        Reply::Error(Bytes::from_static(s.as_bytes()))
    }
    /// An error with formatted text, cleaned as Redis's `addReplyErrorFormat` does: CR and LF
    /// are trimmed from both ends, and any left inside become spaces, so an error can never
    /// break the framing.
    pub fn error(s: impl Into<Vec<u8>>) -> Reply {
        let mut s: Vec<u8> = s.into();
        let is_eol = |c: &u8| *c == b'\r' || *c == b'\n';
        let end = s.len() - s.iter().rev().take_while(|c| is_eol(c)).count();
        s.truncate(end);
        let start = s.iter().take_while(|c| is_eol(c)).count();
        s.drain(..start);
        for c in s.iter_mut() {
            if *c == b'\r' || *c == b'\n' {
                *c = b' ';
            }
        }
        Reply::Error(Bytes::from(s))
    }
    pub fn bulk(b: impl Into<Bytes>) -> Reply {
        Reply::Bulk(b.into())
    }
    pub fn bulk_from_slice(b: &[u8]) -> Reply {
        Reply::Bulk(Bytes::copy_from_slice(b))
    }
    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// Appends the encoding of this reply to `out`.
    pub fn encode(&self, proto: Proto, out: &mut Vec<u8>) {
        match self {
            Reply::Simple(s) => line(out, b'+', s),
            Reply::Error(s) => line(out, b'-', s),
            Reply::Int(n) => int_line(out, b':', *n),
            Reply::Bulk(b) => bulk(out, b),
            Reply::Nil => out.extend_from_slice(match proto {
                Proto::Resp2 => b"$-1\r\n",
                Proto::Resp3 => b"_\r\n",
            }),
            Reply::NilArray => out.extend_from_slice(match proto {
                Proto::Resp2 => b"*-1\r\n",
                Proto::Resp3 => b"_\r\n",
            }),
            Reply::Array(items) => {
                int_line(out, b'*', items.len() as i64);
                for item in items {
                    item.encode(proto, out);
                }
            }
            Reply::Set(items) => {
                let tag = if proto == Proto::Resp3 { b'~' } else { b'*' };
                int_line(out, tag, items.len() as i64);
                for item in items {
                    item.encode(proto, out);
                }
            }
            Reply::Push(items) => {
                let tag = if proto == Proto::Resp3 { b'>' } else { b'*' };
                int_line(out, tag, items.len() as i64);
                for item in items {
                    item.encode(proto, out);
                }
            }
            Reply::Seq(items) => {
                for item in items {
                    item.encode(proto, out);
                }
            }
            Reply::Encoded(bytes) => out.extend_from_slice(bytes),
            Reply::Map(pairs) => {
                match proto {
                    Proto::Resp3 => int_line(out, b'%', pairs.len() as i64),
                    Proto::Resp2 => int_line(out, b'*', pairs.len() as i64 * 2),
                }
                for (k, v) in pairs {
                    k.encode(proto, out);
                    v.encode(proto, out);
                }
            }
            Reply::Double(d) => {
                let text = format_double(*d);
                match proto {
                    Proto::Resp3 => line(out, b',', text.as_bytes()),
                    Proto::Resp2 => bulk(out, text.as_bytes()),
                }
            }
            Reply::Bool(b) => match proto {
                Proto::Resp3 => out.extend_from_slice(if *b { b"#t\r\n" } else { b"#f\r\n" }),
                Proto::Resp2 => int_line(out, b':', *b as i64),
            },
            Reply::Verbatim(fmt, b) => match proto {
                Proto::Resp3 => {
                    int_line(out, b'=', (b.len() + 4) as i64);
                    out.extend_from_slice(fmt);
                    out.push(b':');
                    out.extend_from_slice(b);
                    out.extend_from_slice(b"\r\n");
                }
                Proto::Resp2 => bulk(out, b),
            },
            Reply::BigNumber(b) => match proto {
                Proto::Resp3 => line(out, b'(', b),
                Proto::Resp2 => bulk(out, b),
            },
        }
    }

    /// Convenience: the encoding as a fresh vector.
    pub fn to_bytes(&self, proto: Proto) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(proto, &mut out);
        out
    }
}

/// Formats a double as Redis 7.0's `addReplyDouble` does: `inf`, `-inf`, `nan`, else `%.17g`.
pub fn format_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d.is_nan() {
        // printf's text: the sign bit shows (x86's default NaN, from 0/0, is negative).
        return if d.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    format_g(d, 17)
}

/// C's `%.<precision>g` for finite doubles.
pub fn format_g(d: f64, precision: usize) -> String {
    let p = precision.max(1);
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Scientific rendering with p significant digits tells us the decimal exponent after rounding.
    let sci = format!("{:.*e}", p - 1, d);
    let (mantissa, exp) = sci.split_once('e').expect("exponent present");
    let exp: i32 = exp.parse().expect("valid exponent");
    if exp < -4 || exp >= p as i32 {
        let mantissa = trim_fraction_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", mantissa, sign, exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        trim_fraction_zeros(&format!("{:.*}", decimals, d)).to_string()
    }
}

fn trim_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A one-line reply (`+`, `-`, `(`). CR or LF inside would end the line early and let the
/// rest be read as further replies, so they go out as spaces (what Redis's reply functions
/// make of them); the constructors already clean what they can.
fn line(out: &mut Vec<u8>, tag: u8, text: &[u8]) {
    out.push(tag);
    if text.iter().any(|&c| c == b'\r' || c == b'\n') {
        out.extend(
            text.iter()
                .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }),
        );
    } else {
        out.extend_from_slice(text);
    }
    out.extend_from_slice(b"\r\n");
}

fn int_line(out: &mut Vec<u8>, tag: u8, n: i64) {
    out.push(tag);
    push_decimal(out, n);
    out.extend_from_slice(b"\r\n");
}

fn bulk(out: &mut Vec<u8>, b: &[u8]) {
    int_line(out, b'$', b.len() as i64);
    out.extend_from_slice(b);
    out.extend_from_slice(b"\r\n");
}

/// Appends a bulk string's header (`$<len>\r\n`), for callers that append the body
/// themselves (a value encoded straight from storage).
pub fn bulk_header(out: &mut Vec<u8>, len: usize) {
    int_line(out, b'$', len as i64);
}

/// "00" to "99": two digits per division, half the dependent divisions of one per digit.
const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends the decimal digits of `n` without going through `fmt` or allocating: every
/// integer reply (INCR, LPUSH, SADD...) and every bulk length passes here.
pub fn push_decimal(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n.unsigned_abs();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + v as u8;
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_fmt() {
        let mut values = vec![0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, i64::MAX, i64::MIN];
        let mut p: i64 = 1;
        while let Some(next) = p.checked_mul(10) {
            values.extend([p - 1, p, p + 1, next / 2]);
            p = next;
        }
        values.extend((0..10_000).map(|i| i * 7919));
        for v in values.iter().flat_map(|&v| [v, v.saturating_neg()]) {
            let mut out = Vec::new();
            push_decimal(&mut out, v);
            assert_eq!(out, v.to_string().into_bytes());
        }
    }

    #[test]
    fn percent_g_matches_c() {
        assert_eq!(format_g(1.5, 17), "1.5");
        assert_eq!(format_g(0.1, 17), "0.10000000000000001");
        assert_eq!(format_g(1e20, 17), "1e+20");
        assert_eq!(format_g(123456789.0, 17), "123456789");
        assert_eq!(format_g(1e-5, 17), "1.0000000000000001e-05");
        assert_eq!(format_g(-2.0, 17), "-2");
        assert_eq!(format_g(3.0, 17), "3");
    }

    #[test]
    fn encodes_per_protocol() {
        let m = Reply::Map(vec![(Reply::bulk("a"), Reply::Int(1))]);
        assert_eq!(m.to_bytes(Proto::Resp2), b"*2\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(m.to_bytes(Proto::Resp3), b"%1\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(Reply::Nil.to_bytes(Proto::Resp2), b"$-1\r\n");
        assert_eq!(Reply::NilArray.to_bytes(Proto::Resp3), b"_\r\n");
        let items = [&b"a"[..], b"", b"xyz"];
        let encoded = Reply::bulk_array(3, items.iter().copied());
        assert_eq!(
            encoded.to_bytes(Proto::Resp2),
            b"*3\r\n$1\r\na\r\n$0\r\n\r\n$3\r\nxyz\r\n"
        );
        match encoded.decoded() {
            Reply::Array(v) => assert_eq!(v.len(), 3),
            other => panic!("{other:?}"),
        }
        assert_eq!(Reply::Double(1.5).to_bytes(Proto::Resp2), b"$3\r\n1.5\r\n");
        assert_eq!(
            Reply::Double(f64::INFINITY).to_bytes(Proto::Resp3),
            b",inf\r\n"
        );
        assert_eq!(Reply::Int(-42).to_bytes(Proto::Resp2), b":-42\r\n");
    }

    #[test]
    fn one_line_replies_never_carry_a_line_break() {
        for proto in [Proto::Resp2, Proto::Resp3] {
            let simple = Reply::Simple(Bytes::from_static(b"a\r\n+X"));
            assert_eq!(simple.to_bytes(proto), b"+a  +X\r\n");
            let err = Reply::Error(Bytes::from_static(b"ERR a\nb"));
            assert_eq!(err.to_bytes(proto), b"-ERR a b\r\n");
        }
        let big = Reply::BigNumber(Bytes::from_static(b"12\r\n+X"));
        assert_eq!(big.to_bytes(Proto::Resp3), b"(12  +X\r\n");
        // As a bulk in RESP2 the length frames it: the bytes stay.
        assert_eq!(big.to_bytes(Proto::Resp2), b"$6\r\n12\r\n+X\r\n");
        let verbatim = Reply::Verbatim(*b"a\r\n", Bytes::from_static(b"x"));
        assert_eq!(verbatim.to_bytes(Proto::Resp3), b"=5\r\na\r\n:x\r\n");
    }

    #[test]
    fn nan_shows_its_sign_as_printf_does() {
        assert_eq!(format_double(f64::NAN), "nan");
        assert_eq!(format_double(-f64::NAN), "-nan");
        assert_eq!(
            Reply::Double(-f64::NAN).to_bytes(Proto::Resp3),
            b",-nan\r\n"
        );
    }
}
