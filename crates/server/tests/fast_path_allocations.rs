//! The single-shard fast path allocates nothing per GET, and per SET nothing beyond a value
//! too long to live inside the entry (over 14 bytes):
//! pipelined commands are parsed (arguments sliced from the read buffer, argument vectors
//! recycled), routed to their shard and run there with replies encoded straight into the
//! output buffer. Counted with the server's counting allocator.

use bytes::{Bytes, BytesMut};
use engine::config::Config;
use engine::plan::{route, Route};
use engine::{Engine, NullHost};
use resp::request::{Limits, RequestParser};
use server::alloc::{allocation_calls, CountingAlloc};

#[global_allocator]
static ALLOC: CountingAlloc<std::alloc::System> = CountingAlloc(std::alloc::System);

const NOW: i64 = 1_700_000_000_000;

fn pipeline(line: &str, n: usize) -> BytesMut {
    let words: Vec<&str> = line.split(' ').collect();
    let mut one = format!("*{}\r\n", words.len());
    for w in &words {
        one.push_str(&format!("${}\r\n{w}\r\n", w.len()));
    }
    BytesMut::from(one.repeat(n).as_bytes())
}

/// Runs `n` copies of `line` through parser, router and shard; returns allocations per
/// command after a warm-up round.
fn allocations_per_command(line: &str, n: usize) -> f64 {
    let mut main = Engine::new(Config::default(), 1, NOW, Box::new(NullHost));
    let id = main.connect("a".into(), "b".into(), 1, NOW);
    let mut out = Vec::new();
    for i in 0..1000 {
        let set: Vec<Bytes> = vec!["SET".into(), format!("key:{i:012}").into(), "xxx".into()];
        main.execute(id, &set, NOW, &mut out);
    }
    let session = main.fast_session(id).expect("plain session");
    let mut shard = main.new_shard(0);
    main.reclaim(0, &mut shard);
    // As the server builds it: command names interned.
    let mut parser = RequestParser::with_names(engine::command::names::intern);
    let limits = Limits::default();
    let mut run = |buf: &mut BytesMut, out: &mut Vec<u8>| {
        while let Ok(Some(args)) = parser.next(buf, &limits) {
            let Route::Shard(cmd, _) = route(&args, 1) else {
                panic!("{line} should run on a shard");
            };
            assert!(shard.execute_fast(id, session, cmd, &args, NOW, out));
            parser.recycle(args);
        }
    };
    // Warm-up: buffers reach their size, the client's activity entry exists.
    let mut warm = pipeline(line, n);
    out = Vec::with_capacity(64 * n);
    run(&mut warm, &mut out);
    let mut buf = pipeline(line, n);
    out.clear();
    let before = allocation_calls();
    run(&mut buf, &mut out);
    let calls = allocation_calls() - before;
    assert!(
        !out.is_empty() && out[0] != b'-',
        "{:?}",
        String::from_utf8_lossy(&out[..20])
    );
    calls as f64 / n as f64
}

#[test]
fn get_allocates_nothing_and_set_only_its_value() {
    let get = allocations_per_command("GET key:000000000042", 1000);
    // One promotion of the read buffer to shared storage, at most, for the whole batch.
    assert!(get <= 0.002, "GET: {get} allocations per command");
    // A short value lives inside the entry; a longer one is its one allocation.
    let set = allocations_per_command("SET key:000000000042 yyy", 1000);
    assert!(set <= 0.002, "SET: {set} allocations per command");
    let set = allocations_per_command("SET key:000000000042 a-value-of-thirty-bytes-long!", 1000);
    assert!(
        set <= 1.002,
        "SET (30 bytes): {set} allocations per command"
    );
    let incr = allocations_per_command("INCR counter", 1000);
    assert!(incr <= 0.002, "INCR: {incr} allocations per command");
}
