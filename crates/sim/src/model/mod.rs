//! A small reference model of Redis semantics, written independently of the engine: plain
//! `BTreeMap`s and `VecDeque`s, no encodings, no hash tables. For every modelled command it
//! computes the reply the real engine must give (`Expect`), and it tracks what only matters
//! for correctness: TTLs (a key is gone once `expire_at <= now`), WATCH versions, MULTI queues
//! and clients parked by blocking pops, served FIFO per key as Redis 7.0 does.

mod collections;
mod strings;

use crate::expect::{self, Expect};
use bytes::Bytes;
use resp::Frame;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub type Key = Vec<u8>;

#[derive(Clone, Debug, PartialEq)]
pub enum MVal {
    Str(Vec<u8>),
    List(VecDeque<Vec<u8>>),
    Hash(BTreeMap<Vec<u8>, Vec<u8>>),
    Set(BTreeSet<Vec<u8>>),
    /// Member -> score.
    ZSet(BTreeMap<Vec<u8>, f64>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub val: MVal,
    pub expire_at: Option<i64>,
}

/// A key a client WATCHes, as it was when watched.
#[derive(Clone, Debug)]
struct Watch {
    key: Key,
    version: u64,
    maybe: u64,
    had_ttl: bool,
}

#[derive(Clone, Debug)]
struct Blocked {
    keys: Vec<Key>,
    left: bool,
    deadline: Option<i64>,
    seq: u64,
}

#[derive(Clone, Debug, Default)]
struct Client {
    multi: Option<Vec<Vec<Bytes>>>,
    watches: Vec<Watch>,
    blocked: Option<Blocked>,
}

/// Whether EXEC must fail, must run, or may do either (a change Redis may or may not count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Run,
    Abort,
    Either,
}

#[derive(Default)]
pub struct Model {
    keys: BTreeMap<Key, Item>,
    /// Definite modifications per key (Redis's `signalModifiedKey`), for WATCH.
    versions: BTreeMap<Key, u64>,
    /// Changes Redis may or may not signal (no-op writes, expiry), for WATCH.
    maybe: BTreeMap<Key, u64>,
    /// Times each key left the keyspace (deleted, emptied, expired), for SCAN's guarantee.
    removals: BTreeMap<Key, u64>,
    clients: BTreeMap<u64, Client>,
    /// Keys pushed to during the current top-level command, in first-push order.
    ready: Vec<Key>,
    park_seq: u64,
    in_exec: bool,
    now: i64,
}

impl Model {
    pub fn connect(&mut self, id: u64) {
        self.clients.insert(id, Client::default());
    }

    pub fn is_blocked(&self, id: u64) -> bool {
        self.clients.get(&id).is_some_and(|c| c.blocked.is_some())
    }

    pub fn in_multi(&self, id: u64) -> bool {
        self.clients.get(&id).is_some_and(|c| c.multi.is_some())
    }

    /// The earliest deadline of a parked client.
    pub fn next_deadline(&self) -> Option<i64> {
        self.clients
            .values()
            .filter_map(|c| c.blocked.as_ref()?.deadline)
            .min()
    }

    /// The live keyspace at `now` (expired keys left out), for the end-of-run comparison.
    pub fn live(&self, now: i64) -> BTreeMap<Key, Item> {
        self.keys
            .iter()
            .filter(|(_, it)| it.expire_at.is_none_or(|at| at > now))
            .map(|(k, it)| (k.clone(), it.clone()))
            .collect()
    }

    /// Live keys at `now` with their removal counts: a SCAN must return each key that is
    /// still live, with the same count, when the scan ends.
    pub fn scan_snapshot(&self, now: i64) -> BTreeMap<Key, u64> {
        self.live(now)
            .into_keys()
            .map(|k| {
                let n = self.removals.get(&k).copied().unwrap_or(0);
                (k, n)
            })
            .collect()
    }

    /// True when `key` is live at `now` and has not left the keyspace since `removals`.
    pub fn stayed(&self, key: &[u8], removals: u64, now: i64) -> bool {
        self.removals.get(key).copied().unwrap_or(0) == removals
            && self
                .keys
                .get(key)
                .is_some_and(|it| it.expire_at.is_none_or(|at| at > now))
    }

    // ---- keyspace helpers used by the command files ----

    /// The live item at `key`, dropping it first if its TTL has passed.
    fn get(&mut self, key: &[u8]) -> Option<&mut Item> {
        if self
            .keys
            .get(key)
            .is_some_and(|it| it.expire_at.is_some_and(|at| at <= self.now))
        {
            self.remove(key);
            self.touch_maybe(key);
        }
        self.keys.get_mut(key)
    }

    fn touch(&mut self, key: &[u8]) {
        *self.versions.entry(key.to_vec()).or_default() += 1;
    }

    fn touch_maybe(&mut self, key: &[u8]) {
        *self.maybe.entry(key.to_vec()).or_default() += 1;
    }

    /// Stores a new value (dropping any TTL unless `keep_ttl`) and counts the modification.
    fn remove(&mut self, key: &[u8]) {
        self.keys.remove(key);
        *self.removals.entry(key.to_vec()).or_default() += 1;
    }

    fn put(&mut self, key: &[u8], val: MVal, keep_ttl: bool) {
        // Through `get`, so a key whose TTL passed counts as removed first.
        let old_ttl = self.get(key).and_then(|it| it.expire_at);
        let expire_at = if keep_ttl { old_ttl } else { None };
        self.keys.insert(key.to_vec(), Item { val, expire_at });
        self.touch(key);
    }

    fn del(&mut self, key: &[u8]) -> bool {
        let existed = self.get(key).is_some();
        if existed {
            self.remove(key);
            self.touch(key);
        }
        existed
    }

    /// Removes the key when its collection became empty (Redis never stores empty ones).
    fn drop_if_empty(&mut self, key: &[u8]) {
        let empty = match self.keys.get(key).map(|it| &it.val) {
            Some(MVal::List(l)) => l.is_empty(),
            Some(MVal::Hash(h)) => h.is_empty(),
            Some(MVal::Set(s)) => s.is_empty(),
            Some(MVal::ZSet(z)) => z.is_empty(),
            _ => false,
        };
        if empty {
            self.remove(key);
        }
    }

    fn mark_ready(&mut self, key: &[u8]) {
        if !self.ready.iter().any(|k| k == key) {
            self.ready.push(key.to_vec());
        }
    }

    // ---- commands ----

    /// The expected reply to one top-level command from `client` at `now`. EXEC's WATCH
    /// outcome, when the model cannot decide it, is `run_exec` (what the engine did).
    pub fn command(&mut self, client: u64, argv: &[Bytes], now: i64, run_exec: bool) -> Expect {
        self.now = now;
        let name = argv[0].to_ascii_uppercase();
        let multi = self.clients.get(&client).is_some_and(|c| c.multi.is_some());
        if multi {
            match &name[..] {
                b"EXEC" => return self.exec(client, run_exec),
                b"DISCARD" => {
                    self.discard(client);
                    return expect::ok();
                }
                _ => {
                    let c = self.clients.get_mut(&client).expect("known client");
                    c.multi.as_mut().expect("in multi").push(argv.to_vec());
                    return Expect::Exact(Frame::Simple(Bytes::from_static(b"QUEUED")));
                }
            }
        }
        match &name[..] {
            b"MULTI" => {
                self.clients.get_mut(&client).expect("known client").multi = Some(Vec::new());
                expect::ok()
            }
            b"WATCH" => {
                for k in &argv[1..] {
                    let had_ttl = self
                        .keys
                        .get(&k[..])
                        .is_some_and(|it| it.expire_at.is_some());
                    let w = Watch {
                        key: k.to_vec(),
                        version: self.versions.get(&k[..]).copied().unwrap_or(0),
                        maybe: self.maybe.get(&k[..]).copied().unwrap_or(0),
                        had_ttl,
                    };
                    self.clients
                        .get_mut(&client)
                        .expect("known client")
                        .watches
                        .push(w);
                }
                expect::ok()
            }
            b"UNWATCH" => {
                self.clients
                    .get_mut(&client)
                    .expect("known client")
                    .watches
                    .clear();
                expect::ok()
            }
            b"BLPOP" | b"BRPOP" => self.bpop(client, argv, name == b"BLPOP"),
            _ => self.data_command(&name, argv),
        }
    }

    fn discard(&mut self, client: u64) {
        let c = self.clients.get_mut(&client).expect("known client");
        c.multi = None;
        c.watches.clear();
    }

    /// What EXEC must do about WATCH for `client` now.
    pub fn exec_verdict(&self, client: u64, now: i64) -> Verdict {
        let Some(c) = self.clients.get(&client) else {
            return Verdict::Run;
        };
        let mut verdict = Verdict::Run;
        for w in &c.watches {
            if self.versions.get(&w.key).copied().unwrap_or(0) != w.version {
                return Verdict::Abort;
            }
            let ttl_now = self
                .keys
                .get(&w.key)
                .and_then(|it| it.expire_at)
                .is_some_and(|at| at <= now);
            if w.had_ttl || ttl_now || self.maybe.get(&w.key).copied().unwrap_or(0) != w.maybe {
                verdict = Verdict::Either;
            }
        }
        verdict
    }

    fn exec(&mut self, client: u64, run: bool) -> Expect {
        let queue = self
            .clients
            .get(&client)
            .and_then(|c| c.multi.clone())
            .unwrap_or_default();
        self.discard(client);
        if !run {
            return Expect::Exact(Frame::NullArray);
        }
        self.in_exec = true;
        let mut replies = Vec::new();
        for argv in &queue {
            let name = argv[0].to_ascii_uppercase();
            let r = match &name[..] {
                b"BLPOP" | b"BRPOP" => self.bpop(client, argv, name == b"BLPOP"),
                _ => self.data_command(&name, argv),
            };
            replies.push(r);
        }
        self.in_exec = false;
        Expect::Array(replies)
    }

    fn data_command(&mut self, name: &[u8], argv: &[Bytes]) -> Expect {
        self.string_command(name, argv)
            .or_else(|| self.collection_command(name, argv))
            .unwrap_or(Expect::Any)
    }

    /// BLPOP/BRPOP: serve from the first non-empty list, else park (or time out at once
    /// inside EXEC).
    fn bpop(&mut self, client: u64, argv: &[Bytes], left: bool) -> Expect {
        let keys: Vec<Key> = argv[1..argv.len() - 1].iter().map(|k| k.to_vec()).collect();
        for k in &keys {
            match self.get(k).map(|it| &it.val) {
                None => continue,
                Some(MVal::List(_)) => {
                    let v = self.pop_one(k, left).expect("stored lists are not empty");
                    return Expect::Exact(Frame::Array(vec![expect::bulk(k), expect::bulk(&v)]));
                }
                Some(_) => return expect::wrongtype(),
            }
        }
        if self.in_exec {
            return Expect::Exact(Frame::NullArray);
        }
        let secs: f64 = std::str::from_utf8(&argv[argv.len() - 1])
            .ok()
            .and_then(|s| s.parse().ok())
            .expect("generated timeouts parse");
        let ms = (secs * 1000.0).ceil() as i64;
        self.park_seq += 1;
        let b = Blocked {
            keys,
            left,
            deadline: (ms > 0).then_some(self.now + ms),
            seq: self.park_seq,
        };
        self.clients.get_mut(&client).expect("known client").blocked = Some(b);
        Expect::Blocked
    }

    fn pop_one(&mut self, key: &[u8], left: bool) -> Option<Vec<u8>> {
        let v = match self.get(key).map(|it| &mut it.val) {
            Some(MVal::List(l)) => {
                if left {
                    l.pop_front()
                } else {
                    l.pop_back()
                }
            }
            _ => None,
        }?;
        self.drop_if_empty(key);
        self.touch(key);
        Some(v)
    }

    /// After a top-level command: serve parked clients on the keys it pushed to, key by key
    /// in push order, each key's clients in the order they parked. Returns who got what.
    pub fn serve_ready(&mut self, now: i64) -> Vec<(u64, Expect)> {
        self.now = now;
        let mut served = Vec::new();
        let ready = std::mem::take(&mut self.ready);
        for key in ready {
            let mut waiting: Vec<(u64, u64, bool)> = self
                .clients
                .iter()
                .filter_map(|(&id, c)| {
                    let b = c.blocked.as_ref()?;
                    b.keys.contains(&key).then_some((b.seq, id, b.left))
                })
                .collect();
            waiting.sort();
            for (_, id, left) in waiting {
                if !matches!(self.get(&key).map(|it| &it.val), Some(MVal::List(_))) {
                    break;
                }
                let v = self
                    .pop_one(&key, left)
                    .expect("stored lists are not empty");
                self.clients.get_mut(&id).expect("known client").blocked = None;
                let reply = Frame::Array(vec![expect::bulk(&key), expect::bulk(&v)]);
                served.push((id, Expect::Exact(reply)));
            }
        }
        served
    }

    /// Times out parked clients whose deadline is at or before `now`; returns them.
    pub fn expire_blocked(&mut self, now: i64) -> Vec<u64> {
        let mut out = Vec::new();
        for (&id, c) in self.clients.iter_mut() {
            if c.blocked
                .as_ref()
                .is_some_and(|b| b.deadline.is_some_and(|d| d <= now))
            {
                c.blocked = None;
                out.push(id);
            }
        }
        out
    }
}

/// Parses a generated integer argument.
fn num(b: &[u8]) -> i64 {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("generated integers parse")
}

/// Redis's strict integer reading of a stored value (`string2ll`): canonical decimal only.
fn strict_int(b: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(b).ok()?;
    let n: i64 = s.parse().ok()?;
    (n.to_string() == s).then_some(n)
}
