//! Model of Redis 7.0's multi-key pops: LMPOP / BLMPOP and ZMPOP / BZMPOP
//! (`[BLOCKING timeout] numkeys key... LEFT|RIGHT|MIN|MAX [COUNT n]`): the first non-empty key
//! of the right type serves up to `n` elements as `[key, [elements]]`.

use super::{num, Key, MVal, Model, Waiter};
use crate::expect::{self, bulk, score, Expect};
use bytes::Bytes;
use resp::Frame;

impl Model {
    /// LMPOP/ZMPOP (`blocking` false) and BLMPOP/BZMPOP.
    pub(super) fn mpop(
        &mut self,
        client: u64,
        argv: &[Bytes],
        blocking: bool,
        zset: bool,
    ) -> Expect {
        let at = if blocking { 2 } else { 1 };
        let n = num(&argv[at]) as usize;
        let keys: Vec<Key> = argv[at + 1..at + 1 + n]
            .iter()
            .map(|k| k.to_vec())
            .collect();
        let first = argv[at + 1 + n].eq_ignore_ascii_case(b"LEFT")
            || argv[at + 1 + n].eq_ignore_ascii_case(b"MIN");
        let count = argv.get(at + 3 + n).map_or(1, |c| num(c) as usize);
        for k in &keys {
            match self.get(k).map(|it| &it.val) {
                None => continue,
                Some(MVal::List(_)) if !zset => return self.lmpop_from(k, first, count),
                Some(MVal::ZSet(_)) if zset => return self.zmpop_from(k, first, count),
                Some(_) => return expect::wrongtype(),
            }
        }
        if !blocking || self.in_exec {
            return Expect::Exact(Frame::NullArray);
        }
        let waiter = Waiter::MPop { zset, first, count };
        self.park(client, keys, waiter, &argv[1].clone())
    }

    /// Up to `count` elements from the list at `key` (left end when `left`).
    pub(super) fn lmpop_from(&mut self, key: &[u8], left: bool, count: usize) -> Expect {
        let mut items = Vec::new();
        while items.len() < count {
            match self.pop_one(key, left) {
                Some(v) => items.push(bulk(&v)),
                None => break,
            }
        }
        self.drop_if_empty(key);
        Expect::Exact(Frame::Array(vec![bulk(key), Frame::Array(items)]))
    }

    /// Up to `count` members from the sorted set at `key` (lowest first when `min`).
    pub(super) fn zmpop_from(&mut self, key: &[u8], min: bool, count: usize) -> Expect {
        let Some(MVal::ZSet(z)) = self.get(key).map(|it| &mut it.val) else {
            unreachable!("caller checked the type")
        };
        let mut sorted: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.clone(), *s)).collect();
        sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        if !min {
            sorted.reverse();
        }
        sorted.truncate(count);
        for (m, _) in &sorted {
            z.remove(m);
        }
        self.touch(key);
        self.drop_if_empty(key);
        let items = sorted
            .iter()
            .map(|(m, s)| Frame::Array(vec![bulk(m), score(*s)]))
            .collect();
        Expect::Exact(Frame::Array(vec![bulk(key), Frame::Array(items)]))
    }
}
