//! The execution context a handler sees: the keyspace of the selected db with lazy expiry,
//! the calling session, the current time, and the effect log.

use crate::blocking::BlockRequest;
use crate::command::Command;
use crate::db::Db;
use crate::engine::Engine;
use crate::errors;
use crate::notify;
use crate::session::Session;
use crate::value::{RString, Value};
use bytes::Bytes;
use resp::Reply;

pub struct Ctx<'a> {
    pub eng: &'a mut Engine,
    pub client_id: u64,
    /// Selected database of the calling session (kept in sync with the session).
    pub db: usize,
    pub now_ms: i64,
    pub cmd: &'static Command,
    /// The calling client's protocol (replies that differ between RESP2 and RESP3).
    pub proto: resp::Proto,
    /// Effects the handler chose instead of its own argv (Redis's command rewriting).
    pub(crate) rewritten: Option<Vec<Vec<Bytes>>>,
    /// Set when the handler asks the connection to close after its reply (QUIT).
    pub close_after_reply: bool,
    /// Set by `block`: park the client instead of replying.
    pub(crate) block_request: Option<BlockRequest>,
    /// True when re-running a parked client's command because a key became ready.
    pub reprocessing: bool,
    /// While reprocessing: the key that became ready. Redis 7.0 serves a woken client from
    /// that key only, even if another of its keys also holds data now.
    pub ready_key: Option<Bytes>,
    /// On a shard engine: the connection's output buffer, so a handler can encode a value
    /// straight into it instead of copying it into a `Reply` first (see `Ctx::bulk_reply`).
    pub(crate) out: Option<&'a mut Vec<u8>>,
}

impl<'a> Ctx<'a> {
    pub fn session(&self) -> &Session {
        self.eng
            .clients
            .get(&self.client_id)
            .expect("calling session exists")
    }

    pub fn session_mut(&mut self) -> &mut Session {
        self.eng
            .clients
            .get_mut(&self.client_id)
            .expect("calling session exists")
    }

    pub fn now_secs(&self) -> u32 {
        (self.now_ms / 1000) as u32
    }

    /// The selected database, without expiry checks.
    pub fn db(&mut self) -> &mut Db {
        &mut self.eng.dbs[self.db]
    }

    /// Deletes `key` from db `db` if its TTL has passed, recording the `DEL` effect and the
    /// stat. Returns true when it expired.
    pub fn expire_if_needed_in(&mut self, db: usize, key: &[u8]) -> bool {
        if !self.eng.dbs[db].is_expired(key, self.now_ms) {
            return false;
        }
        crate::expire::delete_expired(self.eng, db, key, self.now_ms);
        true
    }

    pub fn expire_if_needed(&mut self, key: &[u8]) -> bool {
        self.expire_if_needed_in(self.db, key)
    }

    /// Redis's `lookupKeyRead`: lazy expiry, hit/miss stats, access time update.
    pub fn lookup_read(&mut self, key: &[u8]) -> Option<&Value> {
        self.lookup(key, true, true)
    }

    /// Like `lookup_read` but without touching the access time (TYPE, EXISTS, TTL, OBJECT).
    pub fn lookup_read_notouch(&mut self, key: &[u8]) -> Option<&Value> {
        self.lookup(key, true, false)
    }

    /// OBJECT's lookup: like `lookup_read_notouch`, but a miss raises no `keymiss` event.
    pub fn lookup_object(&mut self, key: &[u8]) -> Option<&Value> {
        self.expire_if_needed(key);
        let found = self.eng.dbs[self.db].contains(key);
        if found {
            self.eng.stats.keyspace_hits += 1;
        } else {
            self.eng.stats.keyspace_misses += 1;
        }
        self.eng.dbs[self.db].get(key).map(|e| &e.value)
    }

    /// Redis's `lookupKeyWrite`: lazy expiry and access time, no hit/miss stats.
    pub fn lookup_write(&mut self, key: &[u8]) -> Option<&mut Value> {
        self.expire_if_needed(key);
        let now = self.now_secs();
        let entry = self.eng.dbs[self.db].get_mut(key)?;
        entry.lru_secs = now;
        Some(&mut entry.value)
    }

    fn lookup(&mut self, key: &[u8], stats: bool, touch: bool) -> Option<&Value> {
        self.expire_if_needed(key);
        let now = self.now_secs();
        let keymiss_events = self.eng.config.notify_keyspace_events & notify::KEY_MISS != 0;
        // A miss that raises an event needs the whole context, which a borrowed entry would
        // hold: with such events on, a first look settles misses.
        if stats && keymiss_events && !self.eng.dbs[self.db].contains(key) {
            self.eng.stats.keyspace_misses += 1;
            self.notify(notify::KEY_MISS, "keymiss", key);
            return None;
        }
        // One probe: the counters are fields beside the keyspace, borrowed apart from it.
        let eng = &mut *self.eng;
        let entry = eng.dbs[self.db].get_mut(key);
        if stats {
            match entry.is_some() {
                true => eng.stats.keyspace_hits += 1,
                false => eng.stats.keyspace_misses += 1,
            }
        }
        let entry = entry?;
        if touch {
            entry.lru_secs = now;
        }
        Some(&entry.value)
    }

    /// Reads a string value: Ok(None) when missing, Err(WRONGTYPE) for other types.
    pub fn read_string(&mut self, key: &[u8]) -> Result<Option<&RString>, Reply> {
        match self.lookup_read(key) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            #[allow(unreachable_patterns)]
            Some(_) => Err(errors::wrongtype()),
        }
    }

    /// Redis's `setKey`: store (overwriting any type), drop the TTL unless `keep_ttl`, and
    /// count the change.
    pub fn set_key(&mut self, key: &[u8], value: Value, keep_ttl: bool) {
        self.insert_key(key, value, keep_ttl);
        self.signal_modified(key);
    }

    /// Stores a value without counting a change (the caller does, after filling it), and
    /// raises the `new` event when the key did not exist (Redis's `dbAdd`).
    pub fn insert_key(&mut self, key: &[u8], value: Value, keep_ttl: bool) {
        let now = self.now_secs();
        let created = self.eng.config.notify_keyspace_events & notify::NEW != 0
            && !self.eng.dbs[self.db].contains(key);
        self.eng.dbs[self.db].insert(key, value, now, keep_ttl);
        if created {
            self.notify(notify::NEW, "new", key);
        }
    }

    /// Publishes a keyspace event for `key` of the selected db if its class is enabled.
    pub fn notify(&mut self, class: u32, event: &'static str, key: &[u8]) {
        self.eng.notify(self.db, class, event, key, self.now_ms);
    }

    /// Like `notify` for another db (MOVE and COPY ... DB).
    pub fn notify_in(&mut self, db: usize, class: u32, event: &'static str, key: &[u8]) {
        self.eng.notify(db, class, event, key, self.now_ms);
    }

    /// Deletes a key (after lazy expiry); returns whether it existed.
    pub fn delete(&mut self, key: &[u8]) -> bool {
        self.expire_if_needed(key);
        let existed = self.eng.dbs[self.db].remove(key).is_some();
        if existed {
            self.signal_modified(key);
        }
        existed
    }

    /// Marks a key changed: counts a dirty change (Redis's `server.dirty`) and makes the
    /// clients WATCHing it fail their EXEC.
    pub fn signal_modified(&mut self, key: &[u8]) {
        self.eng.dirty += 1;
        self.touch_watched(self.db, key);
    }

    /// Counts `n` changes to `key` at once (Redis's `server.dirty += n` after a command that
    /// added or removed `n` elements); WATCH and tracking hear of the key once.
    pub fn signal_modified_n(&mut self, key: &[u8], n: u64) {
        self.eng.dirty += n;
        self.touch_watched(self.db, key);
    }

    /// Removes a key its command just emptied, which counted its changes already.
    pub fn remove_emptied(&mut self, key: &[u8]) {
        self.eng.dbs[self.db].remove(key);
    }

    /// Tells WATCHers and tracking clients that `key` of `db` changed, without counting a change (for the second
    /// db of MOVE and COPY ... DB).
    pub fn touch_watched(&mut self, db: usize, key: &[u8]) {
        crate::watch::touch(self.eng, db, key, self.now_ms);
        // Tracking clients caching it hear about it (one table for all dbs, as Redis).
        let writer = self.eng.scripting.on_behalf_of(self.client_id);
        self.eng.tracking_invalidate(key, writer);
    }

    /// Adds `n` to the change counter without naming a key (FLUSHDB and friends).
    pub fn add_dirty(&mut self, n: u64) {
        self.eng.dirty += n;
    }

    /// Replaces this command's effect by the given commands (e.g. `EXPIRE` -> `PEXPIREAT`).
    /// Call only when the command changed something.
    pub fn rewrite_effect(&mut self, argv: Vec<Bytes>) {
        self.rewritten.get_or_insert_with(Vec::new).push(argv);
    }

    /// Parks the calling client on `keys` instead of replying (a blocking command that found
    /// nothing to serve). `deadline_ms` is absolute; `None` waits forever. `timeout_reply` is
    /// sent if the deadline passes.
    ///
    /// Inside EXEC nothing may block (Redis's `CLIENT_DENY_BLOCKING`): the request is dropped,
    /// so the handler's own reply, its timeout reply, goes out at once.
    pub fn block(&mut self, keys: Vec<Bytes>, deadline_ms: Option<i64>, timeout_reply: Reply) {
        // Nor inside a script: blocking commands answer at once there too.
        if self.eng.tx.in_exec || self.eng.scripting.running() {
            return;
        }
        self.block_request = Some(BlockRequest {
            keys,
            deadline_ms,
            timeout_reply,
        });
    }

    /// False when this run serves a woken client and `key` is not the key that woke it.
    pub fn serves_from(&self, key: &[u8]) -> bool {
        self.ready_key.as_ref().is_none_or(|k| k[..] == *key)
    }

    /// Tells clients blocked on `key` (in the selected db) that it may serve them now.
    pub fn signal_key_ready(&mut self, key: &[u8]) {
        self.eng.blocking.signal(self.db, key);
    }

    /// GET's reply: the string stored at `key`, encoded straight into the connection's
    /// output buffer when running on a shard (no copy of the value, no allocation), or as a
    /// bulk reply otherwise. A bulk is encoded alike in RESP2 and RESP3.
    pub fn string_reply(&mut self, key: &[u8]) -> Reply {
        let Some(out) = self.out.take() else {
            return match self.read_string(key) {
                Ok(Some(s)) => Reply::bulk_from_slice(&s.as_bytes()),
                Ok(None) => Reply::Nil,
                Err(e) => e,
            };
        };
        let reply = match self.read_string(key) {
            Ok(Some(s)) => {
                s.encode_bulk(out);
                // Already in `out`: an empty encoded reply adds nothing.
                Reply::Encoded(Bytes::new())
            }
            Ok(None) => Reply::Nil,
            Err(e) => e,
        };
        self.out = Some(out);
        reply
    }

    /// The next value of the engine's seeded random stream.
    pub fn random(&mut self) -> u64 {
        self.eng.rng.next_u64()
    }
}
