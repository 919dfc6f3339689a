//! `Dict`: a chained hash table modelled on Redis's dict, used for the
//! keyspace and the large encodings of hashes and sets.
//!
//! Why not `std::collections::HashMap`: Redis semantics need (1) SCAN with
//! its reverse-binary cursor, which relies on power-of-two bucket arrays and
//! a known bucket layout, (2) incremental rehashing so one insert never moves
//! the whole table, (3) cheap random sampling for eviction/expiry, and (4)
//! deterministic hashing from a seed passed in (the engine never reads OS
//! randomness).
//!
//! Layout: two tables; table 0 is live, table 1 exists only while rehashing.
//! Buckets hold singly linked chains of boxed nodes. Every entry is one heap
//! node `{ key, value, next }`: for `K = Box<[u8]>`, `V = u64` that is 32
//! bytes (16-byte fat key pointer, 8-byte value, 8-byte link), plus the key
//! bytes' own allocation; each bucket costs 8 bytes.

mod iter;
mod sample;
mod siphash;
#[cfg(test)]
mod tests;

pub use iter::{IntoIter, Iter, IterMut};

/// Smallest non-empty bucket array, as in Redis.
const INITIAL_SIZE: usize = 4;
/// Shrink when fewer than this percentage of buckets would be used.
const MIN_FILL_PERCENT: usize = 10;
/// Fixed seed for [`Dict::new`]; servers should pass a random one instead.
const DEFAULT_SEED: u128 = 0x6c61_7474_6963_6521_5eed_0fd1_c700_0000;

pub(crate) type Link<K, V> = Option<Box<Node<K, V>>>;

#[derive(Clone)]
pub(crate) struct Node<K, V> {
    pub(crate) key: K,
    pub(crate) value: V,
    pub(crate) next: Link<K, V>,
}

#[derive(Clone)]
pub(crate) struct Table<K, V> {
    /// Length is zero or a power of two.
    pub(crate) buckets: Vec<Link<K, V>>,
    pub(crate) used: usize,
}

impl<K, V> Table<K, V> {
    fn empty() -> Self {
        Table {
            buckets: Vec::new(),
            used: 0,
        }
    }

    fn with_size(size: usize) -> Self {
        let mut buckets = Vec::with_capacity(size);
        buckets.resize_with(size, || None);
        Table { buckets, used: 0 }
    }

    fn mask(&self) -> u64 {
        (self.buckets.len() as u64).wrapping_sub(1)
    }
}

/// Chained hash table with incremental rehashing and Redis-style SCAN.
#[derive(Clone)]
pub struct Dict<K, V> {
    pub(crate) tables: [Table<K, V>; 2],
    /// Next table-0 bucket to migrate; `Some` exactly while rehashing.
    pub(crate) rehash_idx: Option<usize>,
    k0: u64,
    k1: u64,
}

impl<K: AsRef<[u8]>, V> Default for Dict<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: AsRef<[u8]> + std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for Dict<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Finds the node holding `key` in one chain.
fn chain_find<'a, K: AsRef<[u8]>, V>(
    mut link: &'a Link<K, V>,
    key: &[u8],
) -> Option<&'a Node<K, V>> {
    while let Some(node) = link {
        if node.key.as_ref() == key {
            return Some(node);
        }
        link = &node.next;
    }
    None
}

fn chain_find_mut<'a, K: AsRef<[u8]>, V>(
    link: &'a mut Link<K, V>,
    key: &[u8],
) -> Option<&'a mut Node<K, V>> {
    let mut cur = link.as_deref_mut();
    while let Some(node) = cur {
        if node.key.as_ref() == key {
            return Some(node);
        }
        cur = node.next.as_deref_mut();
    }
    None
}

/// Unlinks and returns the node holding `key`.
fn chain_remove<K: AsRef<[u8]>, V>(
    mut link: &mut Link<K, V>,
    key: &[u8],
) -> Option<Box<Node<K, V>>> {
    loop {
        let hit = link.as_ref()?.key.as_ref() == key;
        if hit {
            let mut node = link.take()?;
            *link = node.next.take();
            return Some(node);
        }
        link = &mut link.as_mut()?.next;
    }
}

impl<K: AsRef<[u8]>, V> Dict<K, V> {
    /// Empty dict hashed with a fixed seed (deterministic; fine for tests and
    /// small private maps).
    pub fn new() -> Self {
        Self::with_seed(DEFAULT_SEED)
    }

    /// Empty dict whose SipHash key is `seed`. Servers should draw the seed
    /// at startup so clients cannot predict bucket placement.
    pub fn with_seed(seed: u128) -> Self {
        Dict {
            tables: [Table::empty(), Table::empty()],
            rehash_idx: None,
            k0: seed as u64,
            k1: (seed >> 64) as u64,
        }
    }

    /// Number of entries.
    /// Bytes this table allocates for its own structure: bucket arrays and one node per
    /// entry (MEMORY USAGE); what keys and values point to is not included.
    pub fn table_bytes(&self) -> usize {
        let buckets: usize = self.tables.iter().map(|t| t.buckets.capacity()).sum();
        buckets * std::mem::size_of::<Link<K, V>>() + self.len() * Self::node_bytes()
    }

    /// The size of one entry's node.
    pub fn node_bytes() -> usize {
        std::mem::size_of::<Node<K, V>>()
    }

    pub fn len(&self) -> usize {
        self.tables[0].used + self.tables[1].used
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total buckets across both tables (for INFO / DEBUG-style stats).
    pub fn bucket_count(&self) -> usize {
        self.tables[0].buckets.len() + self.tables[1].buckets.len()
    }

    /// True while entries are being migrated from table 0 to table 1.
    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    /// Removes everything and frees the bucket arrays.
    pub fn clear(&mut self) {
        self.tables = [Table::empty(), Table::empty()];
        self.rehash_idx = None;
    }

    /// SipHash-1-2 of `key` under this dict's seed.
    pub fn hash_key(&self, key: &[u8]) -> u64 {
        siphash::siphash12(self.k0, self.k1, key)
    }

    /// Tables that may hold entries: table 1 only while rehashing.
    fn live_tables(&self) -> usize {
        if self.rehash_idx.is_some() {
            2
        } else {
            1
        }
    }

    /// (table, bucket) where `key` lives, if present.
    fn locate(&self, key: &[u8]) -> Option<(usize, usize)> {
        if self.is_empty() {
            return None;
        }
        let h = self.hash_key(key);
        (0..self.live_tables()).find_map(|t| {
            let table = &self.tables[t];
            let idx = (h & table.mask()) as usize;
            chain_find(table.buckets.get(idx)?, key).map(|_| (t, idx))
        })
    }

    /// The bucket of hash `h` in table `t`, if that table has buckets.
    fn bucket_of(&self, t: usize, h: u64) -> Option<&Link<K, V>> {
        let table = &self.tables[t];
        table.buckets.get((h & table.mask()) as usize)
    }

    /// The node holding `key`: one hash, one walk of each live table's chain.
    fn find(&self, key: &[u8]) -> Option<&Node<K, V>> {
        if self.is_empty() {
            return None;
        }
        self.find_hashed(key, self.hash_key(key))
    }

    /// Like `find`, with the key's hash passed in.
    fn find_hashed(&self, key: &[u8], h: u64) -> Option<&Node<K, V>> {
        if let Some(node) = chain_find(self.bucket_of(0, h)?, key) {
            return Some(node);
        }
        if self.rehash_idx.is_some() {
            return chain_find(self.bucket_of(1, h)?, key);
        }
        None
    }

    /// Like `find`, mutably, with the key's hash passed in.
    fn find_mut(&mut self, key: &[u8], h: u64) -> Option<&mut Node<K, V>> {
        let rehashing = self.rehash_idx.is_some();
        let [t0, t1] = &mut self.tables;
        let mask0 = t0.mask();
        if let Some(bucket) = t0.buckets.get_mut((h & mask0) as usize) {
            if let Some(node) = chain_find_mut(bucket, key) {
                return Some(node);
            }
        }
        if rehashing {
            let mask1 = t1.mask();
            return chain_find_mut(t1.buckets.get_mut((h & mask1) as usize)?, key);
        }
        None
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.find(key).map(|n| &n.value)
    }

    /// The stored key and value; the key is useful to reuse its allocation.
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&K, &V)> {
        self.find(key).map(|n| (&n.key, &n.value))
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.find(key).is_some()
    }

    /// Mutable access; also performs one rehash step, as Redis lookups do.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        self.rehash_step();
        if self.is_empty() {
            return None;
        }
        let h = self.hash_key(key);
        self.find_mut(key, h).map(|n| &mut n.value)
    }

    /// `get_mut` with `h == self.hash_key(key)` computed by the caller, so a lookup that may
    /// be followed by an insert (`Db::insert`) hashes once.
    pub fn get_mut_hashed(&mut self, key: &[u8], h: u64) -> Option<&mut V> {
        self.rehash_step();
        if self.is_empty() {
            return None;
        }
        self.find_mut(key, h).map(|n| &mut n.value)
    }

    /// Inserts `key`, known to be absent, with its hash `h`; see `get_mut_hashed`.
    pub fn insert_new_hashed(&mut self, h: u64, key: K, value: V) {
        self.rehash_step();
        self.insert_hashed(h, key, value);
    }

    /// Inserts or replaces. On replace the old key is kept (the new one is
    /// dropped) and the old value returned.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.rehash_step();
        let h = self.hash_key(key.as_ref());
        if !self.is_empty() {
            if let Some(node) = self.find_mut(key.as_ref(), h) {
                return Some(std::mem::replace(&mut node.value, value));
            }
        }
        self.insert_hashed(h, key, value);
        None
    }

    /// Returns the value for `key`, inserting `make()` first when absent.
    /// `make` must return a key equal to `key`. The bool is true when
    /// inserted. (An existing entry moves to the front of its bucket chain.)
    pub fn get_or_insert_with(
        &mut self,
        key: &[u8],
        make: impl FnOnce() -> (K, V),
    ) -> (&mut V, bool) {
        self.rehash_step();
        // Unlink the existing node (owned, so no borrow is held), then put
        // it back at the head of the same bucket.
        let found = self.locate(key).and_then(|(t, idx)| {
            chain_remove(&mut self.tables[t].buckets[idx], key).map(|node| (t, idx, node))
        });
        if let Some((t, idx, mut node)) = found {
            let bucket = &mut self.tables[t].buckets[idx];
            node.next = bucket.take();
            return (&mut bucket.insert(node).value, false);
        }
        let (k, v) = make();
        (self.insert_new(k, v), true)
    }

    /// Adds a key known to be absent; new keys go to table 1 while
    /// rehashing.
    fn insert_new(&mut self, key: K, value: V) -> &mut V {
        let h = self.hash_key(key.as_ref());
        self.insert_hashed(h, key, value)
    }

    /// `insert_new` with the key's hash already computed.
    fn insert_hashed(&mut self, h: u64, key: K, value: V) -> &mut V {
        self.expand_if_needed();
        let t = self.live_tables() - 1;
        let table = &mut self.tables[t];
        table.used += 1;
        let idx = (h & table.mask()) as usize;
        let bucket = &mut table.buckets[idx];
        let next = bucket.take();
        &mut bucket.insert(Box::new(Node { key, value, next })).value
    }

    /// Removes `key`, returning the stored key and value.
    pub fn remove(&mut self, key: &[u8]) -> Option<(K, V)> {
        self.rehash_step();
        if self.is_empty() {
            return None;
        }
        let h = self.hash_key(key);
        // One walk per live table: unlinking finds the node itself.
        let (t, node) = (0..self.live_tables()).find_map(|t| {
            let table = &mut self.tables[t];
            let idx = (h & table.mask()) as usize;
            chain_remove(table.buckets.get_mut(idx)?, key).map(|node| (t, node))
        })?;
        self.tables[t].used -= 1;
        // Removing the last table-0 entry ends a rehash right away.
        self.rehash(0);
        self.shrink_if_needed();
        let Node { key, value, .. } = *node;
        Some((key, value))
    }

    /// Grows like Redis: first allocation is 4 buckets; afterwards when the
    /// entry count reaches the bucket count, to the next power of two above
    /// it. Never while already rehashing.
    fn expand_if_needed(&mut self) {
        if self.rehash_idx.is_some() {
            return;
        }
        let size = self.tables[0].buckets.len();
        if size == 0 {
            self.resize_to(INITIAL_SIZE);
        } else if self.tables[0].used >= size {
            self.resize_to(self.tables[0].used + 1);
        } else if self.tables[0].used * 2 >= size && crate::buggify!("dict.grow-early") {
            // Growing at half full is legal: only memory and bucket layout differ.
            self.resize_to(size * 2);
        }
    }

    /// Starts shrinking when under 10% of buckets would be used (Redis
    /// checks this from its cron; we do it on removal, deterministically).
    /// Returns true when a resize was started.
    pub fn shrink_if_needed(&mut self) -> bool {
        // Not shrinking is legal (Redis only shrinks from its cron): only memory differs.
        if self.rehash_idx.is_some() || crate::buggify!("dict.skip-shrink") {
            return false;
        }
        let size = self.tables[0].buckets.len();
        let used = self.tables[0].used;
        if size > INITIAL_SIZE && used * 100 / size < MIN_FILL_PERCENT {
            return self.resize_to(used.max(INITIAL_SIZE));
        }
        false
    }

    /// Begins rehashing into a table of the smallest power of two >= `want`.
    fn resize_to(&mut self, want: usize) -> bool {
        let size = want.max(INITIAL_SIZE).checked_next_power_of_two();
        let Some(size) = size else { return false };
        if self.rehash_idx.is_some() || size == self.tables[0].buckets.len() {
            return false;
        }
        if self.tables[0].used == 0 {
            // Nothing to migrate: swap the bucket array at once.
            self.tables[0] = Table::with_size(size);
        } else {
            self.tables[1] = Table::with_size(size);
            self.rehash_idx = Some(0);
        }
        true
    }

    /// One bucket of incremental rehash work.
    #[inline]
    fn rehash_step(&mut self) {
        if self.rehash_idx.is_none() {
            return;
        }
        // A burst finishes a rehash sooner; lookups and SCAN must not care when it happens.
        let n = if crate::buggify!("dict.rehash-burst") {
            64
        } else {
            1
        };
        self.rehash(n);
    }

    /// Migrates up to `n` non-empty buckets (visiting at most `10 * n` empty
    /// ones) from table 0 to table 1. Returns true if rehashing continues.
    /// A server cron may call this to finish idle rehashes.
    pub fn rehash(&mut self, n: usize) -> bool {
        let Some(mut idx) = self.rehash_idx else {
            return false;
        };
        let mut empty_budget = n.saturating_mul(10);
        let mut moves = n;
        let [t0, t1] = &mut self.tables;
        while moves > 0 && t0.used > 0 {
            let Some(bucket) = t0.buckets.get_mut(idx) else {
                break;
            };
            if bucket.is_none() {
                idx += 1;
                empty_budget = empty_budget.saturating_sub(1);
                if empty_budget == 0 {
                    break;
                }
                continue;
            }
            let mut chain = bucket.take();
            while let Some(mut node) = chain {
                chain = node.next.take();
                let h = siphash::siphash12(self.k0, self.k1, node.key.as_ref());
                let slot = (h & t1.mask()) as usize;
                let dst = &mut t1.buckets[slot];
                node.next = dst.take();
                *dst = Some(node);
                t0.used -= 1;
                t1.used += 1;
            }
            idx += 1;
            moves -= 1;
        }
        if t0.used == 0 {
            self.tables[0] = std::mem::replace(&mut self.tables[1], Table::empty());
            self.rehash_idx = None;
            false
        } else {
            self.rehash_idx = Some(idx);
            true
        }
    }

    /// Iterates over all entries in bucket order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter::new(self)
    }

    /// Iterates with mutable values.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut::new(self)
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }

    /// Removes and yields every entry, leaving the dict empty.
    pub fn drain(&mut self) -> IntoIter<K, V> {
        let tables = std::mem::replace(&mut self.tables, [Table::empty(), Table::empty()]);
        self.rehash_idx = None;
        IntoIter::new(tables)
    }
}
