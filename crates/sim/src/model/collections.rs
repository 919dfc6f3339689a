//! Model of the list, hash, set and sorted-set commands.

use super::{num, strict_int, Key, MVal, Model};
use crate::expect::{self, bulk, score, Expect};
use bytes::Bytes;
use resp::Frame;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Which collection a command works on.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    List,
    Hash,
    Set,
    ZSet,
}

fn kind_of(v: &MVal) -> Option<Kind> {
    match v {
        MVal::Str(_) => None,
        MVal::List(_) => Some(Kind::List),
        MVal::Hash(_) => Some(Kind::Hash),
        MVal::Set(_) => Some(Kind::Set),
        MVal::ZSet(_) => Some(Kind::ZSet),
    }
}

/// Redis's LRANGE / ZRANGE index rule: negative from the end, clamped; None when empty.
pub fn norm_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let s = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let e = if end < 0 { len + end } else { end.min(len - 1) };
    (s <= e && s < len && e >= 0).then_some((s as usize, e as usize))
}

fn zsorted(z: &BTreeMap<Vec<u8>, f64>) -> Vec<(Vec<u8>, f64)> {
    let mut v: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.clone(), *s)).collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    v
}

impl Model {
    /// Checks the type at `key`: Ok(true) when it holds `kind`, Ok(false) when missing.
    fn check(&mut self, key: &[u8], kind: Kind) -> Result<bool, Expect> {
        match self.get(key).map(|it| kind_of(&it.val)) {
            None => Ok(false),
            Some(Some(k)) if k == kind => Ok(true),
            Some(_) => Err(expect::wrongtype()),
        }
    }

    /// The value at `key`, created empty when missing (the type was checked before).
    fn coll(&mut self, key: &[u8], kind: Kind) -> &mut MVal {
        let empty = match kind {
            Kind::List => MVal::List(VecDeque::new()),
            Kind::Hash => MVal::Hash(BTreeMap::new()),
            Kind::Set => MVal::Set(BTreeSet::new()),
            Kind::ZSet => MVal::ZSet(BTreeMap::new()),
        };
        let k: Key = key.to_vec();
        &mut self
            .keys
            .entry(k)
            .or_insert(super::Item {
                val: empty,
                expire_at: None,
            })
            .val
    }

    pub(super) fn collection_command(&mut self, name: &[u8], a: &[Bytes]) -> Option<Expect> {
        let kind = match name {
            b"LPUSH" | b"RPUSH" | b"LPOP" | b"RPOP" | b"LLEN" | b"LRANGE" | b"LINDEX" => Kind::List,
            b"HSET" | b"HGET" | b"HDEL" | b"HLEN" | b"HGETALL" | b"HINCRBY" | b"HEXISTS" => {
                Kind::Hash
            }
            b"SADD" | b"SREM" | b"SISMEMBER" | b"SCARD" | b"SMEMBERS" => Kind::Set,
            b"ZADD" | b"ZREM" | b"ZSCORE" | b"ZCARD" | b"ZRANGE" | b"ZINCRBY" => Kind::ZSet,
            _ => return None,
        };
        let exists = match self.check(&a[1], kind) {
            Ok(e) => e,
            Err(e) => return Some(e),
        };
        let key = &a[1][..];
        let writes = matches!(
            name,
            b"LPUSH" | b"RPUSH" | b"HSET" | b"HINCRBY" | b"SADD" | b"ZADD" | b"ZINCRBY"
        );
        if !exists && !writes {
            return Some(self.missing_reply(name, a));
        }
        let r = match kind {
            Kind::List => self.list(name, key, a),
            Kind::Hash => self.hash(name, key, a),
            Kind::Set => self.set_cmd(name, key, a),
            Kind::ZSet => self.zset(name, key, a),
        };
        self.drop_if_empty(key);
        Some(r)
    }

    /// Replies of read or remove commands on a missing key.
    fn missing_reply(&self, name: &[u8], a: &[Bytes]) -> Expect {
        match name {
            b"LPOP" | b"RPOP" if a.len() > 2 => Expect::Exact(Frame::NullArray),
            b"LPOP" | b"RPOP" | b"LINDEX" | b"HGET" | b"ZSCORE" => expect::nil(),
            b"LRANGE" | b"HGETALL" | b"SMEMBERS" | b"ZRANGE" => Expect::Exact(Frame::Array(vec![])),
            _ => expect::int(0),
        }
    }

    fn list(&mut self, name: &[u8], key: &[u8], a: &[Bytes]) -> Expect {
        let MVal::List(l) = self.coll(key, Kind::List) else {
            unreachable!("type checked")
        };
        match name {
            b"LPUSH" | b"RPUSH" => {
                for v in &a[2..] {
                    if name == b"LPUSH" {
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
                expect::bulk_or_nil(
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| l.get(i))
                        .map(|v| &v[..]),
                )
            }
            b"LRANGE" => match norm_range(num(&a[2]), num(&a[3]), l.len()) {
                Some((s, e)) => expect::array(l.range(s..=e).map(|v| &v[..])),
                None => expect::array([]),
            },
            _ => Expect::Any,
        }
    }

    fn hash(&mut self, name: &[u8], key: &[u8], a: &[Bytes]) -> Expect {
        let MVal::Hash(h) = self.coll(key, Kind::Hash) else {
            unreachable!("type checked")
        };
        match name {
            b"HSET" => {
                let mut added = 0;
                for p in a[2..].chunks(2) {
                    added += h.insert(p[0].to_vec(), p[1].to_vec()).is_none() as i64;
                }
                self.touch(key);
                expect::int(added)
            }
            b"HGET" => expect::bulk_or_nil(h.get(&a[2][..]).map(|v| &v[..])),
            b"HEXISTS" => expect::int(h.contains_key(&a[2][..]) as i64),
            b"HLEN" => expect::int(h.len() as i64),
            b"HDEL" => {
                let n = a[2..].iter().filter(|f| h.remove(&f[..]).is_some()).count();
                if n > 0 {
                    self.touch(key);
                }
                expect::int(n as i64)
            }
            b"HGETALL" => Expect::Pairs(h.iter().map(|(f, v)| (bulk(f), bulk(v))).collect()),
            b"HINCRBY" => {
                let cur = match h.get(&a[2][..]) {
                    None => 0,
                    Some(v) => match strict_int(v) {
                        Some(n) => n,
                        None => return expect::err("ERR hash value is not an integer"),
                    },
                };
                let n = cur + num(&a[3]);
                h.insert(a[2].to_vec(), n.to_string().into_bytes());
                self.touch(key);
                expect::int(n)
            }
            _ => Expect::Any,
        }
    }

    fn set_cmd(&mut self, name: &[u8], key: &[u8], a: &[Bytes]) -> Expect {
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
            b"SCARD" => expect::int(s.len() as i64),
            b"SMEMBERS" => Expect::Unordered(s.iter().map(|m| bulk(m)).collect()),
            _ => Expect::Any,
        }
    }

    fn zset(&mut self, name: &[u8], key: &[u8], a: &[Bytes]) -> Expect {
        let MVal::ZSet(z) = self.coll(key, Kind::ZSet) else {
            unreachable!("type checked")
        };
        match name {
            b"ZADD" => {
                let (mut added, mut changed) = (0, false);
                for p in a[2..].chunks(2) {
                    let s = num(&p[0]) as f64;
                    match z.insert(p[1].to_vec(), s) {
                        None => added += 1,
                        Some(old) => changed |= old != s,
                    }
                }
                if added > 0 || changed {
                    self.touch(key);
                } else {
                    self.touch_maybe(key);
                }
                expect::int(added)
            }
            b"ZINCRBY" => {
                let old = z.get(&a[3][..]).copied();
                let s = old.unwrap_or(0.0) + num(&a[2]) as f64;
                z.insert(a[3].to_vec(), s);
                // Redis signals only an added member or a changed score.
                if old == Some(s) {
                    self.touch_maybe(key);
                } else {
                    self.touch(key);
                }
                Expect::Exact(score(s))
            }
            b"ZREM" => {
                let n = a[2..].iter().filter(|m| z.remove(&m[..]).is_some()).count();
                if n > 0 {
                    self.touch(key);
                }
                expect::int(n as i64)
            }
            b"ZSCORE" => Expect::Exact(z.get(&a[2][..]).map_or(Frame::NullBulk, |s| score(*s))),
            b"ZCARD" => expect::int(z.len() as i64),
            b"ZRANGE" => {
                let sorted = zsorted(z);
                let with = a.len() > 4;
                let mut out = Vec::new();
                if let Some((s, e)) = norm_range(num(&a[2]), num(&a[3]), sorted.len()) {
                    for (m, sc) in &sorted[s..=e] {
                        out.push(bulk(m));
                        if with {
                            out.push(score(*sc));
                        }
                    }
                }
                Expect::Exact(Frame::Array(out))
            }
            _ => Expect::Any,
        }
    }
}
