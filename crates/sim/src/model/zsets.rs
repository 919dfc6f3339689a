//! Model of the sorted-set commands (integer scores only, so every score prints exactly).

use super::collections::{norm_range, Kind};
use super::{num, MVal, Model};
use crate::expect::{self, bulk, score, Expect};
use bytes::Bytes;
use resp::Frame;
use std::collections::BTreeMap;

/// Members by (score, member), Redis's order.
fn zsorted(z: &BTreeMap<Vec<u8>, f64>) -> Vec<(Vec<u8>, f64)> {
    let mut v: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.clone(), *s)).collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// A score bound as the generator writes it: `-inf`, `+inf`, `n` or `(n` (exclusive).
fn bound(b: &[u8]) -> (f64, bool) {
    match b {
        b"-inf" => (f64::NEG_INFINITY, false),
        b"+inf" => (f64::INFINITY, false),
        [b'(', rest @ ..] => (num(rest) as f64, true),
        _ => (num(b) as f64, false),
    }
}

fn in_range(s: f64, min: (f64, bool), max: (f64, bool)) -> bool {
    (if min.1 { s > min.0 } else { s >= min.0 }) && (if max.1 { s < max.0 } else { s <= max.0 })
}

fn flat(items: &[(Vec<u8>, f64)], with_scores: bool) -> Expect {
    let mut out = Vec::new();
    for (m, s) in items {
        out.push(bulk(m));
        if with_scores {
            out.push(score(*s));
        }
    }
    Expect::Exact(Frame::Array(out))
}

impl Model {
    pub(super) fn zset(&mut self, name: &[u8], key: &[u8], a: &[Bytes]) -> Expect {
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
                // Redis signals only when a member was added or a score changed.
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
            b"ZRANK" | b"ZREVRANK" => {
                let sorted = zsorted(z);
                let pos = sorted.iter().position(|(m, _)| m[..] == a[2][..]);
                Expect::Exact(pos.map_or(Frame::NullBulk, |p| {
                    let r = if name == b"ZRANK" {
                        p
                    } else {
                        sorted.len() - 1 - p
                    };
                    Frame::Integer(r as i64)
                }))
            }
            b"ZRANGE" => {
                let sorted = zsorted(z);
                match norm_range(num(&a[2]), num(&a[3]), sorted.len()) {
                    Some((s, e)) => flat(&sorted[s..=e], a.len() > 4),
                    None => Expect::Exact(Frame::Array(vec![])),
                }
            }
            b"ZCOUNT" | b"ZRANGEBYSCORE" => {
                let (min, max) = (bound(&a[2]), bound(&a[3]));
                let hits: Vec<(Vec<u8>, f64)> = zsorted(z)
                    .into_iter()
                    .filter(|(_, s)| in_range(*s, min, max))
                    .collect();
                if name == b"ZCOUNT" {
                    expect::int(hits.len() as i64)
                } else {
                    flat(&hits, a.len() > 4)
                }
            }
            b"ZPOPMIN" | b"ZPOPMAX" => {
                let mut sorted = zsorted(z);
                if name == b"ZPOPMAX" {
                    sorted.reverse();
                }
                let n = a.get(2).map_or(1, |c| num(c) as usize).min(sorted.len());
                for (m, _) in &sorted[..n] {
                    z.remove(m);
                }
                if n > 0 {
                    self.touch(key);
                }
                flat(&sorted[..n], true)
            }
            b"ZREMRANGEBYRANK" => {
                let sorted = zsorted(z);
                let mut n = 0;
                if let Some((s, e)) = norm_range(num(&a[2]), num(&a[3]), sorted.len()) {
                    for (m, _) in &sorted[s..=e] {
                        z.remove(m);
                        n += 1;
                    }
                }
                if n > 0 {
                    self.touch(key);
                }
                expect::int(n)
            }
            _ => Expect::Any,
        }
    }
}
