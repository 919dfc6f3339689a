//! Model of the blocking list commands: parking, serving ready keys FIFO (Redis 7.0: after
//! each top-level command, key by key in the order they became ready, each key's clients in
//! the order they parked), and timeouts judged against the simulated clock.

use super::{num_f64, Blocked, Key, MVal, Model, Waiter};
use crate::expect::{self, Expect};
use bytes::Bytes;
use resp::Frame;

impl Model {
    /// BLPOP/BRPOP: serve from the first non-empty list, else park (or answer the timeout
    /// reply at once inside EXEC).
    pub(super) fn bpop(&mut self, client: u64, argv: &[Bytes], left: bool) -> Expect {
        let keys: Vec<Key> = argv[1..argv.len() - 1].iter().map(|k| k.to_vec()).collect();
        for k in &keys {
            match self.get(k).map(|it| &it.val) {
                None => continue,
                Some(MVal::List(_)) => {
                    let v = self.pop_one(k, left).expect("stored lists are not empty");
                    self.drop_if_empty(k);
                    return Expect::Exact(Frame::Array(vec![expect::bulk(k), expect::bulk(&v)]));
                }
                Some(_) => return expect::wrongtype(),
            }
        }
        if self.in_exec {
            return Expect::Exact(Frame::NullArray);
        }
        let timeout = &argv[argv.len() - 1];
        self.park(client, keys, Waiter::Pop { left }, timeout)
    }

    /// BZPOPMIN/BZPOPMAX: serve from the first sorted set, else park.
    pub(super) fn bzpop(&mut self, client: u64, argv: &[Bytes], max: bool) -> Expect {
        let keys: Vec<Key> = argv[1..argv.len() - 1].iter().map(|k| k.to_vec()).collect();
        for k in &keys {
            match self.get(k).map(|it| &it.val) {
                None => continue,
                Some(MVal::ZSet(_)) => return self.zpop_one(k, max),
                Some(_) => return expect::wrongtype(),
            }
        }
        if self.in_exec {
            return Expect::Exact(Frame::NullArray);
        }
        let timeout = &argv[argv.len() - 1];
        self.park(client, keys, Waiter::ZPop { max }, timeout)
    }

    /// Pops the lowest (or highest) member of the non-empty sorted set at `key`:
    /// `[key, member, score]`.
    fn zpop_one(&mut self, key: &[u8], max: bool) -> Expect {
        let Some(MVal::ZSet(z)) = self.get(key).map(|it| &mut it.val) else {
            unreachable!("caller checked the type")
        };
        let order = |a: &(&Vec<u8>, &f64), b: &(&Vec<u8>, &f64)| {
            a.1.total_cmp(b.1).then_with(|| a.0.cmp(b.0))
        };
        let pick = if max {
            z.iter().max_by(order)
        } else {
            z.iter().min_by(order)
        };
        let (m, s) = pick
            .map(|(m, s)| (m.clone(), *s))
            .expect("stored zsets are not empty");
        z.remove(&m);
        self.touch(key);
        self.drop_if_empty(key);
        Expect::Exact(Frame::Array(vec![
            expect::bulk(key),
            expect::bulk(&m),
            expect::score(s),
        ]))
    }

    /// BLMOVE src dst LEFT|RIGHT LEFT|RIGHT timeout.
    pub(super) fn blmove(&mut self, client: u64, argv: &[Bytes]) -> Expect {
        let from_left = argv[3].eq_ignore_ascii_case(b"LEFT");
        let to_left = argv[4].eq_ignore_ascii_case(b"LEFT");
        let in_exec = self.in_exec;
        match self.get(&argv[1]).map(|it| &it.val) {
            Some(MVal::List(_)) => return self.lmove(&argv[1], &argv[2], from_left, to_left),
            Some(_) => return expect::wrongtype(),
            None if in_exec => return expect::nil(),
            None => {}
        }
        let waiter = Waiter::Move {
            dst: argv[2].to_vec(),
            from_left,
            to_left,
        };
        self.park(client, vec![argv[1].to_vec()], waiter, &argv[5])
    }

    pub(super) fn park(
        &mut self,
        client: u64,
        keys: Vec<Key>,
        waiter: Waiter,
        timeout: &[u8],
    ) -> Expect {
        let ms = (num_f64(timeout) * 1000.0).ceil() as i64;
        self.park_seq += 1;
        let b = Blocked {
            db: self.cur,
            keys,
            waiter,
            deadline: (ms > 0).then_some(self.now + ms),
            seq: self.park_seq,
        };
        self.clients.get_mut(&client).expect("known client").blocked = Some(b);
        Expect::Blocked
    }

    /// Pops one element (the caller drops the key if it became empty).
    pub(super) fn pop_one(&mut self, key: &[u8], left: bool) -> Option<Vec<u8>> {
        let v = match self.get(key).map(|it| &mut it.val) {
            Some(MVal::List(l)) if left => l.pop_front(),
            Some(MVal::List(l)) => l.pop_back(),
            _ => None,
        }?;
        self.touch(key);
        Some(v)
    }

    /// After a top-level command: serve parked clients on ready keys (a served BLMOVE may
    /// make its destination ready in turn). Returns who got what.
    pub fn serve_ready(&mut self, now: i64) -> Vec<(u64, Expect)> {
        self.now = now;
        let mut served = Vec::new();
        while let Some((db, key)) = self.ready.pop_front() {
            self.use_db(db);
            let mut waiting: Vec<(u64, u64, Waiter)> = self
                .clients
                .iter()
                .filter_map(|(&id, c)| {
                    let b = c.blocked.as_ref()?;
                    (b.db == db && b.keys.contains(&key)).then(|| (b.seq, id, b.waiter.clone()))
                })
                .collect();
            waiting.sort_by_key(|w| (w.0, w.1));
            for (_, id, waiter) in waiting {
                let (is_list, is_zset) = match self.get(&key).map(|it| &it.val) {
                    Some(MVal::List(_)) => (true, false),
                    Some(MVal::ZSet(_)) => (false, true),
                    _ => (false, false),
                };
                // Each waiter is served only by the type it waits for.
                let name: &'static [u8] = match waiter {
                    Waiter::ZPop { .. } if is_zset => b"BZPOPMIN",
                    Waiter::MPop { zset: true, .. } if is_zset => b"BZMPOP",
                    Waiter::MPop { zset: false, .. } if is_list => b"BLMPOP",
                    Waiter::Pop { .. } | Waiter::Move { .. } if is_list => b"BLPOP",
                    _ => continue,
                };
                let reply = match waiter {
                    Waiter::MPop {
                        zset: true,
                        first,
                        count,
                    } => self.zmpop_from(&key, first, count),
                    Waiter::MPop { first, count, .. } => self.lmpop_from(&key, first, count),
                    Waiter::ZPop { max } => self.zpop_one(&key, max),
                    Waiter::Pop { left } => {
                        let v = self
                            .pop_one(&key, left)
                            .expect("stored lists are not empty");
                        self.drop_if_empty(&key);
                        Expect::Exact(Frame::Array(vec![expect::bulk(&key), expect::bulk(&v)]))
                    }
                    Waiter::Move {
                        dst,
                        from_left,
                        to_left,
                    } => {
                        if matches!(self.get(&dst).map(|it| &it.val), Some(v) if !matches!(v, MVal::List(_)))
                        {
                            // The generator keeps BLMOVE destinations lists; see gen.rs.
                            continue;
                        }
                        self.lmove(&key, &dst, from_left, to_left)
                    }
                };
                self.clients.get_mut(&id).expect("known client").blocked = None;
                let name = [Bytes::from_static(name)];
                served.push((id, self.for_client(id, &name, reply)));
            }
        }
        served
    }

    /// Times out parked clients whose deadline is at or before `now`; returns them with the
    /// timeout reply (a null array, also for BLMOVE, as Redis 7.0 answers).
    pub fn expire_blocked(&mut self, now: i64) -> Vec<(u64, Expect)> {
        let mut out = Vec::new();
        for (&id, c) in self.clients.iter_mut() {
            if c.blocked
                .as_ref()
                .is_some_and(|b| b.deadline.is_some_and(|d| d <= now))
            {
                c.blocked = None;
                let null = if c.resp3 {
                    Frame::Null
                } else {
                    Frame::NullArray
                };
                out.push((id, Expect::Exact(null)));
            }
        }
        out
    }
}
