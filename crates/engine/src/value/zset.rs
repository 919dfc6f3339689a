//! Sorted sets in Redis's two encodings: `listpack` (a packed buffer sorted by score then member)
//! until `zset-max-listpack-entries` / `zset-max-listpack-value` are exceeded, then `skiplist`
//! (a skiplist with spans for order and rank plus a `Dict` member -> score for O(1) lookups).
//! Positions are 0-based ranks in ascending order for both encodings.

use super::scorepack::ScorePack;
use super::skiplist::SkipList;
use crate::dict::Dict;
use bytes::Bytes;

/// The thresholds that decide the encoding (from the config).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_entries: usize,
    pub max_value: usize,
}

#[derive(Clone, Debug)]
pub enum ZSet {
    Listpack(ScorePack),
    Skiplist(Box<Big>),
}

/// The `skiplist` encoding: order and ranks in `zsl`, member -> score in `dict`.
#[derive(Clone, Debug, Default)]
pub struct Big {
    pub zsl: SkipList,
    pub dict: Dict<Bytes, f64>,
}

impl PartialEq for ZSet {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// A score interval as ZRANGEBYSCORE parses it (`(` makes a bound exclusive).
#[derive(Clone, Copy, Debug)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    pub fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }
    pub fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
    /// True when no score can be inside.
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }
}

/// One end of a lex interval: `-`, `+`, `[member` or `(member`.
#[derive(Clone, Debug, PartialEq)]
pub enum LexBound {
    NegInf,
    PosInf,
    Incl(Bytes),
    Excl(Bytes),
}

#[derive(Clone, Debug)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    pub fn gte_min(&self, v: &[u8]) -> bool {
        match &self.min {
            LexBound::NegInf => true,
            LexBound::PosInf => false,
            LexBound::Incl(m) => v >= &m[..],
            LexBound::Excl(m) => v > &m[..],
        }
    }
    pub fn lte_max(&self, v: &[u8]) -> bool {
        match &self.max {
            LexBound::PosInf => true,
            LexBound::NegInf => false,
            LexBound::Incl(m) => v <= &m[..],
            LexBound::Excl(m) => v < &m[..],
        }
    }
    /// Redis's `sdscmplex` ordering of the two bounds decides emptiness.
    pub fn is_empty(&self) -> bool {
        use std::cmp::Ordering::*;
        use LexBound::*;
        let ex = |b: &LexBound| !matches!(b, Incl(_));
        let cmp = match (&self.min, &self.max) {
            (NegInf, NegInf) | (PosInf, PosInf) => Equal,
            (NegInf, _) | (_, PosInf) => Less,
            (PosInf, _) | (_, NegInf) => Greater,
            (Incl(a) | Excl(a), Incl(b) | Excl(b)) => a.cmp(b),
        };
        cmp == Greater || (cmp == Equal && (ex(&self.min) || ex(&self.max)))
    }
}

/// A member and its score.
type Elem<'a> = (&'a [u8], f64);

/// A listpack stores scores as text and reads `-0` back as an integer 0 (observed on
/// redis-server 7.0.15); a skiplist keeps the sign.
fn listpack_score(s: f64) -> f64 {
    if s == 0.0 {
        0.0
    } else {
        s
    }
}

impl ZSet {
    /// A new empty set for a key created with `first_len` as its first member's length
    /// (Redis picks skiplist at once when that member is already too long).
    pub fn new_for(limits: Limits, first_len: usize) -> ZSet {
        if limits.max_entries == 0 || first_len > limits.max_value {
            ZSet::Skiplist(Box::default())
        } else {
            ZSet::Listpack(ScorePack::default())
        }
    }

    /// A set built from distinct entries in any order, encoded as Redis encodes a stored result.
    pub fn from_entries(mut entries: Vec<(Bytes, f64)>, limits: Limits) -> ZSet {
        let maxlen = entries.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        if entries.len() <= limits.max_entries && maxlen <= limits.max_value {
            for e in &mut entries {
                e.1 = listpack_score(e.1);
            }
            // -0 and 0 tie (then members decide), as Redis compares scores with `<`.
            entries.sort_by(|a, b| {
                a.1.partial_cmp(&b.1)
                    .unwrap_or_else(|| a.1.total_cmp(&b.1))
                    .then_with(|| a.0.cmp(&b.0))
            });
            ZSet::Listpack(ScorePack::from_sorted(&entries))
        } else {
            let mut big = Big::default();
            for (m, s) in entries {
                big.zsl.insert(s, m.clone());
                big.dict.insert(m, s);
            }
            ZSet::Skiplist(Box::new(big))
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ZSet::Listpack(v) => v.len(),
            ZSet::Skiplist(b) => b.zsl.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Listpack(_) => "listpack",
            ZSet::Skiplist(_) => "skiplist",
        }
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            ZSet::Listpack(p) => p.score(member),
            ZSet::Skiplist(b) => b.dict.get(member).copied(),
        }
    }

    /// Converts a listpack to a skiplist (one way, as in Redis).
    pub fn convert_to_skiplist(&mut self) {
        if let ZSet::Listpack(p) = self {
            let mut big = Big::default();
            for (m, s) in p.iter() {
                let m = Bytes::copy_from_slice(m);
                big.zsl.insert(s, m.clone());
                big.dict.insert(m, s);
            }
            *self = ZSet::Skiplist(Box::new(big));
        }
    }

    /// Inserts a member that is not present, converting first when it would outgrow the
    /// listpack limits.
    pub fn insert(&mut self, member: &[u8], score: f64, limits: Limits) {
        if let ZSet::Listpack(p) = self {
            if p.len() + 1 > limits.max_entries || member.len() > limits.max_value {
                self.convert_to_skiplist();
            }
        }
        match self {
            ZSet::Listpack(p) => p.insert(member, listpack_score(score)),
            ZSet::Skiplist(b) => {
                let m = Bytes::copy_from_slice(member);
                b.zsl.insert(score, m.clone());
                b.dict.insert(m, score);
            }
        }
    }

    /// Changes the score of a present member.
    pub fn set_score(&mut self, member: &[u8], new: f64) {
        match self {
            ZSet::Listpack(p) => {
                p.set_score(member, listpack_score(new));
            }
            ZSet::Skiplist(b) => {
                if let Some(old) = b.dict.get_mut(member) {
                    let prev = *old;
                    *old = new;
                    b.zsl.remove(prev, member);
                    b.zsl.insert(new, Bytes::copy_from_slice(member));
                }
            }
        }
    }

    /// Removes a member; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match self {
            ZSet::Listpack(p) => p.remove(member),
            ZSet::Skiplist(b) => {
                let (_, s) = b.dict.remove(member)?;
                b.zsl.remove(s, member);
                b.dict.shrink_if_needed();
                Some(s)
            }
        }
    }

    /// 0-based ascending rank and score of a member.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        match self {
            ZSet::Listpack(p) => p.rank(member),
            ZSet::Skiplist(b) => {
                let s = *b.dict.get(member)?;
                b.zsl.rank(s, member).map(|r| (r, s))
            }
        }
    }

    /// Visits elements from rank `start` upwards (or downwards when `rev`) while `f` says so.
    pub fn walk(&self, start: usize, rev: bool, mut f: impl FnMut(&[u8], f64) -> bool) {
        match self {
            ZSet::Listpack(p) => p.walk(start, rev, f),
            ZSet::Skiplist(b) => {
                let mut cur = b.zsl.at_rank(start);
                while let Some(c) = cur {
                    let (m, s) = b.zsl.get(c);
                    if !f(m, s) {
                        return;
                    }
                    cur = if rev { b.zsl.pred(c) } else { b.zsl.succ(c) };
                }
            }
        }
    }

    /// Elements with ranks in `start..=end`, ascending or (when `rev`) descending.
    pub fn range(&self, start: usize, end: usize, rev: bool) -> Vec<(Bytes, f64)> {
        let n = end + 1 - start;
        let mut out = Vec::with_capacity(n.min(1024));
        let from = if rev { end } else { start };
        self.walk(from, rev, |m, s| {
            out.push((Bytes::copy_from_slice(m), s));
            out.len() < n
        });
        out
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = (&[u8], f64)> + '_> {
        match self {
            ZSet::Listpack(p) => Box::new(p.iter()),
            ZSet::Skiplist(b) => Box::new(b.zsl.iter().map(|(m, s)| (&m[..], s))),
        }
    }

    fn head_tail(&self) -> Option<(Elem<'_>, Elem<'_>)> {
        match self {
            ZSet::Listpack(p) => Some((p.first()?, p.last()?)),
            ZSet::Skiplist(b) => {
                let (h, t) = (b.zsl.get(b.zsl.first()?), b.zsl.get(b.zsl.last()?));
                Some(((&h.0[..], h.1), (&t.0[..], t.1)))
            }
        }
    }

    fn score_in_range(&self, r: &ScoreRange) -> bool {
        if r.is_empty() {
            return false;
        }
        matches!(self.head_tail(), Some((h, t)) if r.gte_min(t.1) && r.lte_max(h.1))
    }

    fn lex_in_range(&self, r: &LexRange) -> bool {
        if r.is_empty() {
            return false;
        }
        matches!(self.head_tail(), Some((h, t)) if r.gte_min(t.0) && r.lte_max(h.0))
    }

    fn rank_of(&self, c: super::skiplist::Cursor) -> usize {
        match self {
            ZSet::Skiplist(b) => {
                let (m, s) = b.zsl.get(c);
                b.zsl.rank(s, m).unwrap_or(0)
            }
            ZSet::Listpack(_) => 0,
        }
    }

    /// Rank of the first element whose score is in `r`.
    pub fn first_in_score(&self, r: &ScoreRange) -> Option<usize> {
        if !self.score_in_range(r) {
            return None;
        }
        match self {
            ZSet::Listpack(p) => {
                let (i, (_, s)) = p.iter().enumerate().find(|(_, e)| r.gte_min(e.1))?;
                r.lte_max(s).then_some(i)
            }
            ZSet::Skiplist(b) => {
                let c = b.zsl.first_where_not(|s, _| !r.gte_min(s))?;
                r.lte_max(b.zsl.get(c).1).then(|| self.rank_of(c))
            }
        }
    }

    /// Rank of the last element whose score is in `r`.
    pub fn last_in_score(&self, r: &ScoreRange) -> Option<usize> {
        if !self.score_in_range(r) {
            return None;
        }
        match self {
            ZSet::Listpack(p) => {
                let (i, (_, s)) = p
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| r.lte_max(e.1))
                    .last()?;
                r.gte_min(s).then_some(i)
            }
            ZSet::Skiplist(b) => {
                let c = b.zsl.last_where(|s, _| r.lte_max(s))?;
                r.gte_min(b.zsl.get(c).1).then(|| self.rank_of(c))
            }
        }
    }

    /// Rank of the first element whose member is in `r`.
    pub fn first_in_lex(&self, r: &LexRange) -> Option<usize> {
        if !self.lex_in_range(r) {
            return None;
        }
        match self {
            ZSet::Listpack(p) => {
                let (i, (m, _)) = p.iter().enumerate().find(|(_, e)| r.gte_min(e.0))?;
                r.lte_max(m).then_some(i)
            }
            ZSet::Skiplist(b) => {
                let c = b.zsl.first_where_not(|_, m| !r.gte_min(m))?;
                r.lte_max(b.zsl.get(c).0).then(|| self.rank_of(c))
            }
        }
    }

    /// Rank of the last element whose member is in `r`.
    pub fn last_in_lex(&self, r: &LexRange) -> Option<usize> {
        if !self.lex_in_range(r) {
            return None;
        }
        match self {
            ZSet::Listpack(p) => {
                let (i, (m, _)) = p
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| r.lte_max(e.0))
                    .last()?;
                r.gte_min(m).then_some(i)
            }
            ZSet::Skiplist(b) => {
                let c = b.zsl.last_where(|_, m| r.lte_max(m))?;
                r.gte_min(b.zsl.get(c).0).then(|| self.rank_of(c))
            }
        }
    }

    /// Removes the elements with ranks `start..start+count`.
    pub fn remove_ranks(&mut self, start: usize, count: usize) {
        match self {
            ZSet::Listpack(p) => p.remove_ranks(start, start.saturating_add(count)),
            ZSet::Skiplist(_) => {
                let doomed = if count == 0 {
                    Vec::new()
                } else {
                    self.range(start, start + count - 1, false)
                };
                for (m, _) in doomed {
                    self.remove(&m);
                }
            }
        }
    }

    /// One ZSCAN step: listpacks reply with everything and cursor 0.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], f64)) -> u64 {
        match self {
            ZSet::Listpack(p) => {
                for (m, s) in p.iter() {
                    f(m, s);
                }
                0
            }
            ZSet::Skiplist(b) => {
                let mut cursor = cursor;
                let mut seen = 0usize;
                let mut budget = count.saturating_mul(10);
                loop {
                    cursor = b.dict.scan(cursor, |m, s| {
                        seen += 1;
                        f(m, *s)
                    });
                    if cursor == 0 || budget == 0 || seen >= count {
                        return cursor;
                    }
                    budget -= 1;
                }
            }
        }
    }

    /// A uniformly random element (Redis: a random dict entry, or a random listpack index).
    pub fn random(&self, rng: &mut impl FnMut() -> u64) -> Option<(&[u8], f64)> {
        match self {
            ZSet::Listpack(p) => {
                if p.is_empty() {
                    return None;
                }
                p.nth((rng() % p.len() as u64) as usize)
            }
            ZSet::Skiplist(b) => b.dict.fair_random_entry(rng).map(|(m, s)| (&m[..], *s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(n: usize) -> Limits {
        Limits {
            max_entries: n,
            max_value: 64,
        }
    }

    /// Both encodings agree with a sorted Vec model on ranks and ranges after random edits.
    #[test]
    fn encodings_match_model() {
        let mut seed = 99u64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for max in [1000usize, 8] {
            let mut z = ZSet::new_for(limits(max), 1);
            let mut model: Vec<(f64, Vec<u8>)> = Vec::new();
            for _ in 0..3000 {
                let m = format!("{}", rnd() % 60).into_bytes();
                let s = (rnd() % 10) as f64;
                match rnd() % 4 {
                    0 => {
                        assert_eq!(z.remove(&m).is_some(), model.iter().any(|e| e.1 == m));
                        model.retain(|e| e.1 != m);
                    }
                    1 if z.score(&m).is_some() => {
                        z.set_score(&m, s);
                        model.iter_mut().find(|e| e.1 == m).unwrap().0 = s;
                    }
                    _ if z.score(&m).is_none() => {
                        z.insert(&m, s, limits(max));
                        model.push((s, m.clone()));
                    }
                    _ => {}
                }
                model.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                assert_eq!(z.len(), model.len());
                let r = ScoreRange {
                    min: (rnd() % 10) as f64,
                    max: (rnd() % 10) as f64,
                    minex: rnd() % 2 == 0,
                    maxex: rnd() % 2 == 0,
                };
                let inside: Vec<usize> = (0..model.len())
                    .filter(|&i| r.gte_min(model[i].0) && r.lte_max(model[i].0))
                    .collect();
                assert_eq!(z.first_in_score(&r), inside.first().copied());
                assert_eq!(z.last_in_score(&r), inside.last().copied());
                if let Some((i, (s, m))) = model.iter().enumerate().nth(3) {
                    assert_eq!(z.rank(m), Some((i, *s)));
                }
            }
            let all = z.range(0, z.len().saturating_sub(1), false);
            let want: Vec<(Bytes, f64)> = model
                .iter()
                .map(|(s, m)| (Bytes::from(m.clone()), *s))
                .collect();
            if !model.is_empty() {
                assert_eq!(all, want);
            }
            assert_eq!(z.encoding(), if max == 8 { "skiplist" } else { "listpack" });
            let n = z.len();
            z.remove_ranks(1, 3);
            assert_eq!(z.len(), n.saturating_sub(3).max(n.min(1)));
        }
    }

    /// A listpack reads -0 back as 0 and orders it among the zeros by member, as Redis does
    /// for `ZUNIONSTORE d 2 k1 k2 WEIGHTS -1 1` with k1 = {b: 0}, k2 = {a: 0} (a before b).
    #[test]
    fn listpack_negative_zero_is_zero() {
        let z = ZSet::from_entries(
            vec![
                (Bytes::from_static(b"b"), -0.0),
                (Bytes::from_static(b"a"), 0.0),
            ],
            limits(128),
        );
        let got: Vec<(&[u8], u64)> = z.iter().map(|(m, s)| (m, s.to_bits())).collect();
        assert_eq!(got, vec![(&b"a"[..], 0), (&b"b"[..], 0)]);
        let mut z = ZSet::new_for(limits(128), 1);
        z.insert(b"x", -0.0, limits(128));
        assert_eq!(z.score(b"x").map(f64::to_bits), Some(0));
    }

    /// The small encoding stays one pointer-sized buffer plus a count inside the boxed value.
    #[test]
    fn listpack_header_is_small() {
        assert!(std::mem::size_of::<ZSet>() <= 24);
    }

    #[test]
    fn lex_range_emptiness() {
        let b = |s: &str| Bytes::copy_from_slice(s.as_bytes());
        let r = |min, max| LexRange { min, max };
        assert!(r(LexBound::NegInf, LexBound::NegInf).is_empty());
        assert!(!r(LexBound::NegInf, LexBound::PosInf).is_empty());
        assert!(r(LexBound::PosInf, LexBound::NegInf).is_empty());
        assert!(!r(LexBound::Incl(b("a")), LexBound::Incl(b("a"))).is_empty());
        assert!(r(LexBound::Incl(b("a")), LexBound::Excl(b("a"))).is_empty());
        assert!(r(LexBound::Incl(b("b")), LexBound::Incl(b("a"))).is_empty());
    }
}
