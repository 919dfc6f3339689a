//! Busy scripts: a script past `busy-reply-threshold` makes other clients get -BUSY, SCRIPT
//! KILL stops it (its caller gets the kill error), a script that wrote is UNKILLABLE, and
//! SHUTDOWN NOSAVE ends the server. The same scenario runs against redis-server 7.0.15 when
//! it is installed, and the transcripts must match byte for byte.

mod support;

use std::time::Duration;
use support::{show, start_lattice, start_redis, Conn, Server};

fn read(conn: &mut Conn) -> Vec<u8> {
    conn.read_reply()
        .unwrap_or_else(|e| format!("<{e}>").into_bytes())
}

/// Runs the scenario and returns what each step answered.
fn scenario(server: &mut Server) -> Vec<(String, Vec<u8>)> {
    let mut log = Vec::new();
    let mut a = server.connect();
    let mut b = server.connect();
    let mut step = |what: &str, reply: Vec<u8>| log.push((what.to_string(), reply));
    step(
        "config set",
        b.call(&[b"CONFIG", b"SET", b"busy-reply-threshold", b"200"]),
    );
    step(
        "config get alias",
        b.call(&[b"CONFIG", b"GET", b"lua-time-limit"]),
    );
    step("script kill idle", b.call(&[b"SCRIPT", b"KILL"]));
    a.send_raw(&Conn::encode(&[b"EVAL", b"while true do end", b"0"]));
    std::thread::sleep(Duration::from_millis(400));
    step("ping while busy", b.call(&[b"PING"]));
    step("get while busy", b.call(&[b"GET", b"x"]));
    step("function kill while eval", b.call(&[b"FUNCTION", b"KILL"]));
    step("quit while busy", server.connect().call(&[b"QUIT"]));
    step(
        "arity error while busy",
        b.call(&[b"SCRIPT", b"KILL", b"x"]),
    );
    // A connection opened during the busy script can kill it (redis-cli SCRIPT KILL).
    let mut c = server.connect();
    step("script kill", c.call(&[b"SCRIPT", b"KILL"]));
    step("killed script's reply", read(&mut a));
    step("ping after kill", b.call(&[b"PING"]));
    step("caller usable after kill", a.call(&[b"PING"]));
    a.send_raw(&Conn::encode(&[
        b"EVAL",
        b"redis.call('set','x','1') while true do end",
        b"0",
    ]));
    std::thread::sleep(Duration::from_millis(400));
    step("script kill after write", b.call(&[b"SCRIPT", b"KILL"]));
    b.send_raw(&Conn::encode(&[b"SHUTDOWN", b"NOSAVE"]));
    step(
        "shutdown nosave closes",
        vec![b.wait_closed(Duration::from_secs(5)) as u8],
    );
    step(
        "script caller closed",
        vec![a.wait_closed(Duration::from_secs(5)) as u8],
    );
    let mut gone = false;
    for _ in 0..100 {
        if !server.alive() {
            gone = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    step("server exited", vec![gone as u8]);
    log
}

#[test]
fn busy_script_kill_and_shutdown() {
    let mut lattice = start_lattice(&[]);
    let ours = scenario(&mut lattice);
    let get = |log: &[(String, Vec<u8>)], what: &str| {
        log.iter()
            .find(|(w, _)| w == what)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        get(&ours, "ping while busy"),
        b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
    );
    assert_eq!(get(&ours, "script kill"), b"+OK\r\n");
    assert!(get(&ours, "killed script's reply")
        .starts_with(b"-ERR Script killed by user with SCRIPT KILL..."));
    assert!(get(&ours, "script kill after write").starts_with(b"-UNKILLABLE "));
    assert_eq!(get(&ours, "server exited"), vec![1]);
    if !support::redis_available("busy_script_kill_and_shutdown") {
        return;
    }
    let mut redis = start_redis(&[]);
    let theirs = scenario(&mut redis);
    for ((what, r), (_, l)) in theirs.iter().zip(&ours) {
        assert_eq!(r, l, "{what}: redis {} lattice {}", show(r), show(l));
    }
}

/// A busy function: -BUSY names FUNCTION KILL, FUNCTION STATS shows it, SCRIPT KILL is
/// refused, FUNCTION KILL stops it.
fn function_scenario(server: &Server) -> (Vec<(String, Vec<u8>)>, Vec<u8>) {
    let mut log = Vec::new();
    let mut a = server.connect();
    let mut b = server.connect();
    b.call(&[b"CONFIG", b"SET", b"busy-reply-threshold", b"200"]);
    b.call(&[b"FUNCTION", b"FLUSH"]);
    let lib = b"#!lua name=busy\nredis.register_function('spin', function() while true do end end)";
    log.push(("load".to_string(), b.call(&[b"FUNCTION", b"LOAD", lib])));
    a.send_raw(&Conn::encode(&[b"FCALL", b"spin", b"0"]));
    std::thread::sleep(Duration::from_millis(400));
    log.push(("ping".to_string(), b.call(&[b"PING"])));
    let stats = b.call(&[b"FUNCTION", b"STATS"]);
    log.push(("script kill".to_string(), b.call(&[b"SCRIPT", b"KILL"])));
    log.push(("function kill".to_string(), b.call(&[b"FUNCTION", b"KILL"])));
    log.push(("killed".to_string(), read(&mut a)));
    log.push(("after".to_string(), b.call(&[b"FUNCTION", b"STATS"])));
    (log, stats)
}

#[test]
fn busy_function_stats_and_kill() {
    let lattice = start_lattice(&[]);
    let (ours, stats) = function_scenario(&lattice);
    let text = String::from_utf8_lossy(&stats).to_string();
    assert!(
        text.starts_with("*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n"),
        "{text}"
    );
    assert!(text.contains("duration_ms\r\n:"), "{text}");
    assert_eq!(ours[1].1, b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n");
    assert_eq!(ours[3].1, b"+OK\r\n");
    if !support::redis_available("busy_function_stats_and_kill") {
        return;
    }
    let redis = start_redis(&[]);
    let (theirs, _) = function_scenario(&redis);
    for ((what, r), (_, l)) in theirs.iter().zip(&ours) {
        assert_eq!(r, l, "{what}: redis {} lattice {}", show(r), show(l));
    }
}

/// A connection opened while a (short) script runs is registered after it and served: its
/// early input is not lost.
#[test]
fn connection_opened_during_a_script_is_served_after_it() {
    let lattice = start_lattice(&[]);
    let mut a = lattice.connect();
    a.call(&[b"CONFIG", b"SET", b"busy-reply-threshold", b"60000"]);
    a.send_raw(&Conn::encode(&[
        b"EVAL",
        b"local t = 0 for i = 1, 20000000 do t = t + i end return 1",
        b"0",
    ]));
    std::thread::sleep(Duration::from_millis(20));
    let mut c = lattice.connect();
    assert_eq!(c.call(&[b"PING"]), b"+PONG\r\n");
    assert_eq!(read(&mut a), b":1\r\n");
}

/// Transactions and session commands while a script is busy, as Redis 7.0 answers them:
/// MULTI, WATCH, UNWATCH, DISCARD, HELLO and RESET still run (inside MULTI the allowed ones
/// are queued), every other command gets -BUSY and dooms an open transaction, EXEC is
/// EXECABORT; once the script is killed the connection is out of MULTI, and a transaction
/// begun during the busy script and finished after it fails as a whole. A connection opened
/// during the script gets its HELLO answered (with its client id).
fn transaction_scenario(server: &Server) -> Vec<(String, Vec<u8>)> {
    let mut log = Vec::new();
    let mut admin = server.connect();
    let mut runner = server.connect();
    let mut b = server.connect();
    let mut step = |what: &str, reply: Vec<u8>| log.push((what.to_string(), reply));
    admin.call(&[b"CONFIG", b"SET", b"busy-reply-threshold", b"10"]);
    admin.call(&[b"SET", b"xx", b"1"]);
    // EXEC and script timeout: MULTI before the script, EXEC during it.
    step("multi", b.call(&[b"MULTI"]));
    step("incr queued", b.call(&[b"INCR", b"xx"]));
    runner.send_raw(&Conn::encode(&[b"EVAL", b"while true do end", b"0"]));
    std::thread::sleep(Duration::from_millis(200));
    step("incr busy", b.call(&[b"INCR", b"xx"]));
    step("exec busy", b.call(&[b"EXEC"]));
    step("exec again", b.call(&[b"EXEC"]));
    // MULTI during the script, EXEC after it.
    step("multi busy", b.call(&[b"MULTI"]));
    step("multi nested", b.call(&[b"MULTI"]));
    step("ping busy", b.call(&[b"PING"]));
    step("unwatch queued", b.call(&[b"UNWATCH"]));
    step("watch in multi", b.call(&[b"WATCH", b"xx"]));
    step("unknown busy", b.call(&[b"BOGUS"]));
    // A new connection's HELLO is answered; its id is the next one.
    let mut fresh = server.connect();
    let hello = fresh.call(&[b"HELLO", b"3", b"SETNAME", b"fresh"]);
    step(
        "fresh hello",
        String::from_utf8_lossy(&hello)
            .replace(|c: char| c.is_ascii_digit(), "N")
            .into_bytes(),
    );
    step("fresh ping", fresh.call(&[b"PING"]));
    step("kill", admin.call(&[b"SCRIPT", b"KILL"]));
    step("killed", read(&mut runner));
    std::thread::sleep(Duration::from_millis(100));
    step("incr after", b.call(&[b"INCR", b"xx"]));
    step("exec after", b.call(&[b"EXEC"]));
    step("ping after", b.call(&[b"PING", b"asdf"]));
    step("xx", admin.call(&[b"GET", b"xx"]));
    step("fresh name", fresh.call(&[b"CLIENT", b"GETNAME"]));
    step(
        "fresh proto",
        fresh
            .call(&[b"HELLO"])
            .into_iter()
            .filter(|c| !c.is_ascii_digit())
            .collect(),
    );
    // DISCARD, WATCH and RESET during a busy script.
    runner.send_raw(&Conn::encode(&[b"EVAL", b"while true do end", b"0"]));
    std::thread::sleep(Duration::from_millis(200));
    step("discard without multi", b.call(&[b"DISCARD"]));
    step("watch busy", b.call(&[b"WATCH", b"xx"]));
    step("multi again", b.call(&[b"MULTI"]));
    step("discard", b.call(&[b"DISCARD"]));
    step("reset", b.call(&[b"RESET"]));
    step("kill 2", admin.call(&[b"SCRIPT", b"KILL"]));
    step("killed 2", read(&mut runner));
    std::thread::sleep(Duration::from_millis(100));
    step("after reset", b.call(&[b"CLIENT", b"GETNAME"]));
    log
}

#[test]
fn transactions_and_hello_while_a_script_is_busy() {
    let lattice = start_lattice(&[]);
    let ours = transaction_scenario(&lattice);
    let get = |what: &str| {
        ours.iter()
            .find(|(w, _)| w == what)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    assert!(get("exec busy").starts_with(b"-EXECABORT Transaction discarded because of: BUSY"));
    assert!(get("exec after")
        .starts_with(b"-EXECABORT Transaction discarded because of previous errors"));
    assert_eq!(get("xx"), b"$1\r\n1\r\n");
    if !support::redis_available("transactions_and_hello_while_a_script_is_busy") {
        return;
    }
    let redis = start_redis(&[]);
    let theirs = transaction_scenario(&redis);
    for ((what, r), (_, l)) in theirs.iter().zip(&ours) {
        assert_eq!(r, l, "{what}: redis {} lattice {}", show(r), show(l));
    }
}
