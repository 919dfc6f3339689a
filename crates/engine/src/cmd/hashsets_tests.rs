//! Engine-level tests of the hash and set families: replies whose order is hash order
//! (compared sorted), SCAN cursors over hash tables, random-pick guarantees, encodings, and
//! effects that replay into a fresh engine to the same keyspace.

use crate::config::Config;
use crate::engine::{Engine, NullHost};
use crate::value::Value;
use bytes::Bytes;
use resp::Frame;
use std::collections::{BTreeMap, BTreeSet};

struct T {
    eng: Engine,
    client: u64,
}

impl T {
    fn new(seed: u64) -> T {
        let mut eng = Engine::new(Config::default(), seed, 1_000_000, Box::new(NullHost));
        eng.effects = Some(Vec::new());
        let client = eng.connect("127.0.0.1:1".into(), "127.0.0.1:6379".into(), 7, 1_000_000);
        T { eng, client }
    }

    fn run(&mut self, args: &[&[u8]]) -> Frame {
        let argv: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        self.run_argv(&argv)
    }

    fn run_argv(&mut self, argv: &[Bytes]) -> Frame {
        let mut out = Vec::new();
        self.eng.execute(self.client, argv, 1_000_000, &mut out);
        match resp::parse_frame(&out) {
            Ok(Some((f, n))) if n == out.len() => f,
            other => panic!("bad reply {other:?} for {argv:?}"),
        }
    }

    fn cmd(&mut self, line: &str) -> Frame {
        let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        self.run(&args)
    }

    fn encoding(&self, key: &[u8]) -> &'static str {
        self.eng.dbs[0]
            .get(key)
            .map_or("none", |e| e.value.encoding())
    }
}

fn bulks(f: Frame) -> Vec<Vec<u8>> {
    match f {
        Frame::Array(v) => v
            .into_iter()
            .map(|x| match x {
                Frame::Bulk(b) => b.to_vec(),
                other => panic!("not bulk: {other:?}"),
            })
            .collect(),
        other => panic!("not an array: {other:?}"),
    }
}

fn sorted(f: Frame) -> BTreeSet<Vec<u8>> {
    bulks(f).into_iter().collect()
}

fn int(f: Frame) -> i64 {
    match f {
        Frame::Integer(n) => n,
        other => panic!("not an integer: {other:?}"),
    }
}

fn strs(items: impl IntoIterator<Item = String>) -> BTreeSet<Vec<u8>> {
    items.into_iter().map(String::into_bytes).collect()
}

#[test]
fn set_encodings_follow_thresholds() {
    let mut t = T::new(1);
    for i in 0..512 {
        t.cmd(&format!("SADD s {i}"));
    }
    assert_eq!(t.encoding(b"s"), "intset");
    t.cmd("SADD s 512");
    assert_eq!(t.encoding(b"s"), "hashtable");
    t.cmd("SADD m 1 a");
    assert_eq!(t.encoding(b"m"), "hashtable");
    t.cmd("SREM m a");
    assert_eq!(t.encoding(b"m"), "hashtable", "conversion is one-way");
    t.cmd("SADD x 1 2");
    t.cmd("SADD y 2 3");
    t.cmd("SUNIONSTORE d m x y");
    assert_eq!(
        t.encoding(b"d"),
        "intset",
        "a stored result starts as an intset"
    );
    t.cmd("CONFIG SET set-max-intset-entries 2");
    t.cmd("SUNIONSTORE d x y");
    assert_eq!(t.encoding(b"d"), "hashtable");
    assert_eq!(
        sorted(t.cmd("SMEMBERS d")),
        strs(["1", "2", "3"].map(String::from))
    );
}

#[test]
fn hash_encodings_follow_thresholds() {
    let mut t = T::new(2);
    for i in 0..512 {
        t.cmd(&format!("HSET h f{i} {i}"));
    }
    assert_eq!(t.encoding(b"h"), "listpack");
    t.cmd("HSET h f512 x");
    assert_eq!(t.encoding(b"h"), "hashtable");
    let long = "v".repeat(65);
    t.cmd(&format!("HSET g a {long}"));
    assert_eq!(t.encoding(b"g"), "hashtable");
    t.cmd("HSET k a 1");
    t.cmd(&format!("HINCRBYFLOAT k {long} 1"));
    assert_eq!(t.encoding(b"k"), "hashtable", "a long field converts too");
    t.cmd("CONFIG SET hash-max-listpack-entries 1");
    t.cmd("HSET two a 1 b 2");
    assert_eq!(t.encoding(b"two"), "hashtable");
    let all = bulks(t.cmd("HGETALL two"));
    let pairs: BTreeMap<_, _> = all
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect();
    assert_eq!(pairs.len(), 2);
    assert_eq!(pairs[&b"b"[..]], b"2");
}

#[test]
fn scans_visit_every_member_of_hash_tables() {
    let mut t = T::new(3);
    let members: Vec<String> = (0..2000).map(|i| format!("m{i}")).collect();
    for chunk in members.chunks(100) {
        t.cmd(&format!("SADD s {}", chunk.join(" ")));
        let pairs: Vec<String> = chunk.iter().map(|m| format!("{m} v{m}")).collect();
        t.cmd(&format!("HSET h {}", pairs.join(" ")));
    }
    assert_eq!(t.encoding(b"s"), "hashtable");
    for (key, per) in [("s", 1), ("h", 2)] {
        let mut seen = BTreeSet::new();
        let mut cursor = b"0".to_vec();
        let mut calls = 0;
        loop {
            let cmd = if key == "s" { &b"SSCAN"[..] } else { b"HSCAN" };
            let reply = t.run(&[cmd, key.as_bytes(), &cursor, b"COUNT", b"50"]);
            let Frame::Array(mut parts) = reply else {
                panic!()
            };
            let items = bulks(parts.pop().unwrap());
            let Some(Frame::Bulk(next)) = parts.pop() else {
                panic!()
            };
            for chunk in items.chunks(per) {
                if per == 2 {
                    assert_eq!(chunk[1], [b"v", &chunk[0][..]].concat());
                }
                seen.insert(chunk[0].clone());
            }
            calls += 1;
            cursor = next.to_vec();
            if cursor == b"0" {
                break;
            }
        }
        assert!(calls > 1, "{key}: a hash table scan takes several calls");
        assert_eq!(seen, strs(members.iter().cloned()), "{key}");
    }
    let reply = t.run(&[b"SSCAN", b"s", b"0", b"MATCH", b"m1?", b"COUNT", b"100000"]);
    let Frame::Array(mut parts) = reply else {
        panic!()
    };
    let matched = sorted(parts.pop().unwrap());
    assert_eq!(parts.pop(), Some(Frame::Bulk(Bytes::from_static(b"0"))));
    assert_eq!(matched, strs((10..20).map(|i| format!("m{i}"))));
}

#[test]
fn random_picks_keep_redis_guarantees() {
    let mut t = T::new(4);
    let members: Vec<String> = (0..100).map(|i| format!("x{i}")).collect();
    t.cmd(&format!("SADD s {}", members.join(" ")));
    let pairs: Vec<String> = members.iter().map(|m| format!("{m} 1")).collect();
    t.cmd(&format!("HSET h {}", pairs.join(" ")));
    let all = strs(members.iter().cloned());
    for count in [1usize, 2, 10, 33, 34, 60, 99, 100, 150] {
        for cmd in ["SRANDMEMBER s", "HRANDFIELD h"] {
            let got = bulks(t.cmd(&format!("{cmd} {count}")));
            let uniq: BTreeSet<_> = got.iter().cloned().collect();
            assert_eq!(got.len(), count.min(100), "{cmd} {count}");
            assert_eq!(uniq.len(), got.len(), "{cmd} {count}: distinct");
            assert!(uniq.is_subset(&all));
        }
        let got = bulks(t.cmd(&format!("SRANDMEMBER s -{count}")));
        assert_eq!(got.len(), count);
        assert!(got.iter().all(|m| all.contains(m)));
    }
    let got = bulks(t.cmd("HRANDFIELD h -7 WITHVALUES"));
    assert_eq!(got.len(), 14);
    assert!(got.chunks(2).all(|p| all.contains(&p[0]) && p[1] == b"1"));
    // SPOP takes distinct members and removes them.
    let popped = bulks(t.cmd("SPOP s 40"));
    let uniq: BTreeSet<_> = popped.iter().cloned().collect();
    assert_eq!(uniq.len(), 40);
    assert_eq!(int(t.cmd("SCARD s")), 60);
    let rest = sorted(t.cmd("SMEMBERS s"));
    assert!(rest.is_disjoint(&uniq));
    assert_eq!(rest.union(&uniq).cloned().collect::<BTreeSet<_>>(), all);
}

#[test]
fn algebra_on_hash_tables_matches_a_model() {
    let mut t = T::new(5);
    let mut r = crate::rng::Rng::new(9);
    let mut model: Vec<BTreeSet<Vec<u8>>> = vec![BTreeSet::new(); 3];
    for (i, set) in model.iter_mut().enumerate() {
        for _ in 0..300 {
            let m = if r.next_u64().is_multiple_of(2) {
                format!("{}", r.below(400))
            } else {
                format!("k{}", r.below(400))
            };
            t.cmd(&format!("SADD s{i} {m}"));
            set.insert(m.into_bytes());
        }
    }
    let inter: BTreeSet<_> = model[0]
        .iter()
        .filter(|m| model[1].contains(*m) && model[2].contains(*m))
        .cloned()
        .collect();
    let union: BTreeSet<_> = model.iter().flatten().cloned().collect();
    let diff: BTreeSet<_> = model[0]
        .iter()
        .filter(|m| !model[1].contains(*m) && !model[2].contains(*m))
        .cloned()
        .collect();
    assert_eq!(sorted(t.cmd("SINTER s0 s1 s2")), inter);
    assert_eq!(sorted(t.cmd("SUNION s0 s1 s2")), union);
    assert_eq!(sorted(t.cmd("SDIFF s0 s1 s2")), diff);
    assert_eq!(int(t.cmd("SINTERCARD 3 s0 s1 s2")), inter.len() as i64);
    assert_eq!(int(t.cmd("SINTERSTORE d s0 s1 s2")), inter.len() as i64);
    assert_eq!(sorted(t.cmd("SMEMBERS d")), inter);
    assert_eq!(int(t.cmd("SUNIONSTORE d s0 s1 s2")), union.len() as i64);
    assert_eq!(sorted(t.cmd("SMEMBERS d")), union);
    assert_eq!(int(t.cmd("SDIFFSTORE d s0 s1 s2")), diff.len() as i64);
    assert_eq!(sorted(t.cmd("SMEMBERS d")), diff);
}

/// Every write's effects, replayed into an engine with another seed, rebuild the same
/// keyspace (values and encodings), including SPOP's SREMs and HINCRBYFLOAT's HSET.
#[test]
fn effects_replay_to_the_same_keyspace() {
    let mut t = T::new(6);
    let mut r = crate::rng::Rng::new(11);
    t.cmd("CONFIG SET set-max-intset-entries 8");
    for _ in 0..3000 {
        let k = format!("k{}", r.below(6));
        let k2 = format!("k{}", r.below(6));
        let m = if r.next_u64().is_multiple_of(3) {
            format!("s{}", r.below(30))
        } else {
            format!("{}", r.below(30))
        };
        let n = r.below(12);
        let line = match r.below(16) {
            0 | 1 => format!("SADD {k} {m} {n}"),
            2 => format!("SREM {k} {m} {n}"),
            3 => format!("SPOP {k}"),
            4 => format!("SPOP {k} {n}"),
            5 => format!("SMOVE {k} {k2} {m}"),
            6 => format!("SINTERSTORE {k} {k2} k1"),
            7 => format!("SUNIONSTORE {k} {k2} k2 k3"),
            8 => format!("SDIFFSTORE {k} {k2} k4"),
            9 | 10 => format!("HSET h{k} f{n} {m}"),
            11 => format!("HDEL h{k} f{n} f{m}"),
            12 => format!("HINCRBY h{k} i{n} {}", r.below(100)),
            13 => format!("HINCRBYFLOAT h{k} x{n} {}.{}", r.below(10), r.below(1000)),
            14 => format!("HSETNX h{k} f{n} {m}"),
            _ => format!("SREM {k} {m}"),
        };
        t.cmd(&line);
    }
    let effects = t.eng.effects.take().unwrap_or_default();
    assert!(effects.iter().any(|e| &e.argv[0][..] == b"SREM"));
    assert!(effects.iter().any(|e| &e.argv[0][..] == b"HSET"));
    assert!(!effects
        .iter()
        .any(|e| e.argv[0].eq_ignore_ascii_case(b"SPOP")));
    assert!(!effects
        .iter()
        .any(|e| e.argv[0].eq_ignore_ascii_case(b"HINCRBYFLOAT")));
    let mut replay = T::new(99);
    replay.cmd(&format!(
        "CONFIG SET set-max-intset-entries {}",
        t.eng.config.set_max_intset_entries
    ));
    for e in &effects {
        assert_eq!(e.db, 0);
        replay.run_argv(&e.argv);
    }
    let dump = |eng: &Engine| -> BTreeMap<Vec<u8>, (String, &'static str)> {
        eng.dbs[0]
            .iter()
            .map(|(k, e)| {
                let shown = match &e.value {
                    Value::Set(s) => format!("{:?}", s.iter().collect::<BTreeSet<_>>()),
                    Value::Hash(h) => format!("{:?}", h.iter().collect::<BTreeMap<_, _>>()),
                    Value::List(l) => format!("{l:?}"),
                    Value::Str(s) => format!("{s:?}"),
                    Value::ZSet(z) => format!("{z:?}"),
                };
                (k.to_vec(), (shown, e.value.encoding()))
            })
            .collect()
    };
    let (a, b) = (dump(&t.eng), dump(&replay.eng));
    assert!(!a.is_empty());
    assert_eq!(a, b);
    // Strict equality too: same encodings, listpacks in the same order.
    for (k, e) in t.eng.dbs[0].iter() {
        assert_eq!(Some(&e.value), replay.eng.dbs[0].get(k).map(|r| &r.value));
    }
}

#[test]
fn errors_leave_no_empty_keys() {
    let mut t = T::new(7);
    t.cmd("HINCRBYFLOAT h f abc");
    t.cmd("HINCRBY h f x");
    t.cmd("SPOP s 3");
    t.cmd("SINTERSTORE d nokey");
    t.cmd("SMOVE nokey d m");
    assert_eq!(t.eng.dbs[0].len(), 0);
    t.cmd("HSET h f 1.5");
    assert!(matches!(t.cmd("HINCRBY h f 1"), Frame::Error(_)));
    t.cmd("HDEL h f");
    assert_eq!(t.eng.dbs[0].len(), 0);
}
