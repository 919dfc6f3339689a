//! Stored values. Strings keep Redis's three encodings (`int`, `embstr`, `raw`) because
//! `OBJECT ENCODING` reports them and because integers are stored without a heap buffer.

use std::borrow::Cow;

pub mod hash;
pub mod list;
pub mod memory;
pub mod pairpack;
pub mod scorepack;
pub mod set;
pub mod skiplist;
pub mod varint;

pub use memory::sampled;
pub mod zset;

/// Longest string Redis stores with the `embstr` encoding.
pub const EMBSTR_MAX: usize = 44;

/// Longest `embstr` kept inside the value itself: 14 bytes and a length fit in the 16 bytes
/// beside a `Vec`'s capacity, so `RString` stays 24 bytes (checked in a test) and short
/// values need no allocation of their own.
pub const SMALL_MAX: usize = 14;

/// A string value in one of Redis's encodings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RString {
    /// An integer that prints back to exactly the bytes it was set from.
    Int(i64),
    /// A string of at most `SMALL_MAX` bytes stored as given, inline (Redis's `embstr`).
    Small { len: u8, bytes: [u8; SMALL_MAX] },
    /// A short string that was stored as given (Redis's `embstr`).
    Emb(Box<[u8]>),
    /// A string that was modified in place or is long (Redis's `raw`).
    Raw(Vec<u8>),
}

impl RString {
    /// The value as `SET` stores it: Redis's `tryObjectEncoding`.
    pub fn from_set(bytes: &[u8]) -> RString {
        if bytes.len() <= 20 {
            if let Some(n) = crate::util::num::string2ll(bytes) {
                return RString::Int(n);
            }
        }
        Self::plain(bytes)
    }

    /// A string object created without integer encoding (e.g. INCRBYFLOAT's result).
    pub fn plain(bytes: &[u8]) -> RString {
        if bytes.len() <= SMALL_MAX {
            let mut inline = [0u8; SMALL_MAX];
            inline[..bytes.len()].copy_from_slice(bytes);
            RString::Small {
                len: bytes.len() as u8,
                bytes: inline,
            }
        } else if bytes.len() <= EMBSTR_MAX {
            RString::Emb(bytes.into())
        } else {
            RString::Raw(bytes.to_vec())
        }
    }

    /// Appends the value as a RESP bulk string, formatting integers in place.
    pub fn encode_bulk(&self, out: &mut Vec<u8>) {
        resp::reply::bulk_header(out, self.len());
        match self {
            RString::Int(n) => resp::reply::push_decimal(out, *n),
            RString::Small { len, bytes } => out.extend_from_slice(&bytes[..*len as usize]),
            RString::Emb(b) => out.extend_from_slice(b),
            RString::Raw(b) => out.extend_from_slice(b),
        }
        out.extend_from_slice(b"\r\n");
    }

    pub fn as_bytes(&self) -> Cow<'_, [u8]> {
        match self {
            RString::Int(n) => Cow::Owned(n.to_string().into_bytes()),
            RString::Small { len, bytes } => Cow::Borrowed(&bytes[..*len as usize]),
            RString::Emb(b) => Cow::Borrowed(b),
            RString::Raw(b) => Cow::Borrowed(b),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            RString::Int(n) => crate::util::num::i64_len(*n),
            RString::Small { len, .. } => *len as usize,
            RString::Emb(b) => b.len(),
            RString::Raw(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The buffer for an in-place edit (APPEND, SETRANGE, SETBIT): the value becomes `raw`.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, RString::Raw(_)) {
            let bytes = self.as_bytes().into_owned();
            *self = RString::Raw(bytes);
        }
        match self {
            RString::Raw(v) => v,
            _ => unreachable!("just converted to raw"),
        }
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            RString::Int(_) => "int",
            RString::Small { .. } | RString::Emb(_) => "embstr",
            RString::Raw(_) => "raw",
        }
    }
}

/// A value stored under a key.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(RString),
    // Collections are boxed so a keyspace entry stays small (a string key pays for
    // neither a hash table nor a list header).
    List(Box<list::List>),
    Hash(Box<hash::Hash>),
    Set(Box<set::Set>),
    ZSet(Box<zset::ZSet>),
}

impl Value {
    /// The name `TYPE` reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding(),
            Value::List(_) => "quicklist",
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
        }
    }
}

/// A keyspace entry: the value and its last access time (seconds, for `OBJECT IDLETIME`).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub value: Value,
    pub lru_secs: u32,
    /// A small integer that is its own object rather than Redis's shared one (COPY makes
    /// these), so OBJECT REFCOUNT answers 1 as Redis does.
    pub unshared: bool,
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    #[test]
    fn short_strings_are_inline_without_growing_values() {
        assert_eq!(std::mem::size_of::<RString>(), 24);
        assert_eq!(std::mem::size_of::<Value>(), 24);
        for len in [0, 1, SMALL_MAX, SMALL_MAX + 1, EMBSTR_MAX, EMBSTR_MAX + 1] {
            let bytes = vec![b'x'; len];
            let s = RString::plain(&bytes);
            assert_eq!(&*s.as_bytes(), bytes.as_slice());
            assert_eq!(s.len(), len);
            assert_eq!(matches!(s, RString::Small { .. }), len <= SMALL_MAX);
            let want = if len <= EMBSTR_MAX { "embstr" } else { "raw" };
            assert_eq!(s.encoding(), want);
            let mut out = Vec::new();
            s.encode_bulk(&mut out);
            assert_eq!(
                out,
                [format!("${len}\r\n").as_bytes(), &bytes, b"\r\n"].concat()
            );
        }
    }
}
