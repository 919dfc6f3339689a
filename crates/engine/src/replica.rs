//! Applying one engine's effects to another, and the keyspace view that compares two
//! engines. This is what the WAL and replication will do with effects; today the replay
//! tests and the simulator use it to check that effects rebuild the keyspace.

use crate::value::Value;
use crate::{Effect, Engine};
use bytes::Bytes;

/// Every key of every db with its value and TTL, sorted by (db, key), read without expiring.
pub type Keyspace = Vec<(usize, Vec<u8>, Value, Option<i64>)>;

/// The keyspace of `e` (see [`Keyspace`]).
pub fn keyspace(e: &Engine) -> Keyspace {
    let mut out = Vec::new();
    for (i, db) in e.dbs.iter().enumerate() {
        for (k, entry) in db.iter() {
            out.push((i, k.to_vec(), entry.value.clone(), db.expire_at(k)));
        }
    }
    out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    out
}

/// An engine that applies another's effects in order, switching db as each effect says.
pub struct Replica {
    pub eng: Engine,
    client: u64,
    db: usize,
}

impl Replica {
    pub fn new(mut eng: Engine, now_ms: i64) -> Replica {
        let client = eng.connect("replica".into(), "replica".into(), -1, now_ms);
        Replica { eng, client, db: 0 }
    }

    /// Runs a command of the replica's own that is not an effect (its CONFIG SET, say) and
    /// returns the reply. Never SELECT: the replica tracks its db itself.
    pub fn run_local(&mut self, argv: &[Bytes], now_ms: i64) -> Vec<u8> {
        let mut out = Vec::new();
        self.eng.execute(self.client, argv, now_ms, &mut out);
        out
    }

    /// Applies `eff` at `now_ms`; an error reply comes back as `Err` with its text.
    pub fn apply(&mut self, eff: &Effect, now_ms: i64) -> Result<(), String> {
        let mut out = Vec::new();
        if eff.db != self.db {
            let select = [
                Bytes::from_static(b"SELECT"),
                Bytes::from(eff.db.to_string()),
            ];
            self.eng.execute(self.client, &select, now_ms, &mut out);
            self.db = eff.db;
            out.clear();
        }
        self.eng.execute(self.client, &eff.argv, now_ms, &mut out);
        match out.first() {
            Some(b'-') => Err(String::from_utf8_lossy(&out).into_owned()),
            _ => Ok(()),
        }
    }
}
