//! Model of the set commands. SPOP and SRANDMEMBER pick at random in the engine (from its
//! seeded generator): the model checks the pick is legal, then adopts it.

use super::collections::Kind;
use super::{num, MVal, Model};
use crate::expect::{self, bulk, Expect};
use bytes::Bytes;
use resp::Frame;
use std::collections::BTreeSet;

/// The members in a reply: one bulk, or an array of bulks.
fn picked(got: &Frame) -> Option<Vec<Vec<u8>>> {
    match got {
        Frame::Bulk(b) => Some(vec![b.to_vec()]),
        Frame::Array(items) | Frame::Set(items) => items
            .iter()
            .map(|f| match f {
                Frame::Bulk(b) => Some(b.to_vec()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

impl Model {
    pub(super) fn set_cmd(&mut self, name: &[u8], key: &[u8], a: &[Bytes], got: &Frame) -> Expect {
        let MVal::Set(s) = self.coll(key, Kind::Set) else {
            unreachable!("type checked")
        };
        match name {
            b"SADD" | b"SREM" => {
                let n = a[2..]
                    .iter()
                    .filter(|m| {
                        if name == b"SADD" {
                            s.insert(m.to_vec())
                        } else {
                            s.remove(&m[..])
                        }
                    })
                    .count();
                if n > 0 {
                    self.touch(key);
                }
                expect::int(n as i64)
            }
            b"SISMEMBER" => expect::int(s.contains(&a[2][..]) as i64),
            b"SMISMEMBER" => Expect::Exact(Frame::Array(
                a[2..]
                    .iter()
                    .map(|m| Frame::Integer(s.contains(&m[..]) as i64))
                    .collect(),
            )),
            b"SCARD" => expect::int(s.len() as i64),
            b"SMEMBERS" => Expect::Unordered(s.iter().map(|m| bulk(m)).collect()),
            b"SPOP" | b"SRANDMEMBER" => {
                let count = a.get(2).map(|c| num(c));
                let Some(members) = picked(got) else {
                    return Expect::Bad(format!("{got:?} is not a pick of members"));
                };
                let distinct: BTreeSet<&Vec<u8>> = members.iter().collect();
                let want_len = match count {
                    None => 1,
                    Some(c) if c < 0 => c.unsigned_abs() as usize,
                    Some(c) => (c as usize).min(s.len()),
                };
                let repeats_ok = count.is_some_and(|c| c < 0);
                if members.len() != want_len
                    || (!repeats_ok && distinct.len() != members.len())
                    || members.iter().any(|m| !s.contains(m))
                {
                    return Expect::Bad(format!(
                        "{got:?} is not a legal pick of {want_len} from {} members",
                        s.len()
                    ));
                }
                if name == b"SPOP" {
                    for m in &members {
                        s.remove(m);
                    }
                    self.touch(key);
                }
                Expect::Exact(got.clone())
            }
            _ => Expect::Any,
        }
    }

    /// SMOVE src dst member, checked in Redis's order (missing source first).
    pub(super) fn smove(&mut self, a: &[Bytes]) -> Expect {
        let src_exists = self.get(&a[1]).is_some();
        if !src_exists {
            return expect::int(0);
        }
        if let Err(e) = self.check(&a[1], Kind::Set) {
            return e;
        }
        if let Err(e) = self.check(&a[2], Kind::Set) {
            return e;
        }
        let MVal::Set(s) = self.coll(&a[1], Kind::Set) else {
            unreachable!("type checked")
        };
        if a[1] == a[2] {
            return expect::int(s.contains(&a[3][..]) as i64);
        }
        if !s.remove(&a[3][..]) {
            return expect::int(0);
        }
        self.drop_if_empty(&a[1]);
        self.touch(&a[1]);
        let MVal::Set(d) = self.coll(&a[2], Kind::Set) else {
            unreachable!("type checked")
        };
        // Redis signals the destination only when the member was new there.
        if d.insert(a[3].to_vec()) {
            self.touch(&a[2]);
        }
        expect::int(1)
    }

    /// SINTERSTORE / SUNIONSTORE / SDIFFSTORE dst key...: the result replaces `dst` (in place,
    /// so not a removal for SCAN) and is signalled; an empty result deletes `dst`, signalled
    /// only if it existed.
    pub(super) fn set_store(&mut self, name: &[u8], a: &[Bytes]) -> Expect {
        let result = match self.set_result(&name[..name.len() - 5], &a[2..]) {
            Ok(r) => r,
            Err(e) => return e,
        };
        let n = result.len() as i64;
        if result.is_empty() {
            self.del(&a[1]);
        } else {
            self.get(&a[1]);
            self.keys.insert(
                a[1].to_vec(),
                super::Item {
                    val: MVal::Set(result),
                    expire_at: None,
                },
            );
            self.touch(&a[1]);
        }
        expect::int(n)
    }

    /// SINTER / SUNION / SDIFF: a missing key is an empty set; any other type is WRONGTYPE.
    pub(super) fn set_algebra(&mut self, name: &[u8], a: &[Bytes]) -> Expect {
        match self.set_result(name, &a[1..]) {
            Ok(r) => Expect::Unordered(r.iter().map(|m| bulk(m)).collect()),
            Err(e) => e,
        }
    }

    fn set_result(&mut self, name: &[u8], keys: &[Bytes]) -> Result<BTreeSet<Vec<u8>>, Expect> {
        let mut sets = Vec::new();
        for k in keys {
            match self.check(k, Kind::Set) {
                Err(e) => return Err(e),
                Ok(false) => sets.push(BTreeSet::new()),
                Ok(true) => match self.get(k).map(|it| &it.val) {
                    Some(MVal::Set(s)) => sets.push(s.clone()),
                    _ => unreachable!("type checked"),
                },
            }
        }
        let mut acc = sets[0].clone();
        for s in &sets[1..] {
            acc = match name {
                b"SINTER" => acc.intersection(s).cloned().collect(),
                b"SUNION" => acc.union(s).cloned().collect(),
                _ => acc.difference(s).cloned().collect(),
            };
        }
        Ok(acc)
    }
}
