//! WATCH's registry: which clients watch which keys, and which of them saw a watched key
//! change (Redis's `CLIENT_DIRTY_CAS`), so that their next EXEC answers a null array.
//!
//! Tracking is by modification, not by value: every write that reports a key changed
//! (`Ctx::signal_modified`, expiry deletions, FLUSHDB/FLUSHALL, SWAPDB) touches it here.
//! As Redis 7.0 does, a key that was already logically expired when it was watched counts as
//! absent: deleting it later is no change, and EXEC only fails for watched keys that expired
//! *after* WATCH.

use crate::db::Db;
use crate::engine::Engine;
use crate::util::fasthash::{IdMap, IdSet};
use bytes::Bytes;
use std::collections::HashMap;

/// One client watching one key.
#[derive(Clone, Copy, Debug)]
struct Watcher {
    client: u64,
    /// The key existed but had already expired when WATCH ran (Redis's `wk->expired`).
    expired: bool,
}

/// Watched keys per (db, key), watched keys per client, the dirty clients, and whether a
/// transaction is running.
#[derive(Default, Debug)]
pub struct TxRegistry {
    keys: HashMap<(usize, Bytes), Vec<Watcher>>,
    by_client: IdMap<Vec<(usize, Bytes)>>,
    dirty: IdSet,
    /// True while EXEC runs its queue: blocking commands must not block (Redis's
    /// `CLIENT_DENY_BLOCKING`), see `Ctx::block`.
    pub in_exec: bool,
    changes: u64,
}

impl TxRegistry {
    /// No key is watched by anyone.
    pub fn is_idle(&self) -> bool {
        self.keys.is_empty()
    }

    /// The (db, key) pairs someone watches.
    pub fn keys(&self) -> impl Iterator<Item = &(usize, Bytes)> {
        self.keys.keys()
    }

    /// Bumped whenever the set of watched keys may have changed.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Adds `key` of `db` to the client's watched keys (once per db and key).
    pub fn watch(&mut self, client: u64, db: usize, key: &Bytes, expired: bool) {
        self.changes += 1;
        let mine = self.by_client.entry(client).or_default();
        if mine.iter().any(|(d, k)| *d == db && k == key) {
            return;
        }
        mine.push((db, key.clone()));
        self.keys
            .entry((db, key.clone()))
            .or_default()
            .push(Watcher { client, expired });
    }

    /// Forgets every key the client watches (the dirty flag stays: callers clear it).
    pub fn unwatch_all(&mut self, client: u64) {
        let Some(mine) = self.by_client.remove(&client) else {
            return;
        };
        self.changes += 1;
        for k in mine {
            if let Some(list) = self.keys.get_mut(&k) {
                list.retain(|w| w.client != client);
                if list.is_empty() {
                    self.keys.remove(&k);
                }
            }
        }
    }

    pub fn is_dirty(&self, client: u64) -> bool {
        self.dirty.contains(&client)
    }

    pub fn clear_dirty(&mut self, client: u64) {
        self.dirty.remove(&client);
    }

    /// Redis's `isWatchedKeyExpired`: a watched key that was live at WATCH time has expired
    /// by now (even if nothing deleted it yet).
    pub fn watched_key_expired(&self, client: u64, dbs: &[Db], now_ms: i64) -> bool {
        let Some(mine) = self.by_client.get(&client) else {
            return false;
        };
        mine.iter().any(|(db, key)| {
            let was_expired = self
                .keys
                .get(&(*db, key.clone()))
                .is_some_and(|l| l.iter().any(|w| w.client == client && w.expired));
            !was_expired && dbs[*db].is_expired(key, now_ms)
        })
    }

    /// Marks the client dirty; it no longer needs its watches (Redis unwatches it too).
    pub fn mark_dirty_client(&mut self, client: u64) {
        self.dirty.insert(client);
        self.unwatch_all(client);
    }

    fn mark_dirty(&mut self, clients: Vec<u64>) {
        for c in clients {
            self.mark_dirty_client(c);
        }
    }
}

/// Redis's `touchWatchedKey`: `key` of `db` was just changed. Watchers that saw it already
/// expired keep their watch while the key stays logically absent (deleted, or present but
/// still expired); any other watcher becomes dirty.
pub fn touch(eng: &mut Engine, db: usize, key: &[u8], now_ms: i64) {
    if eng.tx.keys.is_empty() {
        return;
    }
    let Some(list) = eng.tx.keys.get_mut(&(db, Bytes::copy_from_slice(key))) else {
        return;
    };
    let exists = eng.dbs[db].contains(key);
    let still_expired = eng.dbs[db].is_expired(key, now_ms);
    let mut hit = Vec::new();
    for w in list.iter_mut() {
        if w.expired {
            if !exists {
                // The expired key is gone now: logically no change, and no longer "expired".
                w.expired = false;
                continue;
            }
            if still_expired {
                continue;
            }
        }
        hit.push(w.client);
    }
    eng.tx.mark_dirty(hit);
}

/// Redis's `touchAllWatchedKeysInDb`, called before FLUSHDB/FLUSHALL empty `emptied`
/// (`replaced_with` None) and before SWAPDB gives `emptied` the contents of `replaced_with`:
/// a watched key of `emptied` is touched when it exists in either, with the same care for
/// keys that were (or become) logically expired.
pub fn touch_db(eng: &mut Engine, emptied: usize, replaced_with: Option<usize>, now_ms: i64) {
    if eng.tx.keys.is_empty() {
        return;
    }
    let mut hit = Vec::new();
    for ((db, key), list) in eng.tx.keys.iter_mut() {
        if *db != emptied {
            continue;
        }
        let in_emptied = eng.dbs[emptied].contains(key);
        let in_new = replaced_with.is_some_and(|r| eng.dbs[r].contains(key));
        if !in_emptied && !in_new {
            continue;
        }
        let new_expired = replaced_with.is_some_and(|r| eng.dbs[r].is_expired(key, now_ms));
        for w in list.iter_mut() {
            if w.expired {
                if !in_new {
                    w.expired = false;
                    continue;
                }
                if new_expired {
                    continue;
                }
            } else if !in_emptied && new_expired {
                // A missing key replaced by an already expired one: still logically missing.
                w.expired = true;
                continue;
            }
            hit.push(w.client);
        }
    }
    eng.tx.mark_dirty(hit);
}
