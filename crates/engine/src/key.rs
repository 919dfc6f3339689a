//! Keyspace keys: short keys live inside the dict node, longer ones in their own allocation.
//!
//! Most keys are short (`user:1000`, `key:000000012345`). Keeping up to 22 bytes inline makes
//! a key 24 bytes instead of a 16-byte pointer plus a heap block, so a string entry's node
//! still fits the allocator's 64-byte class while the separate key allocation, and the cache
//! miss of following it on every lookup, are gone.

use std::fmt;
use std::ops::Deref;

/// Longest key stored inline.
pub const INLINE_MAX: usize = 22;

#[derive(Clone)]
pub enum Key {
    Inline { len: u8, bytes: [u8; INLINE_MAX] },
    Heap(Box<[u8]>),
}

impl Key {
    /// Bytes allocated outside the 24-byte key itself (a long key's block).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Key::Inline { .. } => 0,
            Key::Heap(b) => b.len(),
        }
    }

    pub fn as_slice(&self) -> &[u8] {
        match self {
            Key::Inline { len, bytes } => &bytes[..*len as usize],
            Key::Heap(b) => b,
        }
    }
}

impl From<&[u8]> for Key {
    fn from(key: &[u8]) -> Key {
        if key.len() <= INLINE_MAX {
            let mut bytes = [0u8; INLINE_MAX];
            bytes[..key.len()].copy_from_slice(key);
            Key::Inline {
                len: key.len() as u8,
                bytes,
            }
        } else {
            Key::Heap(key.into())
        }
    }
}

impl Deref for Key {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for Key {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl std::borrow::Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.as_slice()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_inline_and_round_trip() {
        assert_eq!(std::mem::size_of::<Key>(), 24);
        for len in [0, 1, 16, INLINE_MAX, INLINE_MAX + 1, 100] {
            let bytes: Vec<u8> = (0..len as u8).collect();
            let key = Key::from(bytes.as_slice());
            assert_eq!(&*key, bytes.as_slice());
            assert_eq!(matches!(key, Key::Inline { .. }), len <= INLINE_MAX);
        }
        assert_eq!(Key::from(&b"a"[..]), Key::from(&b"a"[..]));
        assert!(Key::from(&b"a"[..]) < Key::from(&b"b"[..]));
    }
}
