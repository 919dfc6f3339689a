//! Client-side caching (CLIENT TRACKING), as Redis 7.0 does it.
//!
//! Default mode: the keys of read-only commands a tracking client runs are remembered in one
//! table for all databases (key -> client ids, like Redis's global radix tree); the first
//! modification of such a key sends each remembering client one invalidation and forgets the
//! key. BCAST mode: clients register prefixes instead, and every modified key matching a
//! prefix is collected and broadcast once per command (Redis batches per event-loop turn).
//! FLUSHDB/FLUSHALL send every tracking client a null invalidation ("everything").
//!
//! Delivery: RESP3 clients get a `invalidate` push; a client that REDIRECTs sends it to the
//! other connection instead (a push when that one speaks RESP3, a message on
//! `__redis__:invalidate` when it is a RESP2 subscriber). Invalidations meant for the client
//! running the current command wait until its reply is out, as in Redis.
//!
//! A tracking client's commands run on the main engine, which holds the table; other
//! clients' writes may run on keyspace shards, which queue their invalidations for the main
//! engine in write order (crate::shard_queue).

use crate::dict::Dict;
use crate::engine::{Action, Engine};
use crate::shard_queue::ForMain;
use crate::util::fasthash::IdMap;
use bytes::Bytes;
use resp::{Proto, Reply};
use std::collections::{BTreeMap, BTreeSet};

/// One tracking client's mode (Redis's CLIENT_TRACKING_* flags and fields).
#[derive(Clone, Debug, Default)]
pub struct ClientTracking {
    /// Client id to send invalidations to; 0 for the client itself.
    pub redirect: u64,
    pub bcast: bool,
    pub optin: bool,
    pub optout: bool,
    pub noloop: bool,
    /// The redirect target was gone when an invalidation was due.
    pub broken: bool,
    /// CLIENT CACHING was given for the next command.
    pub caching: bool,
    pub prefixes: BTreeSet<Bytes>,
}

/// Clients registered on one BCAST prefix and the matching keys modified since the last
/// broadcast, each with the client that modified it first (0: none, e.g. expiry).
#[derive(Debug, Default)]
struct Prefix {
    clients: BTreeSet<u64>,
    keys: BTreeMap<Bytes, u64>,
}

/// What an invalidation says: these keys, or everything (a flush).
#[derive(Clone, Debug)]
enum Payload {
    Keys(Vec<Bytes>),
    All,
}

#[derive(Debug, Default)]
pub struct Tracking {
    /// Clients with tracking on.
    pub clients: IdMap<ClientTracking>,
    /// Remembered keys -> the clients that may cache them (a `Dict`, so the limit below
    /// can pick keys at random, deterministically from the engine's seed).
    table: Dict<Bytes, BTreeSet<u64>>,
    /// Client ids over all remembered keys (INFO's `tracking_total_items`).
    items: usize,
    /// `tracking_limit` rounds in a row that ended over `tracking-table-max-keys`: each
    /// one tries harder (Redis's growing effort).
    over_limit_rounds: u64,
    prefixes: BTreeMap<Bytes, Prefix>,
    /// The client whose command is running (0 outside commands), and its deferred
    /// invalidations.
    current: u64,
    pending: Vec<Payload>,
    now_ms: i64,
}

impl Tracking {
    /// No client tracks and no key is remembered: writes owe nobody an invalidation.
    pub fn is_idle(&self) -> bool {
        self.clients.is_empty() && self.table.is_empty()
    }

    /// An empty table whose hashing is keyed by `seed`.
    pub fn with_seed(seed: u128) -> Tracking {
        Tracking {
            table: Dict::with_seed(seed),
            ..Default::default()
        }
    }

    /// The time deliveries are stamped with (output-limit clocks), outside a command.
    pub(crate) fn set_now(&mut self, now_ms: i64) {
        self.now_ms = now_ms;
    }

    /// INFO's `tracking_total_keys`, `tracking_total_items`, `tracking_total_prefixes`.
    pub fn totals(&self) -> (usize, usize, usize) {
        (self.table.len(), self.items, self.prefixes.len())
    }

    /// Turns tracking on (or changes its mode) for a client; options were checked by the
    /// caller. Prefixes add to those the client already has, as in Redis.
    pub fn enable(&mut self, id: u64, redirect: u64, mode: ClientTracking, prefixes: &[Bytes]) {
        let t = self.clients.entry(id).or_default();
        t.redirect = redirect;
        t.broken = false;
        t.bcast = mode.bcast;
        t.optin = mode.optin;
        t.optout = mode.optout;
        t.noloop = mode.noloop;
        if mode.bcast {
            let empty = [Bytes::new()];
            let list = if prefixes.is_empty() {
                &empty[..]
            } else {
                prefixes
            };
            for p in list {
                t.prefixes.insert(p.clone());
                self.prefixes
                    .entry(p.clone())
                    .or_default()
                    .clients
                    .insert(id);
            }
        }
    }

    /// Turns tracking off (CLIENT TRACKING OFF, RESET, disconnect). Keys it remembered stay
    /// in the table, as in Redis: re-enabling tracking later still invalidates them.
    pub fn disable(&mut self, id: u64) {
        let Some(t) = self.clients.remove(&id) else {
            return;
        };
        for p in t.prefixes {
            if let Some(entry) = self.prefixes.get_mut(&p) {
                entry.clients.remove(&id);
                if entry.clients.is_empty() {
                    self.prefixes.remove(&p);
                }
            }
        }
    }

    pub fn get(&self, id: u64) -> Option<&ClientTracking> {
        self.clients.get(&id)
    }

    /// Called after a read-only command: remembers its keys for a default-mode client,
    /// honouring OPTIN/OPTOUT with CLIENT CACHING.
    pub fn remember(&mut self, id: u64, keys: impl Iterator<Item = Bytes>) {
        let Some(t) = self.clients.get(&id) else {
            return;
        };
        if t.bcast || (t.optin && !t.caching) || (t.optout && t.caching) {
            return;
        }
        for key in keys {
            let (ids, _) = self
                .table
                .get_or_insert_with(&key, || (key.clone(), BTreeSet::new()));
            if ids.insert(id) {
                self.items += 1;
            }
        }
    }

    /// Clears the CACHING flag after a command (not inside MULTI, not after CLIENT ...).
    pub fn clear_caching(&mut self, id: u64) {
        if let Some(t) = self.clients.get_mut(&id) {
            t.caching = false;
        }
    }
}

impl Engine {
    /// Marks the start of `client`'s command: invalidations for it wait for its reply.
    pub(crate) fn tracking_begin(&mut self, client: u64, now_ms: i64) {
        self.tracking.current = client;
        self.tracking.now_ms = now_ms;
    }

    /// After `client`'s reply: sends its deferred invalidations and the BCAST batch, and
    /// appends whatever that queued for the client itself to `out`.
    pub(crate) fn tracking_end(&mut self, client: u64, out: Option<&mut Vec<u8>>) {
        let pending = std::mem::take(&mut self.tracking.pending);
        for p in pending {
            self.deliver(client, p);
        }
        self.broadcast();
        self.tracking.current = 0;
        match out {
            Some(out) => {
                if let Some(own) = self.blocking.outbox.remove(&client) {
                    out.extend_from_slice(&own);
                }
            }
            None if self.blocking.outbox.contains_key(&client) => {
                self.actions.push(Action::Wake(vec![client]));
            }
            None => {}
        }
    }

    /// Redis's `trackingInvalidateKey`: `key` was modified by `modifier` (0: nobody, e.g.
    /// expiry).
    pub(crate) fn tracking_invalidate(&mut self, key: &[u8], modifier: u64) {
        if let Some(queue) = &self.to_main {
            // A shard engine: the table is the main engine's (crate::shard_queue).
            if self.tracking_active {
                queue.push(ForMain::Invalidate {
                    key: Bytes::copy_from_slice(key),
                    modifier,
                    now_ms: self.tracking.now_ms,
                });
            }
            return;
        }
        let tr = &mut self.tracking;
        if tr.clients.is_empty() && tr.table.is_empty() {
            return;
        }
        for (p, entry) in tr.prefixes.iter_mut() {
            if key.starts_with(p) {
                entry
                    .keys
                    .entry(Bytes::copy_from_slice(key))
                    .or_insert(modifier);
            }
        }
        self.invalidate_remembered(key);
    }

    /// Tells the clients that remembered `key` it changed (or is no longer tracked), and
    /// forgets it.
    fn invalidate_remembered(&mut self, key: &[u8]) {
        let tr = &mut self.tracking;
        let Some((_, ids)) = tr.table.remove(key) else {
            return;
        };
        tr.items -= ids.len();
        let current = tr.current;
        for id in ids {
            let Some(t) = self.tracking.clients.get(&id) else {
                continue;
            };
            if t.bcast || (t.noloop && id == current) {
                continue;
            }
            let payload = Payload::Keys(vec![Bytes::copy_from_slice(key)]);
            if id == current {
                self.tracking.pending.push(payload);
            } else {
                self.deliver(id, payload);
            }
        }
    }

    /// Redis's `trackingInvalidateKeysOnFlush`: every tracking client hears "everything",
    /// and the table is emptied.
    pub(crate) fn tracking_flush(&mut self) {
        let mut ids: Vec<u64> = self.tracking.clients.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            if id == self.tracking.current {
                self.tracking.pending.push(Payload::All);
            } else {
                self.deliver(id, Payload::All);
            }
        }
        self.tracking.table.clear();
        self.tracking.items = 0;
    }

    /// Redis's `trackingLimitUsedSlots`: while more keys are remembered than
    /// `tracking-table-max-keys` (0: no limit), random ones are forgotten and their clients
    /// told, as if the keys had changed. Up to 100 keys per round, 100 more for each round
    /// in a row that could not get under the limit. Runs before each command on the main
    /// engine and from the cron. (Redis skips the notice to a NOLOOP client whose own
    /// command ran the round, leaving its cache unaware; Lattice tells it.)
    pub(crate) fn tracking_limit(&mut self) {
        let max = self.config.tracking_table_max_keys;
        if self.tracking.clients.is_empty() || max == 0 {
            return;
        }
        if self.tracking.table.len() as u64 <= max {
            self.tracking.over_limit_rounds = 0;
            return;
        }
        let mut effort = 100 * (self.tracking.over_limit_rounds + 1);
        while effort > 0 {
            effort -= 1;
            let rng = &mut self.rng;
            let picked = self
                .tracking
                .table
                .random_entry(&mut || rng.next_u64())
                .map(|(k, _)| k.clone());
            let Some(key) = picked else {
                break;
            };
            self.invalidate_remembered(&key);
            if self.tracking.table.len() as u64 <= max {
                self.tracking.over_limit_rounds = 0;
                return;
            }
        }
        self.tracking.over_limit_rounds += 1;
    }

    /// Redis's `trackingBroadcastInvalidationMessages`: per prefix, its collected keys go to
    /// each of its clients (minus a NOLOOP client's own modifications).
    pub(crate) fn broadcast(&mut self) {
        let mut sends = Vec::new();
        for entry in self.tracking.prefixes.values_mut() {
            if entry.keys.is_empty() {
                continue;
            }
            let keys = std::mem::take(&mut entry.keys);
            for &id in &entry.clients {
                let noloop = self.tracking.clients.get(&id).is_some_and(|t| t.noloop);
                let list: Vec<Bytes> = keys
                    .iter()
                    .filter(|(_, &by)| !(noloop && by == id))
                    .map(|(k, _)| k.clone())
                    .collect();
                if !list.is_empty() {
                    sends.push((id, Payload::Keys(list)));
                }
            }
        }
        for (id, p) in sends {
            self.deliver(id, p);
        }
    }

    /// Redis's `sendTrackingMessage` for tracking client `id`.
    fn deliver(&mut self, id: u64, payload: Payload) {
        let Some(t) = self.tracking.clients.get(&id) else {
            return;
        };
        let redirect = t.redirect;
        let Some(proto) = self.clients.get(&id).map(|s| s.proto) else {
            return;
        };
        // The key list is an array in both protocols; "everything" is the tracking client's
        // own null, even when another connection receives it.
        let body = match payload {
            Payload::Keys(keys) => {
                Reply::Array(keys.into_iter().map(Reply::Bulk).collect()).to_bytes(proto)
            }
            Payload::All => Reply::Nil.to_bytes(proto),
        };
        let now = self.tracking.now_ms;
        let mut target = id;
        if redirect != 0 {
            if !self.clients.contains_key(&redirect) {
                if let Some(t) = self.tracking.clients.get_mut(&id) {
                    t.broken = true;
                }
                if proto == Proto::Resp3 {
                    let msg = Reply::Push(vec![
                        Reply::bulk(Bytes::from_static(b"tracking-redir-broken")),
                        Reply::Int(redirect as i64),
                    ]);
                    self.push_out(id, &msg.to_bytes(proto), now);
                }
                return;
            }
            target = redirect;
        }
        let Some(target_proto) = self.clients.get(&target).map(|s| s.proto) else {
            return;
        };
        let mut msg = Vec::new();
        if target_proto == Proto::Resp3 {
            msg.extend_from_slice(b">2\r\n$10\r\ninvalidate\r\n");
        } else if redirect != 0 && self.pubsub.is_subscriber(target) {
            msg.extend_from_slice(b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n");
        } else {
            // RESP2 without a subscribed redirect target: nowhere to say it.
            return;
        }
        msg.extend_from_slice(&body);
        self.push_out(target, &msg, now);
    }

    fn push_out(&mut self, id: u64, bytes: &[u8], now_ms: i64) {
        if self.push_bytes(id, bytes, now_ms) && id != self.tracking.current {
            self.actions.push(Action::Wake(vec![id]));
        }
    }
}
