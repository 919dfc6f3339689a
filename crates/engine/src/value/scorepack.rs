//! A packed, score-ordered list of (member, score) in one buffer, like Redis's listpack for
//! small sorted sets: each entry is a LEB128 member length, the member's bytes, then the score
//! as 8 little-endian bytes of its f64 bit pattern (exact, sign of zero included). One
//! allocation per set instead of a heap box per member; the buffer is a boxed slice, so it
//! carries no spare capacity. Lookups scan linearly, which Redis does too and which is cheap at
//! the sizes `zset-max-listpack-entries` allows. Entries are ordered by score, then member
//! bytes; callers never store NaN.

const SCORE_LEN: usize = 8;

#[derive(Clone, Default, PartialEq, Debug)]
pub struct ScorePack {
    buf: Box<[u8]>,
    len: usize,
}

/// One decoded entry: where it starts and ends in the buffer, its member and score.
#[derive(Clone, Copy)]
struct Span<'a> {
    start: usize,
    end: usize,
    member: &'a [u8],
    score: f64,
}

/// Decodes the entry starting at `start`.
fn span(buf: &[u8], start: usize) -> Span<'_> {
    let (member, pos) = super::varint::read_bytes(buf, start);
    let mut raw = [0u8; SCORE_LEN];
    raw.copy_from_slice(&buf[pos..pos + SCORE_LEN]);
    Span {
        start,
        end: pos + SCORE_LEN,
        member,
        score: f64::from_le_bytes(raw),
    }
}

/// Bytes one entry takes.
fn encoded_len(member: &[u8]) -> usize {
    super::varint::encoded_len(member.len()) + SCORE_LEN
}

fn write_entry(out: &mut Vec<u8>, member: &[u8], score: f64) {
    super::varint::write_bytes(out, member);
    out.extend_from_slice(&score.to_le_bytes());
}

/// True when (s, m) sorts before (score, member).
fn before(s: f64, m: &[u8], score: f64, member: &[u8]) -> bool {
    s < score || (s == score && m < member)
}

impl ScorePack {
    /// A pack from entries already sorted by score then member, with distinct members.
    pub fn from_sorted<M: AsRef<[u8]>>(entries: &[(M, f64)]) -> ScorePack {
        let size = entries.iter().map(|(m, _)| encoded_len(m.as_ref())).sum();
        let mut buf = Vec::with_capacity(size);
        for (m, s) in entries {
            write_entry(&mut buf, m.as_ref(), *s);
        }
        ScorePack {
            buf: buf.into_boxed_slice(),
            len: entries.len(),
        }
    }

    /// Bytes of the packed buffer.
    pub fn heap_bytes(&self) -> usize {
        self.buf.len()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Entries in ascending order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            spans: Spans {
                buf: &self.buf,
                pos: 0,
            },
        }
    }

    fn spans(&self) -> Spans<'_> {
        Spans {
            buf: &self.buf,
            pos: 0,
        }
    }

    /// The entry for `member` and its index.
    fn find(&self, member: &[u8]) -> Option<(usize, Span<'_>)> {
        self.spans().enumerate().find(|(_, e)| e.member == member)
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.find(member).map(|(_, e)| e.score)
    }

    /// 0-based ascending rank and score of a member.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        self.find(member).map(|(i, e)| (i, e.score))
    }

    /// The entry at rank `i`.
    pub fn nth(&self, i: usize) -> Option<(&[u8], f64)> {
        self.iter().nth(i)
    }

    pub fn first(&self) -> Option<(&[u8], f64)> {
        self.iter().next()
    }

    pub fn last(&self) -> Option<(&[u8], f64)> {
        self.iter().last()
    }

    /// Inserts a member that is not present at its ordered place.
    pub fn insert(&mut self, member: &[u8], score: f64) {
        let at = self
            .spans()
            .find(|e| !before(e.score, e.member, score, member))
            .map_or(self.buf.len(), |e| e.start);
        let mut entry = Vec::with_capacity(encoded_len(member));
        write_entry(&mut entry, member, score);
        let mut v = std::mem::take(&mut self.buf).into_vec();
        v.reserve_exact(entry.len());
        v.splice(at..at, entry);
        self.buf = v.into_boxed_slice();
        self.len += 1;
    }

    /// Removes a member; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let (_, e) = self.find(member)?;
        let (start, end, score) = (e.start, e.end, e.score);
        self.cut(start, end);
        self.len -= 1;
        Some(score)
    }

    /// Drops the bytes `start..end` and gives the freed space back.
    fn cut(&mut self, start: usize, end: usize) {
        let mut v = std::mem::take(&mut self.buf).into_vec();
        v.drain(start..end);
        self.buf = v.into_boxed_slice();
    }

    /// Changes a present member's score, moving its entry within the buffer (same size, so
    /// no reallocation); false when the member is absent.
    pub fn set_score(&mut self, member: &[u8], new: f64) -> bool {
        let Some((_, e)) = self.find(member) else {
            return false;
        };
        let (a, b) = (e.start, e.end);
        // Start of the first other entry that sorts after the updated one.
        let q = self
            .spans()
            .find(|x| x.start != a && !before(x.score, x.member, new, member))
            .map_or(self.buf.len(), |x| x.start);
        let at = if q <= a {
            self.buf[q..b].rotate_right(b - a);
            q
        } else {
            self.buf[a..q].rotate_left(b - a);
            q - (b - a)
        };
        let end = at + (b - a);
        self.buf[end - SCORE_LEN..end].copy_from_slice(&new.to_le_bytes());
        true
    }

    /// Removes the entries with ranks `start..end` (clamped to the length).
    pub fn remove_ranks(&mut self, start: usize, end: usize) {
        let end = end.min(self.len);
        if start >= end {
            return;
        }
        let offset = |i: usize| self.spans().nth(i).map_or(self.buf.len(), |e| e.start);
        let (from, to) = (offset(start), offset(end));
        self.cut(from, to);
        self.len -= end - start;
    }

    /// Visits entries from rank `start` upwards (or downwards when `rev`) while `f` says so.
    pub fn walk(&self, start: usize, rev: bool, mut f: impl FnMut(&[u8], f64) -> bool) {
        if start >= self.len {
            return;
        }
        if rev {
            // Entries are only decodable forwards: note where the first `start + 1` begin.
            let starts: Vec<usize> = self.spans().take(start + 1).map(|e| e.start).collect();
            for &p in starts.iter().rev() {
                let e = span(&self.buf, p);
                if !f(e.member, e.score) {
                    return;
                }
            }
        } else {
            for (m, s) in self.iter().skip(start) {
                if !f(m, s) {
                    return;
                }
            }
        }
    }
}

struct Spans<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Spans<'a> {
    type Item = Span<'a>;

    fn next(&mut self) -> Option<Span<'a>> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let e = span(self.buf, self.pos);
        self.pos = e.end;
        Some(e)
    }
}

/// Ascending (member, score) entries.
pub struct Iter<'a> {
    spans: Spans<'a>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        self.spans.next().map(|e| (e.member, e.score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Model = Vec<(f64, Vec<u8>)>;

    fn sort(model: &mut Model) {
        model.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    }

    fn check(p: &ScorePack, model: &Model) {
        assert_eq!(p.len(), model.len());
        let got: Model = p.iter().map(|(m, s)| (s, m.to_vec())).collect();
        assert_eq!(got.len(), model.len());
        for (g, w) in got.iter().zip(model) {
            assert_eq!(g.1, w.1);
            assert_eq!(g.0.to_bits(), w.0.to_bits());
        }
        for (i, (s, m)) in model.iter().enumerate() {
            assert_eq!(p.rank(m), Some((i, *s)));
            assert_eq!(p.nth(i), Some((&m[..], *s)));
        }
        let size: usize = model.iter().map(|(_, m)| encoded_len(m)).sum();
        assert_eq!(p.buf.len(), size);
    }

    /// Random inserts, removals, score changes and rank cuts agree with a sorted Vec model.
    #[test]
    fn behaves_like_a_sorted_model() {
        let mut r = crate::rng::Rng::new(7);
        let mut p = ScorePack::default();
        let mut model: Model = Vec::new();
        // No -0 here: the pack orders it equal to 0 (as the skiplist does), the model would not.
        let scores = [-2.5, 0.0, 1.0, 1.0, 3.25, f64::INFINITY, f64::NEG_INFINITY];
        for _ in 0..4000 {
            // Some members long enough for a two-byte length prefix.
            let len = if r.below(8) == 0 { 130 } else { 1 };
            let m = format!("{:0>len$}", r.below(40), len = len).into_bytes();
            let s = scores[r.below(scores.len() as u64) as usize];
            let had = model.iter().position(|e| e.1 == m);
            match r.below(6) {
                0 => {
                    assert_eq!(p.remove(&m), had.map(|i| model[i].0));
                    model.retain(|e| e.1 != m);
                }
                1 | 2 => {
                    assert_eq!(p.set_score(&m, s), had.is_some());
                    if let Some(i) = had {
                        model[i].0 = s;
                    }
                }
                3 if r.below(20) == 0 => {
                    let (a, n) = (r.below(10) as usize, r.below(5) as usize);
                    p.remove_ranks(a, a + n);
                    let end = (a + n).min(model.len());
                    model.drain(a.min(end)..end);
                }
                _ if had.is_none() => {
                    p.insert(&m, s);
                    model.push((s, m.clone()));
                }
                _ => {}
            }
            sort(&mut model);
            check(&p, &model);
            assert_eq!(p.score(b"absent"), None);
        }
        let mut down = Vec::new();
        p.walk(p.len().saturating_sub(1), true, |m, _| {
            down.push(m.to_vec());
            true
        });
        let want: Vec<Vec<u8>> = model.iter().rev().map(|e| e.1.clone()).collect();
        assert_eq!(down, want);
        let rebuilt = ScorePack::from_sorted(
            &model
                .iter()
                .map(|(s, m)| (m.clone(), *s))
                .collect::<Vec<_>>(),
        );
        assert_eq!(rebuilt, p);
    }

    #[test]
    fn keeps_negative_zero_bits() {
        let mut p = ScorePack::default();
        p.insert(b"a", -0.0);
        assert!(p.score(b"a").unwrap().is_sign_negative());
        p.set_score(b"a", 0.0);
        assert!(p.score(b"a").unwrap().is_sign_positive());
    }
}
