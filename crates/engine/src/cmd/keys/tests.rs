//! Engine-level tests: SCAN's guarantee under concurrent changes, TTLs carried by RENAME,
//! MOVE and COPY, RANDOMKEY never returning an expired key.

use super::testkit::{run, TestEngine};
use std::collections::HashSet;

/// Parses a RESP2 `*2 $cursor *n $key...` SCAN reply.
fn parse_scan(reply: &[u8]) -> (u64, Vec<Vec<u8>>) {
    let text = reply;
    let mut lines = text
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    assert_eq!(lines.next(), Some(&b"*2"[..]));
    lines.next(); // $len
    let cursor = std::str::from_utf8(lines.next().unwrap())
        .unwrap()
        .parse()
        .unwrap();
    let n: usize = std::str::from_utf8(&lines.next().unwrap()[1..])
        .unwrap()
        .parse()
        .unwrap();
    let mut keys = Vec::new();
    for _ in 0..n {
        lines.next();
        keys.push(lines.next().unwrap().to_vec());
    }
    (cursor, keys)
}

#[test]
fn scan_returns_every_stable_key_despite_inserts_and_deletes() {
    let mut t = TestEngine::new(1_000_000);
    for i in 0..300 {
        run(&mut t, &format!("SET stable{i} v"));
        run(&mut t, &format!("SET doomed{i} v"));
    }
    let mut seen = HashSet::new();
    let mut cursor = 0u64;
    let mut round = 0;
    loop {
        let reply = t.exec(&[b"SCAN", cursor.to_string().as_bytes(), b"COUNT", b"7"]);
        let (next, keys) = parse_scan(&reply);
        seen.extend(keys);
        // Grow the table a lot (forcing rehashes) and shrink it again meanwhile.
        for j in 0..40 {
            run(&mut t, &format!("SET new{round}_{j} v"));
        }
        for j in 0..10 {
            run(&mut t, &format!("DEL doomed{}", round * 10 + j));
        }
        round += 1;
        cursor = next;
        if cursor == 0 {
            break;
        }
        assert!(round < 100_000, "scan does not terminate");
    }
    for i in 0..300 {
        assert!(
            seen.contains(format!("stable{i}").as_bytes()),
            "missed stable{i}"
        );
    }
}

#[test]
fn scan_filters_and_expires() {
    let mut t = TestEngine::new(1_000_000);
    run(&mut t, "SET a1 v");
    run(&mut t, "SET a2 v");
    run(&mut t, "SET b1 v");
    run(&mut t, "PEXPIRE a2 10");
    t.now += 10;
    let mut got = Vec::new();
    let mut cursor = 0u64;
    loop {
        let reply = t.exec(&[
            b"SCAN",
            cursor.to_string().as_bytes(),
            b"MATCH",
            b"a*",
            b"TYPE",
            b"STRING",
        ]);
        let (next, keys) = parse_scan(&reply);
        got.extend(keys);
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(got, vec![b"a1".to_vec()]);
    assert_eq!(t.last_effects().last().map(String::as_str), Some("DEL a2"));
}

#[test]
fn rename_carries_ttl_and_drops_destination_ttl() {
    let mut t = TestEngine::new(1_000_000);
    run(&mut t, "SET src v");
    run(&mut t, "PEXPIRE src 5000");
    run(&mut t, "SET dst old");
    run(&mut t, "EXPIRE dst 100");
    assert_eq!(run(&mut t, "RENAME src dst"), "+OK\r\n");
    assert_eq!(run(&mut t, "PTTL dst"), ":5000\r\n");
    assert_eq!(run(&mut t, "GET dst"), "$1\r\nv\r\n");
    assert_eq!(run(&mut t, "EXISTS src"), ":0\r\n");
    // A key without TTL replaces one with a TTL: the result has none.
    run(&mut t, "SET plain p");
    assert_eq!(run(&mut t, "RENAME plain dst"), "+OK\r\n");
    assert_eq!(run(&mut t, "TTL dst"), ":-1\r\n");
    assert_eq!(run(&mut t, "RENAME dst dst"), "+OK\r\n");
    assert_eq!(run(&mut t, "RENAMENX dst dst"), ":0\r\n");
    assert_eq!(run(&mut t, "RENAME nosuch x"), "-ERR no such key\r\n");
    assert_eq!(run(&mut t, "RENAME nosuch nosuch"), "-ERR no such key\r\n");
    run(&mut t, "SET other o");
    assert_eq!(run(&mut t, "RENAMENX dst other"), ":0\r\n");
    assert_eq!(run(&mut t, "RENAMENX dst fresh"), ":1\r\n");
}

#[test]
fn rename_onto_expired_destination() {
    let mut t = TestEngine::new(1_000_000);
    run(&mut t, "SET src v");
    run(&mut t, "SET dst v");
    run(&mut t, "PEXPIRE dst 1");
    t.now += 1;
    t.last_effects();
    assert_eq!(run(&mut t, "RENAMENX src dst"), ":1\r\n");
    assert_eq!(t.last_effects(), vec!["DEL dst", "RENAMENX src dst"]);
}

#[test]
fn copy_and_move_carry_ttl() {
    let mut t = TestEngine::new(1_000_000);
    // Longer than 44 bytes: raw encoding, which COPY keeps.
    run(&mut t, &format!("SET k {}", "x".repeat(50)));
    run(&mut t, "PEXPIRE k 7000");
    assert_eq!(
        run(&mut t, "COPY k k"),
        "-ERR source and destination objects are the same\r\n"
    );
    assert_eq!(run(&mut t, "COPY k c"), ":1\r\n");
    assert_eq!(run(&mut t, "PTTL c"), ":7000\r\n");
    assert_eq!(run(&mut t, "COPY k c"), ":0\r\n");
    assert_eq!(run(&mut t, "COPY k c DB 2"), ":1\r\n");
    assert_eq!(run(&mut t, "COPY k c REPLACE"), ":1\r\n");
    assert_eq!(
        run(&mut t, "COPY k k DB 0"),
        "-ERR source and destination objects are the same\r\n"
    );
    assert_eq!(
        run(&mut t, "COPY k c DB 16"),
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(
        run(&mut t, "COPY k c DB x"),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(run(&mut t, "COPY k c BOGUS"), "-ERR syntax error\r\n");
    assert_eq!(
        run(&mut t, "MOVE k 0"),
        "-ERR source and destination objects are the same\r\n"
    );
    assert_eq!(
        run(&mut t, "MOVE k 16"),
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(run(&mut t, "MOVE k 2"), ":1\r\n");
    assert_eq!(run(&mut t, "MOVE nosuch 2"), ":0\r\n");
    run(&mut t, "SELECT 2");
    assert_eq!(run(&mut t, "PTTL k"), ":7000\r\n");
    assert_eq!(run(&mut t, "PTTL c"), ":7000\r\n");
    assert_eq!(run(&mut t, "OBJECT ENCODING c"), "$3\r\nraw\r\n");
    assert_eq!(run(&mut t, "MOVE c 0"), ":0\r\n");
}

#[test]
fn randomkey_never_returns_expired() {
    let mut t = TestEngine::new(1_000_000);
    assert_eq!(run(&mut t, "RANDOMKEY"), "$-1\r\n");
    for i in 0..50 {
        run(&mut t, &format!("SET e{i} v"));
        run(&mut t, &format!("PEXPIRE e{i} 5"));
    }
    run(&mut t, "SET live v");
    t.now += 5;
    for _ in 0..20 {
        assert_eq!(run(&mut t, "RANDOMKEY"), "$4\r\nlive\r\n");
    }
    assert_eq!(run(&mut t, "DEL live"), ":1\r\n");
    assert_eq!(run(&mut t, "RANDOMKEY"), "$-1\r\n");
    assert_eq!(run(&mut t, "DBSIZE"), ":0\r\n");
}

#[test]
fn object_refcount_and_help() {
    let mut t = TestEngine::new(1_000_000);
    run(&mut t, "SET a 9999");
    run(&mut t, "SET b 10000");
    assert_eq!(run(&mut t, "OBJECT REFCOUNT a"), ":2147483647\r\n");
    assert_eq!(run(&mut t, "OBJECT REFCOUNT b"), ":1\r\n");
    assert_eq!(run(&mut t, "OBJECT FREQ nosuch"), "$-1\r\n");
    assert!(run(&mut t, "OBJECT FREQ a").starts_with("-ERR An LFU maxmemory policy"));
    assert!(run(&mut t, "OBJECT HELP").starts_with("*11\r\n+OBJECT <subcommand>"));
    t.now += 3000;
    assert_eq!(run(&mut t, "OBJECT IDLETIME a"), ":3\r\n");
    run(&mut t, "TOUCH a");
    assert_eq!(run(&mut t, "OBJECT IDLETIME a"), ":0\r\n");
}
