//! A fast non-cryptographic hasher for maps whose keys a client cannot pick to collide:
//! connection ids, and the fixed command-name table (an unknown name only probes it,
//! never inserts). Maps keyed by client-chosen bytes (keys, channels) keep SipHash, which
//! resists collision flooding.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hashing, one 64-bit word at a time.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

/// An odd constant with well-mixed bits (the golden ratio's, as Knuth's multiplicative hash).
const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    /// The product's best bits are the high ones; hash tables index by the low ones.
    #[inline]
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

pub type FastBuild = BuildHasherDefault<FastHasher>;
/// A map keyed by connection id.
pub type IdMap<V> = HashMap<u64, V, FastBuild>;
/// A set of connection ids.
pub type IdSet = HashSet<u64, FastBuild>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn sequential_ids_spread_over_low_and_high_bits() {
        let b = FastBuild::default();
        let mut low = HashSet::new();
        let mut high = HashSet::new();
        for id in 1..=1024u64 {
            let h = b.hash_one(id);
            low.insert(h & 1023);
            high.insert(h >> 57);
        }
        assert!(low.len() > 600, "low bits cluster: {}", low.len());
        assert_eq!(high.len(), 128, "top 7 bits should take every value");
    }

    #[test]
    fn byte_strings_differ_by_length_and_content() {
        let b = FastBuild::default();
        assert_ne!(b.hash_one(b"get".as_slice()), b.hash_one(b"set".as_slice()));
        assert_ne!(b.hash_one(b"a".as_slice()), b.hash_one(b"a\0".as_slice()));
    }
}
