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
    step("script kill", b.call(&[b"SCRIPT", b"KILL"]));
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
