//! Command execution through the engine's front door (`Engine::execute`) and through a shard
//! engine (`plan::route` + `Engine::execute_fast`, what a server runs for single-shard
//! commands): table lookup, keyspace access and reply encoding, with no network. The I/O cost is measured by the
//! side-by-side server benchmark (scripts/bench.py) instead.

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use engine::config::Config;
use engine::{Engine, NullHost};

const NOW: i64 = 1_700_000_000_000;

fn argv(words: &[&[u8]]) -> Vec<Bytes> {
    words.iter().map(|w| Bytes::copy_from_slice(w)).collect()
}

/// A host with the server's command clock (quanta's TSC), so the timed benches measure what
/// INFO commandstats costs per command.
struct TimedHost;

fn tsc() -> &'static quanta::Clock {
    static CLOCK: std::sync::OnceLock<quanta::Clock> = std::sync::OnceLock::new();
    CLOCK.get_or_init(quanta::Clock::new)
}

impl engine::Host for TimedHost {
    fn used_memory(&self) -> usize {
        0
    }
    fn rss(&self) -> usize {
        0
    }
    fn process_id(&self) -> u32 {
        0
    }
    fn executable(&self) -> String {
        String::new()
    }
    fn config_file(&self) -> String {
        String::new()
    }
    fn allocator(&self) -> &'static str {
        "libc"
    }
    fn cpu_seconds(&self) -> (f64, f64) {
        (0.0, 0.0)
    }
    fn clock(&self) -> Option<engine::script::busy::Clock> {
        None
    }
    fn client_buffers(&self, _client: u64) -> Option<engine::engine::ClientBuffers> {
        None
    }
    fn rebind(&self, _bind: &[String], _port: u16) -> Result<(), String> {
        Ok(())
    }
    fn rewrite_config(&self, _render: &dyn Fn(&str) -> String) -> Result<(), String> {
        Err("Operation not supported".into())
    }
    fn ticker(&self) -> Option<engine::stats::Ticker> {
        Some(engine::stats::Ticker {
            now: || tsc().raw(),
            to_nanos: |t| tsc().delta_as_nanos(0, t),
        })
    }
}

fn engine_with_keys(n: usize) -> (Engine, u64) {
    engine_with_keys_on(n, Box::new(NullHost))
}

fn engine_with_keys_on(n: usize, host: Box<dyn engine::Host>) -> (Engine, u64) {
    let mut eng = Engine::new(Config::default(), 1, NOW, host);
    let id = eng.connect("127.0.0.1:1".into(), "127.0.0.1:6379".into(), 1, NOW);
    let mut out = Vec::new();
    for i in 0..n {
        let key = format!("key:{i:012}");
        eng.execute(id, &argv(&[b"SET", key.as_bytes(), b"xxx"]), NOW, &mut out);
    }
    let list: Vec<Bytes> = [b"RPUSH".as_slice(), b"mylist"]
        .into_iter()
        .map(Bytes::copy_from_slice)
        .chain((0..100).map(|i| Bytes::from(format!("element-{i}"))))
        .collect();
    eng.execute(id, &list, NOW, &mut out);
    (eng, id)
}

fn run(c: &mut Criterion, name: &str, eng: &mut Engine, id: u64, args: &[Bytes]) {
    let mut out = Vec::with_capacity(4096);
    c.bench_function(name, |b| {
        b.iter(|| {
            out.clear();
            eng.execute(id, std::hint::black_box(args), NOW, &mut out)
        })
    });
}

fn dispatch(c: &mut Criterion) {
    let (mut eng, id) = engine_with_keys(100_000);
    run(c, "execute/ping", &mut eng, id, &argv(&[b"PING"]));
    run(
        c,
        "execute/get_hit",
        &mut eng,
        id,
        &argv(&[b"GET", b"key:000000004242"]),
    );
    run(
        c,
        "execute/get_miss",
        &mut eng,
        id,
        &argv(&[b"GET", b"nosuch"]),
    );
    run(
        c,
        "execute/set_overwrite",
        &mut eng,
        id,
        &argv(&[b"SET", b"key:000000004242", b"yyy"]),
    );
    run(
        c,
        "execute/incr",
        &mut eng,
        id,
        &argv(&[b"INCR", b"counter"]),
    );
    run(
        c,
        "execute/lrange_100",
        &mut eng,
        id,
        &argv(&[b"LRANGE", b"mylist", b"0", b"99"]),
    );
    run(
        c,
        "execute/unknown_command",
        &mut eng,
        id,
        &argv(&[b"NOSUCHCOMMAND", b"x"]),
    );
    let (mut timed, id) = engine_with_keys_on(100_000, Box::new(TimedHost));
    run(c, "execute_timed/ping", &mut timed, id, &argv(&[b"PING"]));
    run(
        c,
        "execute_timed/get_hit",
        &mut timed,
        id,
        &argv(&[b"GET", b"key:000000004242"]),
    );
}

/// The path a server takes for a single-shard command: route it, run it on the shard.
fn shard_path(c: &mut Criterion) {
    shard_path_on(c, "shard", Box::new(NullHost));
    shard_path_on(c, "shard_timed", Box::new(TimedHost));
}

fn shard_path_on(c: &mut Criterion, prefix: &str, host: Box<dyn engine::Host>) {
    let (mut main, id) = engine_with_keys_on(100_000, host);
    let session = main.fast_session(id).expect("a plain session");
    let mut shard = main.new_shard(0);
    // The keys were loaded through the main engine: hand them to the shard.
    main.reclaim(0, &mut shard);
    for (name, args) in [
        ("get_hit", argv(&[b"GET", b"key:000000004242"])),
        (
            "set_overwrite",
            argv(&[b"SET", b"key:000000004242", b"yyy"]),
        ),
        ("incr", argv(&[b"INCR", b"counter"])),
    ] {
        let name = format!("{prefix}/{name}");
        let mut out = Vec::with_capacity(4096);
        c.bench_function(&name, |b| {
            b.iter(|| {
                out.clear();
                let args = std::hint::black_box(&args);
                let engine::plan::Route::Shard(cmd, _) = engine::plan::route(args, 1) else {
                    panic!("single-shard command");
                };
                shard.execute_fast(id, session, cmd, args, NOW, &mut out)
            })
        });
        assert!(out.first().is_some_and(|&b| b != b'-'), "{name}");
    }
}

criterion_group!(benches, dispatch, shard_path);
criterion_main!(benches);
