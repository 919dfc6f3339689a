//! Structural invariants of the engine's keyspace, checked after every step through the
//! engine's public API (read-only): no empty collection is stored, every TTL belongs to a
//! stored key, and every compact encoding is within the configured thresholds.

use engine::value::{RString, Value, EMBSTR_MAX, SMALL_MAX};
use engine::Engine;

/// The first broken invariant, if any.
pub fn check(e: &Engine) -> Result<(), String> {
    let c = &e.config;
    for (i, db) in e.dbs.iter().enumerate() {
        for (k, _) in db.expires_iter() {
            if !db.contains(k) {
                return Err(format!("db{i}: TTL for a missing key {:?}", show(k)));
            }
        }
        if db.expires_len() > db.len() {
            return Err(format!("db{i}: more TTLs than keys"));
        }
        for (k, entry) in db.iter() {
            let bad = |what: &str| Err(format!("db{i} key {:?}: {what}", show(k)));
            match &entry.value {
                Value::Str(RString::Emb(b)) if b.len() > EMBSTR_MAX => return bad("long embstr"),
                Value::Str(RString::Small { len, .. }) if *len as usize > SMALL_MAX => {
                    return bad("long inline string")
                }
                Value::Str(_) => {}
                Value::List(l) if l.is_empty() => return bad("empty list stored"),
                Value::List(_) => {}
                Value::Hash(h) if h.is_empty() => return bad("empty hash stored"),
                Value::Hash(h) if h.encoding() == "listpack" => {
                    if h.len() as u64 > c.hash_max_listpack_entries {
                        return bad("listpack hash over hash-max-listpack-entries");
                    }
                    let max = c.hash_max_listpack_value as usize;
                    if h.iter().any(|(f, v)| f.len() > max || v.len() > max) {
                        return bad("listpack hash over hash-max-listpack-value");
                    }
                }
                Value::Hash(_) => {}
                Value::Set(s) if s.is_empty() => return bad("empty set stored"),
                Value::Set(s) if s.encoding() == "intset" => {
                    if s.len() as u64 > c.set_max_intset_entries {
                        return bad("intset over set-max-intset-entries");
                    }
                }
                Value::Set(_) => {}
                Value::ZSet(z) if z.is_empty() => return bad("empty zset stored"),
                Value::ZSet(z) if z.encoding() == "listpack" => {
                    if z.len() as u64 > c.zset_max_listpack_entries {
                        return bad("listpack zset over zset-max-listpack-entries");
                    }
                    let max = c.zset_max_listpack_value as usize;
                    if z.iter().any(|(m, _)| m.len() > max) {
                        return bad("listpack zset over zset-max-listpack-value");
                    }
                }
                Value::ZSet(_) => {}
            }
        }
    }
    Ok(())
}

fn show(k: &[u8]) -> String {
    crate::trace::show(k)
}
