//! Pub/Sub with several real clients: what each subscriber receives (channels, patterns,
//! shard channels, RESP2 and RESP3 subscribers) must be byte-identical between redis-server
//! 7.0.15 and lattice-server; a subscriber that stops reading is disconnected once it passes
//! `client-output-buffer-limit` while the server keeps serving everyone else.

mod support;

use std::time::{Duration, Instant};
use support::{show, start_lattice, start_redis};

/// A raw client that reads whatever arrives within a quiet period.
struct Client {
    conn: support::Conn,
}

impl Client {
    fn new(port: u16) -> Client {
        Client {
            conn: support::Conn::connect(port),
        }
    }

    fn send(&mut self, args: &[&[u8]]) {
        self.conn.send_raw(&support::Conn::encode(args));
    }

    /// The next complete reply or push, waiting at most `wait`.
    fn read(&mut self, wait: Duration) -> Option<Vec<u8>> {
        self.conn.try_read(wait).ok().flatten()
    }

    /// Sends a command and returns its `n` replies, concatenated.
    fn call(&mut self, args: &[&[u8]], n: usize) -> Vec<u8> {
        self.send(args);
        let mut out = Vec::new();
        for _ in 0..n {
            out.extend(self.read(Duration::from_secs(10)).expect("reply"));
        }
        out
    }

    /// Everything that arrives until the line stays quiet for a moment.
    fn drain(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(frame) = self.read(Duration::from_millis(300)) {
            out.extend(frame);
        }
        out
    }
}

/// Runs the multi-client scenario on `port`; returns, per client, the bytes it received.
fn scenario(port: u16) -> Vec<(String, Vec<u8>)> {
    let mut log = Vec::new();
    let mut s1 = Client::new(port); // RESP2, two channels
    let mut s2 = Client::new(port); // RESP3, a pattern and a channel
    let mut s3 = Client::new(port); // RESP2, a shard channel
    let mut s4 = Client::new(port); // RESP3, a shard channel and the catch-all pattern
    let mut p = Client::new(port);
    s2.call(&[b"HELLO", b"3"], 1);
    s4.call(&[b"HELLO", b"3"], 1);
    log.push((
        "s1 subscribe",
        s1.call(&[b"SUBSCRIBE", b"news", b"sports"], 2),
    ));
    log.push(("s2 psubscribe", s2.call(&[b"PSUBSCRIBE", b"n*"], 1)));
    log.push(("s2 subscribe", s2.call(&[b"SUBSCRIBE", b"news"], 1)));
    log.push(("s3 ssubscribe", s3.call(&[b"SSUBSCRIBE", b"shard1"], 1)));
    log.push(("s4 ssubscribe", s4.call(&[b"SSUBSCRIBE", b"shard1"], 1)));
    log.push(("s4 psubscribe", s4.call(&[b"PSUBSCRIBE", b"*"], 1)));
    let publishes: &[&[&[u8]]] = &[
        &[b"PUBLISH", b"news", b"hello"],
        &[b"PUBLISH", b"sports", b"goal"],
        &[b"PUBLISH", b"nothing", b"n-pattern only"],
        &[b"PUBLISH", b"weather", b"catch-all only"],
        &[b"SPUBLISH", b"shard1", b"sharded"],
        &[b"SPUBLISH", b"shard2", b"nobody"],
        &[b"PUBLISH", b"n\x00bin", b"\r\n\xff"],
        &[b"PUBLISH", b"news", b""],
        &[b"PUBSUB", b"NUMSUB", b"news", b"sports", b"shard1"],
        &[b"PUBSUB", b"SHARDNUMSUB", b"shard1"],
        &[b"PUBSUB", b"NUMPAT"],
    ];
    let mut replies = Vec::new();
    for args in publishes {
        replies.extend(p.call(args, 1));
    }
    log.push(("publisher", replies));
    let mut log: Vec<(String, Vec<u8>)> = log
        .into_iter()
        .map(|(name, bytes)| (name.to_string(), bytes))
        .collect();
    for (name, c) in [
        ("s1", &mut s1),
        ("s2", &mut s2),
        ("s3", &mut s3),
        ("s4", &mut s4),
    ] {
        log.push((format!("{name} received"), c.drain()));
    }
    // Unsubscribing stops delivery; the remaining subscription still counts.
    let mut push = |name: &str, bytes: Vec<u8>| log.push((name.to_string(), bytes));
    push("s1 unsubscribe", s1.call(&[b"UNSUBSCRIBE", b"news"], 1));
    push("s2 punsubscribe", s2.call(&[b"PUNSUBSCRIBE", b"n*"], 1));
    push(
        "publisher after",
        p.call(&[b"PUBLISH", b"news", b"after"], 1),
    );
    // A RESP3 subscriber can run ordinary commands between messages.
    push("s4 set", s4.call(&[b"SET", b"k", b"v"], 1));
    let mut out = log;
    for (name, c) in [
        ("s1", &mut s1),
        ("s2", &mut s2),
        ("s3", &mut s3),
        ("s4", &mut s4),
    ] {
        out.push((format!("{name} received later"), c.drain()));
    }
    // A subscriber that disconnects leaves every registry.
    drop(s1);
    drop(s3);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut gone = Vec::new();
    while Instant::now() < deadline {
        gone = p.call(&[b"PUBSUB", b"NUMSUB", b"sports"], 1);
        if gone.ends_with(b":0\r\n") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    out.push(("numsub after disconnect".into(), gone));
    out.push((
        "shardnumsub after disconnect".into(),
        p.call(&[b"PUBSUB", b"SHARDNUMSUB", b"shard1"], 1),
    ));
    out
}

#[test]
fn subscribers_receive_the_same_bytes_as_redis() {
    let lattice = start_lattice(&[]);
    let ours = scenario(lattice.port);
    // Self-checks that hold without the oracle.
    let find = |name: &str| &ours.iter().find(|(n, _)| n == name).expect(name).1;
    assert_eq!(
        show(find("s3 received")),
        show(b"*3\r\n$8\r\nsmessage\r\n$6\r\nshard1\r\n$7\r\nsharded\r\n")
    );
    let s2 = show(find("s2 received"));
    assert!(
        s2.starts_with(">3\\r\\n$7\\r\\nmessage\\r\\n$4\\r\\nnews\\r\\n$5\\r\\nhello\\r\\n>4\\r\\n$8\\r\\npmessage"),
        "{s2}"
    );
    assert!(show(find("s1 received")).contains("$6\\r\\nsports\\r\\n$4\\r\\ngoal"));
    // s2 still has the channel, s4 the catch-all pattern.
    assert_eq!(show(find("publisher after")), ":2\\r\\n");
    if !support::redis_available("subscribers_receive_the_same_bytes_as_redis") {
        return;
    }
    let redis = start_redis(&[]);
    let theirs = scenario(redis.port);
    for ((name, r), (_, l)) in theirs.iter().zip(&ours) {
        assert_eq!(show(l), show(r), "{name}: lattice vs redis");
    }
}

/// Runs the slow-subscriber scenario; returns what the publisher side observed.
fn slow_subscriber(port: u16) -> Vec<Vec<u8>> {
    let mut admin = Client::new(port);
    assert_eq!(
        admin.call(
            &[
                b"CONFIG",
                b"SET",
                b"client-output-buffer-limit",
                b"pubsub 262144 0 0"
            ],
            1
        ),
        b"+OK\r\n"
    );
    let mut slow = Client::new(port);
    slow.call(&[b"SUBSCRIBE", b"firehose"], 1);
    let mut fast = Client::new(port);
    fast.call(&[b"SUBSCRIBE", b"other"], 1);
    // 64 MB published to a subscriber that never reads: far past socket buffers and the limit.
    let payload = vec![b'x'; 64 * 1024];
    let started = Instant::now();
    let mut last = Vec::new();
    for _ in 0..1024 {
        last = admin.call(&[b"PUBLISH", b"firehose", &payload], 1);
        if last == b":0\r\n" {
            break;
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "publishing stalled"
    );
    let mut seen = vec![last];
    seen.push(admin.call(&[b"PUBSUB", b"NUMSUB", b"firehose", b"other"], 1));
    seen.push(admin.call(&[b"PING"], 1));
    // The other subscriber is unaffected.
    seen.push(admin.call(&[b"PUBLISH", b"other", b"still here"], 1));
    seen.push(fast.read(Duration::from_secs(5)).unwrap_or_default());
    // The slow one finds its connection closed after whatever was already in flight.
    let closed = slow.conn.wait_closed(Duration::from_secs(10));
    assert!(closed, "slow subscriber was not disconnected");
    seen
}

#[test]
fn slow_subscriber_is_disconnected_past_the_output_limit() {
    let lattice = start_lattice(&[]);
    let ours = slow_subscriber(lattice.port);
    assert_eq!(show(&ours[0]), ":0\\r\\n", "publishes stop reaching it");
    assert_eq!(
        show(&ours[1]),
        show(b"*4\r\n$8\r\nfirehose\r\n:0\r\n$5\r\nother\r\n:1\r\n")
    );
    if !support::redis_available("slow_subscriber_is_disconnected_past_the_output_limit") {
        return;
    }
    let redis = start_redis(&[]);
    let theirs = slow_subscriber(redis.port);
    for (r, l) in theirs.iter().zip(&ours) {
        assert_eq!(show(l), show(r));
    }
}

/// CLIENT REPLY OFF silences replies but never pub/sub pushes: (un)subscribe confirmations
/// and messages still arrive, in RESP2 and RESP3, while PING's reply does not (as in Redis).
#[test]
fn reply_off_keeps_pubsub_pushes() {
    support::assert_same_transcript("reply_off_keeps_pubsub_pushes", |port| {
        let mut log = Vec::new();
        for proto in [&b"2"[..], b"3"] {
            let mut sub = Client::new(port);
            let mut publisher = Client::new(port);
            sub.call(&[b"HELLO", proto], 1);
            sub.send(&[b"CLIENT", b"REPLY", b"OFF"]);
            sub.send(&[b"SUBSCRIBE", b"ch"]);
            sub.send(&[b"PSUBSCRIBE", b"c*"]);
            log.push(show(&sub.drain()));
            log.push(show(&publisher.call(&[b"PUBLISH", b"ch", b"hi"], 1)));
            log.push(show(&sub.drain()));
            sub.send(&[b"PING"]);
            sub.send(&[b"UNSUBSCRIBE", b"ch"]);
            sub.send(&[b"PUNSUBSCRIBE"]);
            log.push(show(&sub.drain()));
        }
        log
    });
}
