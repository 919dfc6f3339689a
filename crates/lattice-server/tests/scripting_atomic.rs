//! Scripts and transactions are atomic: client threads move amounts between keys with EVAL
//! (and with MULTI/EXEC) while another client keeps reading every balance in one script; the
//! total never changes. The server runs 4 I/O threads.

mod support;

use support::{start_lattice, Conn};

const KEYS: usize = 8;
const TOTAL: i64 = 8000;

const TRANSFER: &[u8] = b"local a = tonumber(redis.call('get', KEYS[1])) \
local n = tonumber(ARGV[1]) \
redis.call('set', KEYS[1], a - n) \
redis.call('incrby', KEYS[2], n) \
return a - n";

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
    // Several I/O threads, so the clients really run in parallel (the keyspace is not sharded
    // yet: one engine lock; see docs/ARCHITECTURE.md).
    let server = start_lattice(&["--threads", "4"]);
    let mut setup = server.connect();
    for i in 0..KEYS {
        setup.call(&[
            b"SET",
            &key(i),
            format!("{}", TOTAL / KEYS as i64).as_bytes(),
        ]);
    }
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
                        c.call(&[b"DECRBY", &from, b"5"]);
                        c.call(&[b"INCRBY", &to, b"5"]);
                        let r = c.call(&[b"EXEC"]);
                        assert_eq!(r[0], b'*', "{}", support::show(&r));
                    }
                }
            })
        })
        .collect();
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
    assert_eq!(int(&checker.call(&args)), TOTAL);
    assert!(checks > 0);
}
