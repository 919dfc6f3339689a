//! The shard protocol end to end without threads: commands routed to shard engines, the main
//! engine borrowing their parts for everything else.

use crate::config::Config;
use crate::plan::{route, Route};
use crate::shard::FastSession;
use crate::{Engine, NullHost};
use bytes::Bytes;

const NOW: i64 = 1_700_000_000_000;

struct Cluster {
    main: Engine,
    shards: Vec<Engine>,
    client: u64,
}

impl Cluster {
    fn new(n: usize) -> Cluster {
        let mut config = Config::default();
        config.shards = n;
        let mut main = Engine::new(config, 9, NOW, Box::new(NullHost));
        let shards = (0..n).map(|i| main.new_shard(i)).collect();
        let client = main.connect("127.0.0.1:1".into(), "127.0.0.1:2".into(), 5, NOW);
        Cluster {
            main,
            shards,
            client,
        }
    }

    /// Runs one command the way the server does: on its shard when it may, else on the
    /// main engine with every part borrowed. Returns the reply and whether it ran on a shard.
    fn run(&mut self, line: &str) -> (String, bool) {
        let args: Vec<Bytes> = line
            .split(' ')
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect();
        let mut out = Vec::new();
        let session = self.lent(|m| m.fast_session(1));
        if let (Route::Shard(cmd, s), Some(session)) = (route(&args, self.shards.len()), session) {
            if self.shards[s].execute_fast(self.client, session, cmd, &args, NOW, &mut out) {
                return (String::from_utf8_lossy(&out).into_owned(), true);
            }
        }
        let client = self.client;
        self.lent(|m| m.execute(client, &args, NOW, &mut out));
        (String::from_utf8_lossy(&out).into_owned(), false)
    }

    fn lent<T>(&mut self, f: impl FnOnce(&mut Engine) -> T) -> T {
        for (i, s) in self.shards.iter_mut().enumerate() {
            self.main.lend(i, s);
        }
        self.main.settle_shard_queue();
        let r = f(&mut self.main);
        for (i, s) in self.shards.iter_mut().enumerate() {
            self.main.reclaim(i, s);
        }
        r
    }
}

#[test]
fn keyed_commands_run_on_their_shard_and_the_rest_sees_them() {
    let mut c = Cluster::new(4);
    for i in 0..50 {
        let (r, fast) = c.run(&format!("SET key:{i} v{i}"));
        assert_eq!((r.as_str(), fast), ("+OK\r\n", true));
    }
    assert_eq!(c.run("GET key:7"), ("$2\r\nv7\r\n".into(), true));
    // Keys of several shards, or none: the main engine, which sees every part.
    assert_eq!(c.run("DBSIZE"), (":50\r\n".into(), false));
    let (r, fast) = c.run("MGET key:1 key:2 key:3 key:4");
    assert!(!fast);
    assert_eq!(r, "*4\r\n$2\r\nv1\r\n$2\r\nv2\r\n$2\r\nv3\r\n$2\r\nv4\r\n");
    // Same hash tag, same shard: MSET stays on one shard.
    assert_eq!(c.run("MSET {t}a 1 {t}b 2"), ("+OK\r\n".into(), true));
    assert_eq!(c.run("RENAME {t}a {t}c"), ("+OK\r\n".into(), true));
    assert_eq!(c.run("EXISTS {t}c {t}a"), (":1\r\n".into(), true));
    // SCAN walks every part once.
    let mut cursor = "0".to_string();
    let mut seen = std::collections::BTreeSet::new();
    let mut scans = 0;
    loop {
        scans += 1;
        let (r, _) = c.run(&format!("SCAN {cursor} COUNT 7"));
        let lines: Vec<&str> = r.split("\r\n").collect();
        cursor = lines[2].to_string();
        for l in lines[5..].iter().step_by(2) {
            if !l.is_empty() {
                seen.insert(l.to_string());
            }
        }
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 52);
    // Stats from the shards reach INFO: GET, MGET and EXISTS hits, EXISTS's miss.
    let (info, _) = c.run("INFO stats");
    assert!(
        info.contains("keyspace_hits:6\r\nkeyspace_misses:1\r\n"),
        "{info}"
    );
    // 56 commands before the SCANs, whose number depends on the hash seed.
    let total = format!("total_commands_processed:{}\r\n", 56 + scans);
    assert!(info.contains(&total), "{info}");
}

#[test]
fn watched_and_awaited_keys_and_global_listeners_take_the_main_engine() {
    let mut c = Cluster::new(2);
    assert!(c.run("SET a 1").1);
    assert!(!c.run("WATCH a").1);
    // A write to a watched key must reach the watchers' registry; other keys stay on shards.
    assert!(!c.run("SET a 2").1);
    assert!(c.run("SET b 2").1);
    assert!(!c.run("UNWATCH").1);
    assert!(c.run("SET a 3").1);
    // A key someone waits on: the push goes to the main engine, which serves the waiter.
    let other = c.lent(|m| m.connect("o".into(), "o".into(), 6, NOW));
    let blpop: Vec<Bytes> = ["BLPOP", "q", "0"].map(Bytes::from).to_vec();
    let mut parked = Vec::new();
    c.lent(|m| m.execute(other, &blpop, NOW, &mut parked));
    assert!(parked.is_empty());
    assert!(c.run("LPUSH r x").1);
    assert_eq!(c.run("LPUSH q x"), (":1\r\n".into(), false));
    assert_eq!(
        c.lent(|m| m.take_outbox(other)),
        Some(b"*2\r\n$1\r\nq\r\n$1\r\nx\r\n".to_vec())
    );
    assert!(c.run("LPUSH q y").1);
    // MULTI keeps the client on the main engine until EXEC.
    let mut c = Cluster::new(2);
    assert!(!c.run("MULTI").1);
    assert_eq!(c.run("SET a 1"), ("+QUEUED\r\n".into(), false));
    assert!(!c.run("EXEC").1);
    assert_eq!(c.run("GET a"), ("$1\r\n1\r\n".into(), true));
}

#[test]
fn keyspace_events_raised_on_shards_are_published_in_order() {
    let mut c = Cluster::new(2);
    // a and b live in different shards of 2.
    assert_ne!(
        crate::slot::shard_of(b"a", 2),
        crate::slot::shard_of(b"b", 2)
    );
    let sub = c.lent(|m| m.connect("s".into(), "s".into(), 6, NOW));
    let psubscribe: Vec<Bytes> = ["PSUBSCRIBE", "__keyspace@0__:*"].map(Bytes::from).to_vec();
    c.lent(|m| m.execute(sub, &psubscribe, NOW, &mut Vec::new()));
    assert!(!c.run("CONFIG SET notify-keyspace-events K$g").1);
    // Writes on two shards, then one the main engine runs (DEL of keys on both shards): the
    // shards' events come first, in the order the writes ran.
    assert!(c.run("SET b 1").1);
    assert!(c.run("SET a 1").1);
    assert!(c.run("INCR b").1);
    assert_eq!(c.run("DEL a b"), (":2\r\n".into(), false));
    let got = c.lent(|m| m.take_outbox(sub)).expect("events");
    let events: Vec<String> = String::from_utf8_lossy(&got)
        .split("*4\r\n")
        .skip(1)
        .map(|m| {
            let lines: Vec<&str> = m.split("\r\n").collect();
            format!("{} {}", lines[5], lines[7])
        })
        .collect();
    assert_eq!(
        events,
        [
            "__keyspace@0__:b set",
            "__keyspace@0__:a set",
            "__keyspace@0__:b incrby",
            "__keyspace@0__:a del",
            "__keyspace@0__:b del",
        ]
    );
    // Nothing is left queued, and with events off nothing is queued at all.
    assert!(!c.main.shard_queue.waiting());
    // (The trailing space makes an empty last argument.)
    assert_eq!(
        c.run("CONFIG SET notify-keyspace-events "),
        ("+OK\r\n".into(), false)
    );
    assert!(c.run("SET a 2").1);
    assert!(!c.main.shard_queue.waiting());
}

/// Runs `line` for client `id` on the main engine with every part lent; returns the reply.
fn run_on_main(c: &mut Cluster, id: u64, line: &str) -> String {
    let args: Vec<Bytes> = line
        .split(' ')
        .map(|a| Bytes::copy_from_slice(a.as_bytes()))
        .collect();
    let mut out = Vec::new();
    c.lent(|m| m.execute(id, &args, NOW, &mut out));
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn invalidations_of_shard_writes_reach_tracking_clients() {
    let mut c = Cluster::new(2);
    let tracker = c.lent(|m| m.connect("t".into(), "t".into(), 7, NOW));
    let bcast = c.lent(|m| m.connect("b".into(), "b".into(), 8, NOW));
    run_on_main(&mut c, tracker, "HELLO 3");
    run_on_main(&mut c, tracker, "CLIENT TRACKING ON");
    run_on_main(&mut c, bcast, "HELLO 3");
    run_on_main(&mut c, bcast, "CLIENT TRACKING ON BCAST PREFIX k");
    // A tracking client's own commands keep to the main engine; others' stay on shards.
    assert!(c.run("SET a 1").1);
    assert!(c.run("SET b 1").1);
    assert_eq!(
        run_on_main(&mut c, tracker, "MGET a b"),
        "*2\r\n$1\r\n1\r\n$1\r\n1\r\n"
    );
    assert!(c.lent(|m| m.take_outbox(tracker)).is_none());
    // Writes on both shards (a and b live in different ones): one invalidation per key,
    // in write order, and the key is forgotten after it.
    assert!(c.run("SET b 2").1);
    assert!(c.run("SET a 2").1);
    assert!(c.run("SET a 3").1);
    assert!(c.run("SET k1 x").1);
    let got = c.lent(|m| m.take_outbox(tracker)).expect("invalidations");
    assert_eq!(
        String::from_utf8_lossy(&got),
        ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nb\r\n\
         >2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n"
    );
    let got = c.lent(|m| m.take_outbox(bcast)).expect("broadcast");
    assert_eq!(
        String::from_utf8_lossy(&got),
        ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk1\r\n"
    );
}

#[test]
fn config_set_reaches_the_shards() {
    let mut c = Cluster::new(2);
    assert!(c
        .run("CONFIG SET list-max-listpack-size 2")
        .0
        .starts_with("+OK"));
    assert!(c.run("RPUSH l a b c").1);
    assert_eq!(c.run("OBJECT ENCODING l").0, "$9\r\nquicklist\r\n");
}

#[test]
fn fast_session_follows_the_client_state() {
    use resp::Proto::{Resp2, Resp3};
    let mut c = Cluster::new(1);
    let id = c.client;
    let session = |c: &mut Cluster| c.lent(|m| m.fast_session(id));
    assert_eq!(
        session(&mut c),
        Some(FastSession {
            db: 0,
            proto: Resp2,
            subscriber: false,
        })
    );
    c.run("SELECT 3");
    c.run("HELLO 3");
    assert_eq!(
        session(&mut c),
        Some(FastSession {
            db: 3,
            proto: Resp3,
            subscriber: false,
        })
    );
    // A RESP3 subscriber stays on shards, marked so that it hears its own events in order.
    c.run("SUBSCRIBE ch");
    assert_eq!(session(&mut c).map(|s| s.subscriber), Some(true));
    c.run("UNSUBSCRIBE ch");
    assert_eq!(session(&mut c).map(|s| s.subscriber), Some(false));
    for (enter, leave) in [
        ("MULTI", "DISCARD"),
        ("CLIENT TRACKING ON", "CLIENT TRACKING OFF"),
    ] {
        c.run(enter);
        assert_eq!(session(&mut c), None, "{enter}");
        c.run(leave);
        assert!(session(&mut c).is_some(), "{leave}");
    }
    c.run("CLIENT REPLY OFF");
    assert_eq!(session(&mut c), None);
}

#[test]
fn routes_follow_the_keys() {
    let args = |line: &str| -> Vec<Bytes> {
        line.split(' ')
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect()
    };
    let shard = |k: &str| crate::slot::shard_of(k.as_bytes(), 4);
    assert!(matches!(route(&args("GET foo"), 4), Route::Shard(_, s) if s == shard("foo")));
    assert!(matches!(route(&args("GET foo"), 1), Route::Shard(_, 0)));
    // foo and bar live in different shards of 4 (slots 12182 and 5061).
    let mut both = vec![shard("foo"), shard("bar")];
    both.sort();
    assert!(matches!(route(&args("MSET foo 1 bar 2 foo 3"), 4), Route::Shards(s) if s == both));
    assert!(matches!(route(&args("ZUNIONSTORE foo 2 foo bar"), 4), Route::Shards(s) if s == both));
    assert!(matches!(
        route(&args("MSET {foo}x 1 foo 2"), 4),
        Route::Shard(..)
    ));
    for main in [
        "PING",
        "KEYS *",
        "WATCH foo",
        "SORT foo",
        "BLPOP foo 0",
        "EVAL x 1 foo",
        "GET",
        "NOSUCH foo",
        "SPUBLISH foo x",
    ] {
        assert!(matches!(route(&args(main), 4), Route::Main), "{main}");
    }
}

#[test]
fn commandstats_from_shards_reach_info() {
    let mut c = Cluster::new(3);
    for i in 0..20 {
        let (_, on_shard) = c.run(&format!("SET k{i} v"));
        assert!(on_shard);
    }
    c.run("LPUSH k1 x");
    c.run("GET");
    let (info, _) = c.run("INFO commandstats");
    assert!(
        info.contains(
            "cmdstat_set:calls=20,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0\r\n"
        ),
        "{info}"
    );
    assert!(
        info.contains(
            "cmdstat_lpush:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1\r\n"
        ),
        "{info}"
    );
    assert!(
        info.contains(
            "cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n"
        ),
        "{info}"
    );
    let (errors, _) = c.run("INFO errorstats");
    assert!(
        errors.contains("errorstat_ERR:count=1\r\nerrorstat_WRONGTYPE:count=1\r\n"),
        "{errors}"
    );
    c.run("CONFIG RESETSTAT");
    let (info, _) = c.run("INFO commandstats");
    assert!(!info.contains("cmdstat_set"), "{info}");
}

#[test]
fn cron_rehashes_idle_tables_and_hz_follows_clients() {
    let mut e = Engine::new(Config::default(), 1, NOW, Box::new(NullHost));
    let id = e.connect("a".into(), "l".into(), 1, NOW);
    let mut out = Vec::new();
    for i in 0..5000 {
        let args = vec![Bytes::from(format!("k{i}")), Bytes::from_static(b"v")];
        let mut argv = vec![Bytes::from_static(b"SET")];
        argv.extend(args);
        e.execute(id, &argv, NOW, &mut out);
    }
    // Growth leaves a rehash in progress that only traffic or the cron finishes.
    let mut crons = 0;
    while e.dbs[0].rehash_some() {
        crons += 1;
        assert!(crons < 1000);
    }
    assert!(!e.dbs[0].rehash_some());
    assert_eq!(e.effective_hz(), 10);
    for i in 0..2500 {
        e.connect(format!("c{i}"), "l".into(), i, NOW);
    }
    // 2501 clients: 10 -> 20 (125 per tick).
    assert_eq!(e.effective_hz(), 20);
    e.config.set("dynamic-hz", "no", false).unwrap();
    assert_eq!(e.effective_hz(), 10);
}
