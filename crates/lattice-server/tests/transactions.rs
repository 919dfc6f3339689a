//! MULTI/EXEC/WATCH with several real clients. The WATCH script runs against redis-server
//! 7.0.15 and lattice-server and the transcripts must be identical; the concurrency tests run
//! against lattice-server (and redis-server where installed, as a check of the test itself):
//! transfers inside MULTI/EXEC never show a torn sum, and WATCH-based compare-and-set loops
//! lose no increment.

mod support;

use std::thread::{self, sleep};
use std::time::Duration;
use support::{show, start_lattice, start_redis, Conn};

fn park(c: &mut Conn, line: &str) {
    let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
    c.send_raw(&Conn::encode(&args));
    sleep(Duration::from_millis(100));
}

fn reply(c: &mut Conn) -> String {
    show(&c.read_reply().unwrap_or_else(|e| e.into_bytes()))
}

/// Runs `lines` on `c`, logging every reply.
fn run(log: &mut Vec<String>, c: &mut Conn, lines: &[&str]) {
    for line in lines {
        log.push(format!("{line} -> {}", show(&c.cmd(line))));
    }
}

fn watch_script(port: u16) -> Vec<String> {
    let mut log = Vec::new();
    let mut a = Conn::connect(port);
    let mut b = Conn::connect(port);
    b.cmd("FLUSHALL");

    // Another client's write to a watched key makes EXEC answer a null array.
    run(&mut log, &mut a, &["SET k 1", "WATCH k"]);
    run(&mut log, &mut b, &["SET k 2"]);
    run(&mut log, &mut a, &["MULTI", "SET k 3", "EXEC", "GET k"]);

    // Same key name in another db: no change.
    run(&mut log, &mut a, &["WATCH k"]);
    run(&mut log, &mut b, &["SELECT 1", "SET k other", "SELECT 0"]);
    run(&mut log, &mut a, &["MULTI", "INCR k", "EXEC"]);

    // A write between MULTI and EXEC counts too; queued commands see it when they run.
    run(&mut log, &mut a, &["WATCH k", "MULTI", "GET k"]);
    run(&mut log, &mut b, &["INCR k"]);
    run(&mut log, &mut a, &["EXEC"]);
    run(&mut log, &mut a, &["MULTI", "GET k"]);
    run(&mut log, &mut b, &["INCR k"]);
    run(&mut log, &mut a, &["EXEC"]);

    // Writes by another client's transaction, expiry, FLUSHALL, SWAPDB, MOVE, RENAME.
    let touches: &[&[&str]] = &[
        &["MULTI", "SET k 9", "EXEC"],
        &["PEXPIRE k 50"],
        &["FLUSHALL"],
        &["SELECT 1", "SET k 1", "SWAPDB 0 1", "SELECT 0"],
        &["SET moving v", "MOVE moving 1"],
        &["SET other v", "RENAME other k"],
        &["LPUSH k a", "LPOP k"],
    ];
    for (i, writes) in touches.iter().enumerate() {
        let key = if i == 4 { "moving" } else { "k" };
        run(&mut log, &mut b, &["FLUSHALL", "SET k 1"]);
        if i == 4 {
            // Watch `moving` in db 1: MOVE into db 1 is a change there.
            run(
                &mut log,
                &mut a,
                &["SELECT 1", &format!("WATCH {key}"), "SELECT 0"],
            );
        } else if i == 6 {
            run(&mut log, &mut b, &["DEL k"]);
            run(&mut log, &mut a, &["WATCH k"]);
        } else {
            run(&mut log, &mut a, &[&format!("WATCH {key}")]);
        }
        run(&mut log, &mut b, writes);
        sleep(Duration::from_millis(if i == 1 { 150 } else { 0 }));
        run(&mut log, &mut a, &["MULTI", "PING", "EXEC"]);
    }

    // A client popping a watched list from a blocking command touches it too.
    run(&mut log, &mut a, &["DEL q", "WATCH q"]);
    park(&mut b, "BLPOP q 0");
    let mut c = Conn::connect(port);
    run(&mut log, &mut c, &["RPUSH q x"]);
    log.push(reply(&mut b));
    run(&mut log, &mut a, &["MULTI", "PING", "EXEC"]);

    // A waiter is served after EXEC as a whole: here the transaction empties the list again,
    // so it keeps waiting, and the next push wakes it.
    park(&mut b, "BLPOP q 0");
    run(
        &mut log,
        &mut a,
        &["MULTI", "RPUSH q 1", "LPOP q", "RPUSH q 2 3", "EXEC"],
    );
    log.push(reply(&mut b));
    run(&mut log, &mut a, &["LRANGE q 0 -1"]);

    // RESP3: a failed EXEC is a null.
    a.cmd("HELLO 3");
    run(&mut log, &mut a, &["WATCH k"]);
    run(&mut log, &mut b, &["SET k resp3"]);
    run(&mut log, &mut a, &["MULTI", "GET k", "EXEC"]);

    // A watching client that disconnects leaves nothing behind.
    let mut gone = Conn::connect(port);
    gone.cmd("WATCH k");
    drop(gone);
    sleep(Duration::from_millis(100));
    run(&mut log, &mut b, &["SET k after"]);
    run(&mut log, &mut a, &["MULTI", "GET k", "EXEC"]);
    log
}

#[test]
fn watch_across_clients_matches_redis() {
    support::assert_same_transcript("watch_across_clients_matches_redis", watch_script);
}

/// The integer in a RESP reply (`:n` or a bulk holding n).
fn int(reply: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(reply);
    let last = s.trim_end().rsplit("\r\n").next().unwrap_or("").to_string();
    last.trim_start_matches(':')
        .parse()
        .expect("an integer reply")
}

/// Parses `*2\r\n$n\r\nA\r\n$m\r\nB\r\n` (EXEC of two GETs) into the two numbers.
fn two_ints(reply: &[u8]) -> (i64, i64) {
    let s = String::from_utf8_lossy(reply);
    let parts: Vec<&str> = s.split("\r\n").collect();
    assert!(parts[0] == "*2", "EXEC reply: {s:?}");
    (parts[2].parse().unwrap(), parts[4].parse().unwrap())
}

/// Writers move amounts between `a` and `b` inside MULTI/EXEC while a reader checks the sum
/// with MULTI GET a GET b EXEC: no reader ever sees a transfer half done.
fn transfers_keep_the_sum(port: u16) {
    let mut setup = Conn::connect(port);
    setup.cmd("FLUSHALL");
    setup.cmd("MSET a 1000 b 1000");
    let writers: Vec<_> = (0..4)
        .map(|w| {
            thread::spawn(move || {
                let mut c = Conn::connect(port);
                for i in 0..300 {
                    let n = (i * 7 + w) % 50 + 1;
                    let (from, to) = if (i + w) % 2 == 0 {
                        ("a", "b")
                    } else {
                        ("b", "a")
                    };
                    assert_eq!(c.cmd("MULTI"), b"+OK\r\n");
                    c.cmd(&format!("DECRBY {from} {n}"));
                    c.cmd(&format!("INCRBY {to} {n}"));
                    let r = c.cmd("EXEC");
                    assert!(r.starts_with(b"*2\r\n:"), "EXEC: {}", show(&r));
                }
            })
        })
        .collect();
    let reader = thread::spawn(move || {
        let mut c = Conn::connect(port);
        let mut reads = 0;
        for _ in 0..600 {
            c.cmd("MULTI");
            c.cmd("GET a");
            c.cmd("GET b");
            let (x, y) = two_ints(&c.cmd("EXEC"));
            assert_eq!(x + y, 2000, "torn read: a={x} b={y}");
            reads += 1;
        }
        reads
    });
    for w in writers {
        w.join().expect("writer");
    }
    assert_eq!(reader.join().expect("reader"), 600);
    let (x, y) = (int(&setup.cmd("GET a")), int(&setup.cmd("GET b")));
    assert_eq!(x + y, 2000);
}

/// Optimistic increments: WATCH c, GET c, MULTI, SET c v+1, EXEC, retried on a null reply.
/// If WATCH missed a concurrent write, an increment would be lost.
fn cas_loses_nothing(port: u16) {
    let mut setup = Conn::connect(port);
    setup.cmd("SET c 0");
    let workers: Vec<_> = (0..4)
        .map(|_| {
            thread::spawn(move || {
                let mut c = Conn::connect(port);
                let mut retries = 0;
                for _ in 0..100 {
                    loop {
                        c.cmd("WATCH c");
                        let v = int(&c.cmd("GET c"));
                        c.cmd("MULTI");
                        c.cmd(&format!("SET c {}", v + 1));
                        let r = c.cmd("EXEC");
                        if r == b"*1\r\n+OK\r\n" {
                            break;
                        }
                        assert_eq!(r, b"*-1\r\n");
                        retries += 1;
                    }
                }
                retries
            })
        })
        .collect();
    let retries: i32 = workers.into_iter().map(|w| w.join().expect("cas")).sum();
    assert_eq!(int(&setup.cmd("GET c")), 400, "after {retries} retries");
}

#[test]
fn transactions_are_atomic_on_lattice() {
    let lattice = start_lattice(&[]);
    transfers_keep_the_sum(lattice.port);
    cas_loses_nothing(lattice.port);
}

#[test]
fn atomicity_tests_hold_on_redis() {
    if !support::redis_available("atomicity_tests_hold_on_redis") {
        return;
    }
    let redis = start_redis(&[]);
    transfers_keep_the_sum(redis.port);
    cas_loses_nothing(redis.port);
}
