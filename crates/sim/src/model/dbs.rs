//! Databases in the model: the current one's maps live in `Model`'s fields (so every command
//! file works on `self.keys`), the others are parked here and swapped in by `use_db`.

use super::{Item, Key, Model};
use std::collections::BTreeMap;

/// One database's maps while it is not current.
#[derive(Default)]
pub(super) struct DbState {
    keys: BTreeMap<Key, Item>,
    versions: BTreeMap<Key, u64>,
    maybe: BTreeMap<Key, u64>,
    removals: BTreeMap<Key, u64>,
}

impl Model {
    /// Makes `db` the current database.
    pub(super) fn use_db(&mut self, db: usize) {
        if db == self.cur {
            return;
        }
        let current = DbState {
            keys: std::mem::take(&mut self.keys),
            versions: std::mem::take(&mut self.versions),
            maybe: std::mem::take(&mut self.maybe),
            removals: std::mem::take(&mut self.removals),
        };
        self.others.insert(self.cur, current);
        let next = self.others.remove(&db).unwrap_or_default();
        self.keys = next.keys;
        self.versions = next.versions;
        self.maybe = next.maybe;
        self.removals = next.removals;
        self.cur = db;
    }

    /// The databases the model has seen, current one included.
    pub(super) fn db_ids(&self) -> Vec<usize> {
        let mut ids: Vec<usize> = self.others.keys().copied().collect();
        ids.push(self.cur);
        ids.sort_unstable();
        ids
    }

    /// The database client `id` has selected.
    pub fn client_db(&self, id: u64) -> usize {
        self.clients.get(&id).map_or(0, |c| c.db)
    }

    /// Every database's live keyspace at `now` (expired keys left out), for comparisons.
    pub fn live(&mut self, now: i64) -> BTreeMap<usize, BTreeMap<Key, Item>> {
        let back = self.cur;
        let mut out = BTreeMap::new();
        for db in self.db_ids() {
            self.use_db(db);
            let live: BTreeMap<Key, Item> = self
                .keys
                .iter()
                .filter(|(_, it)| it.expire_at.is_none_or(|at| at > now))
                .map(|(k, it)| (k.clone(), it.clone()))
                .collect();
            if !live.is_empty() {
                out.insert(db, live);
            }
        }
        self.use_db(back);
        out
    }

    /// Live keys of `db` at `now` with their removal counts: a SCAN must return each key
    /// that is still live, with the same count, when the scan ends.
    pub fn scan_snapshot(&mut self, db: usize, now: i64) -> BTreeMap<Key, u64> {
        self.live(now)
            .remove(&db)
            .unwrap_or_default()
            .into_keys()
            .map(|k| {
                self.use_db(db);
                let n = self.removals.get(&k).copied().unwrap_or(0);
                (k, n)
            })
            .collect()
    }

    /// True when `key` of `db` is live at `now` and has not left the keyspace since
    /// `removals`.
    pub fn stayed(&mut self, db: usize, key: &[u8], removals: u64, now: i64) -> bool {
        self.use_db(db);
        self.removals.get(key).copied().unwrap_or(0) == removals
            && self
                .keys
                .get(key)
                .is_some_and(|it| it.expire_at.is_none_or(|at| at > now))
    }
}
