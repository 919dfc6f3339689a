//! What the reference model expects a reply to be, and the comparison with the real reply
//! (parsed from the engine's RESP bytes).

use bytes::Bytes;
use resp::Frame;

#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// Exactly this frame.
    Exact(Frame),
    /// An array with these elements in any order (SMEMBERS).
    Unordered(Vec<Frame>),
    /// A flat array of pairs in any pair order (HGETALL).
    Pairs(Vec<(Frame, Frame)>),
    /// A RESP3 set with these elements (SMEMBERS to a RESP3 client).
    UnorderedSet(Vec<Frame>),
    /// A RESP3 map with these pairs in any order (HGETALL to a RESP3 client).
    Map(Vec<(Frame, Frame)>),
    /// An array whose elements match one by one (EXEC).
    Array(Vec<Expect>),
    /// The client parks: no reply now.
    Blocked,
    /// Not checked.
    Any,
    /// The reply is already known to be wrong, for this reason (an illegal random pick).
    Bad(String),
}

pub fn bulk(b: &[u8]) -> Frame {
    Frame::Bulk(Bytes::copy_from_slice(b))
}

pub fn int(n: i64) -> Expect {
    Expect::Exact(Frame::Integer(n))
}

pub fn ok() -> Expect {
    Expect::Exact(Frame::Simple(Bytes::from_static(b"OK")))
}

pub fn err(text: &str) -> Expect {
    Expect::Exact(Frame::Error(Bytes::copy_from_slice(text.as_bytes())))
}

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
pub const NOT_INT: &str = "ERR value is not an integer or out of range";

pub fn wrongtype() -> Expect {
    err(WRONGTYPE)
}

pub fn nil() -> Expect {
    Expect::Exact(Frame::NullBulk)
}

pub fn bulk_or_nil(b: Option<&[u8]>) -> Expect {
    Expect::Exact(b.map_or(Frame::NullBulk, bulk))
}

pub fn array<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Expect {
    Expect::Exact(Frame::Array(items.into_iter().map(bulk).collect()))
}

/// A score as Redis prints it (`%.17g`; the simulator only uses scores that print exactly).
pub fn score(s: f64) -> Frame {
    if s == s.trunc() && s.abs() < 1e15 {
        bulk(format!("{}", s as i64).as_bytes())
    } else {
        bulk(format!("{s}").as_bytes())
    }
}

fn sort_key(f: &Frame) -> Vec<u8> {
    format!("{f:?}").into_bytes()
}

impl Expect {
    /// True when `got` satisfies the expectation.
    pub fn matches(&self, got: &Frame) -> bool {
        match self {
            Expect::Exact(f) => f == got,
            Expect::Any => true,
            Expect::Blocked | Expect::Bad(_) => false,
            Expect::Unordered(want) => match got {
                Frame::Array(items) => {
                    let mut a: Vec<Vec<u8>> = want.iter().map(sort_key).collect();
                    let mut b: Vec<Vec<u8>> = items.iter().map(sort_key).collect();
                    a.sort();
                    b.sort();
                    a == b
                }
                _ => false,
            },
            Expect::UnorderedSet(want) => match got {
                Frame::Set(items) => {
                    Expect::Unordered(want.clone()).matches(&Frame::Array(items.clone()))
                }
                _ => false,
            },
            Expect::Map(want) => match got {
                Frame::Map(pairs) => {
                    let flat = pairs.iter().flat_map(|(k, v)| [k.clone(), v.clone()]);
                    Expect::Pairs(want.clone()).matches(&Frame::Array(flat.collect()))
                }
                _ => false,
            },
            Expect::Pairs(want) => match got {
                Frame::Array(items) if items.len() % 2 == 0 => {
                    let mut a: Vec<_> = want
                        .iter()
                        .map(|(k, v)| (sort_key(k), sort_key(v)))
                        .collect();
                    let mut b: Vec<_> = items
                        .chunks(2)
                        .map(|p| (sort_key(&p[0]), sort_key(&p[1])))
                        .collect();
                    a.sort();
                    b.sort();
                    a == b
                }
                _ => false,
            },
            Expect::Array(want) => match got {
                Frame::Array(items) => {
                    items.len() == want.len() && want.iter().zip(items).all(|(w, g)| w.matches(g))
                }
                _ => false,
            },
        }
    }
}
