//! BZPOPMIN/BZPOPMAX/BZMPOP with several real clients, against redis-server and lattice-server:
//! the same script runs on both and the transcripts must be identical (wake-up order, timeouts,
//! CLIENT UNBLOCK, writes that wake waiters, disconnected waiters leaving no residue).

mod support;

use std::thread::sleep;
use std::time::Duration;
use support::{show, Conn};

fn park(c: &mut Conn, line: &str) {
    let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
    c.send_raw(&Conn::encode(&args));
    sleep(Duration::from_millis(100));
}

fn reply(c: &mut Conn) -> String {
    show(&c.read_reply().unwrap_or_else(|e| e.into_bytes()))
}

fn script(port: u16) -> Vec<String> {
    let mut log = Vec::new();
    let mut a = Conn::connect(port);
    let mut b = Conn::connect(port);
    let mut w = Conn::connect(port);
    w.cmd("FLUSHALL");

    // Two waiters on one key are served first come, first served.
    park(&mut a, "BZPOPMIN k 0");
    park(&mut b, "BZPOPMIN k 0");
    log.push(show(&w.cmd("ZADD k 1 a 2 b 3 c")));
    log.push(reply(&mut a));
    log.push(reply(&mut b));
    log.push(show(&w.cmd("ZRANGE k 0 -1 WITHSCORES")));

    // A timeout gives a null array.
    park(&mut a, "BZPOPMIN none 0.2");
    sleep(Duration::from_millis(300));
    log.push(reply(&mut a));

    // BZMPOP with COUNT, served from the key that became ready.
    park(&mut a, "BZMPOP 0 2 k1 k2 MAX COUNT 2");
    log.push(show(&w.cmd("ZADD k2 1 x 2 y 3 z")));
    log.push(reply(&mut a));

    // BZPOPMAX on several keys; the write to the second one wakes it.
    park(&mut b, "BZPOPMAX k3 k4 0");
    log.push(show(&w.cmd("ZADD k4 5 m 6 n")));
    log.push(reply(&mut b));
    log.push(show(&w.cmd("ZRANGE k4 0 -1")));

    // CLIENT UNBLOCK ends the wait with the timeout reply.
    let id = String::from_utf8_lossy(&a.cmd("CLIENT ID"))
        .trim_start_matches(':')
        .trim()
        .to_string();
    park(&mut a, "BZPOPMIN k5 0");
    log.push(show(&w.cmd(&format!("CLIENT UNBLOCK {id}"))));
    log.push(reply(&mut a));

    // A store into a waited key wakes the waiter.
    w.cmd("ZADD src 7 s");
    park(&mut a, "BZPOPMIN k6 0");
    log.push(show(&w.cmd("ZUNIONSTORE k6 1 src")));
    log.push(reply(&mut a));

    // A waiter that disconnects leaves nothing behind: the next write is not consumed.
    let mut gone = Conn::connect(port);
    park(&mut gone, "BZPOPMIN k7 0");
    drop(gone);
    sleep(Duration::from_millis(100));
    log.push(show(&w.cmd("ZADD k7 1 a")));
    log.push(show(&w.cmd("ZCARD k7")));
    log
}

#[test]
fn bzpop_matches_redis() {
    support::assert_same_transcript("bzpop_matches_redis", script);
}
