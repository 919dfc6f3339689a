//! A generic RESP2/RESP3 value, as a client reads server replies.
//!
//! Used by test clients and property tests, so it is strict (it rejects what a correct
//! server never sends) and safe on hostile input: nesting depth and declared sizes are
//! bounded, and nothing is allocated by a declared size beyond a small cap.

use crate::reply::format_double;
use crate::request::parse_i64;
use bytes::Bytes;
use std::fmt;

/// Deepest nesting of aggregates (and attributes) accepted.
pub const MAX_DEPTH: usize = 128;
/// Largest bulk, blob error or verbatim string accepted (Redis's default
/// `proto-max-bulk-len`).
pub const MAX_BULK: i64 = 512 * 1024 * 1024;
/// Largest aggregate count accepted.
pub const MAX_COUNT: i64 = i32::MAX as i64;
/// Most elements allocated ahead for a declared count.
const MAX_ITEMS_AHEAD: usize = 1024;

/// One RESP value.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    /// `+text`
    Simple(Bytes),
    /// `-text`
    Error(Bytes),
    /// `:n`
    Integer(i64),
    /// `$len` data
    Bulk(Bytes),
    /// `$-1`
    NullBulk,
    /// `*-1`
    NullArray,
    /// `*n`
    Array(Vec<Frame>),
    /// `%n`, key and value frames in order.
    Map(Vec<(Frame, Frame)>),
    /// `~n`
    Set(Vec<Frame>),
    /// `,d` (`inf`, `-inf`, `nan` included)
    Double(f64),
    /// `#t` / `#f`
    Boolean(bool),
    /// `(digits`, kept as text since it may exceed any machine integer.
    BigNumber(Bytes),
    /// `=len` `fmt:text`, e.g. format `txt`.
    Verbatim { format: [u8; 3], text: Bytes },
    /// `!len` data
    BlobError(Bytes),
    /// `|n` attributes, then the value they describe.
    Attribute {
        attrs: Vec<(Frame, Frame)>,
        value: Box<Frame>,
    },
    /// `>n`
    Push(Vec<Frame>),
    /// `_`
    Null,
}

/// Why input is not valid RESP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameError(pub String);

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FrameError {}

/// Parses one frame from the start of `input`: `Ok(Some((frame, consumed)))`, `Ok(None)` when
/// the frame is not complete yet, or an error for input no valid continuation can fix.
pub fn parse_frame(input: &[u8]) -> Result<Option<(Frame, usize)>, FrameError> {
    let mut p = Parser { s: input, pos: 0 };
    match p.value(0) {
        Ok(frame) => Ok(Some((frame, p.pos))),
        Err(Stop::Incomplete) => Ok(None),
        Err(Stop::Bad(e)) => Err(e),
    }
}

enum Stop {
    Incomplete,
    Bad(FrameError),
}

fn bad<T>(msg: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Bad(FrameError(msg.into())))
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    /// The rest of the current line, consumed with its CRLF. A lone CR or LF is an error.
    fn line(&mut self) -> Result<&'a [u8], Stop> {
        let rest = &self.s[self.pos..];
        let Some(i) = rest.iter().position(|&b| b == b'\r' || b == b'\n') else {
            return Err(Stop::Incomplete);
        };
        if rest[i] == b'\n' {
            return bad("line feed without carriage return");
        }
        match rest.get(i + 1) {
            None => Err(Stop::Incomplete),
            Some(b'\n') => {
                self.pos += i + 2;
                Ok(&rest[..i])
            }
            Some(_) => bad("carriage return without line feed"),
        }
    }

    fn int_line(&mut self) -> Result<i64, Stop> {
        let line = self.line()?;
        match parse_i64(line) {
            Some(n) => Ok(n),
            None => bad("invalid integer"),
        }
    }

    /// A length-prefixed payload after its `<tag>len` line; `Ok(None)` for `-1`.
    fn blob(&mut self, allow_null: bool) -> Result<Option<Bytes>, Stop> {
        let n = self.int_line()?;
        if n == -1 && allow_null {
            return Ok(None);
        }
        if !(0..=MAX_BULK).contains(&n) {
            return bad("invalid bulk length");
        }
        let n = usize::try_from(n).or_else(|_| bad("invalid bulk length"))?;
        let rest = &self.s[self.pos..];
        if rest.len() < n.saturating_add(2) {
            return Err(Stop::Incomplete);
        }
        if &rest[n..n + 2] != b"\r\n" {
            return bad("bulk data not followed by CRLF");
        }
        self.pos += n + 2;
        Ok(Some(Bytes::copy_from_slice(&rest[..n])))
    }

    /// An aggregate count; `Ok(None)` for `-1` where allowed.
    fn count(&mut self, allow_null: bool) -> Result<Option<usize>, Stop> {
        let n = self.int_line()?;
        if n == -1 && allow_null {
            return Ok(None);
        }
        if !(0..=MAX_COUNT).contains(&n) {
            return bad("invalid aggregate length");
        }
        usize::try_from(n)
            .map(Some)
            .or_else(|_| bad("invalid aggregate length"))
    }

    fn items(&mut self, n: usize, depth: usize) -> Result<Vec<Frame>, Stop> {
        let mut items = Vec::with_capacity(n.min(MAX_ITEMS_AHEAD));
        for _ in 0..n {
            items.push(self.value(depth + 1)?);
        }
        Ok(items)
    }

    fn pairs(&mut self, n: usize, depth: usize) -> Result<Vec<(Frame, Frame)>, Stop> {
        let mut pairs = Vec::with_capacity(n.min(MAX_ITEMS_AHEAD));
        for _ in 0..n {
            let k = self.value(depth + 1)?;
            let v = self.value(depth + 1)?;
            pairs.push((k, v));
        }
        Ok(pairs)
    }

    fn value(&mut self, depth: usize) -> Result<Frame, Stop> {
        if depth > MAX_DEPTH {
            return bad("nesting too deep");
        }
        let Some(&tag) = self.s.get(self.pos) else {
            return Err(Stop::Incomplete);
        };
        self.pos += 1;
        Ok(match tag {
            b'+' => Frame::Simple(Bytes::copy_from_slice(self.line()?)),
            b'-' => Frame::Error(Bytes::copy_from_slice(self.line()?)),
            b':' => Frame::Integer(self.int_line()?),
            b'$' => match self.blob(true)? {
                Some(b) => Frame::Bulk(b),
                None => Frame::NullBulk,
            },
            b'!' => match self.blob(false)? {
                Some(b) => Frame::BlobError(b),
                None => return bad("invalid blob error length"),
            },
            b'=' => {
                let Some(b) = self.blob(false)? else {
                    return bad("invalid verbatim length");
                };
                if b.len() < 4 || b[3] != b':' {
                    return bad("verbatim string without format");
                }
                Frame::Verbatim {
                    format: [b[0], b[1], b[2]],
                    text: b.slice(4..),
                }
            }
            b'*' => match self.count(true)? {
                Some(n) => Frame::Array(self.items(n, depth)?),
                None => Frame::NullArray,
            },
            b'~' | b'>' => {
                let Some(n) = self.count(false)? else {
                    return bad("invalid aggregate length");
                };
                let items = self.items(n, depth)?;
                if tag == b'~' {
                    Frame::Set(items)
                } else {
                    Frame::Push(items)
                }
            }
            b'%' | b'|' => {
                let Some(n) = self.count(false)? else {
                    return bad("invalid aggregate length");
                };
                let pairs = self.pairs(n, depth)?;
                if tag == b'%' {
                    Frame::Map(pairs)
                } else {
                    Frame::Attribute {
                        attrs: pairs,
                        value: Box::new(self.value(depth + 1)?),
                    }
                }
            }
            b',' => Frame::Double(parse_double(self.line()?)?),
            b'#' => match self.line()? {
                b"t" => Frame::Boolean(true),
                b"f" => Frame::Boolean(false),
                _ => return bad("invalid boolean"),
            },
            b'(' => {
                let line = self.line()?;
                let digits = line.strip_prefix(b"-").unwrap_or(line);
                if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                    return bad("invalid big number");
                }
                Frame::BigNumber(Bytes::copy_from_slice(line))
            }
            b'_' => {
                if !self.line()?.is_empty() {
                    return bad("invalid null");
                }
                Frame::Null
            }
            other => return bad(format!("unknown type byte 0x{other:02x}")),
        })
    }
}

/// A RESP3 double: `inf`, `-inf`, `nan`, or a decimal number.
fn parse_double(line: &[u8]) -> Result<f64, Stop> {
    let text = std::str::from_utf8(line).or_else(|_| bad("invalid double"))?;
    match text {
        "inf" => Ok(f64::INFINITY),
        "-inf" => Ok(f64::NEG_INFINITY),
        "nan" => Ok(f64::NAN),
        _ if text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) =>
        {
            text.parse().or_else(|_| bad("invalid double"))
        }
        _ => bad("invalid double"),
    }
}

impl Frame {
    /// Appends the wire encoding. Simple strings, errors and big numbers must not contain
    /// CR or LF (the encoder does not check; the parser does).
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Simple(s) => line(out, b'+', s),
            Frame::Error(s) => line(out, b'-', s),
            Frame::Integer(n) => line(out, b':', n.to_string().as_bytes()),
            Frame::Bulk(b) => blob(out, b'$', b),
            Frame::NullBulk => out.extend_from_slice(b"$-1\r\n"),
            Frame::NullArray => out.extend_from_slice(b"*-1\r\n"),
            Frame::Array(items) => aggregate(out, b'*', items),
            Frame::Set(items) => aggregate(out, b'~', items),
            Frame::Push(items) => aggregate(out, b'>', items),
            Frame::Map(pairs) => map(out, b'%', pairs),
            Frame::Attribute { attrs, value } => {
                map(out, b'|', attrs);
                value.encode(out);
            }
            Frame::Double(d) => line(out, b',', format_double(*d).as_bytes()),
            Frame::Boolean(b) => out.extend_from_slice(if *b { b"#t\r\n" } else { b"#f\r\n" }),
            Frame::BigNumber(b) => line(out, b'(', b),
            Frame::Verbatim { format, text } => {
                line(out, b'=', (text.len() + 4).to_string().as_bytes());
                out.extend_from_slice(format);
                out.push(b':');
                out.extend_from_slice(text);
                out.extend_from_slice(b"\r\n");
            }
            Frame::BlobError(b) => blob(out, b'!', b),
            Frame::Null => out.extend_from_slice(b"_\r\n"),
        }
    }

    /// Convenience: the encoding as a fresh vector.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

fn line(out: &mut Vec<u8>, tag: u8, text: &[u8]) {
    out.push(tag);
    out.extend_from_slice(text);
    out.extend_from_slice(b"\r\n");
}

fn blob(out: &mut Vec<u8>, tag: u8, data: &[u8]) {
    line(out, tag, data.len().to_string().as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

fn aggregate(out: &mut Vec<u8>, tag: u8, items: &[Frame]) {
    line(out, tag, items.len().to_string().as_bytes());
    for item in items {
        item.encode(out);
    }
}

fn map(out: &mut Vec<u8>, tag: u8, pairs: &[(Frame, Frame)]) {
    line(out, tag, pairs.len().to_string().as_bytes());
    for (k, v) in pairs {
        k.encode(out);
        v.encode(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::{Proto, Reply};

    fn parse_all(input: &[u8]) -> Frame {
        let (frame, used) = parse_frame(input).unwrap().unwrap();
        assert_eq!(used, input.len());
        frame
    }

    #[test]
    fn parses_every_type() {
        assert_eq!(
            parse_all(b"+OK\r\n"),
            Frame::Simple(Bytes::from_static(b"OK"))
        );
        assert_eq!(
            parse_all(b"-ERR x\r\n"),
            Frame::Error(Bytes::from_static(b"ERR x"))
        );
        assert_eq!(parse_all(b":-7\r\n"), Frame::Integer(-7));
        assert_eq!(parse_all(b"$0\r\n\r\n"), Frame::Bulk(Bytes::new()));
        assert_eq!(parse_all(b"$-1\r\n"), Frame::NullBulk);
        assert_eq!(parse_all(b"*-1\r\n"), Frame::NullArray);
        assert_eq!(parse_all(b"_\r\n"), Frame::Null);
        assert_eq!(parse_all(b"#t\r\n"), Frame::Boolean(true));
        assert_eq!(parse_all(b",-inf\r\n"), Frame::Double(f64::NEG_INFINITY));
        assert!(matches!(parse_all(b",nan\r\n"), Frame::Double(d) if d.is_nan()));
        assert_eq!(
            parse_all(b"(-123456789012345678901234567890\r\n"),
            Frame::BigNumber(Bytes::from_static(b"-123456789012345678901234567890"))
        );
        assert_eq!(
            parse_all(b"=8\r\ntxt:abcd\r\n"),
            Frame::Verbatim {
                format: *b"txt",
                text: Bytes::from_static(b"abcd")
            }
        );
        assert_eq!(
            parse_all(b"|1\r\n+k\r\n:1\r\n>1\r\n_\r\n"),
            Frame::Attribute {
                attrs: vec![(Frame::Simple(Bytes::from_static(b"k")), Frame::Integer(1))],
                value: Box::new(Frame::Push(vec![Frame::Null])),
            }
        );
    }

    #[test]
    fn incomplete_and_invalid() {
        for partial in [
            &b""[..],
            b"+OK",
            b"+OK\r",
            b"$5\r\nab",
            b"*2\r\n:1\r\n",
            b"%1\r\n:1\r\n",
        ] {
            assert_eq!(parse_frame(partial), Ok(None), "{partial:?}");
        }
        for bad in [
            &b"+a\nb\r\n"[..],
            b"+a\rb\r\n",
            b":01\r\n",
            b":+1\r\n",
            b"$-2\r\n",
            b"$3\r\nabcd\r\n",
            b"*-2\r\n",
            b"%-1\r\n",
            b"#x\r\n",
            b"(1a\r\n",
            b"=3\r\ntxt\r\n",
            b"_x\r\n",
            b"$?\r\n",
            b"@\r\n",
            b",1x\r\n",
        ] {
            assert!(parse_frame(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = b"*1\r\n".repeat(MAX_DEPTH + 1);
        assert!(parse_frame(&[deep.as_slice(), b":1\r\n"].concat()).is_err());
        let ok = b"*1\r\n".repeat(MAX_DEPTH);
        assert!(parse_frame(&[ok.as_slice(), b":1\r\n"].concat())
            .unwrap()
            .is_some());
    }

    #[test]
    fn huge_declared_sizes_allocate_nothing() {
        assert_eq!(parse_frame(b"*2147483647\r\n"), Ok(None));
        assert_eq!(parse_frame(b"$536870912\r\n"), Ok(None));
        assert!(parse_frame(b"*2147483648\r\n").is_err());
        assert!(parse_frame(b"$536870913\r\n").is_err());
    }

    #[test]
    fn reads_what_reply_encodes() {
        let reply = Reply::Map(vec![(Reply::bulk("a"), Reply::Double(1.5))]);
        let frame = parse_all(&reply.to_bytes(Proto::Resp3));
        assert_eq!(
            frame,
            Frame::Map(vec![(
                Frame::Bulk(Bytes::from_static(b"a")),
                Frame::Double(1.5)
            )])
        );
        let frame = parse_all(&reply.to_bytes(Proto::Resp2));
        assert_eq!(
            frame,
            Frame::Array(vec![
                Frame::Bulk(Bytes::from_static(b"a")),
                Frame::Bulk(Bytes::from_static(b"1.5"))
            ])
        );
    }
}
