//! Model of the list commands (the blocking ones are in blocking.rs).

use super::collections::{norm_range, Kind};
use super::{num, MVal, Model};
use crate::expect::{self, Expect};
use bytes::Bytes;

impl Model {
    pub(super) fn list(&mut self, name: &[u8], key: &[u8], a: &[Bytes]) -> Expect {
        let MVal::List(l) = self.coll(key, Kind::List) else {
            unreachable!("type checked")
        };
        match name {
            b"LPUSH" | b"RPUSH" | b"LPUSHX" | b"RPUSHX" => {
                for v in &a[2..] {
                    if name[0] == b'L' {
                        l.push_front(v.to_vec());
                    } else {
                        l.push_back(v.to_vec());
                    }
                }
                let n = l.len() as i64;
                self.touch(key);
                self.mark_ready(key);
                expect::int(n)
            }
            b"LPOP" | b"RPOP" => {
                let count = a.get(2).map(|c| num(c) as usize);
                let n = count.unwrap_or(1).min(l.len());
                let left = name == b"LPOP";
                let popped: Vec<Vec<u8>> = (0..n)
                    .filter_map(|_| if left { l.pop_front() } else { l.pop_back() })
                    .collect();
                self.touch(key);
                match count {
                    None => expect::bulk_or_nil(popped.first().map(|v| &v[..])),
                    Some(_) => expect::array(popped.iter().map(|v| &v[..])),
                }
            }
            b"LLEN" => expect::int(l.len() as i64),
            b"LINDEX" => {
                let i = num(&a[2]);
                let i = if i < 0 { l.len() as i64 + i } else { i };
                let v = usize::try_from(i).ok().and_then(|i| l.get(i));
                expect::bulk_or_nil(v.map(|v| &v[..]))
            }
            b"LRANGE" => match norm_range(num(&a[2]), num(&a[3]), l.len()) {
                Some((s, e)) => expect::array(l.range(s..=e).map(|v| &v[..])),
                None => expect::array([]),
            },
            b"LTRIM" => {
                match norm_range(num(&a[2]), num(&a[3]), l.len()) {
                    Some((s, e)) => {
                        l.truncate(e + 1);
                        l.drain(..s);
                    }
                    None => l.clear(),
                }
                // Redis signals LTRIM even when nothing was trimmed.
                self.touch(key);
                expect::ok()
            }
            b"LREM" => {
                let count = num(&a[2]);
                let limit = if count == 0 {
                    usize::MAX
                } else {
                    count.unsigned_abs() as usize
                };
                let mut removed = 0;
                let idx: Vec<usize> = if count < 0 {
                    (0..l.len()).rev().collect()
                } else {
                    (0..l.len()).collect()
                };
                let mut gone = Vec::new();
                for i in idx {
                    if removed < limit && l[i] == a[3][..] {
                        gone.push(i);
                        removed += 1;
                    }
                }
                gone.sort_unstable();
                for i in gone.into_iter().rev() {
                    l.remove(i);
                }
                if removed > 0 {
                    self.touch(key);
                }
                expect::int(removed as i64)
            }
            b"LSET" => {
                let i = num(&a[2]);
                let i = if i < 0 { l.len() as i64 + i } else { i };
                match usize::try_from(i).ok().and_then(|i| l.get_mut(i)) {
                    Some(slot) => {
                        *slot = a[3].to_vec();
                        self.touch(key);
                        expect::ok()
                    }
                    None => expect::err("ERR index out of range"),
                }
            }
            b"LINSERT" => {
                let before = a[2].eq_ignore_ascii_case(b"BEFORE");
                match l.iter().position(|v| v[..] == a[3][..]) {
                    Some(p) => {
                        l.insert(if before { p } else { p + 1 }, a[4].to_vec());
                        let n = l.len() as i64;
                        self.touch(key);
                        expect::int(n)
                    }
                    None => expect::int(-1),
                }
            }
            _ => Expect::Any,
        }
    }

    /// LMOVE src dst LEFT|RIGHT LEFT|RIGHT, and RPOPLPUSH src dst.
    pub(super) fn lmove_cmd(&mut self, name: &[u8], a: &[Bytes]) -> Expect {
        let (from_left, to_left) = if name == b"RPOPLPUSH" {
            (false, true)
        } else {
            (
                a[3].eq_ignore_ascii_case(b"LEFT"),
                a[4].eq_ignore_ascii_case(b"LEFT"),
            )
        };
        match self.check(&a[1], Kind::List) {
            Err(e) => return e,
            Ok(false) => return expect::nil(),
            Ok(true) => {}
        }
        self.lmove(&a[1], &a[2], from_left, to_left)
    }

    /// Moves one element from the (non-empty list) `src` to `dst`, as Redis orders it: the
    /// destination type is checked first, the source dropped only after the push (so a
    /// one-element rotation keeps its key).
    pub(super) fn lmove(
        &mut self,
        src: &[u8],
        dst: &[u8],
        from_left: bool,
        to_left: bool,
    ) -> Expect {
        if let Err(e) = self.check(dst, Kind::List) {
            return e;
        }
        let v = self
            .pop_one(src, from_left)
            .expect("source is a non-empty list");
        let MVal::List(d) = self.coll(dst, Kind::List) else {
            unreachable!("type checked")
        };
        if to_left {
            d.push_front(v.clone());
        } else {
            d.push_back(v.clone());
        }
        self.touch(dst);
        self.mark_ready(dst);
        self.drop_if_empty(src);
        expect::bulk_or_nil(Some(&v))
    }
}
