//! The ordered half of a `skiplist`-encoded sorted set: Redis's skiplist with spans, so rank
//! queries and rank lookups are O(log n). Nodes live in an arena (indices instead of pointers,
//! no `unsafe`); index 0 is the header. Elements are ordered by (score, member bytes).

use bytes::Bytes;

const MAX_LEVEL: usize = 32;
const NIL: u32 = u32::MAX;
const HEAD: u32 = 0;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Level {
    next: u32,
    span: u32,
}

#[derive(Clone, Debug, PartialEq)]
struct Node {
    member: Bytes,
    score: f64,
    prev: u32,
    levels: Vec<Level>,
}

/// A skiplist of (score, member) pairs; members are unique (the caller's dict guarantees it).
#[derive(Clone, Debug, PartialEq)]
pub struct SkipList {
    nodes: Vec<Node>,
    free: Vec<u32>,
    level: usize,
    len: usize,
    tail: u32,
    rng: u64,
}

impl Default for SkipList {
    fn default() -> Self {
        Self::new()
    }
}

/// True when (s1, m1) sorts before (s2, m2).
fn less(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> bool {
    s1 < s2 || (s1 == s2 && m1 < m2)
}

impl SkipList {
    pub fn new() -> Self {
        let head = Node {
            member: Bytes::new(),
            score: 0.0,
            prev: NIL,
            levels: vec![Level { next: NIL, span: 0 }; MAX_LEVEL],
        };
        SkipList {
            nodes: vec![head],
            free: Vec::new(),
            level: 1,
            len: 0,
            tail: NIL,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// Bytes of the node arena and the nodes' level arrays (members are counted with the
    /// dict that shares them).
    /// The level arrays are measured on the first `samples` nodes and scaled to all.
    pub fn heap_bytes(&self, samples: usize) -> usize {
        let levels = super::sampled(
            self.nodes
                .iter()
                .map(|n| n.levels.capacity() * std::mem::size_of::<Level>()),
            self.nodes.len(),
            samples,
        );
        self.nodes.capacity() * std::mem::size_of::<Node>() + levels + self.free.capacity() * 4
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Redis's level distribution: each extra level with probability 1/4.
    fn random_level(&mut self) -> usize {
        let mut lvl = 1;
        loop {
            // xorshift64*: deterministic, so runs replay identically.
            self.rng ^= self.rng >> 12;
            self.rng ^= self.rng << 25;
            self.rng ^= self.rng >> 27;
            let r = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D);
            if (r >> 40) & 3 != 0 || lvl >= MAX_LEVEL {
                return lvl;
            }
            lvl += 1;
        }
    }

    fn next(&self, x: u32, i: usize) -> u32 {
        self.nodes[x as usize].levels[i].next
    }

    fn span(&self, x: u32, i: usize) -> u32 {
        self.nodes[x as usize].levels[i].span
    }

    fn lvl_mut(&mut self, x: u32, i: usize) -> &mut Level {
        &mut self.nodes[x as usize].levels[i]
    }

    /// Inserts a member that is not present.
    pub fn insert(&mut self, score: f64, member: Bytes) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0u32; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            rank[i] = if i == self.level - 1 { 0 } else { rank[i + 1] };
            loop {
                let n = self.next(x, i);
                if n != NIL && {
                    let nd = &self.nodes[n as usize];
                    less(nd.score, &nd.member, score, &member)
                } {
                    rank[i] += self.span(x, i);
                    x = n;
                } else {
                    break;
                }
            }
            update[i] = x;
        }
        let lvl = self.random_level();
        if lvl > self.level {
            for i in self.level..lvl {
                rank[i] = 0;
                update[i] = HEAD;
                self.lvl_mut(HEAD, i).span = self.len as u32;
            }
            self.level = lvl;
        }
        let node = Node {
            member,
            score,
            prev: if update[0] == HEAD { NIL } else { update[0] },
            levels: vec![Level::default(); lvl],
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.nodes[id as usize] = node;
                id
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        for i in 0..lvl {
            let u = update[i];
            let unext = self.next(u, i);
            let uspan = self.span(u, i);
            let gap = rank[0] - rank[i];
            *self.lvl_mut(id, i) = Level {
                next: unext,
                span: uspan - gap,
            };
            *self.lvl_mut(u, i) = Level {
                next: id,
                span: gap + 1,
            };
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(lvl) {
            self.lvl_mut(u, i).span += 1;
        }
        match self.next(id, 0) {
            NIL => self.tail = id,
            n => self.nodes[n as usize].prev = id,
        }
        self.len += 1;
    }

    /// Removes (score, member); false when absent.
    pub fn remove(&mut self, score: f64, member: &[u8]) -> bool {
        let mut update = [HEAD; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let n = self.next(x, i);
                if n != NIL && {
                    let nd = &self.nodes[n as usize];
                    less(nd.score, &nd.member, score, member)
                } {
                    x = n;
                } else {
                    break;
                }
            }
            update[i] = x;
        }
        let x = self.next(x, 0);
        if x == NIL {
            return false;
        }
        let nd = &self.nodes[x as usize];
        if nd.score != score || &nd.member[..] != member {
            return false;
        }
        self.unlink(x, &update);
        true
    }

    fn unlink(&mut self, x: u32, update: &[u32; MAX_LEVEL]) {
        for (i, &u) in update.iter().enumerate().take(self.level) {
            if self.next(u, i) == x {
                let xs = self.span(x, i);
                let xn = self.next(x, i);
                let l = self.lvl_mut(u, i);
                l.span = l.span + xs - 1;
                l.next = xn;
            } else {
                self.lvl_mut(u, i).span -= 1;
            }
        }
        let prev = self.nodes[x as usize].prev;
        match self.next(x, 0) {
            NIL => self.tail = prev,
            n => self.nodes[n as usize].prev = prev,
        }
        while self.level > 1 && self.next(HEAD, self.level - 1) == NIL {
            self.level -= 1;
        }
        self.len -= 1;
        let node = &mut self.nodes[x as usize];
        node.member = Bytes::new();
        node.levels = Vec::new();
        self.free.push(x);
    }

    /// 0-based rank of (score, member), if present.
    pub fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let mut x = HEAD;
        let mut rank = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let n = self.next(x, i);
                if n == NIL {
                    break;
                }
                let nd = &self.nodes[n as usize];
                if less(nd.score, &nd.member, score, member)
                    || (nd.score == score && &nd.member[..] == member)
                {
                    rank += self.span(x, i) as usize;
                    x = n;
                } else {
                    break;
                }
            }
            if x != HEAD && &self.nodes[x as usize].member[..] == member {
                return Some(rank - 1);
            }
        }
        None
    }

    /// The node at 0-based `rank`.
    pub fn at_rank(&self, rank: usize) -> Option<Cursor> {
        if rank >= self.len {
            return None;
        }
        let target = rank + 1;
        let mut x = HEAD;
        let mut traversed = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let n = self.next(x, i);
                let s = self.span(x, i) as usize;
                if n != NIL && traversed + s <= target {
                    traversed += s;
                    x = n;
                } else {
                    break;
                }
            }
            if traversed == target {
                return Some(Cursor(x));
            }
        }
        None
    }

    /// The first node for which `before` is false (nodes where it holds must form a prefix).
    pub fn first_where_not(&self, before: impl Fn(f64, &[u8]) -> bool) -> Option<Cursor> {
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let n = self.next(x, i);
                if n != NIL && {
                    let nd = &self.nodes[n as usize];
                    before(nd.score, &nd.member)
                } {
                    x = n;
                } else {
                    break;
                }
            }
        }
        match self.next(x, 0) {
            NIL => None,
            n => Some(Cursor(n)),
        }
    }

    /// The last node for which `within` holds (such nodes must form a prefix).
    pub fn last_where(&self, within: impl Fn(f64, &[u8]) -> bool) -> Option<Cursor> {
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let n = self.next(x, i);
                if n != NIL && {
                    let nd = &self.nodes[n as usize];
                    within(nd.score, &nd.member)
                } {
                    x = n;
                } else {
                    break;
                }
            }
        }
        (x != HEAD).then_some(Cursor(x))
    }

    pub fn first(&self) -> Option<Cursor> {
        match self.next(HEAD, 0) {
            NIL => None,
            n => Some(Cursor(n)),
        }
    }

    pub fn last(&self) -> Option<Cursor> {
        (self.tail != NIL).then_some(Cursor(self.tail))
    }

    pub fn succ(&self, c: Cursor) -> Option<Cursor> {
        match self.next(c.0, 0) {
            NIL => None,
            n => Some(Cursor(n)),
        }
    }

    pub fn pred(&self, c: Cursor) -> Option<Cursor> {
        match self.nodes[c.0 as usize].prev {
            NIL => None,
            p => Some(Cursor(p)),
        }
    }

    pub fn get(&self, c: Cursor) -> (&Bytes, f64) {
        let nd = &self.nodes[c.0 as usize];
        (&nd.member, nd.score)
    }

    /// All elements in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Bytes, f64)> + '_ {
        let mut cur = self.first();
        std::iter::from_fn(move || {
            let c = cur?;
            cur = self.succ(c);
            Some(self.get(c))
        })
    }
}

/// A position in a `SkipList`; valid until the list is modified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor(u32);

#[cfg(test)]
mod tests {
    use super::*;

    /// Randomized check against a sorted Vec model: inserts, deletes, ranks, rank lookups,
    /// range boundaries and both iteration directions.
    #[test]
    fn matches_sorted_vec_model() {
        let mut seed = 12345u64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut sl = SkipList::new();
        let mut model: Vec<(f64, Vec<u8>)> = Vec::new();
        for step in 0..20000 {
            let member = format!("m{}", rnd() % 500).into_bytes();
            let score = (rnd() % 50) as f64 / 2.0;
            let pos = model.iter().position(|(_, m)| *m == member);
            if rnd() % 3 == 0 {
                if let Some(p) = pos {
                    let (s, m) = model.remove(p);
                    assert!(sl.remove(s, &m));
                } else {
                    assert!(!sl.remove(score, &member));
                }
            } else if pos.is_none() {
                sl.insert(score, Bytes::from(member.clone()));
                model.push((score, member));
                model.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            }
            assert_eq!(sl.len(), model.len());
            if step % 97 == 0 {
                let got: Vec<(f64, Vec<u8>)> = sl.iter().map(|(m, s)| (s, m.to_vec())).collect();
                assert_eq!(got, model);
                let mut back = Vec::new();
                let mut c = sl.last();
                while let Some(x) = c {
                    let (m, s) = sl.get(x);
                    back.push((s, m.to_vec()));
                    c = sl.pred(x);
                }
                back.reverse();
                assert_eq!(back, model);
                for (i, (s, m)) in model.iter().enumerate() {
                    assert_eq!(sl.rank(*s, m), Some(i));
                    let (gm, gs) = sl.get(sl.at_rank(i).unwrap());
                    assert_eq!((gs, &gm[..]), (*s, &m[..]));
                }
                assert!(sl.at_rank(model.len()).is_none());
                let min = (rnd() % 50) as f64 / 2.0;
                let want = model.iter().position(|(s, _)| *s >= min);
                let got = sl.first_where_not(|s, _| s < min).map(|c| sl.get(c).1);
                assert_eq!(got, want.map(|i| model[i].0));
                let want = model.iter().rposition(|(s, _)| *s <= min);
                let got = sl.last_where(|s, _| s <= min).map(|c| sl.get(c).1);
                assert_eq!(got, want.map(|i| model[i].0));
            }
        }
    }
}
