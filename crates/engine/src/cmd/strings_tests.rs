//! Engine-level tests of the string and bitmap families: encodings `OBJECT ENCODING` would
//! report, TTL handling, and the effects each write leaves (which must replay to the same
//! keyspace).

use crate::config::Config;
use crate::engine::{Engine, NullHost};
use bytes::Bytes;

const NOW: i64 = 1_700_000_000_000;

struct T {
    eng: Engine,
    client: u64,
}

impl T {
    fn new() -> T {
        let mut eng = Engine::new(Config::default(), 7, NOW, Box::new(NullHost));
        eng.effects = Some(Vec::new());
        let client = eng.connect("127.0.0.1:1".into(), "127.0.0.1:2".into(), 1, NOW);
        T { eng, client }
    }

    fn argv(line: &str) -> Vec<Bytes> {
        line.split(' ')
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    /// Runs a command and returns its RESP2 reply as text.
    fn run(&mut self, line: &str) -> String {
        let mut out = Vec::new();
        self.eng
            .execute(self.client, &Self::argv(line), NOW, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn enc(&self, key: &str) -> &'static str {
        self.eng.dbs[0]
            .get(key.as_bytes())
            .map_or("none", |e| e.value.encoding())
    }

    fn ttl(&self, key: &str) -> Option<i64> {
        self.eng.dbs[0].expire_at(key.as_bytes())
    }

    /// The effects recorded since the last call, as space-joined text.
    fn effects(&mut self) -> Vec<String> {
        crate::test_support::effects_text(&mut self.eng)
    }
}

#[test]
fn encodings_match_redis() {
    let mut t = T::new();
    let cases = [
        ("set k 123", "int"),
        (
            "set k 12345678901234567890123456789012345678901234",
            "embstr",
        ),
        ("set k 123456789012345678901234567890123456789012345", "raw"),
        ("append k x", "raw"),
        ("setrange k 0 x", "raw"),
        ("setbit k 1 1", "raw"),
        ("incr k", "raw"),
        ("getset k 5", "int"),
        ("mset k 7", "int"),
        ("incrbyfloat k 1.5", "embstr"),
        ("incr k", "embstr"),
    ];
    for (cmd, enc) in cases {
        t.run(cmd);
        assert_eq!(t.enc("k"), enc, "after {cmd}");
    }
    t.run("del k");
    t.run("append k x");
    assert_eq!(t.enc("k"), "embstr");
    t.run("del k");
    t.run("incr k");
    assert_eq!(t.enc("k"), "int");
    t.run("set s ab");
    t.run("bitop not d s");
    assert_eq!(t.enc("d"), "raw");
    t.run("set k 12");
    t.run("bitfield k get u8 0");
    assert_eq!(t.enc("k"), "int");
    t.run("setbit k 1 0");
    assert_eq!(t.enc("k"), "raw");
}

#[test]
fn relative_expiry_is_propagated_as_absolute() {
    let mut t = T::new();
    assert_eq!(t.run("set k v EX 10"), "+OK\r\n");
    assert_eq!(t.ttl("k"), Some(NOW + 10_000));
    assert_eq!(t.effects(), [format!("SET k v PXAT {}", NOW + 10_000)]);
    t.run("setex k 5 v");
    assert_eq!(t.effects(), [format!("SET k v PXAT {}", NOW + 5_000)]);
    t.run("psetex k 5 v");
    assert_eq!(t.effects(), [format!("SET k v PXAT {}", NOW + 5)]);
    t.run("set k v get px 7");
    assert_eq!(t.effects(), [format!("SET k v PXAT {}", NOW + 7)]);
    t.run("set k w get");
    assert_eq!(t.effects(), ["set k w"]);
    assert_eq!(t.ttl("k"), None);
    t.run("set k v nx");
    assert!(t.effects().is_empty());
}

#[test]
fn getex_effects() {
    let mut t = T::new();
    t.run("set k v");
    t.effects();
    t.run("getex k ex 10");
    assert_eq!(t.effects(), [format!("PEXPIREAT k {}", NOW + 10_000)]);
    t.run("getex k persist");
    assert_eq!(t.effects(), ["PERSIST k"]);
    assert_eq!(t.ttl("k"), None);
    t.run("getex k persist");
    assert!(t.effects().is_empty());
    assert_eq!(t.run("getex k exat 1"), "$1\r\nv\r\n");
    assert_eq!(t.effects(), ["DEL k"]);
    assert_eq!(t.enc("k"), "none");
    t.run("set k v");
    t.effects();
    assert_eq!(t.run("getdel k"), "$1\r\nv\r\n");
    assert_eq!(t.effects(), ["DEL k"]);
    t.run("getdel k");
    assert!(t.effects().is_empty());
}

#[test]
fn counters_keep_ttl_and_incrbyfloat_becomes_set() {
    let mut t = T::new();
    t.run("set k 10 ex 100");
    t.run("incr k");
    assert_eq!(t.ttl("k"), Some(NOW + 100_000));
    t.effects();
    assert_eq!(t.run("incrbyfloat k 0.5"), "$4\r\n11.5\r\n");
    assert_eq!(t.ttl("k"), Some(NOW + 100_000));
    assert_eq!(t.effects(), ["SET k 11.5 KEEPTTL"]);
    t.run("getset k 1");
    assert_eq!(t.ttl("k"), None);
    assert_eq!(t.effects(), ["SET k 1"]);
}

#[test]
fn past_expiry_hides_the_key() {
    let mut t = T::new();
    assert_eq!(t.run("set k v exat 1"), "+OK\r\n");
    assert_eq!(t.run("get k"), "$-1\r\n");
    let eff = t.effects();
    assert_eq!(eff, ["SET k v PXAT 1000", "DEL k"]);
}

#[test]
fn size_limits_are_enforced() {
    let mut t = T::new();
    assert_eq!(
        t.run("setrange k 536870912 x"),
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
    );
    assert_eq!(
        t.run("setbit k 4294967296 1"),
        "-ERR bit offset is not an integer or out of range\r\n"
    );
    assert_eq!(t.enc("k"), "none");
}

#[test]
fn bitfield_fail_still_grows_and_is_an_effect() {
    let mut t = T::new();
    assert_eq!(
        t.run("bitfield k overflow fail incrby u8 16 300"),
        "*1\r\n$-1\r\n"
    );
    assert_eq!(t.run("strlen k"), ":3\r\n");
    assert_eq!(t.effects(), ["bitfield k overflow fail incrby u8 16 300"]);
}

#[test]
fn reads_count_hits_and_misses_with_and_without_keymiss_events() {
    // Two lookup paths: one probe, or two when a miss must raise `keymiss`.
    for events in ["", "Km"] {
        let mut t = T::new();
        if !events.is_empty() {
            let reply = t.run(&format!("CONFIG SET notify-keyspace-events {events}"));
            assert_eq!(reply, "+OK\r\n");
        }
        t.run("SET k v");
        assert_eq!(t.run("GET k"), "$1\r\nv\r\n");
        assert_eq!(t.run("GET nokey"), "$-1\r\n");
        assert_eq!(t.run("STRLEN k"), ":1\r\n");
        assert_eq!(t.run("TYPE nokey"), "+none\r\n");
        let info = t.run("INFO stats");
        assert!(
            info.contains("keyspace_hits:2\r\nkeyspace_misses:2\r\n"),
            "events {events}: {info}"
        );
    }
}
