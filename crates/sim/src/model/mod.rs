//! A small reference model of Redis semantics, written independently of the engine: plain
//! `BTreeMap`s and `VecDeque`s, no encodings, no hash tables. For every modelled command it
//! computes the reply the real engine must give (`Expect`), and it tracks what only matters
//! for correctness: TTLs (a key is gone once `expire_at <= now`), WATCH versions, MULTI queues
//! and clients parked by blocking pops, served FIFO per key as Redis 7.0 does.

mod blocking;
mod collections;
mod dbs;
mod hashes;
mod lists;
mod mpop;
mod resp3;
mod sets;
mod strings;
mod tx;
mod zsets;

use bytes::Bytes;
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
    db: usize,
    key: Key,
    version: u64,
    maybe: u64,
    had_ttl: bool,
}

/// What a parked client does once a key is ready.
#[derive(Clone, Debug)]
enum Waiter {
    /// BLPOP (left) / BRPOP.
    Pop { left: bool },
    /// BLMOVE: pop from the ready key's `from` end, push onto `dst` at `to`.
    Move {
        dst: Key,
        from_left: bool,
        to_left: bool,
    },
    /// BZPOPMIN / BZPOPMAX (max).
    ZPop { max: bool },
    /// BLMPOP (`zset` false) / BZMPOP: up to `count` from the `first` (LEFT / MIN) end.
    MPop {
        zset: bool,
        first: bool,
        count: usize,
    },
}

#[derive(Clone, Debug)]
struct Blocked {
    db: usize,
    keys: Vec<Key>,
    waiter: Waiter,
    deadline: Option<i64>,
    seq: u64,
}

#[derive(Clone, Debug, Default)]
struct Client {
    /// The client said `HELLO 3`: replies are converted by `resp3.rs`.
    resp3: bool,
    /// The selected database.
    db: usize,
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
    /// The database commands work on now (`dbs.rs` swaps the four maps below in and out).
    cur: usize,
    /// The other databases' maps while they are not current.
    others: BTreeMap<usize, dbs::DbState>,
    keys: BTreeMap<Key, Item>,
    /// Definite modifications per key (Redis's `signalModifiedKey`), for WATCH.
    versions: BTreeMap<Key, u64>,
    /// Changes Redis may or may not signal (no-op writes, expiry), for WATCH.
    maybe: BTreeMap<Key, u64>,
    /// Times each key left the keyspace (deleted, emptied, expired), for SCAN's guarantee.
    removals: BTreeMap<Key, u64>,
    clients: BTreeMap<u64, Client>,
    /// (db, key) pushed to and not yet served, in first-push order (Redis's ready list).
    ready: VecDeque<(usize, Key)>,
    park_seq: u64,
    in_exec: bool,
    now: i64,
}

impl Model {
    pub fn connect(&mut self, id: u64) {
        self.clients.insert(id, Client::default());
    }

    /// Records that the client switched to RESP3.
    pub fn set_resp3(&mut self, id: u64) {
        if let Some(c) = self.clients.get_mut(&id) {
            c.resp3 = true;
        }
    }

    /// `e` as client `id` receives it (its protocol), for the command `argv`.
    fn for_client(
        &self,
        id: u64,
        argv: &[Bytes],
        e: crate::expect::Expect,
    ) -> crate::expect::Expect {
        if self.clients.get(&id).is_some_and(|c| c.resp3) {
            resp3::convert(argv, e)
        } else {
            e
        }
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
        let entry = (self.cur, key.to_vec());
        if !self.ready.contains(&entry) {
            self.ready.push_back(entry);
        }
    }
}

/// Parses a generated integer argument.
fn num(b: &[u8]) -> i64 {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("generated integers parse")
}

/// Parses a generated float argument (timeouts).
fn num_f64(b: &[u8]) -> f64 {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("generated numbers parse")
}

/// Redis's strict integer reading of a stored value (`string2ll`): canonical decimal only.
fn strict_int(b: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(b).ok()?;
    let n: i64 = s.parse().ok()?;
    (n.to_string() == s).then_some(n)
}
