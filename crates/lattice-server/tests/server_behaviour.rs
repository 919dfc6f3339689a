//! Behaviour of the running server that differential replies cannot show: connection limits,
//! idle timeouts, CLIENT KILL, CLIENT REPLY, QUIT, SHUTDOWN and signals.

mod support;

use std::time::{Duration, Instant};
use support::{start_lattice, Conn};

#[test]
fn maxclients_rejects_with_redis_error() {
    let server = start_lattice(&["--maxclients", "2"]);
    let mut a = server.connect();
    // The readiness probe's connection may still be registered for a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    while a
        .cmd("CLIENT LIST")
        .windows(3)
        .filter(|w| w == b"id=")
        .count()
        > 1
    {
        assert!(
            Instant::now() < deadline,
            "probe connection never went away"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut b = server.connect();
    assert_eq!(a.cmd("PING"), b"+PONG\r\n");
    assert_eq!(b.cmd("PING"), b"+PONG\r\n");
    let mut c = server.connect();
    assert_eq!(c.read_to_close(), b"-ERR max number of clients reached\r\n");
    drop(b);
    // The freed slot is usable again once the server noticed the close.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut d = server.connect();
        d.send_raw(&Conn::encode(&[b"PING"]));
        match d.read_reply() {
            Ok(r) if r == b"+PONG\r\n" => break,
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            other => panic!("slot never freed: {other:?}"),
        }
    }
    assert_eq!(a.cmd("PING"), b"+PONG\r\n");
}

#[test]
fn idle_timeout_closes_clients() {
    let server = start_lattice(&["--timeout", "1"]);
    let mut idle = server.connect();
    assert_eq!(idle.cmd("PING"), b"+PONG\r\n");
    let start = Instant::now();
    assert_eq!(idle.read_to_close(), b"");
    let waited = start.elapsed();
    // The server's clock started when it sent PONG, a little before ours did: allow for a
    // loaded machine between the two.
    assert!(
        waited >= Duration::from_millis(500),
        "closed too early: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(5),
        "closed too late: {waited:?}"
    );
}

#[test]
fn client_kill_closes_the_target_only() {
    let server = start_lattice(&[]);
    let mut killer = server.connect();
    let mut victim = server.connect();
    let id = String::from_utf8(victim.cmd("CLIENT ID")).unwrap();
    let id = id.trim_start_matches(':').trim_end();
    assert_eq!(killer.cmd(&format!("CLIENT KILL ID {id}")), b":1\r\n");
    assert_eq!(victim.read_to_close(), b"");
    assert_eq!(killer.cmd("PING"), b"+PONG\r\n");
    // Killing oneself answers first, then closes.
    let me = String::from_utf8(killer.cmd("CLIENT ID")).unwrap();
    let me = me.trim_start_matches(':').trim_end().to_string();
    assert_eq!(
        killer.cmd(&format!("CLIENT KILL ID {me} SKIPME no")),
        b":1\r\n"
    );
    assert_eq!(killer.read_to_close(), b"");
}

#[test]
fn client_list_shows_names_and_commands() {
    let server = start_lattice(&[]);
    let mut a = server.connect();
    assert_eq!(a.cmd("CLIENT SETNAME worker-1"), b"+OK\r\n");
    let list = String::from_utf8(a.cmd("CLIENT LIST")).unwrap();
    assert!(list.contains("name=worker-1"), "{list}");
    assert!(list.contains("cmd=client|list"), "{list}");
    let info = String::from_utf8(a.cmd("CLIENT INFO")).unwrap();
    assert!(
        info.contains("name=worker-1") && info.contains("db=0"),
        "{info}"
    );
}

#[test]
fn client_reply_off_skip_on() {
    let server = start_lattice(&[]);
    let mut c = server.connect();
    // OFF: no replies at all until ON, whose +OK is the next thing read.
    c.send_raw(&Conn::encode(&[b"CLIENT", b"REPLY", b"OFF"]));
    c.send_raw(&Conn::encode(&[b"SET", b"k", b"v"]));
    c.send_raw(&Conn::encode(&[b"CLIENT", b"REPLY", b"ON"]));
    assert_eq!(c.read_reply().unwrap(), b"+OK\r\n");
    // SKIP: its own reply and the next command's are dropped.
    c.send_raw(&Conn::encode(&[b"CLIENT", b"REPLY", b"SKIP"]));
    c.send_raw(&Conn::encode(&[b"GET", b"k"]));
    c.send_raw(&Conn::encode(&[b"ECHO", b"after"]));
    assert_eq!(c.read_reply().unwrap(), b"$5\r\nafter\r\n");
}

#[test]
fn quit_replies_then_closes() {
    let server = start_lattice(&[]);
    let mut c = server.connect();
    c.send_raw(&Conn::encode(&[b"QUIT"]));
    assert_eq!(c.read_to_close(), b"+OK\r\n");
}

#[test]
fn shutdown_command_stops_the_process() {
    let mut server = start_lattice(&[]);
    let mut c = server.connect();
    c.send_raw(&Conn::encode(&[b"SHUTDOWN", b"NOSAVE"]));
    assert_eq!(c.read_to_close(), b"");
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.alive() {
        assert!(
            Instant::now() < deadline,
            "server still running after SHUTDOWN"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_stops_the_process() {
    let mut server = start_lattice(&[]);
    let mut c = server.connect();
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    server.signal("TERM");
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.alive() {
        assert!(
            Instant::now() < deadline,
            "server still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn unknown_startup_option_fails() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lattice-server"))
        .args(["--no-such-option", "1"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Bad directive") && err.contains("no-such-option"),
        "{err}"
    );
}

#[test]
fn config_file_and_overrides() {
    let dir = std::env::temp_dir().join(format!("lattice-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("test.conf");
    std::fs::write(&path, "# a comment\nmaxclients 77\ntimeout 30\n").unwrap();
    let server = start_lattice(&[path.to_str().unwrap(), "--timeout", "40"]);
    let mut c = server.connect();
    assert_eq!(
        c.cmd("CONFIG GET maxclients"),
        b"*2\r\n$10\r\nmaxclients\r\n$2\r\n77\r\n"
    );
    assert_eq!(
        c.cmd("CONFIG GET timeout"),
        b"*2\r\n$7\r\ntimeout\r\n$2\r\n40\r\n"
    );
    std::fs::remove_dir_all(&dir).ok();
}
