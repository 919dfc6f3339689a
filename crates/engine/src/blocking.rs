//! Blocking commands (BLPOP, BLMOVE, BZPOPMIN, ...): clients parked on keys and served
//! first-come first-served when a key becomes ready, as Redis does.
//!
//! A handler that finds nothing to serve calls `Ctx::block`; the engine then parks the client
//! instead of replying. Writes that can satisfy a waiter call `Ctx::signal_key_ready`. After
//! every top-level command the engine re-runs each waiting client's command, in arrival order,
//! for every ready key: a client whose command now succeeds gets its reply in `outbox` and an
//! `Action::Wake`; one that still finds nothing stays parked in its place. Timeouts are judged
//! against `now_ms` by the engine, so the simulator drives them like everything else.

use crate::util::fasthash::IdMap;
use bytes::Bytes;
use resp::Reply;
use std::collections::{HashMap, HashSet, VecDeque};

/// Redis's `getTimeoutFromObjectOrReply` for seconds: the absolute deadline in unix ms, or
/// None for 0 (wait forever). The arithmetic is x87 long double as in Redis, so tiny positive
/// values still time out after 1 ms and tiny negative ones round to "forever".
pub fn parse_timeout(arg: &[u8], now_ms: i64) -> Result<Option<i64>, Reply> {
    let ms = crate::util::ldouble::seconds_to_ceil_millis(arg)
        .ok_or_else(|| Reply::err("ERR timeout is not a float or out of range"))?;
    if ms < 0 {
        return Err(Reply::err("ERR timeout is negative"));
    }
    if ms == 0 {
        return Ok(None);
    }
    // Redis 7.0 adds the current time without an overflow check; a deadline past the end of
    // time never comes, so it is forever.
    Ok(now_ms.checked_add(ms))
}

/// What a parked client waits for.
#[derive(Clone, Debug)]
pub struct BlockedOn {
    pub db: usize,
    pub keys: Vec<Bytes>,
    /// The command to re-run when a key becomes ready.
    pub argv: Vec<Bytes>,
    /// Absolute deadline in unix ms; `None` waits forever.
    pub deadline_ms: Option<i64>,
    /// The reply on timeout (Redis: a null array for list and zset pops).
    pub timeout_reply: Reply,
}

/// A handler's request to park the calling client.
#[derive(Clone, Debug)]
pub struct BlockRequest {
    pub keys: Vec<Bytes>,
    pub deadline_ms: Option<i64>,
    pub timeout_reply: Reply,
}

/// Per-key wait queues, the keys signalled ready, and replies waiting for woken clients.
#[derive(Default, Debug)]
pub struct Waiters {
    queues: HashMap<(usize, Bytes), VecDeque<u64>>,
    ready: VecDeque<(usize, Bytes)>,
    ready_set: HashSet<(usize, Bytes)>,
    /// Encoded bytes for a client produced outside its own command (a woken or timed-out
    /// blocking reply, pub/sub messages), until its connection takes them.
    pub outbox: IdMap<Vec<u8>>,
    changes: u64,
}

impl Waiters {
    /// True when some client waits on `key` in `db`.
    pub fn has_waiters(&self, db: usize, key: &[u8]) -> bool {
        !self.queues.is_empty() && self.queues.contains_key(&(db, Bytes::copy_from_slice(key)))
    }

    /// Number of parked clients (INFO's `blocked_clients` counts clients, see Engine).
    pub fn park(&mut self, client: u64, db: usize, keys: &[Bytes]) {
        self.changes += 1;
        for key in keys {
            let queue = self.queues.entry((db, key.clone())).or_default();
            if !queue.contains(&client) {
                queue.push_back(client);
            }
        }
    }

    pub fn unpark(&mut self, client: u64, db: usize, keys: &[Bytes]) {
        self.changes += 1;
        for key in keys {
            let k = (db, key.clone());
            if let Some(queue) = self.queues.get_mut(&k) {
                queue.retain(|&c| c != client);
                if queue.is_empty() {
                    self.queues.remove(&k);
                }
            }
        }
    }

    /// No client is parked on any key.
    pub fn is_idle(&self) -> bool {
        self.queues.is_empty()
    }

    /// The (db, key) pairs some client is parked on.
    pub fn keys(&self) -> impl Iterator<Item = &(usize, Bytes)> {
        self.queues.keys()
    }

    /// Bumped whenever the set of keys with waiters may have changed.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Notes that `key` may now satisfy a waiter (ignored when nobody waits on it).
    pub fn signal(&mut self, db: usize, key: &[u8]) {
        if self.queues.is_empty() {
            return;
        }
        let k = (db, Bytes::copy_from_slice(key));
        if self.queues.contains_key(&k) && self.ready_set.insert(k.clone()) {
            self.ready.push_back(k);
        }
    }

    /// Every key of `db` with waiters is ready (FLUSHDB, SWAPDB bring new contents).
    pub fn signal_db(&mut self, db: usize) {
        let keys: Vec<Bytes> = self
            .queues
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, k)| k.clone())
            .collect();
        for k in keys {
            self.signal(db, &k);
        }
    }

    /// The next ready key and a snapshot of its waiters, in arrival order.
    pub fn next_ready(&mut self) -> Option<(usize, Bytes, Vec<u64>)> {
        let (db, key) = self.ready.pop_front()?;
        self.ready_set.remove(&(db, key.clone()));
        let ids = self
            .queues
            .get(&(db, key.clone()))
            .map(|q| q.iter().copied().collect())
            .unwrap_or_default();
        Some((db, key, ids))
    }
}
