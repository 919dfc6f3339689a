//! Engine-level checks: effects of random sorted-set writes replay to the same keyspace
//! (values and encodings), including blocking pops served after a write.

use crate::config::Config;
use crate::engine::{Engine, NullHost};
use bytes::Bytes;

fn run(e: &mut Engine, c: u64, line: &str) -> Vec<u8> {
    let args: Vec<Bytes> = line
        .split(' ')
        .map(|s| Bytes::copy_from_slice(s.as_bytes()))
        .collect();
    let mut out = Vec::new();
    e.execute(c, &args, 1_000, &mut out);
    out
}

fn snapshot(e: &Engine) -> Vec<(Vec<u8>, String, String)> {
    let mut v: Vec<_> = e.dbs[0]
        .iter()
        .map(|(k, en)| {
            let k: &[u8] = k.as_ref();
            (
                k.to_vec(),
                format!("{:?}", en.value.encoding()),
                match &en.value {
                    crate::value::Value::ZSet(z) => format!("{:?}", z.iter().collect::<Vec<_>>()),
                    other => format!("{other:?}"),
                },
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn effects_replay_to_same_keyspace() {
    let mut cfg = Config::default();
    cfg.zset_max_listpack_entries = 6;
    let mut e = Engine::new(cfg.clone(), 7, 1_000, Box::new(NullHost));
    e.effects = Some(Vec::new());
    let c = e.connect("a".into(), "b".into(), 1, 1_000);
    let waiter = e.connect("w".into(), "b".into(), 2, 1_000);
    let mut seed = 42u64;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for i in 0..3000 {
        let k = format!("k{}", rnd(4));
        let k2 = format!("k{}", rnd(4));
        let m = format!("m{}", rnd(12));
        let s = rnd(20) as i64 - 10;
        let line = match rnd(14) {
            0 => format!("ZADD {k} {s} {m} {} x{m}", s + 1),
            1 => format!("ZINCRBY {k} {s} {m}"),
            2 => format!("ZREM {k} {m}"),
            3 => format!("ZPOPMIN {k} {}", rnd(3)),
            4 => format!("ZPOPMAX {k}"),
            5 => format!("ZMPOP 2 {k} {k2} MAX COUNT 2"),
            6 => format!("ZREMRANGEBYSCORE {k} {s} {}", s + 3),
            7 => format!("ZREMRANGEBYRANK {k} 0 {}", rnd(3)),
            8 => format!("ZREMRANGEBYLEX {k} [m1 (m5"),
            9 => format!("ZUNIONSTORE {k} 2 {k} {k2} WEIGHTS 1 2 AGGREGATE MAX"),
            10 => format!("ZINTERSTORE {k} 2 {k} {k2}"),
            11 => format!("ZRANGESTORE {k} {k2} 1 {}", rnd(8)),
            12 => format!("ZADD {k} GT CH {s} {m}"),
            _ => format!("ZDIFFSTORE {k} 2 {k2} {k}"),
        };
        run(&mut e, c, &line);
        if i % 50 == 0 && !e.is_blocked(waiter) {
            run(&mut e, waiter, &format!("BZPOPMIN {k} {k2} 0"));
        }
    }
    let effects = e.effects.take().unwrap();
    let mut r = Engine::new(cfg, 7, 1_000, Box::new(NullHost));
    let rc = r.connect("a".into(), "b".into(), 1, 1_000);
    for eff in &effects {
        let mut out = Vec::new();
        r.execute(rc, &eff.argv, 1_000, &mut out);
        assert!(
            !out.starts_with(b"-"),
            "{:?}: {}",
            eff.argv,
            String::from_utf8_lossy(&out)
        );
    }
    assert!(effects.iter().any(|e| e.argv[0] == "ZPOPMIN"));
    assert!(!effects
        .iter()
        .any(|e| e.argv[0] == "BZPOPMIN" || e.argv[0] == "ZMPOP"));
    assert_eq!(snapshot(&e), snapshot(&r));
}
