//! One logical database: the key -> entry map and the expiry index.
//!
//! Expiry times live in a second map keyed by the same keys, as Redis's `expires` dict does,
//! so keys without a TTL pay nothing for it and the active expire cycle samples only keys that
//! have one. Both are `Dict`s: SCAN needs its reverse-binary cursor, RANDOMKEY and the expire
//! cycle its cheap random sampling.

use crate::dict::Dict;
use crate::value::{Entry, Value};

pub type Key = Box<[u8]>;

#[derive(Default, Clone)]
pub struct Db {
    map: Dict<Key, Entry>,
    expires: Dict<Key, i64>,
}

impl Db {
    /// An empty db whose tables hash with `seed` (drawn at startup so clients cannot
    /// predict bucket placement).
    pub fn with_seed(seed: u128) -> Db {
        Db {
            map: Dict::with_seed(seed),
            expires: Dict::with_seed(seed.rotate_left(64)),
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn expires_len(&self) -> usize {
        self.expires.len()
    }

    /// The entry, without any expiry check.
    pub fn get(&self, key: &[u8]) -> Option<&Entry> {
        self.map.get(key)
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.map.get_mut(key)
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        self.map.contains_key(key)
    }

    /// Absolute expiry in unix milliseconds, if the key has a TTL.
    pub fn expire_at(&self, key: &[u8]) -> Option<i64> {
        self.expires.get(key).copied()
    }

    /// True when the key has a TTL that has passed at `now_ms`.
    pub fn is_expired(&self, key: &[u8], now_ms: i64) -> bool {
        matches!(self.expires.get(key), Some(&at) if at <= now_ms)
    }

    /// Inserts or overwrites. The TTL is dropped unless `keep_ttl`, as Redis's `setKey` does.
    pub fn insert(&mut self, key: &[u8], value: Value, lru_secs: u32, keep_ttl: bool) {
        if !keep_ttl {
            self.expires.remove(key);
        }
        match self.map.get_mut(key) {
            Some(entry) => {
                entry.value = value;
                entry.lru_secs = lru_secs;
                entry.unshared = false;
            }
            None => {
                self.map.insert(
                    key.into(),
                    Entry {
                        value,
                        lru_secs,
                        unshared: false,
                    },
                );
            }
        }
    }

    /// Stores a whole entry with the given TTL, replacing any old entry and TTL
    /// (RENAME, MOVE and COPY carry values and TTLs between keys this way).
    pub fn add(&mut self, key: &[u8], entry: Entry, expire_at: Option<i64>) {
        self.map.insert(key.into(), entry);
        match expire_at {
            Some(at) => {
                self.expires.insert(key.into(), at);
            }
            None => {
                self.expires.remove(key);
            }
        }
    }

    /// Removes the key and returns its entry and TTL.
    pub fn take(&mut self, key: &[u8]) -> Option<(Entry, Option<i64>)> {
        let (_, entry) = self.map.remove(key)?;
        let at = self.expires.remove(key).map(|(_, at)| at);
        Some((entry, at))
    }

    /// Removes the key and its TTL.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        self.take(key).map(|(entry, _)| entry)
    }

    /// Sets the TTL of an existing key; returns false when the key does not exist.
    pub fn set_expire(&mut self, key: &[u8], at_ms: i64) -> bool {
        if !self.map.contains_key(key) {
            return false;
        }
        match self.expires.get_mut(key) {
            Some(at) => *at = at_ms,
            None => {
                self.expires.insert(key.into(), at_ms);
            }
        }
        true
    }

    /// Drops the TTL; returns whether there was one.
    pub fn persist(&mut self, key: &[u8]) -> bool {
        self.expires.remove(key).is_some()
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.expires.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Entry)> {
        self.map.iter()
    }

    pub fn expires_iter(&self) -> impl Iterator<Item = (&Key, &i64)> {
        self.expires.iter()
    }

    /// One SCAN step over the keyspace: reports the keys of the buckets at `cursor` and
    /// returns the next cursor (0 when done). Keys present for the whole iteration are
    /// reported at least once; some may be reported twice.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8])) -> u64 {
        self.map.scan(cursor, |k, _| f(k))
    }

    /// A random key (any key, expired or not), or None when the db is empty.
    pub fn random_key(&self, rng: &mut impl FnMut() -> u64) -> Option<Key> {
        self.map.random_entry(rng).map(|(k, _)| k.clone())
    }

    /// Up to `count` keys that have a TTL, with their expiry, picked near a random spot
    /// (may repeat a key).
    pub fn sample_expires(&self, count: usize, rng: &mut impl FnMut() -> u64) -> Vec<(Key, i64)> {
        self.expires
            .sample(count, rng)
            .into_iter()
            .map(|(k, &at)| (k.clone(), at))
            .collect()
    }
}
