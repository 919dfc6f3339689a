//! End-of-run checks on the whole keyspace: the effects the run recorded, replayed into a
//! fresh engine at their original times, must rebuild the same keyspace; and the engine's live
//! keyspace must equal the reference model's.

use crate::model::{Item, MVal};
use bytes::Bytes;
use engine::config::Config;
use engine::value::{RString, Value};
use engine::{Effect, Engine, NullHost};
use std::collections::BTreeMap;

/// Every key of every db: (db, key) -> (value, TTL), without any expiry check.
type Snapshot = BTreeMap<(usize, Vec<u8>), (Value, Option<i64>)>;

fn snapshot(e: &Engine) -> Snapshot {
    let mut out = BTreeMap::new();
    for (i, db) in e.dbs.iter().enumerate() {
        for (k, entry) in db.iter() {
            out.insert((i, k.to_vec()), (entry.value.clone(), db.expire_at(k)));
        }
    }
    out
}

/// Equal values, allowing what a replica legitimately shows differently: a `raw` string
/// whose bytes an `embstr`/`int` replay holds (a no-op in-place edit records no effect).
fn same_value(a: &Value, b: &Value) -> bool {
    a == b
        || matches!((a, b), (Value::Str(x @ RString::Raw(_)), Value::Str(y)) if x.as_bytes() == y.as_bytes())
}

/// Replays `effects` (each with the time it was recorded) into a fresh engine configured with
/// `config_set`, and compares its keyspace with `original`'s.
pub fn replay_matches(
    original: &Engine,
    config_set: &[(String, String)],
    effects: &[(i64, Effect)],
    start_ms: i64,
) -> Result<usize, String> {
    let mut r = Engine::new(Config::default(), 1, start_ms, Box::new(NullHost));
    let c = r.connect("sim:replay".into(), "sim:0".into(), -1, start_ms);
    let mut out = Vec::new();
    for (name, value) in config_set {
        let argv = [
            Bytes::from_static(b"CONFIG"),
            Bytes::from_static(b"SET"),
            Bytes::from(name.clone()),
            Bytes::from(value.clone()),
        ];
        r.execute(c, &argv, start_ms, &mut out);
    }
    let mut db = 0;
    for (now, eff) in effects {
        if eff.db != db {
            let sel = [
                Bytes::from_static(b"SELECT"),
                Bytes::from(eff.db.to_string()),
            ];
            r.execute(c, &sel, *now, &mut out);
            db = eff.db;
        }
        out.clear();
        r.execute(c, &eff.argv, *now, &mut out);
        if out.first() == Some(&b'-') {
            return Err(format!(
                "replaying {:?} failed: {}",
                eff.argv,
                String::from_utf8_lossy(&out)
            ));
        }
    }
    let (a, b) = (snapshot(original), snapshot(&r));
    let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
    for k in keys {
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) if x.1 == y.1 && same_value(&x.0, &y.0) => {}
            (x, y) => {
                return Err(format!(
                    "effects replay differs at db{} {:?}: original {x:?}, replay {y:?}",
                    k.0,
                    crate::trace::show(&k.1)
                ))
            }
        }
    }
    Ok(effects.len())
}

/// The engine's db 0 as the model sees values, keys past their TTL at `now` left out.
fn engine_live(e: &Engine, now: i64) -> BTreeMap<Vec<u8>, Item> {
    let db = &e.dbs[0];
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

/// The engine's live keyspace must equal the model's.
pub fn model_matches(e: &Engine, model: &BTreeMap<Vec<u8>, Item>, now: i64) -> Result<(), String> {
    let real = engine_live(e, now);
    let keys: std::collections::BTreeSet<_> = real.keys().chain(model.keys()).collect();
    for k in keys {
        let (x, y) = (real.get(k), model.get(k));
        if x != y {
            return Err(format!(
                "final keyspace differs at {:?}: engine {x:?}, model {y:?}",
                crate::trace::show(k)
            ));
        }
    }
    Ok(())
}
