//! INFO commandstats / errorstats and the dirty counter against redis-server 7.0.15, and
//! what CONFIG SET port and CONFIG REWRITE do to the process (Lattice alone).

mod support;

use support::{assert_same_transcript, free_port, start_lattice, Conn};

/// The counters INFO shows, with the durations (nondeterministic) left out, sorted (Redis
/// prints commandstats in its hash table's order).
fn stats(c: &mut Conn) -> String {
    let mut lines: Vec<String> = Vec::new();
    for section in ["commandstats", "errorstats", "stats"] {
        let text = String::from_utf8_lossy(&c.call(&[b"INFO", section.as_bytes()])).into_owned();
        for line in text.split("\r\n") {
            if line.starts_with("cmdstat_") || line.starts_with("errorstat_") {
                let mut parts: Vec<&str> = line.split(',').collect();
                parts.retain(|p| !p.starts_with("usec"));
                lines.push(parts.join(","));
            } else if line.starts_with("total_error_replies")
                || line.starts_with("total_commands_processed")
            {
                lines.push(line.to_string());
            }
        }
    }
    lines.sort();
    lines.join("\n")
}

/// Sends `line` split like redis-cli (quotes allowed) and returns the reply shown readably.
fn run(c: &mut Conn, line: &str) -> String {
    let args = resp::request::split_args(&bytes::Bytes::copy_from_slice(line.as_bytes()))
        .expect("balanced quotes");
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_ref()).collect();
    support::show(&c.call(&args))
}

const SCENARIOS: &[&[&str]] = &[
    &[
        "SET k v",
        "GET k",
        "GET",
        "NOSUCH a",
        "CONFIG",
        "CONFIG NOSUCH",
        "CONFIG GET hz",
    ],
    &["SET k v", "LPUSH k x", "INCR k", "OBJECT ENCODING nosuch"],
    &["MULTI", "SET a 1", "INCR k", "EXEC"],
    &["MULTI", "SET a", "EXEC"],
    &["MULTI", "NOSUCH", "EXEC"],
    &["EXEC", "DISCARD", "MULTI", "MULTI", "DISCARD"],
    &["LPUSH l a", "BRPOP l 0", "BRPOP l 0.01"],
    &["EVAL \"redis.pcall('set','a') return 1\" 0"],
    &[
        "SET k v",
        "EVAL \"redis.pcall('lpush','k','x') return 1\" 0",
    ],
    &["SET k v", "EVAL \"return redis.call('lpush','k','x')\" 0"],
    &["EVAL \"return redis.error_reply('MYERR boom')\" 0"],
    &[
        "EVAL \"return redis.call('nosuch')\" 0",
        "EVAL a",
        "EVALSHA nosuchsha 0",
    ],
    &[
        "EVAL \"return redis.error_reply('x')\" 0",
        "EVAL \"return redis.error_reply('-FOO bar')\" 0",
    ],
    &["SUBSCRIBE ch", "GET k", "PING", "UNSUBSCRIBE"],
];

#[test]
fn commandstats_and_errorstats_match_redis() {
    assert_same_transcript("commandstats_and_errorstats_match_redis", |port| {
        let mut c = Conn::connect(port);
        let mut out = Vec::new();
        for scenario in SCENARIOS {
            c.cmd("CONFIG RESETSTAT");
            for line in *scenario {
                out.push(format!("{line} -> {}", run(&mut c, line)));
            }
            out.push(stats(&mut c));
        }
        out
    });
}

/// `rdb_changes_since_last_save` after each command, as a delta.
fn dirty(c: &mut Conn) -> i64 {
    let text = String::from_utf8_lossy(&c.call(&[b"INFO", b"persistence"])).into_owned();
    text.split("\r\n")
        .find_map(|l| l.strip_prefix("rdb_changes_since_last_save:"))
        .and_then(|v| v.parse().ok())
        .expect("rdb_changes_since_last_save")
}

const DIRTY: &[&str] = &[
    "SETBIT b 0 0",
    "SETBIT b 0 0",
    "SETBIT b 0 1",
    "SETBIT b 90 0",
    "BITFIELD f SET i5 0 0",
    "BITFIELD f SET i5 0 0",
    "BITFIELD f SET i5 0 1",
    "BITFIELD f INCRBY i5 0 0",
    "BITFIELD f GET i5 0",
    "BITFIELD f SET i5 90 0",
    "SET s abc",
    "SET s abc",
    "SETRANGE s 1 \"\"",
    "SETRANGE nosuch 1 \"\"",
    "SETRANGE s 1 b",
    "SETRANGE s 1 x",
    "APPEND s \"\"",
    "HSET h f v",
    "HSET h f v",
    "HSET h f w g x",
    "HSETNX h f v",
    "HDEL h nosuch",
    "HINCRBY h n 0",
    "LPUSH l a b",
    "LREM l 0 nosuch",
    "LSET l 0 a",
    "LTRIM l 0 -1",
    "SADD s2 a",
    "SADD s2 a",
    "SREM s2 nosuch",
    "ZADD z 1 a",
    "ZADD z 1 a",
    "ZADD z 2 a",
    "ZINCRBY z 0 a",
    "ZREM z nosuch",
    "EXPIRE s 100",
    "EXPIRE nosuch 100",
    "PERSIST s",
    "PERSIST s",
    "DEL nosuch",
    "DEL s",
    "INCRBY n 0",
    "RENAME h h2",
    "FLUSHDB",
    "FLUSHALL",
    "BITFIELD g OVERFLOW FAIL INCRBY u2 0 100",
    "BITFIELD g2 OVERFLOW FAIL SET u2 0 1 INCRBY u2 0 100",
    "MSET a 1 b 2",
    "MSETNX a 1 c 3",
    "MSETNX c 3 d 4",
    "SETNX a 1",
    "SETNX e 1",
    "GETSET a 5",
    "GETDEL a",
    "GETDEL a",
    "GETEX b EX 100",
    "GETEX b PERSIST",
    "GETEX b",
    "INCRBYFLOAT f 0",
    "INCRBYFLOAT f 1.5",
    "COPY b b2",
    "COPY b b2",
    "COPY b b2 REPLACE",
    "MOVE b2 1",
    "SWAPDB 0 1",
    "SWAPDB 0 1",
    "LPUSH l a b c",
    "LMOVE l l2 LEFT RIGHT",
    "RPOPLPUSH l l",
    "LINSERT l BEFORE zz x",
    "LINSERT l BEFORE a x",
    "LPOS l a",
    "LPOP nosuch",
    "LPOP l 0",
    "RPOP l 2",
    "SADD s a b c",
    "SMOVE s s3 a",
    "SMOVE s s3 zz",
    "SINTERSTORE dst s s3",
    "SUNIONSTORE dst nosuch",
    "SDIFFSTORE dst s s",
    "ZADD z 1 a 2 b 3 c",
    "ZADD z NX 5 a",
    "ZADD z XX 5 zz",
    "ZADD z GT 0 a",
    "ZADD z CH 1 a",
    "ZREMRANGEBYSCORE z 100 200",
    "ZREMRANGEBYRANK z 0 0",
    "ZPOPMIN z",
    "ZPOPMIN nosuch",
    "ZUNIONSTORE zd 1 z",
    "ZRANGESTORE zd2 z 0 -1",
    "ZINCRBY z 1 b",
    "HSET h a 1 b 2",
    "HDEL h a b",
    "HINCRBYFLOAT h2 f 0",
    "HMSET h3 a 1 a 1",
    "EXPIRE e 0",
    "PEXPIRE nosuch 100",
    "EXPIREAT f 1",
    "SET t v EX 100",
    "EXPIRE t 100 NX",
    "EXPIRE t 200 XX",
    "TTL t",
    "PERSIST t",
    "UNLINK t nosuch",
    "TOUCH f",
    "SORT l STORE sl",
    "SORT nosuch STORE sl2",
    "APPEND ap x",
    "SETEX se 10 v",
    "PSETEX se 10 v",
    "SET k v KEEPTTL",
    "SET k v NX",
    "SET k v XX GET",
    "DECRBY n 0",
    "DEL n k",
    "LPUSH l2 a b c",
    "LREM l2 0 b",
    "LTRIM l2 1 -1",
    "SREM s a b c nosuch",
    "ZADD z2 1 a 2 b",
    "ZREM z2 a b",
    "ZADD z3 1 a 2 b 3 c",
    "ZPOPMIN z3 2",
    "ZREMRANGEBYRANK z3 0 -1",
];

#[test]
fn dirty_counter_deltas_match_redis() {
    assert_same_transcript("dirty_counter_deltas_match_redis", |port| {
        let mut c = Conn::connect(port);
        c.cmd("FLUSHALL");
        let mut out = Vec::new();
        for line in DIRTY {
            let before = dirty(&mut c);
            let reply = run(&mut c, line);
            out.push(format!(
                "{line} -> {reply} dirty+{}",
                dirty(&mut c) - before
            ));
        }
        out
    });
}

#[test]
fn config_set_port_moves_the_listener_or_changes_nothing() {
    let server = start_lattice(&[]);
    let mut c = server.connect();
    // Another socket holds this port: the change fails and nothing moves.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port().to_string();
    let reply = c.call(&[
        b"CONFIG",
        b"SET",
        b"timeout",
        b"7",
        b"port",
        busy_port.as_bytes(),
    ]);
    assert_eq!(
        support::show(&reply),
        "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\\r\\n"
    );
    assert_eq!(
        support::show(&c.call(&[b"CONFIG", b"GET", b"timeout"])),
        "*2\\r\\n$7\\r\\ntimeout\\r\\n$1\\r\\n0\\r\\n"
    );
    assert!(std::net::TcpStream::connect(("127.0.0.1", server.port)).is_ok());
    // A free port: new connections go there, the old port is closed, this one stays.
    let port = free_port();
    let reply = c.call(&[b"CONFIG", b"SET", b"port", port.to_string().as_bytes()]);
    assert_eq!(support::show(&reply), "+OK\\r\\n");
    let mut moved = Conn::connect(port);
    assert_eq!(support::show(&moved.cmd("PING")), "+PONG\\r\\n");
    let mut refused = false;
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", server.port)).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(refused, "the old port still accepts");
    assert_eq!(support::show(&c.cmd("PING")), "+PONG\\r\\n");
    let info = String::from_utf8_lossy(&moved.cmd("INFO server")).into_owned();
    assert!(info.contains(&format!("tcp_port:{port}\r\n")), "{info}");
}

#[test]
fn config_rewrite_updates_the_file_it_started_with() {
    let dir = std::env::temp_dir().join(format!("lattice-rewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lattice.conf");
    std::fs::write(
        &path,
        "# my notes\nhash-max-ziplist-entries 21\nmaxclients 100\n\n\n# end\n",
    )
    .unwrap();
    let server = start_lattice(&[path.to_str().unwrap()]);
    let mut c = server.connect();
    for (k, v) in [("hash-max-listpack-entries", "100"), ("hz", "100000")] {
        assert_eq!(
            support::show(&c.call(&[b"CONFIG", b"SET", k.as_bytes(), v.as_bytes()])),
            "+OK\\r\\n"
        );
    }
    assert_eq!(support::show(&c.cmd("CONFIG REWRITE")), "+OK\\r\\n");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "# my notes",
            "hash-max-listpack-entries 100",
            "maxclients 100",
            ""
        ]
    );
    assert_eq!(lines[4], "# end");
    assert!(lines.contains(&"# Generated by CONFIG REWRITE"), "{text}");
    assert!(lines.contains(&"hz 500"), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("dir \"/")), "{text}");
    // The rewritten file starts a server with the same values.
    drop(c);
    drop(server);
    let again = start_lattice(&[path.to_str().unwrap()]);
    let mut c = again.connect();
    assert_eq!(
        support::show(&c.call(&[b"CONFIG", b"GET", b"hash-max-listpack-entries", b"hz"])),
        "*4\\r\\n$25\\r\\nhash-max-listpack-entries\\r\\n$3\\r\\n100\\r\\n$2\\r\\nhz\\r\\n$3\\r\\n500\\r\\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// This host's address toward the outside (no packet is sent), if it has one.
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("8.8.8.8:53").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn protected_mode_refuses_other_hosts_like_redis() {
    let Some(ip) = non_loopback_ip() else {
        eprintln!(
            "!!! SKIPPED protected_mode_refuses_other_hosts_like_redis: no non-loopback address"
        );
        return;
    };
    if !support::redis_available("protected_mode_refuses_other_hosts_like_redis") {
        return;
    }
    use std::io::{Read, Write};
    // Sends PING from the outside address and reads until the server closes (or 2 s pass).
    let exchange = |port: u16| {
        let mut s = std::net::TcpStream::connect((ip, port)).expect("connect");
        s.set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .ok();
        let _ = s.write_all(b"*1\r\n$4\r\nPING\r\n");
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            if out == b"+PONG\r\n" {
                break;
            }
        }
        out
    };
    let refusal = exchange;
    let redis = support::start_redis(&["--bind", "*"]);
    let lattice = start_lattice(&["--bind", "*"]);
    let want = refusal(redis.port);
    assert!(want.starts_with(b"-DENIED"), "{}", support::show(&want));
    assert_eq!(support::show(&refusal(lattice.port)), support::show(&want));
    // Turned off from the loopback interface, other hosts get in.
    let mut local = lattice.connect();
    assert_eq!(
        support::show(&local.cmd("CONFIG SET protected-mode no")),
        "+OK\\r\\n"
    );
    assert_eq!(exchange(lattice.port), b"+PONG\r\n");
}
