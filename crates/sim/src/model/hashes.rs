//! Model of the hash commands.

use super::collections::Kind;
use super::{num, strict_int, MVal, Model};
use crate::expect::{self, bulk, Expect};
use bytes::Bytes;
use resp::Frame;

impl Model {
    pub(super) fn hash(&mut self, name: &[u8], key: &[u8], a: &[Bytes]) -> Expect {
        let MVal::Hash(h) = self.coll(key, Kind::Hash) else {
            unreachable!("type checked")
        };
        match name {
            b"HSET" => {
                let mut added = 0;
                for p in a[2..].chunks(2) {
                    added += h.insert(p[0].to_vec(), p[1].to_vec()).is_none() as i64;
                }
                // Redis signals HSET even when every field kept its value.
                self.touch(key);
                expect::int(added)
            }
            b"HSETNX" => {
                if h.contains_key(&a[2][..]) {
                    return expect::int(0);
                }
                h.insert(a[2].to_vec(), a[3].to_vec());
                self.touch(key);
                expect::int(1)
            }
            b"HGET" => expect::bulk_or_nil(h.get(&a[2][..]).map(|v| &v[..])),
            b"HMGET" => Expect::Exact(Frame::Array(
                a[2..]
                    .iter()
                    .map(|f| h.get(&f[..]).map_or(Frame::NullBulk, |v| bulk(v)))
                    .collect(),
            )),
            b"HEXISTS" => expect::int(h.contains_key(&a[2][..]) as i64),
            b"HSTRLEN" => expect::int(h.get(&a[2][..]).map_or(0, |v| v.len() as i64)),
            b"HLEN" => expect::int(h.len() as i64),
            b"HDEL" => {
                let n = a[2..].iter().filter(|f| h.remove(&f[..]).is_some()).count();
                if n > 0 {
                    self.touch(key);
                }
                expect::int(n as i64)
            }
            b"HGETALL" => Expect::Pairs(h.iter().map(|(f, v)| (bulk(f), bulk(v))).collect()),
            b"HKEYS" => Expect::Unordered(h.keys().map(|f| bulk(f)).collect()),
            b"HVALS" => Expect::Unordered(h.values().map(|v| bulk(v)).collect()),
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
}
