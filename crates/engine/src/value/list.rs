//! List values. Redis 7.0 stores every list as a quicklist (`OBJECT ENCODING` says so); we keep
//! a ring buffer of compact elements instead: O(1) push and pop at both ends, O(1) indexing,
//! and no heap allocation for short elements (most list items are ids, numbers or short
//! words), which keeps small lists close to a listpack's footprint.

use std::collections::VecDeque;

// One list element: its bytes inline up to 22 bytes, boxed beyond; 24 bytes either way. The
// same compact layout as keyspace keys, so it is that type.
use crate::key::Key as Elem;

/// Which end of a list an operation works on (Redis's LIST_HEAD / LIST_TAIL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Left,
    Right,
}

impl End {
    pub fn name(self) -> &'static [u8] {
        match self {
            End::Left => b"LEFT",
            End::Right => b"RIGHT",
        }
    }
}

/// A list value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct List {
    items: VecDeque<Elem>,
}

/// Inclusive index range of `len` items that Redis's range arguments select (LRANGE, LTRIM):
/// negative indexes count from the end; `None` when the range is empty.
pub fn normalize_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let mut start = if start < 0 { len + start } else { start };
    let mut end = if end < 0 { len + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= len {
        return None;
    }
    if end >= len {
        end = len - 1;
    }
    Some((start as usize, end as usize))
}

impl List {
    pub fn new() -> List {
        List::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Bytes allocated for the list: its ring buffer, plus the blocks of long elements,
    /// measured on the first `samples` elements and scaled to all (MEMORY USAGE).
    pub fn heap_bytes(&self, samples: usize) -> usize {
        let ring = self.items.capacity() * std::mem::size_of::<Elem>();
        ring + super::sampled(
            self.items.iter().map(|e| e.heap_bytes()),
            self.len(),
            samples,
        )
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn push(&mut self, end: End, bytes: &[u8]) {
        let e = Elem::from(bytes);
        match end {
            End::Left => self.items.push_front(e),
            End::Right => self.items.push_back(e),
        }
    }

    pub fn pop(&mut self, end: End) -> Option<Elem> {
        let e = match end {
            End::Left => self.items.pop_front(),
            End::Right => self.items.pop_back(),
        };
        self.shrink();
        e
    }

    /// Pops up to `n` elements from `end`, in pop order.
    pub fn pop_n(&mut self, end: End, n: usize) -> Vec<Elem> {
        let n = n.min(self.items.len());
        let out: Vec<Elem> = match end {
            End::Left => self.items.drain(..n).collect(),
            End::Right => {
                let at = self.items.len() - n;
                self.items.drain(at..).rev().collect()
            }
        };
        self.shrink();
        out
    }

    /// Gives memory back once a list has shrunk well below its allocation.
    fn shrink(&mut self) {
        let cap = self.items.capacity();
        if cap > 64 && self.items.len() * 4 < cap {
            self.items.shrink_to(self.items.len() * 2);
        }
    }

    /// Position of a Redis index (negative: from the end), if inside the list.
    fn position(&self, index: i64) -> Option<usize> {
        let len = self.items.len() as i64;
        let i = if index < 0 {
            len.checked_add(index)?
        } else {
            index
        };
        (0..len).contains(&i).then_some(i as usize)
    }

    /// LINDEX: the element at a Redis index.
    pub fn get(&self, index: i64) -> Option<&[u8]> {
        self.position(index).map(|i| self.items[i].as_slice())
    }

    /// LSET: replaces the element at a Redis index; false when out of range.
    pub fn set(&mut self, index: i64, bytes: &[u8]) -> bool {
        match self.position(index) {
            Some(i) => {
                self.items[i] = Elem::from(bytes);
                true
            }
            None => false,
        }
    }

    /// Elements from `start` to `end` inclusive (already normalized positions).
    pub fn range(&self, start: usize, end: usize) -> impl DoubleEndedIterator<Item = &[u8]> {
        self.items.range(start..=end).map(Elem::as_slice)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        self.items.iter().map(Elem::as_slice)
    }

    /// LTRIM: keeps only the Redis range `start..=end`; returns how many were removed.
    pub fn trim(&mut self, start: i64, end: i64) -> usize {
        let len = self.items.len();
        match normalize_range(start, end, len) {
            None => {
                self.items.clear();
                self.shrink();
                len
            }
            Some((s, e)) => {
                self.items.truncate(e + 1);
                self.items.drain(..s);
                self.shrink();
                len - (e + 1 - s)
            }
        }
    }

    /// LINSERT: inserts before (or after) the first element equal to `pivot`; false when the
    /// pivot is absent.
    pub fn insert(&mut self, pivot: &[u8], after: bool, bytes: &[u8]) -> bool {
        match self.items.iter().position(|e| e.as_slice() == pivot) {
            Some(i) => {
                self.items.insert(i + after as usize, Elem::from(bytes));
                true
            }
            None => false,
        }
    }

    /// LREM: removes up to `count` elements equal to `value` (0: all; negative: scanning from
    /// the tail); returns how many were removed.
    pub fn remove(&mut self, count: i64, value: &[u8]) -> usize {
        let limit = if count == 0 {
            usize::MAX
        } else {
            count.unsigned_abs().min(usize::MAX as u64) as usize
        };
        let mut removed = 0;
        if count >= 0 {
            self.items.retain(|e| {
                if removed < limit && e.as_slice() == value {
                    removed += 1;
                    false
                } else {
                    true
                }
            });
        } else {
            // Mark from the tail, then drop the marked ones in one pass.
            let mut cut = Vec::new();
            for (i, e) in self.items.iter().enumerate().rev() {
                if removed == limit {
                    break;
                }
                if e.as_slice() == value {
                    cut.push(i);
                    removed += 1;
                }
            }
            let mut idx = 0usize;
            let mut next = cut.pop();
            self.items.retain(|_| {
                let keep = Some(idx) != next;
                if !keep {
                    next = cut.pop();
                }
                idx += 1;
                keep
            });
        }
        self.shrink();
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn elem_is_compact() {
        assert_eq!(std::mem::size_of::<Elem>(), 24);
        let long = [7u8; 100];
        assert_eq!(Elem::from(&long[..]).as_slice(), &long[..]);
        assert_eq!(Elem::from(&b""[..]).as_slice(), b"");
        assert_eq!(Elem::from(&[1u8; 22][..]).as_slice(), &[1u8; 22]);
        assert!(matches!(Elem::from(&[1u8; 23][..]), Elem::Heap(_)));
    }

    #[test]
    fn ranges_follow_redis() {
        assert_eq!(normalize_range(0, -1, 3), Some((0, 2)));
        assert_eq!(normalize_range(-100, 100, 3), Some((0, 2)));
        assert_eq!(normalize_range(2, 1, 3), None);
        assert_eq!(normalize_range(3, 5, 3), None);
        assert_eq!(normalize_range(0, -4, 3), None);
        assert_eq!(normalize_range(i64::MIN, i64::MAX, 3), Some((0, 2)));
        assert_eq!(normalize_range(0, 0, 0), None);
    }

    fn to_vec(l: &List) -> Vec<Vec<u8>> {
        l.iter().map(|b| b.to_vec()).collect()
    }

    fn model_index(len: usize, index: i64) -> Option<usize> {
        let i = if index < 0 { len as i64 + index } else { index };
        (i >= 0 && (i as usize) < len).then_some(i as usize)
    }

    /// Random operations against a Vec model.
    #[test]
    fn randomized_against_model() {
        let mut rng = Rng::new(42);
        for _round in 0..50 {
            let mut l = List::new();
            let mut m: Vec<Vec<u8>> = Vec::new();
            for _ in 0..400 {
                let r = rng.next_u64();
                let val = |x: u64| -> Vec<u8> {
                    if x.is_multiple_of(5) {
                        vec![b'x'; 30 + (x % 7) as usize]
                    } else {
                        format!("{}", x % 6).into_bytes()
                    }
                };
                let v = val(r >> 8);
                let idx = ((r >> 16) % 20) as i64 - 10;
                match r % 9 {
                    0 | 1 => {
                        l.push(End::Left, &v);
                        m.insert(0, v);
                    }
                    2 | 3 => {
                        l.push(End::Right, &v);
                        m.push(v);
                    }
                    4 => {
                        let end = if r & 256 == 0 { End::Left } else { End::Right };
                        let n = ((r >> 20) % 4) as usize;
                        let got: Vec<Vec<u8>> = l
                            .pop_n(end, n)
                            .iter()
                            .map(|e| e.as_slice().to_vec())
                            .collect();
                        let n = n.min(m.len());
                        let want: Vec<Vec<u8>> = match end {
                            End::Left => m.drain(..n).collect(),
                            End::Right => m.drain(m.len() - n..).rev().collect(),
                        };
                        assert_eq!(got, want);
                    }
                    5 => {
                        assert_eq!(l.get(idx), model_index(m.len(), idx).map(|i| &m[i][..]));
                        let ok = l.set(idx, &v);
                        if let Some(i) = model_index(m.len(), idx) {
                            m[i] = v;
                            assert!(ok);
                        } else {
                            assert!(!ok);
                        }
                    }
                    6 => {
                        let count = ((r >> 24) % 5) as i64 - 2;
                        let target = val(r >> 30);
                        let n = l.remove(count, &target);
                        let mut removed = 0;
                        let limit = if count == 0 {
                            usize::MAX
                        } else {
                            count.unsigned_abs() as usize
                        };
                        if count >= 0 {
                            m.retain(|e| {
                                if removed < limit && *e == target {
                                    removed += 1;
                                    false
                                } else {
                                    true
                                }
                            });
                        } else {
                            let mut i = m.len();
                            while i > 0 && removed < limit {
                                i -= 1;
                                if m[i] == target {
                                    m.remove(i);
                                    removed += 1;
                                }
                            }
                        }
                        assert_eq!(n, removed);
                    }
                    7 => {
                        let pivot = val(r >> 30);
                        let after = r & 512 != 0;
                        let ok = l.insert(&pivot, after, &v);
                        match m.iter().position(|e| *e == pivot) {
                            Some(i) => {
                                assert!(ok);
                                m.insert(i + after as usize, v);
                            }
                            None => assert!(!ok),
                        }
                    }
                    _ => {
                        if r.is_multiple_of(4) {
                            let s = ((r >> 40) % 12) as i64 - 4;
                            let e = ((r >> 48) % 12) as i64 - 4;
                            let before = m.len();
                            let n = l.trim(s, e);
                            m = match normalize_range(s, e, m.len()) {
                                Some((a, b)) => m[a..=b].to_vec(),
                                None => Vec::new(),
                            };
                            assert_eq!(n, before - m.len());
                        }
                    }
                }
                assert_eq!(to_vec(&l), m);
                assert_eq!(l.len(), m.len());
            }
        }
    }

    #[test]
    fn big_list_gives_memory_back() {
        let mut l = List::new();
        for i in 0..10_000 {
            l.push(End::Right, format!("{i}").as_bytes());
        }
        for _ in 0..9_990 {
            l.pop(End::Left);
        }
        assert!(l.items.capacity() < 1000);
        assert_eq!(l.get(0), Some(&b"9990"[..]));
        assert_eq!(l.get(-1), Some(&b"9999"[..]));
    }
}
