//! The active expire cycle: samples keys with a TTL and deletes the expired ones, so memory
//! is reclaimed for keys nobody reads again. Bounded work per call; never a full scan.
//!
//! Like Redis's slow cycle: per db, sample up to `20 + 5 * (effort - 1)` keys that have a TTL,
//! delete the expired ones, and sample again while more than `10 - (effort - 1)` percent of a
//! sample was expired. Redis bounds the cycle by CPU time; the engine never reads a clock, so
//! it bounds the number of sampling rounds per call instead (scaled by the effort).

use crate::engine::Engine;
use bytes::Bytes;

/// Sampling rounds per call at effort 1 (Redis checks its time limit every 16 rounds).
const ROUNDS_PER_CALL: usize = 16;

/// Deletes `key` from `db` because its TTL passed: counts the stat and records the `DEL`
/// effect. Lazy expiry (ctx.rs) and the active cycle both go through here.
pub fn delete_expired(eng: &mut Engine, db: usize, key: &[u8], now_ms: i64) {
    if eng.dbs[db].remove(key).is_some() {
        eng.notify(db, crate::notify::EXPIRED, "expired", key, now_ms);
        crate::watch::touch(eng, db, key, i64::MIN);
        eng.tracking_invalidate(key, 0);
        eng.stats.expired_keys += 1;
        eng.record_effect(
            db,
            vec![Bytes::from_static(b"DEL"), Bytes::copy_from_slice(key)],
        );
    }
}

/// One run of the cycle, called `hz` times a second from `Engine::cron`.
pub fn active_expire_cycle(eng: &mut Engine, now_ms: i64) {
    let ndbs = eng.dbs.len();
    if ndbs == 0 {
        return;
    }
    let effort = eng.config.active_expire_effort.clamp(1, 10) as usize - 1;
    let per_loop = 20 + 20 / 4 * effort;
    let acceptable_stale = 10 - effort;
    let mut budget = ROUNDS_PER_CALL * (1 + effort);
    // Start at a random db so a busy low-numbered db cannot starve the others.
    let first = eng.rng.below(ndbs as u64) as usize;
    for i in 0..ndbs {
        let db = (first + i) % ndbs;
        loop {
            if budget == 0 {
                return;
            }
            if eng.dbs[db].expires_len() == 0 {
                break;
            }
            // Stopping early is legal: lazy expiry still hides expired keys.
            if crate::buggify!("expire.stop-early") {
                return;
            }
            budget -= 1;
            let rng = &mut eng.rng;
            let sample = eng.dbs[db].sample_expires(per_loop, &mut || rng.next_u64());
            let sampled = sample.len();
            let mut expired = 0;
            for (key, at) in sample {
                // A sample may repeat a key; only the first sighting deletes it.
                if at <= now_ms && eng.dbs[db].expire_at(&key) == Some(at) {
                    delete_expired(eng, db, &key, now_ms);
                    expired += 1;
                }
            }
            // An extra round is legal too: it only deletes keys that are already expired.
            let extra = crate::buggify!("expire.extra-round");
            if sampled == 0 || (expired * 100 <= sampled * acceptable_stale && !extra) {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::engine::NullHost;
    use crate::value::{RString, Value};

    fn engine() -> Engine {
        let mut eng = Engine::new(Config::default(), 7, 1_000_000, Box::new(NullHost));
        eng.effects = Some(Vec::new());
        eng
    }

    fn put(eng: &mut Engine, db: usize, key: &str, at: Option<i64>) {
        let v = Value::Str(RString::from_set(b"v"));
        eng.dbs[db].insert(key.as_bytes(), v, 0, false);
        if let Some(at) = at {
            eng.dbs[db].set_expire(key.as_bytes(), at);
        }
    }

    #[test]
    fn expired_keys_disappear_without_access() {
        let mut eng = engine();
        for i in 0..500 {
            put(&mut eng, 0, &format!("gone{i}"), Some(1_000_500));
            put(&mut eng, 3, &format!("gone{i}"), Some(1_000_500));
        }
        for i in 0..100 {
            put(&mut eng, 0, &format!("later{i}"), Some(9_000_000));
            put(&mut eng, 0, &format!("forever{i}"), None);
        }
        // Nothing is due yet: the cycle deletes nothing.
        active_expire_cycle(&mut eng, 1_000_100);
        assert_eq!(eng.dbs[0].len(), 700);
        let mut now = 1_001_000;
        for _ in 0..200 {
            active_expire_cycle(&mut eng, now);
            now += 100;
        }
        assert_eq!(eng.dbs[0].len(), 200);
        assert_eq!(eng.dbs[0].expires_len(), 100);
        assert_eq!(eng.dbs[3].len(), 0);
        assert_eq!(eng.stats.expired_keys, 1000);
        let effects = eng.effects.as_ref().unwrap();
        assert_eq!(effects.len(), 1000);
        assert!(effects.iter().all(|e| &e.argv[0][..] == b"DEL"));
    }

    #[test]
    fn one_call_does_bounded_work() {
        let mut eng = engine();
        for i in 0..10_000 {
            put(&mut eng, 0, &format!("k{i}"), Some(1_000_001));
        }
        active_expire_cycle(&mut eng, 2_000_000);
        let deleted = 10_000 - eng.dbs[0].len();
        assert!(deleted > 0);
        assert!(deleted <= ROUNDS_PER_CALL * 20, "deleted {deleted}");
    }
}
