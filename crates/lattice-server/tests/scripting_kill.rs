//! Killing busy scripts that try not to die, and what their callers see afterwards: a script
//! that loops in `pcall` is stopped by SCRIPT KILL / FUNCTION KILL (Redis re-raises the kill
//! outside every pcall), one spinning in a coroutine is busy and killable, a killed script's
//! caller then gets the replies of what it pipelined after it, and a script that ran past the
//! threshold leaves its link usable. Transcripts are compared with redis-server 7.0.15 where
//! it is installed.

mod support;

use std::time::Duration;
use support::{show, start_lattice, start_redis, Conn, Server};

fn read(conn: &mut Conn) -> Vec<u8> {
    conn.read_reply()
        .unwrap_or_else(|e| format!("<{e}>").into_bytes())
}

/// Sends `call` on one connection, waits until another one is answered -BUSY, kills the
/// script with `kill` and returns what each step answered. `extra` replies are read from
/// the caller after the killed script's one (what it pipelined behind it).
fn kill_steps(
    server: &Server,
    pre: &[&[&[u8]]],
    call: &[u8],
    kill: &[&[u8]],
    extra: usize,
) -> Vec<(String, Vec<u8>)> {
    let mut log = Vec::new();
    let mut a = server.connect();
    let mut b = server.connect();
    b.call(&[b"CONFIG", b"SET", b"lua-time-limit", b"10"]);
    for cmd in pre {
        log.push(("setup".to_string(), a.call(cmd)));
    }
    a.send_raw(call);
    let mut busy = Vec::new();
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(20));
        busy = b.call(&[b"PING"]);
        if busy.starts_with(b"-BUSY") {
            break;
        }
    }
    log.push(("ping while busy".to_string(), busy));
    log.push(("kill".to_string(), b.call(kill)));
    log.push(("killed reply".to_string(), read(&mut a)));
    for i in 0..extra {
        log.push((format!("pipelined {i}"), read(&mut a)));
    }
    log.push(("ping after".to_string(), b.call(&[b"PING"])));
    log.push(("caller after".to_string(), a.call(&[b"PING"])));
    log
}

fn eval(body: &str) -> Vec<u8> {
    Conn::encode(&[b"EVAL", body.as_bytes(), b"0"])
}

const PCALL_LOOP: &str =
    "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end";

fn scenarios(server: &Server) -> Vec<(String, Vec<u8>)> {
    let mut log = Vec::new();
    log.extend(kill_steps(
        server,
        &[],
        &eval(PCALL_LOOP),
        &[b"SCRIPT", b"KILL"],
        0,
    ));
    let xpcall = "while 1 do xpcall(function() while 1 do end end, function(e) return e end) end";
    log.extend(kill_steps(
        server,
        &[],
        &eval(xpcall),
        &[b"SCRIPT", b"KILL"],
        0,
    ));
    // A script pipelined with a PING: the caller gets the kill error, then PONG.
    let mut pipelined = eval("while 1 do redis.call('ping') end");
    pipelined.extend(Conn::encode(&[b"PING"]));
    log.extend(kill_steps(
        server,
        &[],
        &pipelined,
        &[b"SCRIPT", b"KILL"],
        1,
    ));
    // The same with a function that loops in pcall.
    let lib =
        format!("#!lua name=test\nredis.register_function('test', function() {PCALL_LOOP} end)");
    let load: &[&[u8]] = &[b"FUNCTION", b"LOAD", b"REPLACE", lib.as_bytes()];
    let mut fcall = Conn::encode(&[b"FCALL", b"test", b"0"]);
    fcall.extend(Conn::encode(&[b"PING"]));
    log.extend(kill_steps(
        server,
        &[load],
        &fcall,
        &[b"FUNCTION", b"KILL"],
        1,
    ));
    log
}

#[test]
fn scripts_looping_in_pcall_are_killed() {
    let lattice = start_lattice(&[]);
    let ours = scenarios(&lattice);
    let get = |what: &str| -> Vec<Vec<u8>> {
        ours.iter()
            .filter(|(w, _)| w == what)
            .map(|(_, r)| r.clone())
            .collect()
    };
    for r in get("ping while busy") {
        assert!(r.starts_with(b"-BUSY "), "{}", show(&r));
    }
    for r in get("killed reply") {
        assert!(
            r.starts_with(b"-ERR Script killed by user with SCRIPT KILL..."),
            "{}",
            show(&r)
        );
    }
    for r in get("pipelined 0")
        .into_iter()
        .chain(get("ping after"))
        .chain(get("caller after"))
    {
        assert_eq!(r, b"+PONG\r\n");
    }
    if !support::redis_available("scripts_looping_in_pcall_are_killed") {
        return;
    }
    let redis = start_redis(&[]);
    let theirs = scenarios(&redis);
    assert_eq!(theirs.len(), ours.len());
    for ((what, r), (_, l)) in theirs.iter().zip(&ours) {
        assert_eq!(r, l, "{what}: redis {} lattice {}", show(r), show(l));
    }
}

/// A script spinning inside a coroutine is seen as busy and stops on SCRIPT KILL (the busy
/// hook follows the script into the coroutine). Redis hands the kill error to
/// `coroutine.resume` as a value and lets the script's last line return it; here the kill is
/// raised again when the coroutine gives control back, so the caller gets the kill error.
#[test]
fn a_script_spinning_in_a_coroutine_is_busy_and_killable() {
    let lattice = start_lattice(&[]);
    let body = "local co = coroutine.create(function() while true do end end)\n\
                local r = {coroutine.resume(co)}\nreturn r";
    let log = kill_steps(&lattice, &[], &eval(body), &[b"SCRIPT", b"KILL"], 0);
    assert!(log[0].1.starts_with(b"-BUSY "), "{}", show(&log[0].1));
    assert_eq!(log[1].1, b"+OK\r\n");
    assert!(
        log[2]
            .1
            .starts_with(b"-ERR Script killed by user with SCRIPT KILL..."),
        "{}",
        show(&log[2].1)
    );
    assert_eq!(log[3].1, b"+PONG\r\n");
    // A script that resumes short coroutines in a loop is busy too (the hook counts restart
    // on every resume, so resume itself looks at the clock).
    let body = "while true do coroutine.resume(coroutine.create(function() end)) end";
    let log = kill_steps(&lattice, &[], &eval(body), &[b"SCRIPT", b"KILL"], 0);
    assert!(log[0].1.starts_with(b"-BUSY "), "{}", show(&log[0].1));
    assert!(
        log[2].1.starts_with(b"-ERR Script killed"),
        "{}",
        show(&log[2].1)
    );
}

/// A script that runs past the threshold and then returns leaves its link usable, for EVAL
/// and FCALL alike.
fn link_steps(server: &Server) -> Vec<Vec<u8>> {
    let mut a = server.connect();
    let mut out = vec![a.call(&[b"CONFIG", b"SET", b"lua-time-limit", b"10"])];
    let body: &[u8] = b"for i=1,100000 do redis.call('ping') end return 'ok'";
    out.push(a.call(&[b"EVAL", body, b"0"]));
    out.push(a.call(&[b"PING"]));
    let lib = b"#!lua name=l\nredis.register_function('f', function() for i=1,100000 do redis.call('ping') end return 'ok' end)";
    out.push(a.call(&[b"FUNCTION", b"LOAD", b"REPLACE", lib]));
    out.push(a.call(&[b"FCALL", b"f", b"0"]));
    out.push(a.call(&[b"PING"]));
    out
}

#[test]
fn a_timed_out_script_leaves_its_link_usable() {
    let lattice = start_lattice(&[]);
    let ours = link_steps(&lattice);
    assert_eq!(ours[1], b"$2\r\nok\r\n");
    assert_eq!(ours[2], b"+PONG\r\n");
    assert_eq!(ours[5], b"+PONG\r\n");
    if !support::redis_available("a_timed_out_script_leaves_its_link_usable") {
        return;
    }
    let redis = start_redis(&[]);
    assert_eq!(link_steps(&redis), ours);
}
