//! Set values in Redis 7.0's two encodings: `intset` (a sorted array of integers, used while
//! every member is a canonical int64 and the count stays within `set-max-intset-entries`) and
//! `hashtable` (a `Dict` of members, with real SCAN cursors). Conversion is one-way.

use crate::dict::Dict;
use crate::util::num::{ll2string, string2ll};
use std::borrow::Cow;

/// Redis caps intsets at 2^30 entries whatever the configuration says.
const INTSET_HARD_MAX: u64 = 1 << 30;

#[derive(Clone, Debug)]
pub enum Set {
    /// Sorted, distinct integers (Redis's `intset`).
    Intset(Vec<i64>),
    /// Members as keys of a hash table (Redis's `hashtable`).
    Table(Dict<Box<[u8]>, ()>),
}

/// Equal when the encodings and the members match.
impl PartialEq for Set {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Set::Intset(a), Set::Intset(b)) => a == b,
            (Set::Table(a), Set::Table(b)) => {
                a.len() == b.len() && a.keys().all(|m| b.contains_key(m))
            }
            _ => false,
        }
    }
}

impl Set {
    /// The empty set `SADD` creates for its first member: an intset when that member is an
    /// integer, a hash table otherwise (Redis's `setTypeCreate`).
    pub fn for_first(member: &[u8]) -> Set {
        if string2ll(member).is_some() {
            Set::Intset(Vec::new())
        } else {
            Set::Table(Dict::new())
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Set::Intset(v) => v.len(),
            Set::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Set::Intset(_) => "intset",
            Set::Table(_) => "hashtable",
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match self {
            Set::Intset(v) => string2ll(member).is_some_and(|n| v.binary_search(&n).is_ok()),
            Set::Table(d) => d.contains_key(member),
        }
    }

    /// Adds a member; returns true when it was new. `max_intset` is `set-max-intset-entries`.
    pub fn add(&mut self, member: &[u8], max_intset: u64) -> bool {
        if let Set::Intset(v) = self {
            match string2ll(member) {
                Some(n) => {
                    let Err(pos) = v.binary_search(&n) else {
                        return false;
                    };
                    v.insert(pos, n);
                    if v.len() as u64 > max_intset.min(INTSET_HARD_MAX) {
                        self.convert();
                    }
                    return true;
                }
                None => self.convert(),
            }
        }
        match self {
            Set::Table(d) => {
                let (_, inserted) = d.get_or_insert_with(member, || (member.into(), ()));
                inserted
            }
            Set::Intset(_) => false,
        }
    }

    /// Removes a member; returns true when it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            Set::Intset(v) => match string2ll(member).map(|n| v.binary_search(&n)) {
                Some(Ok(pos)) => {
                    v.remove(pos);
                    true
                }
                _ => false,
            },
            Set::Table(d) => d.remove(member).is_some(),
        }
    }

    /// Turns an intset into a hash table (Redis's `setTypeConvert`).
    fn convert(&mut self) {
        if let Set::Intset(v) = self {
            let mut d = Dict::new();
            for n in v.iter() {
                d.insert(ll2string(*n).into_boxed_slice(), ());
            }
            *self = Set::Table(d);
        }
    }

    /// Members in encoding order: ascending for intsets, bucket order for hash tables.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Cow<'_, [u8]>> + '_> {
        match self {
            Set::Intset(v) => Box::new(v.iter().map(|n| Cow::Owned(ll2string(*n)))),
            Set::Table(d) => Box::new(d.keys().map(|k| Cow::Borrowed(&k[..]))),
        }
    }

    /// One uniformly chosen member (from the table's random bucket walk for hash tables).
    pub fn random(&self, rng: &mut impl FnMut() -> u64) -> Option<Vec<u8>> {
        match self {
            Set::Intset(v) if !v.is_empty() => {
                Some(ll2string(v[(rng() % v.len() as u64) as usize]))
            }
            Set::Intset(_) => None,
            Set::Table(d) => d.fair_random_entry(rng).map(|(k, _)| k.to_vec()),
        }
    }

    /// `count` distinct random members (all of them when `count >= len`).
    pub fn random_distinct(&self, count: usize, rng: &mut impl FnMut() -> u64) -> Vec<Vec<u8>> {
        let len = self.len();
        if count >= len {
            return self.iter().map(|m| m.into_owned()).collect();
        }
        if count.saturating_mul(3) <= len {
            // Few of many: draw until enough distinct ones (expected O(count) draws).
            let mut seen = std::collections::HashSet::with_capacity(count);
            let mut out = Vec::with_capacity(count);
            while out.len() < count {
                let Some(m) = self.random(rng) else { break };
                if seen.insert(m.clone()) {
                    out.push(m);
                }
            }
            return out;
        }
        // Most of them: partial Fisher-Yates over all members.
        let mut all: Vec<Vec<u8>> = self.iter().map(|m| m.into_owned()).collect();
        for i in 0..count {
            let j = i + (rng() % (len - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(count);
        all
    }

    /// Hash-table SCAN step; `None` for intsets, which SSCAN answers whole.
    pub fn table(&self) -> Option<&Dict<Box<[u8]>, ()>> {
        match self {
            Set::Table(d) => Some(d),
            Set::Intset(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn rng(seed: u64) -> impl FnMut() -> u64 {
        let mut r = crate::rng::Rng::new(seed);
        move || r.next_u64()
    }

    #[test]
    fn intset_stays_sorted_and_converts() {
        let mut s = Set::for_first(b"5");
        for m in [&b"5"[..], b"-3", b"10", b"5"] {
            s.add(m, 4);
        }
        assert_eq!(s.encoding(), "intset");
        let got: Vec<_> = s.iter().map(|m| m.into_owned()).collect();
        assert_eq!(got, vec![b"-3".to_vec(), b"5".to_vec(), b"10".to_vec()]);
        s.add(b"7", 4);
        assert_eq!(s.encoding(), "intset");
        s.add(b"8", 4);
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 5);
        assert!(s.contains(b"-3") && s.contains(b"8") && !s.contains(b"9"));
    }

    #[test]
    fn non_canonical_integers_are_strings() {
        let mut s = Set::for_first(b"1");
        s.add(b"1", 512);
        assert!(!s.contains(b"01"));
        s.add(b"01", 512);
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"1") && s.contains(b"01"));
        assert_eq!(Set::for_first(b"a").encoding(), "hashtable");
        assert_eq!(
            Set::for_first(b"9223372036854775808").encoding(),
            "hashtable"
        );
    }

    #[test]
    fn random_model() {
        let mut r = rng(7);
        for round in 0..200u64 {
            let mut s = Set::for_first(b"0");
            let mut model = BTreeSet::new();
            for _ in 0..(r() % 60) {
                let m = if round % 2 == 0 {
                    (r() % 40).to_string().into_bytes()
                } else {
                    format!("m{}", r() % 40).into_bytes()
                };
                if r().is_multiple_of(3) {
                    assert_eq!(s.remove(&m), model.remove(&m));
                } else {
                    assert_eq!(s.add(&m, 16), model.insert(m.clone()));
                }
                assert_eq!(s.len(), model.len());
            }
            let got: BTreeSet<_> = s.iter().map(|m| m.into_owned()).collect();
            assert_eq!(got, model);
            for count in [0, 1, 3, model.len() / 2, model.len(), model.len() + 5] {
                let pick = s.random_distinct(count, &mut r);
                let uniq: BTreeSet<_> = pick.iter().cloned().collect();
                assert_eq!(pick.len(), count.min(model.len()));
                assert_eq!(uniq.len(), pick.len());
                assert!(uniq.is_subset(&model));
            }
        }
    }
}
