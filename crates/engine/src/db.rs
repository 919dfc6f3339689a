//! One logical database: the key -> entry map and the expiry index, split into parts by
//! hash slot (crate::slot) when the keyspace is sharded.
//!
//! Expiry times live in a second map keyed by the same keys, as Redis's `expires` dict does,
//! so keys without a TTL pay nothing for it and the active expire cycle samples only keys that
//! have one. Both are `Dict`s: SCAN needs its reverse-binary cursor, RANDOMKEY and the expire
//! cycle its cheap random sampling.
//!
//! A sharded server keeps part `s` of every db in shard `s` (crate::shard), where one shard's
//! lock guards it; the engine that runs a command touching several shards borrows their parts
//! (`swap_part`). Parts are boxed so lending one moves a pointer.

use crate::dict::Dict;
use crate::slot;
use crate::value::{Entry, Value};

pub use crate::key::Key;

#[derive(Default, Clone)]
pub struct DbPart {
    map: Dict<Key, Entry>,
    expires: Dict<Key, i64>,
}

impl DbPart {
    fn with_seed(seed: u128) -> DbPart {
        DbPart {
            map: Dict::with_seed(seed),
            expires: Dict::with_seed(seed.rotate_left(64)),
        }
    }
}

#[derive(Clone)]
pub struct Db {
    /// One part per shard, at least one; boxed so lending one to a shard moves a pointer
    /// instead of two tables' headers.
    #[allow(clippy::vec_box)]
    parts: Vec<Box<DbPart>>,
}

impl Default for Db {
    fn default() -> Db {
        Db {
            parts: vec![Box::default()],
        }
    }
}

impl Db {
    /// An empty db whose tables hash with `seed` (drawn at startup so clients cannot
    /// predict bucket placement).
    pub fn with_seed(seed: u128) -> Db {
        Db::with_parts(seed, 1)
    }

    /// An empty db split into `parts` parts by hash slot (one per shard).
    pub fn with_parts(seed: u128, parts: usize) -> Db {
        Db {
            parts: (0..parts.max(1) as u128)
                .map(|i| Box::new(DbPart::with_seed(seed ^ (i << 96) ^ i)))
                .collect(),
        }
    }

    pub fn parts(&self) -> usize {
        self.parts.len()
    }

    /// Exchanges part `i` of this db with the only part of `other` (a shard's db): lending a
    /// shard's keys to the engine that runs a cross-shard command, and taking them back.
    pub fn swap_part(&mut self, i: usize, other: &mut Db) {
        std::mem::swap(&mut self.parts[i], &mut other.parts[0]);
    }

    /// Whether part `i` holds no key.
    pub fn part_is_empty(&self, i: usize) -> bool {
        self.parts[i].map.is_empty()
    }

    fn part(&self, key: &[u8]) -> &DbPart {
        &self.parts[slot::shard_of(key, self.parts.len())]
    }

    fn part_mut(&mut self, key: &[u8]) -> &mut DbPart {
        let i = slot::shard_of(key, self.parts.len());
        &mut self.parts[i]
    }

    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.map.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| p.map.is_empty())
    }

    /// Redis's `incrementallyRehash`: moves a bounded batch of buckets of the first table
    /// (keys, then expiry times) still being rehashed, so idle tables finish growing or
    /// shrinking without waiting for traffic. True when there was such work.
    pub fn rehash_some(&mut self) -> bool {
        // Redis spends up to 1 ms in batches of 100 buckets; a fixed budget keeps this
        // deterministic (the engine reads no clock).
        const BATCHES: usize = 100;
        for part in self.parts.iter_mut() {
            if part.map.is_rehashing() {
                for _ in 0..BATCHES {
                    if !part.map.rehash(100) {
                        break;
                    }
                }
                return true;
            }
            if part.expires.is_rehashing() {
                for _ in 0..BATCHES {
                    if !part.expires.rehash(100) {
                        break;
                    }
                }
                return true;
            }
        }
        false
    }

    pub fn expires_len(&self) -> usize {
        self.parts.iter().map(|p| p.expires.len()).sum()
    }

    /// The entry, without any expiry check.
    pub fn get(&self, key: &[u8]) -> Option<&Entry> {
        let part = self.part(key);
        part.map.get(key)
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let part = self.part_mut(key);
        part.map.get_mut(key)
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        let part = self.part(key);
        part.map.contains_key(key)
    }

    /// Absolute expiry in unix milliseconds, if the key has a TTL.
    pub fn expire_at(&self, key: &[u8]) -> Option<i64> {
        let part = self.part(key);
        part.expires.get(key).copied()
    }

    /// True when the key has a TTL that has passed at `now_ms`.
    pub fn is_expired(&self, key: &[u8], now_ms: i64) -> bool {
        let part = self.part(key);
        matches!(part.expires.get(key), Some(&at) if at <= now_ms)
    }

    /// Inserts or overwrites. The TTL is dropped unless `keep_ttl`, as Redis's `setKey` does.
    pub fn insert(&mut self, key: &[u8], value: Value, lru_secs: u32, keep_ttl: bool) {
        let part = self.part_mut(key);
        if !keep_ttl {
            part.expires.remove(key);
        }
        let h = part.map.hash_key(key);
        match part.map.get_mut_hashed(key, h) {
            Some(entry) => {
                entry.value = value;
                entry.lru_secs = lru_secs;
                entry.unshared = false;
            }
            None => {
                part.map.insert_new_hashed(
                    h,
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
        let part = self.part_mut(key);
        part.map.insert(key.into(), entry);
        match expire_at {
            Some(at) => {
                part.expires.insert(key.into(), at);
            }
            None => {
                part.expires.remove(key);
            }
        }
    }

    /// Removes the key and returns its entry and TTL.
    pub fn take(&mut self, key: &[u8]) -> Option<(Entry, Option<i64>)> {
        let part = self.part_mut(key);
        let (_, entry) = part.map.remove(key)?;
        let at = part.expires.remove(key).map(|(_, at)| at);
        Some((entry, at))
    }

    /// Removes the key and its TTL.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        self.take(key).map(|(entry, _)| entry)
    }

    /// Sets the TTL of an existing key; returns false when the key does not exist.
    pub fn set_expire(&mut self, key: &[u8], at_ms: i64) -> bool {
        let part = self.part_mut(key);
        if !part.map.contains_key(key) {
            return false;
        }
        match part.expires.get_mut(key) {
            Some(at) => *at = at_ms,
            None => {
                part.expires.insert(key.into(), at_ms);
            }
        }
        true
    }

    /// Drops the TTL; returns whether there was one.
    pub fn persist(&mut self, key: &[u8]) -> bool {
        let part = self.part_mut(key);
        part.expires.remove(key).is_some()
    }

    pub fn clear(&mut self) {
        for part in &mut self.parts {
            part.map.clear();
            part.expires.clear();
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Entry)> {
        self.parts.iter().flat_map(|p| p.map.iter())
    }

    pub fn expires_iter(&self) -> impl Iterator<Item = (&Key, &i64)> {
        self.parts.iter().flat_map(|p| p.expires.iter())
    }

    /// One SCAN step over the keyspace: reports the keys of the buckets at `cursor` and
    /// returns the next cursor (0 when done). Keys present for the whole iteration are
    /// reported at least once; some may be reported twice.
    ///
    /// With several parts the cursor carries the part in its low digits (base = part count):
    /// parts are scanned one after another, each with its own reverse-binary cursor.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8])) -> u64 {
        let n = self.parts.len() as u64;
        if n == 1 {
            return self.parts[0].map.scan(cursor, |k, _| f(k));
        }
        let (mut part, mut inner) = (cursor % n, cursor / n);
        loop {
            inner = self.parts[part as usize].map.scan(inner, |k, _| f(k));
            if inner != 0 {
                return inner.saturating_mul(n) + part;
            }
            part += 1;
            if part == n {
                return 0;
            }
            // A part finished: go on with the next in the same call only if this one
            // reported nothing yet, as an empty table would waste a round trip otherwise.
            if !self.parts[part as usize - 1].map.is_empty() {
                return part;
            }
        }
    }

    /// A random key (any key, expired or not), or None when the db is empty.
    pub fn random_key(&self, rng: &mut impl FnMut() -> u64) -> Option<Key> {
        let part = self.weighted_part(|p| p.map.len(), rng)?;
        part.map.fair_random_entry(rng).map(|(k, _)| k.clone())
    }

    /// A part picked with probability proportional to `size` (no draw with one part), or None
    /// when all are empty.
    fn weighted_part(
        &self,
        size: impl Fn(&DbPart) -> usize,
        rng: &mut impl FnMut() -> u64,
    ) -> Option<&DbPart> {
        if self.parts.len() == 1 {
            return Some(&self.parts[0]);
        }
        let total: usize = self.parts.iter().map(|p| size(p)).sum();
        if total == 0 {
            return None;
        }
        let mut pick = (rng() % total as u64) as usize;
        for part in &self.parts {
            if pick < size(part) {
                return Some(part);
            }
            pick -= size(part);
        }
        None
    }

    /// Up to `count` keys that have a TTL, with their expiry, picked near a random spot
    /// (may repeat a key).
    pub fn sample_expires(&self, count: usize, rng: &mut impl FnMut() -> u64) -> Vec<(Key, i64)> {
        let Some(part) = self.weighted_part(|p| p.expires.len(), rng) else {
            return Vec::new();
        };
        part.expires
            .sample(count, rng)
            .into_iter()
            .map(|(k, &at)| (k.clone(), at))
            .collect()
    }
}
