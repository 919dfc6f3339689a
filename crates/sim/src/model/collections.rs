//! Shared plumbing for the collection commands: which type a command needs, the WRONGTYPE
//! check, replies on a missing key, and the rank-range rule.

use super::{Key, MVal, Model};
use crate::expect::{self, Expect};
use bytes::Bytes;
use resp::Frame;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Which collection a command works on.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Kind {
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

/// Commands that create their key when it is missing.
const CREATES: &[&[u8]] = &[
    b"LPUSH", b"RPUSH", b"HSET", b"HSETNX", b"HINCRBY", b"SADD", b"ZADD", b"ZINCRBY",
];

/// Redis's LRANGE / ZRANGE / LTRIM index rule: negative from the end, clamped; None when
/// the range is empty.
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

impl Model {
    /// Checks the type at `key`: Ok(true) when it holds `kind`, Ok(false) when missing.
    pub(super) fn check(&mut self, key: &[u8], kind: Kind) -> Result<bool, Expect> {
        match self.get(key).map(|it| kind_of(&it.val)) {
            None => Ok(false),
            Some(Some(k)) if k == kind => Ok(true),
            Some(_) => Err(expect::wrongtype()),
        }
    }

    /// The value at `key`, created empty when missing (the type was checked before).
    pub(super) fn coll(&mut self, key: &[u8], kind: Kind) -> &mut MVal {
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

    pub(super) fn collection_command(
        &mut self,
        name: &[u8],
        a: &[Bytes],
        got: &Frame,
    ) -> Option<Expect> {
        // Commands over several keys check their own types.
        match name {
            b"LMOVE" | b"RPOPLPUSH" => return Some(self.lmove_cmd(name, a)),
            b"SMOVE" => return Some(self.smove(a)),
            b"SINTER" | b"SUNION" | b"SDIFF" => return Some(self.set_algebra(name, a)),
            b"SINTERSTORE" | b"SUNIONSTORE" | b"SDIFFSTORE" => {
                return Some(self.set_store(name, a))
            }
            _ => {}
        }
        let kind = match name {
            b"LPUSH" | b"RPUSH" | b"LPUSHX" | b"RPUSHX" | b"LPOP" | b"RPOP" | b"LLEN"
            | b"LRANGE" | b"LINDEX" | b"LTRIM" | b"LREM" | b"LSET" | b"LINSERT" => Kind::List,
            b"HSET" | b"HSETNX" | b"HGET" | b"HMGET" | b"HDEL" | b"HLEN" | b"HGETALL"
            | b"HKEYS" | b"HVALS" | b"HSTRLEN" | b"HINCRBY" | b"HEXISTS" => Kind::Hash,
            b"SADD" | b"SREM" | b"SISMEMBER" | b"SMISMEMBER" | b"SCARD" | b"SMEMBERS" | b"SPOP"
            | b"SRANDMEMBER" => Kind::Set,
            b"ZADD" | b"ZREM" | b"ZSCORE" | b"ZCARD" | b"ZRANGE" | b"ZINCRBY" | b"ZPOPMIN"
            | b"ZPOPMAX" | b"ZRANK" | b"ZREVRANK" | b"ZCOUNT" | b"ZRANGEBYSCORE"
            | b"ZREMRANGEBYRANK" => Kind::ZSet,
            _ => return None,
        };
        let exists = match self.check(&a[1], kind) {
            Ok(e) => e,
            Err(e) => return Some(e),
        };
        if !exists && !CREATES.contains(&name) {
            return Some(missing_reply(name, a));
        }
        let key = &a[1][..];
        let r = match kind {
            Kind::List => self.list(name, key, a),
            Kind::Hash => self.hash(name, key, a),
            Kind::Set => self.set_cmd(name, key, a, got),
            Kind::ZSet => self.zset(name, key, a),
        };
        self.drop_if_empty(key);
        // A sorted set coming into existence wakes BZPOPMIN/BZPOPMAX waiters (Redis's dbAdd).
        if kind == Kind::ZSet && !exists && self.keys.contains_key(key) {
            self.mark_ready(key);
        }
        Some(r)
    }
}

/// Replies of read or remove commands on a missing key.
fn missing_reply(name: &[u8], a: &[Bytes]) -> Expect {
    match name {
        b"LPOP" | b"RPOP" if a.len() > 2 => Expect::Exact(Frame::NullArray),
        b"SPOP" | b"SRANDMEMBER" if a.len() > 2 => Expect::Exact(Frame::Array(vec![])),
        b"LPOP" | b"RPOP" | b"LINDEX" | b"HGET" | b"ZSCORE" | b"SPOP" | b"SRANDMEMBER"
        | b"ZRANK" | b"ZREVRANK" => expect::nil(),
        b"LRANGE" | b"HGETALL" | b"HKEYS" | b"HVALS" | b"SMEMBERS" | b"ZRANGE"
        | b"ZRANGEBYSCORE" | b"ZPOPMIN" | b"ZPOPMAX" => Expect::Exact(Frame::Array(vec![])),
        b"HMGET" => Expect::Exact(Frame::Array(vec![Frame::NullBulk; a.len() - 2])),
        b"SMISMEMBER" => Expect::Exact(Frame::Array(vec![Frame::Integer(0); a.len() - 2])),
        b"LTRIM" => expect::ok(),
        b"LSET" => expect::err("ERR no such key"),
        _ => expect::int(0),
    }
}
