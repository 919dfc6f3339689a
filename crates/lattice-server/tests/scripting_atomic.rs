//! Scripts and transactions are atomic and isolated across shards: client threads move
//! amounts between keys on different shards with EVAL (and with MULTI/EXEC) while another
//! client keeps reading every balance in one script and with MGET; the total never changes.
//! Each transfer also bumps two counters on different shards, first `ord:a` then `ord:b`;
//! a reader fetching `ord:a` then `ord:b` with single-key GETs (which run on their shard
//! alone) must never see `a > b`, which it would if a GET ran between the two writes. The
//! server runs 4 I/O threads and 8 shards.

mod support;

use support::{start_lattice, Conn};

const KEYS: usize = 8;
const TOTAL: i64 = 8000;

const TRANSFER: &[u8] = b"local a = tonumber(redis.call('get', KEYS[1])) \
local n = tonumber(ARGV[1]) \
redis.call('incr', 'ord:a') \
redis.call('set', KEYS[1], a - n) \
redis.call('incrby', KEYS[2], n) \
redis.call('incr', 'ord:b') \
return a - n";

const SHARDS: usize = 8;

const SUM: &[u8] =
    b"local s = 0 for i = 1, #KEYS do s = s + tonumber(redis.call('get', KEYS[i])) end return s";

fn key(i: usize) -> Vec<u8> {
    format!("acct:{i}").into_bytes()
}

fn int(reply: &[u8]) -> i64 {
    std::str::from_utf8(&reply[1..reply.len() - 2])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an integer: {}", support::show(reply)))
}

#[test]
fn transfers_keep_the_total() {
    // The keys really are spread over the shards.
    let shard = |k: &[u8]| engine::slot::shard_of(k, SHARDS);
    let spread: std::collections::BTreeSet<usize> = (0..KEYS).map(|i| shard(&key(i))).collect();
    assert!(spread.len() >= 4, "{spread:?}");
    assert_ne!(shard(b"ord:a"), shard(b"ord:b"));
    let server = start_lattice(&["--threads", "4", "--shards", &SHARDS.to_string()]);
    let mut setup = server.connect();
    for i in 0..KEYS {
        setup.call(&[
            b"SET",
            &key(i),
            format!("{}", TOTAL / KEYS as i64).as_bytes(),
        ]);
    }
    setup.call(&[b"MSET", b"ord:a", b"0", b"ord:b", b"0"]);
    let port = server.port;
    let workers: Vec<_> = (0..4)
        .map(|w| {
            std::thread::spawn(move || {
                let mut c = Conn::connect(port);
                for n in 0..300usize {
                    let (from, to) = (key((n + w) % KEYS), key((n * 3 + w + 1) % KEYS));
                    if n % 2 == 0 {
                        let r = c.call(&[b"EVAL", TRANSFER, b"2", &from, &to, b"7"]);
                        assert_eq!(r[0], b':', "{}", support::show(&r));
                    } else {
                        c.call(&[b"MULTI"]);
                        c.call(&[b"INCR", b"ord:a"]);
                        c.call(&[b"DECRBY", &from, b"5"]);
                        c.call(&[b"INCRBY", &to, b"5"]);
                        c.call(&[b"INCR", b"ord:b"]);
                        let r = c.call(&[b"EXEC"]);
                        assert_eq!(r[0], b'*', "{}", support::show(&r));
                    }
                }
            })
        })
        .collect();
    let reader = std::thread::spawn(move || {
        let mut c = Conn::connect(port);
        let mut reads = 0;
        for _ in 0..3000 {
            let a = c.call(&[b"GET", b"ord:a"]);
            let b = c.call(&[b"GET", b"ord:b"]);
            let count = |r: &[u8]| {
                let text = String::from_utf8_lossy(r);
                let n = text
                    .lines()
                    .nth(1)
                    .unwrap_or_else(|| panic!("counter missing: {text}"));
                n.parse::<i64>().unwrap()
            };
            assert!(count(&a) <= count(&b), "{a:?} {b:?}");
            reads += 1;
        }
        reads
    });
    let mut checker = server.connect();
    let keys: Vec<Vec<u8>> = (0..KEYS).map(key).collect();
    let mut args: Vec<&[u8]> = vec![b"EVAL", SUM, b"8"];
    args.extend(keys.iter().map(|k| k.as_slice()));
    let mut checks = 0;
    while !workers.iter().all(|w| w.is_finished()) {
        assert_eq!(int(&checker.call(&args)), TOTAL);
        // A plain MGET outside any script must see a consistent state too.
        let mut mget: Vec<&[u8]> = vec![b"MGET"];
        mget.extend(keys.iter().map(|k| k.as_slice()));
        let r = checker.call(&mget);
        let text = String::from_utf8_lossy(&r).to_string();
        let sum: i64 = text
            .split("\r\n")
            .filter(|l| !l.starts_with('*') && !l.starts_with('$') && !l.is_empty())
            .map(|l| l.parse::<i64>().unwrap())
            .sum();
        assert_eq!(sum, TOTAL);
        checks += 1;
    }
    for w in workers {
        w.join().expect("worker");
    }
    assert_eq!(reader.join().expect("reader"), 3000);
    assert_eq!(int(&checker.call(&args)), TOTAL);
    assert!(checks > 0);
}
