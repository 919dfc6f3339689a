//! Blocking commands sent on different connections queue in the order they arrived, even
//! when the connections are served by different I/O threads (server::arrival). The
//! scenario is Redis's "BRPOPLPUSH with multiple blocked clients": A blocks first, B second,
//! then a push; A must be served first (and fail with WRONGTYPE), B then gets the element.
//! Sent back to back without waiting, which a server that runs whichever thread comes first
//! gets wrong in tens of runs out of hundreds on two cores (so at most a couple of misses are
//! tolerated: the wait for an earlier thread is bounded, and a test machine under load can
//! deschedule a thread for longer than that).

mod support;

use std::time::Duration;
use support::{start_lattice, Conn};

fn misordered(port: u16, runs: usize) -> usize {
    let mut r = Conn::connect(port);
    r.cmd("SELECT 9");
    let mut bad = 0;
    for _ in 0..runs {
        let mut a = Conn::connect(port);
        let mut b = Conn::connect(port);
        a.cmd("SELECT 9");
        b.cmd("SELECT 9");
        r.cmd("DEL blist{t} target1{t} target2{t}");
        r.cmd("SET target1{t} nolist");
        a.send_line("BRPOPLPUSH blist{t} target1{t} 0");
        b.send_line("BRPOPLPUSH blist{t} target2{t} 0");
        r.cmd("LPUSH blist{t} foo");
        let first = a.try_read(Duration::from_millis(500));
        if !matches!(&first, Ok(Some(reply)) if reply.starts_with(b"-WRONGTYPE")) {
            bad += 1;
        }
    }
    bad
}

#[test]
fn blocking_commands_queue_in_arrival_order_across_threads() {
    for threads in ["2", "4"] {
        let server = start_lattice(&["--threads", threads]);
        let bad = misordered(server.port, 300);
        assert!(bad <= 2, "{threads} threads: {bad} of 300 runs misordered");
    }
}
