//! Keyspace notifications: with `notify-keyspace-events` set, a PSUBSCRIBEr of `__key*__:*`
//! must receive, byte for byte, what redis-server 7.0.15 sends for a script covering every
//! command family (RESP2 and RESP3 subscribers, several class selections), including lazy
//! and active expiry, blocked clients served later and EXEC.

mod support;

use std::time::Duration;
use support::{show, start_lattice, start_redis};

/// A raw client that reads whole frames.
struct Client {
    conn: support::Conn,
}

impl Client {
    fn new(port: u16) -> Client {
        Client {
            conn: support::Conn::connect(port),
        }
    }

    fn send(&mut self, line: &str) {
        self.conn.send_line(line);
    }

    fn read(&mut self, wait: Duration) -> Option<Vec<u8>> {
        self.conn.try_read(wait).ok().flatten()
    }

    fn call(&mut self, line: &str) -> Vec<u8> {
        self.send(line);
        self.read(Duration::from_secs(10)).expect("reply")
    }

    /// Frames up to (not including) the marker message `marker`.
    fn until_marker(&mut self, marker: &str) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let frame = self
                .read(Duration::from_secs(10))
                .unwrap_or_else(|| panic!("no marker {marker}; got {}", show(&out)));
            if frame.windows(marker.len()).any(|w| w == marker.as_bytes()) {
                return out;
            }
            out.extend(frame);
        }
    }
}

/// Steps of the script: a command for the writer, or a special action.
const SCRIPT: &[&str] = &[
    // Strings.
    "SET s 1",
    "SET s 2 GET",
    "SET s 3 NX",
    "SET s 4 XX EX 100",
    "SETNX s2 x",
    "SETEX s3 100 v",
    "PSETEX s4 100000 v",
    "GETSET s v",
    "GETDEL s2",
    "GETDEL s2",
    "GETEX s3 PERSIST",
    "GETEX s4 EX 200",
    "GETEX s4 PXAT 1",
    "MSET a 1 b 2",
    "MSETNX a 1 c 3",
    "MSETNX c 3 d 4",
    "APPEND a x",
    "APPEND newapp y",
    "SETRANGE a 5 z",
    "INCR n",
    "INCRBY n 5",
    "DECR n",
    "DECRBY n 2",
    "INCRBYFLOAT f 1.5",
    "SETBIT bits 7 1",
    "SETBIT bits 7 1",
    "SETBIT bits 7 0",
    "BITFIELD bf SET u8 0 255",
    "BITFIELD bf GET u8 0",
    "BITOP OR dest a b",
    "BITOP AND nodest nosuch1 nosuch2",
    "BITOP AND dest nosuch",
    "GET nosuch",
    "SET s wrong",
    "LPUSH s x",
    // Generic.
    "DEL a b nosuch",
    "UNLINK c",
    "EXPIRE d 100",
    "EXPIRE d 100 NX",
    "PEXPIRE d 100000 XX",
    "EXPIREAT d 1",
    "PERSIST s3",
    "PERSIST s3",
    "RENAME n n2",
    "RENAMENX n2 f",
    "RENAME n2 f",
    "RENAME f f",
    "MOVE f 1",
    "COPY s3 s3copy",
    "COPY s3 s3copy",
    "COPY s3 s3copy REPLACE",
    "COPY s3 other DB 2",
    "RPUSH srt 3 1 2",
    "SORT srt STORE srtdst",
    "SORT nosuch STORE srtdst",
    "SELECT 3",
    "SET indb3 1",
    "SELECT 0",
    // Lists.
    "LPUSH l a b c",
    "RPUSH l d",
    "LPUSHX nolist a",
    "RPUSHX l e",
    "LINSERT l BEFORE a x",
    "LINSERT l BEFORE zz y",
    "LSET l 0 q",
    "LREM l 1 q",
    "LREM l 1 nothing",
    "LTRIM l 0 -1",
    "LTRIM l 0 2",
    "LPOP l",
    "LPOP l 0",
    "RPOP l 5",
    "LPUSH l2 1 2 3",
    "LMOVE l2 l3 LEFT RIGHT",
    "RPOPLPUSH l2 l2",
    "LMOVE l2 l3 RIGHT LEFT",
    "LMOVE l2 l3 LEFT LEFT",
    "LMPOP 2 nol l3 LEFT COUNT 10",
    "LTRIM l4 0 1",
    "RPUSH l4 a b",
    "LTRIM l4 5 10",
    // Hashes.
    "HSET h f 1 g 2",
    "HSETNX h f 1",
    "HSETNX h z 1",
    "HINCRBY h f 3",
    "HINCRBYFLOAT h g 1.5",
    "HDEL h f nosuch",
    "HDEL h nosuch",
    "HDEL h g z",
    "HMSET h2 a b",
    "HINCRBY h3 f 1",
    "HINCRBYFLOAT h4 f 1",
    // Sets.
    "SADD set1 a b c",
    "SADD set1 a",
    "SREM set1 a",
    "~SPOP set1",
    "SPOP set1 0",
    "~SPOP set1",
    "SADD set2 x y z",
    "~SPOP set2 1",
    "~SPOP set2 10",
    "SADD set3 1 2 3",
    "SMOVE set3 set4 1",
    "SMOVE set3 set4 9",
    "SMOVE set3 set3 2",
    "SADD set4 2",
    "SMOVE set3 set4 2",
    "SINTERSTORE d1 set3 set4",
    "SUNIONSTORE d2 set3 set4",
    "SDIFFSTORE d3 set3 set4",
    "SDIFFSTORE d3 set4 set4",
    "SINTERSTORE d4 set3 nosuch",
    "SREM set3 3",
    // Sorted sets.
    "ZADD z 1 a 2 b 3 c",
    "ZADD z XX 1 nosuch",
    "ZADD z GT 0 a",
    "ZADD z INCR 5 a",
    "ZINCRBY z 1 b",
    "ZINCRBY znew 1 b",
    "ZREM z nosuch",
    "ZREM z a",
    "ZADD z 4 d 5 e 6 f",
    "ZREMRANGEBYSCORE z 4 4",
    "ZREMRANGEBYSCORE z 40 50",
    "ZREMRANGEBYRANK z 0 0",
    "ZADD zl 0 a 0 b 0 c",
    "ZREMRANGEBYLEX zl [a [b",
    "ZREMRANGEBYLEX zl - +",
    "ZPOPMIN z",
    "ZPOPMIN z 0",
    "ZPOPMAX z 10",
    "ZADD za 1 x 2 y",
    "ZADD zb 1 y 3 z",
    "ZUNIONSTORE zu 2 za zb",
    "ZINTERSTORE zi 2 za zb",
    "ZDIFFSTORE zd 2 za zb",
    "ZDIFFSTORE zd 2 za za",
    "ZRANGESTORE zr za 0 -1",
    "ZRANGESTORE zr za 5 10",
    "ZMPOP 1 za MIN",
    "ZMPOP 1 za MAX COUNT 5",
    // Expiry: lazy (on access) and active (the cron finds it).
    "SET lazy v PX 1",
    "!sleep 20",
    "GET lazy",
    "SET active v PX 1",
    "!sleep 600",
    "SET abs v PXAT 1",
    "EXISTS abs",
    // Blocked clients served after the write that woke them.
    "!block BLPOP bl 0",
    "LPUSH bl v",
    "!block BRPOP bl2 0",
    "RPUSH bl2 a b",
    "!block BZPOPMIN bz 0",
    "ZADD bz 1 a",
    "!block BLMOVE bsrc bdst LEFT RIGHT 0",
    "RPUSH bsrc v",
    "!block BLMPOP 0 1 bm RIGHT COUNT 5",
    "LPUSH bm a b",
    // EXEC runs its queue at once.
    "MULTI",
    "SET t 1",
    "INCR t",
    "LPUSH tl a",
    "DEL t",
    "EXEC",
    "FLUSHALL",
];

/// Runs the script with `flags`; returns (step, writer reply, subscriber bytes) per step.
fn scenario(port: u16, flags: &str, resp3: bool) -> Vec<(String, Vec<u8>)> {
    let mut w = Client::new(port);
    let mut sub = Client::new(port);
    let mut blocked = Client::new(port);
    assert_eq!(w.call("FLUSHALL"), b"+OK\r\n");
    let set = format!("CONFIG SET notify-keyspace-events {flags}");
    let set = set.trim_end();
    assert_eq!(w.call(set), b"+OK\r\n", "{set}");
    if resp3 {
        sub.call("HELLO 3");
    }
    let mut log = vec![("psubscribe".to_string(), sub.call("PSUBSCRIBE __key*__:*"))];
    let mut pending = Vec::new();
    for (i, step) in SCRIPT.iter().enumerate() {
        let mut replies = Vec::new();
        if let Some(ms) = step.strip_prefix("!sleep ") {
            std::thread::sleep(Duration::from_millis(ms.parse().unwrap()));
        } else if let Some(cmd) = step.strip_prefix("!block ") {
            blocked.send(cmd);
            // Give the server time to park it.
            std::thread::sleep(Duration::from_millis(100));
        } else if let Some(cmd) = step.strip_prefix('~') {
            // A random pick: only its events are compared.
            w.call(cmd);
        } else {
            replies = w.call(step);
        }
        if i > 0 && SCRIPT[i - 1].starts_with("!block ") {
            replies.extend(blocked.read(Duration::from_secs(10)).expect("served"));
        }
        if *step == "MULTI" || replies == b"+QUEUED\r\n" {
            // A marker would be queued too: the events show up after EXEC.
            log.push((format!("{step} reply"), replies));
            continue;
        }
        let marker = format!("marker{i}");
        w.call(&format!("PUBLISH __keyspace@0__:{marker} x"));
        pending.extend(sub.until_marker(&marker));
        log.push((format!("{step} reply"), replies));
        // Expiry is timing: the cron may find a key during a sleep or just before or after
        // it, on either server. The events around a sleep are compared as one group, whose
        // order does not depend on when the key was found.
        let next_is_sleep = SCRIPT.get(i + 1).is_some_and(|n| n.starts_with("!sleep "));
        if !step.starts_with("!sleep ") && !next_is_sleep {
            log.push((format!("{step} events"), std::mem::take(&mut pending)));
        }
    }
    w.call("CONFIG SET notify-keyspace-events");
    log
}

fn compare(flags: &str, resp3: bool) {
    let lattice = start_lattice(&[]);
    let ours = scenario(lattice.port, flags, resp3);
    if flags.contains('K') && flags.contains('A') {
        let all: Vec<u8> = ours.iter().flat_map(|(_, b)| b.clone()).collect();
        assert!(show(&all).contains("__keyspace@0__:s"), "{}", show(&all));
    }
    if !support::redis_available("keyspace notifications") {
        return;
    }
    let redis = start_redis(&[]);
    let theirs = scenario(redis.port, flags, resp3);
    for ((name, r), (_, l)) in theirs.iter().zip(&ours) {
        assert_eq!(
            show(l),
            show(r),
            "{flags} resp3={resp3} {name}: lattice vs redis"
        );
    }
}

#[test]
fn all_classes_resp2() {
    compare("KEA", false);
}

#[test]
fn all_classes_resp3() {
    compare("AKE", true);
}

#[test]
fn new_and_miss_events() {
    compare("KEAnm", false);
}

#[test]
fn narrow_classes() {
    compare("Kg", false);
    compare("E$lx", false);
    compare("Khsz", true);
    compare("En", false);
    compare("g$lshzx", false);
}

/// A RESP3 client subscribed to the events of the keys it writes hears each event before the
/// reply to the write that raised it, as from Redis, also for commands that could run on a
/// keyspace shard (where events are only queued for the main engine).
#[test]
fn resp3_subscriber_hears_its_own_events_before_its_replies() {
    support::assert_same_transcript("own events in RESP3", |port| {
        let mut c = support::Conn::connect(port);
        c.cmd("CONFIG SET notify-keyspace-events KEA");
        c.cmd("HELLO 3");
        c.cmd("PSUBSCRIBE __keyspace@0__:*");
        // One pipeline over keys of several shards: 3 events, 4 replies.
        let lines: [&[&[u8]]; 4] = [
            &[b"SET", b"foo", b"1"],
            &[b"INCR", b"foo"],
            &[b"SET", b"{x}bar", b"2"],
            &[b"GET", b"foo"],
        ];
        let batch: Vec<u8> = lines
            .iter()
            .flat_map(|a| support::Conn::encode(a))
            .collect();
        c.send_raw(&batch);
        (0..7)
            .map(|_| show(&c.read_reply().expect("frame")))
            .collect()
    });
}

/// Writers on several threads SET and DEL the same keys, whose writes run on keyspace shards
/// in parallel: every SET's event arrives (none lost), and events of one key keep the order
/// of its writes across clients: a `del` (raised only when the key existed) always follows
/// a `set`, and each key's last event is the one its final state shows.
#[test]
fn concurrent_writers_events_follow_the_data() {
    const KEYS: usize = 4;
    const WRITERS: usize = 4;
    const ROUNDS: usize = 150;
    const PIPELINE: usize = 8;
    let server = start_lattice(&["--threads", "2"]);
    let port = server.port;
    let mut sub = support::Conn::connect(port);
    sub.cmd("CONFIG SET notify-keyspace-events K$g");
    sub.cmd("PSUBSCRIBE __keyspace@0__:k*");
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            std::thread::spawn(move || {
                let mut c = support::Conn::connect(port);
                let mut sets = 0;
                let mut seed = w as u64 * 7919 + 1;
                for _ in 0..ROUNDS {
                    let mut batch = Vec::new();
                    for _ in 0..PIPELINE {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let key = format!("k{}", (seed >> 33) as usize % KEYS);
                        if (seed >> 40).is_multiple_of(3) {
                            batch.extend(support::Conn::encode(&[b"DEL", key.as_bytes()]));
                        } else {
                            sets += 1;
                            batch.extend(support::Conn::encode(&[b"SET", key.as_bytes(), b"v"]));
                        }
                    }
                    c.send_raw(&batch);
                    for _ in 0..PIPELINE {
                        c.read_reply().expect("reply");
                    }
                }
                sets
            })
        })
        .collect();
    let sets: usize = writers.into_iter().map(|t| t.join().unwrap()).sum();
    let mut w = support::Conn::connect(port);
    w.cmd("PUBLISH __keyspace@0__:kmarker end");
    let mut last: std::collections::HashMap<String, String> = Default::default();
    let mut set_events = 0;
    loop {
        let frame = String::from_utf8(sub.read_reply().expect("event")).unwrap();
        let parts: Vec<&str> = frame.split("\r\n").collect();
        if parts[0] != "*4" {
            continue;
        }
        let (channel, event) = (parts[6], parts[8]);
        if channel.ends_with("kmarker") {
            break;
        }
        set_events += usize::from(event == "set");
        let key = channel.rsplit(':').next().unwrap().to_string();
        let before = last.insert(key.clone(), event.to_string());
        if event == "del" {
            assert_eq!(
                before.as_deref(),
                Some("set"),
                "{key}: del after {before:?}"
            );
        }
    }
    assert_eq!(set_events, sets, "one set event per SET");
    for (key, event) in &last {
        let exists = w.cmd(&format!("EXISTS {key}")) == b":1\r\n";
        assert_eq!(exists, event == "set", "{key}: last event {event}");
    }
}
