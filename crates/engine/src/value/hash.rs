//! Hash values in Redis 7.0's two encodings: `listpack` (a small vector of field/value pairs in
//! insertion order) and `hashtable` (a `Dict`, with real SCAN cursors). A listpack converts
//! once it holds more than `hash-max-listpack-entries` fields or is given a field or value
//! longer than `hash-max-listpack-value`; it never converts back.

use super::pairpack::PairPack;
use crate::dict::Dict;

type Bytes = Box<[u8]>;

#[derive(Clone, Debug)]
pub enum Hash {
    /// Field/value pairs in insertion order, packed in one buffer (Redis's `listpack`).
    Listpack(PairPack),
    /// Redis's `hashtable` (boxed: a small hash should not carry a table header).
    Table(Box<Dict<Bytes, Bytes>>),
}

/// The two thresholds that decide the encoding.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_entries: u64,
    pub max_value: u64,
}

/// Equal when the encodings match and so do the contents; listpacks also in order (HGETALL
/// shows it), hash tables in any order.
impl PartialEq for Hash {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Hash::Listpack(a), Hash::Listpack(b)) => a == b,
            (Hash::Table(a), Hash::Table(b)) => {
                a.len() == b.len() && a.iter().all(|(f, v)| b.get(f) == Some(v))
            }
            _ => false,
        }
    }
}

impl Default for Hash {
    fn default() -> Self {
        Hash::Listpack(PairPack::default())
    }
}

impl Hash {
    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(v) => v.len(),
            Hash::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Table(_) => "hashtable",
        }
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match self {
            Hash::Listpack(p) => p.get(field),
            Hash::Table(d) => d.get(field).map(|v| &v[..]),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Converts when `field` or `value` is too long for a listpack (Redis checks the
    /// arguments before inserting them).
    pub fn fit_lengths(&mut self, lens: impl IntoIterator<Item = usize>, limits: Limits) {
        if matches!(self, Hash::Listpack(_))
            && lens.into_iter().any(|l| l as u64 > limits.max_value)
        {
            self.convert();
        }
    }

    /// Sets a field (replacing in place when present); returns true when the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8], limits: Limits) -> bool {
        self.fit_lengths([field.len(), value.len()], limits);
        match self {
            Hash::Listpack(p) => {
                if !p.set(field, value) {
                    return false;
                }
                if p.len() as u64 > limits.max_entries {
                    self.convert();
                }
                true
            }
            Hash::Table(d) => d.insert(field.into(), value.into()).is_none(),
        }
    }

    /// Removes a field; returns true when it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(p) => p.remove(field),
            Hash::Table(d) => d.remove(field).is_some(),
        }
    }

    fn convert(&mut self) {
        if let Hash::Listpack(p) = self {
            let mut d = Dict::new();
            for (f, val) in p.iter() {
                d.insert(f.into(), val.into());
            }
            *self = Hash::Table(Box::new(d));
        }
    }

    /// Pairs in encoding order: insertion order for listpacks, bucket order for tables.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&[u8], &[u8])> + '_> {
        match self {
            Hash::Listpack(p) => Box::new(p.iter()),
            Hash::Table(d) => Box::new(d.iter().map(|(f, v)| (&f[..], &v[..]))),
        }
    }

    /// One random pair.
    pub fn random(&self, rng: &mut impl FnMut() -> u64) -> Option<(&[u8], &[u8])> {
        match self {
            Hash::Listpack(p) if !p.is_empty() => p.nth((rng() % p.len() as u64) as usize),
            Hash::Listpack(_) => None,
            Hash::Table(d) => d.fair_random_entry(rng).map(|(f, v)| (&f[..], &v[..])),
        }
    }

    /// `count` distinct random pairs (all of them, in order, when `count >= len`).
    pub fn random_distinct(
        &self,
        count: usize,
        rng: &mut impl FnMut() -> u64,
    ) -> Vec<(&[u8], &[u8])> {
        let len = self.len();
        if count >= len {
            return self.iter().collect();
        }
        if count.saturating_mul(3) <= len {
            let mut seen = std::collections::HashSet::with_capacity(count);
            let mut out = Vec::with_capacity(count);
            while out.len() < count {
                let Some(pair) = self.random(rng) else { break };
                if seen.insert(pair.0) {
                    out.push(pair);
                }
            }
            return out;
        }
        let mut all: Vec<_> = self.iter().collect();
        for i in 0..count {
            let j = i + (rng() % (len - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(count);
        all
    }

    /// The hash table, for HSCAN cursors; `None` for listpacks, answered whole.
    pub fn table(&self) -> Option<&Dict<Bytes, Bytes>> {
        match self {
            Hash::Table(d) => Some(d),
            Hash::Listpack(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const L: Limits = Limits {
        max_entries: 8,
        max_value: 10,
    };

    #[test]
    fn listpack_keeps_order_and_converts() {
        let mut h = Hash::default();
        assert!(h.set(b"b", b"1", L));
        assert!(h.set(b"a", b"2", L));
        assert!(!h.set(b"b", b"3", L));
        let got: Vec<_> = h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        assert_eq!(
            got,
            vec![
                (b"b".to_vec(), b"3".to_vec()),
                (b"a".to_vec(), b"2".to_vec())
            ]
        );
        assert_eq!(h.encoding(), "listpack");
        h.set(b"long", b"01234567890", L);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"long"), Some(&b"01234567890"[..]));
        let mut h = Hash::default();
        for i in 0..8 {
            h.set(format!("f{i}").as_bytes(), b"v", L);
        }
        assert_eq!(h.encoding(), "listpack");
        h.set(b"f8", b"v", L);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 9);
    }

    #[test]
    fn random_model() {
        let mut r = crate::rng::Rng::new(3);
        let mut rng = move || r.next_u64();
        for _ in 0..200 {
            let mut h = Hash::default();
            let mut model = BTreeMap::new();
            for _ in 0..(rng() % 40) {
                let f = format!("f{}", rng() % 20).into_bytes();
                let v = "x".repeat((rng() % 12) as usize).into_bytes();
                if rng().is_multiple_of(4) {
                    assert_eq!(h.remove(&f), model.remove(&f).is_some());
                } else {
                    assert_eq!(h.set(&f, &v, L), model.insert(f.clone(), v).is_none());
                }
                assert_eq!(h.len(), model.len());
            }
            for (f, v) in &model {
                assert_eq!(h.get(f), Some(&v[..]));
            }
            for count in [0, 1, 2, model.len() / 2, model.len(), model.len() + 3] {
                let pick = h.random_distinct(count, &mut rng);
                let uniq: std::collections::BTreeSet<_> = pick.iter().map(|p| p.0).collect();
                assert_eq!(pick.len(), count.min(model.len()));
                assert_eq!(uniq.len(), pick.len());
                for (f, v) in pick {
                    assert_eq!(model.get(f).map(|x| &x[..]), Some(v));
                }
            }
        }
    }
}
