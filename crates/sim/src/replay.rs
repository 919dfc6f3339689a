//! Whole-keyspace checks: the effects the run records, replayed into a fresh engine (a
//! replica) at their original times, must rebuild the same keyspace (checked every few steps
//! and at the end); and at the end the engine's live keyspace must equal the model's.

use crate::model::{Item, MVal};
use bytes::Bytes;
use engine::config::Config;
use engine::replica::keyspace;
use engine::value::{RString, Value};
use engine::{Effect, Engine, NullHost};
use std::collections::BTreeMap;

/// Every key of every db: (db, key) -> (value, TTL), without any expiry check.
type Snapshot = BTreeMap<(usize, Vec<u8>), (Value, Option<i64>)>;

fn snapshot(e: &Engine) -> Snapshot {
    keyspace(e)
        .into_iter()
        .map(|(db, key, value, ttl)| ((db, key), (value, ttl)))
        .collect()
}

/// Equal values, allowing what a replica legitimately shows differently: a `raw` string
/// whose bytes an `embstr`/`int` replay holds (a no-op in-place edit records no effect).
fn same_value(a: &Value, b: &Value) -> bool {
    a == b
        || matches!((a, b), (Value::Str(x @ RString::Raw(_)), Value::Str(y)) if x.as_bytes() == y.as_bytes())
}

/// A fresh engine fed the original's effects, in order and at their original times: a
/// replica, as the WAL and replication will build one.
pub struct Replica {
    inner: engine::replica::Replica,
    pub applied: usize,
}

impl Replica {
    /// A replica configured with the same `CONFIG SET` pairs as the original.
    pub fn new(config_set: &[(String, String)], start_ms: i64) -> Replica {
        let eng = Engine::new(Config::default(), 1, start_ms, Box::new(NullHost));
        let mut inner = engine::replica::Replica::new(eng, start_ms);
        for (name, value) in config_set {
            let argv = [
                Bytes::from_static(b"CONFIG"),
                Bytes::from_static(b"SET"),
                Bytes::from(name.clone()),
                Bytes::from(value.clone()),
            ];
            inner.run_local(&argv, start_ms);
        }
        Replica { inner, applied: 0 }
    }

    /// Applies one effect at `now`; an error reply is a failure.
    pub fn apply(&mut self, now: i64, eff: &Effect) -> Result<(), String> {
        self.applied += 1;
        self.inner.apply(eff, now).map_err(|reply| {
            format!(
                "replaying effect {:?} failed: {}",
                eff.argv,
                reply.trim_end()
            )
        })
    }

    /// The replica's keyspace must equal `original`'s: every key, value, encoding and TTL.
    pub fn matches(&self, original: &Engine) -> Result<(), String> {
        let (a, b) = (snapshot(original), snapshot(&self.inner.eng));
        let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
        for k in keys {
            match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) if x.1 == y.1 && same_value(&x.0, &y.0) => {}
                (x, y) => {
                    return Err(format!(
                        "effects replay differs at db{} {:?} after {} effects: original {x:?}, replay {y:?}",
                        k.0,
                        crate::trace::show(&k.1),
                        self.applied
                    ))
                }
            }
        }
        Ok(())
    }
}

/// The engine's db `i` as the model sees values, keys past their TTL at `now` left out.
fn engine_live(e: &Engine, i: usize, now: i64) -> BTreeMap<Vec<u8>, Item> {
    let db = &e.dbs[i];
    db.iter()
        .filter(|(k, _)| !db.is_expired(k, now))
        .map(|(k, entry)| {
            let val = match &entry.value {
                Value::Str(s) => MVal::Str(s.as_bytes().into_owned()),
                Value::List(l) => MVal::List(l.iter().map(|v| v.to_vec()).collect()),
                Value::Hash(h) => {
                    MVal::Hash(h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect())
                }
                Value::Set(s) => MVal::Set(s.iter().map(|m| m.into_owned()).collect()),
                Value::ZSet(z) => MVal::ZSet(z.iter().map(|(m, s)| (m.to_vec(), s)).collect()),
            };
            let item = Item {
                val,
                expire_at: db.expire_at(k),
            };
            (k.to_vec(), item)
        })
        .collect()
}

/// Every database's live keyspace in the engine must equal the model's.
pub fn model_matches(
    e: &Engine,
    model: &BTreeMap<usize, BTreeMap<Vec<u8>, Item>>,
    now: i64,
) -> Result<(), String> {
    let empty = BTreeMap::new();
    for i in 0..e.dbs.len() {
        let real = engine_live(e, i, now);
        let want = model.get(&i).unwrap_or(&empty);
        let keys: std::collections::BTreeSet<_> = real.keys().chain(want.keys()).collect();
        for k in keys {
            let (x, y) = (real.get(k), want.get(k));
            if x != y {
                return Err(format!(
                    "keyspace differs at db{i} {:?}: engine {x:?}, model {y:?}",
                    crate::trace::show(k)
                ));
            }
        }
    }
    Ok(())
}
