//! Client-side caching with several connections: the bytes every client receives (replies
//! and invalidation pushes or `__redis__:invalidate` messages, in order) must be identical
//! between redis-server 7.0.15 and lattice-server. Covers RESP3 default tracking, OPTIN and
//! OPTOUT with CLIENT CACHING, BCAST with prefixes, NOLOOP, RESP2 with REDIRECT to a
//! subscriber, a broken redirect, FLUSHALL/FLUSHDB, MULTI/EXEC writes, expiry, Redis 7.0's
//! double reply for overlapping new prefixes, scripts (their declared keys), and RESET.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use support::{show, start_lattice, start_redis};

struct Client {
    stream: TcpStream,
}

impl Client {
    fn new(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_nodelay(true).ok();
        Client { stream }
    }

    /// Sends a command and returns everything that arrives until the line goes quiet.
    fn cmd(&mut self, line: &str) -> Vec<u8> {
        let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        self.stream
            .write_all(&support::Conn::encode(&args))
            .expect("write");
        self.drain()
    }

    fn drain(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.stream
            .set_read_timeout(Some(Duration::from_millis(120)))
            .ok();
        let mut chunk = [0u8; 65536];
        while let Ok(n) = self.stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
        }
        out
    }

    fn id(&mut self) -> String {
        let r = self.cmd("CLIENT ID");
        String::from_utf8_lossy(&r[1..r.len() - 2]).into_owned()
    }
}

/// Runs every scenario on `port`; returns (step, bytes received) in order.
fn scenario(port: u16) -> Vec<(String, Vec<u8>)> {
    let mut log: Vec<(String, Vec<u8>)> = Vec::new();
    let mut a = Client::new(port); // the tracking client
    let mut w = Client::new(port); // a writer
    let mut s = Client::new(port); // a RESP2 subscriber of __redis__:invalidate
    let mut step = |name: &str, bytes: Vec<u8>| log.push((name.to_string(), bytes));
    step("flush", w.cmd("FLUSHALL"));
    step("a hello", a.cmd("HELLO 3").len().to_string().into_bytes());

    // RESP3 default mode: read, then another client writes; own writes come after the reply.
    step("on", a.cmd("CLIENT TRACKING on"));
    step("a get", a.cmd("GET k"));
    step("a mget", a.cmd("MGET k j"));
    step("w set", w.cmd("SET k 1"));
    step("a sees k", a.drain());
    step("w set again", w.cmd("SET k 2"));
    step("a sees nothing", a.drain());
    step("a get again", a.cmd("GET k"));
    step("a own write", a.cmd("SET k 3"));
    step("w del", w.cmd("DEL j k"));
    step("a sees j", a.drain());
    step("a strlen exists", a.cmd("STRLEN s"));
    step("a type", a.cmd("TYPE s"));
    step("w mset", w.cmd("MSET s 1 t 2"));
    step("a sees s", a.drain());
    step("info", a.cmd("CLIENT TRACKINGINFO"));

    // MULTI/EXEC: another client's transaction invalidates key by key; our own after EXEC.
    step("a gets", a.cmd("MGET x y"));
    step("w multi", w.cmd("MULTI"));
    step("w q1", w.cmd("SET x 1"));
    step("w q2", w.cmd("INCR y"));
    step("w exec", w.cmd("EXEC"));
    step("a sees x y", a.drain());
    step("a get x", a.cmd("GET x"));
    step("a multi", a.cmd("MULTI"));
    step("a q1", a.cmd("GET z"));
    step("a q2", a.cmd("SET x 5"));
    step("a exec", a.cmd("EXEC"));
    step("w set z", w.cmd("SET z 1"));
    step("a sees z", a.drain());

    // FLUSHALL and FLUSHDB: a null invalidation, even for an empty db and for the flusher.
    step("a get f", a.cmd("GET f"));
    step("w flushall", w.cmd("FLUSHALL"));
    step("a sees null", a.drain());
    step("a flushdb", a.cmd("FLUSHDB"));

    // NOLOOP: nothing for our own writes.
    step("noloop", a.cmd("CLIENT TRACKING on noloop"));
    step("nl get", a.cmd("GET n"));
    step("nl own set", a.cmd("SET n 1"));
    step("nl w set", w.cmd("SET n 2"));
    step("nl a drain", a.drain());
    step("nl get2", a.cmd("GET n"));
    step("nl w set2", w.cmd("SET n 3"));
    step("nl sees n", a.drain());
    step("off", a.cmd("CLIENT TRACKING off"));

    // OPTIN: only reads after CLIENT CACHING yes; the flag lasts one command, or a whole
    // transaction, and survives other CLIENT subcommands.
    step("optin", a.cmd("CLIENT TRACKING on optin"));
    step("oi get", a.cmd("GET o"));
    step("oi w", w.cmd("SET o 1"));
    step("oi none", a.drain());
    step("oi caching", a.cmd("CLIENT CACHING yes"));
    step("oi client id", a.cmd("CLIENT GETREDIR"));
    step("oi get2", a.cmd("GET o"));
    step("oi w2", w.cmd("SET o 2"));
    step("oi sees o", a.drain());
    step("oi caching2", a.cmd("CLIENT CACHING yes"));
    step("oi ping", a.cmd("PING"));
    step("oi get3", a.cmd("GET o"));
    step("oi w3", w.cmd("SET o 3"));
    step("oi none2", a.drain());
    step("oi multi", a.cmd("MULTI"));
    step("oi mq", a.cmd("CLIENT CACHING yes"));
    step("oi mq2", a.cmd("GET o"));
    step("oi mq3", a.cmd("GET p"));
    step("oi exec", a.cmd("EXEC"));
    step("oi w4", w.cmd("MSET o 4 p 4"));
    step("oi sees o p", a.drain());
    step("oi off", a.cmd("CLIENT TRACKING off"));

    // OPTOUT: every read but those after CLIENT CACHING no.
    step("optout", a.cmd("CLIENT TRACKING on optout"));
    step("oo get", a.cmd("GET q"));
    step("oo w", w.cmd("SET q 1"));
    step("oo sees q", a.drain());
    step("oo caching", a.cmd("CLIENT CACHING no"));
    step("oo info", a.cmd("CLIENT TRACKINGINFO"));
    step("oo get2", a.cmd("GET q"));
    step("oo w2", w.cmd("SET q 2"));
    step("oo none", a.drain());
    step("oo off", a.cmd("CLIENT TRACKING off"));

    // BCAST with prefixes, and a second BCAST client with NOLOOP on every key.
    let mut b = Client::new(port);
    step("b hello", b.cmd("HELLO 3").len().to_string().into_bytes());
    step(
        "bc a",
        a.cmd("CLIENT TRACKING on bcast prefix user: prefix obj"),
    );
    step("bc b", b.cmd("CLIENT TRACKING on bcast noloop"));
    step("bc w mset", w.cmd("MSET user:2 x user:1 y other z"));
    step("bc a sees", a.drain());
    step("bc b sees", b.drain());
    step("bc b own", b.cmd("SET objx 1"));
    step("bc a sees objx", a.drain());
    step("bc w multi", w.cmd("MULTI"));
    step("bc w q1", w.cmd("SET user:9 1"));
    step("bc w q2", w.cmd("SET obj1 1"));
    step("bc w q3", w.cmd("DEL user:9"));
    step("bc w exec", w.cmd("EXEC"));
    step("bc a sees multi", a.drain());
    step("bc b sees multi", b.drain());
    step("bc flush", w.cmd("FLUSHDB"));
    step("bc a null", a.drain());
    step("bc b null", b.drain());
    step("bc list b", b.cmd("CLIENT TRACKINGINFO"));
    // Redis 7.0 answers an overlap among new prefixes past the first with an error and OK.
    step(
        "bc overlap",
        b.cmd("CLIENT TRACKING on bcast prefix m prefix n prefix nn"),
    );
    step("bc info", b.cmd("CLIENT TRACKINGINFO"));
    step("bc a off", a.cmd("CLIENT TRACKING off"));
    step("bc b reset", b.cmd("RESET"));
    step("bc b info", b.cmd("CLIENT TRACKINGINFO"));

    // RESP2 with REDIRECT to a subscriber: invalidations arrive as pub/sub messages; a
    // flush sends the tracking client's own (RESP2) null.
    let mut r = Client::new(port);
    let sid = s.id();
    step("sub", s.cmd("SUBSCRIBE __redis__:invalidate"));
    step("r on", r.cmd(&format!("CLIENT TRACKING on redirect {sid}")));
    step("r get", r.cmd("GET k"));
    step("r mget", r.cmd("MGET k2 k3"));
    step("r w", w.cmd("MSET k 1 k2 2"));
    step("s sees", s.drain());
    step("r own", r.cmd("SET k3 1"));
    step("s sees own", s.drain());
    step("r flush", w.cmd("FLUSHALL"));
    step("s sees null", s.drain());
    step("r sees nothing", r.drain());
    // Redirect to a RESP2 connection that is not subscribed: nothing anywhere.
    let mut q = Client::new(port);
    let qid = q.id();
    step(
        "r on q",
        r.cmd(&format!("CLIENT TRACKING on redirect {qid}")),
    );
    step("r get q", r.cmd("GET k"));
    step("r w q", w.cmd("SET k 1"));
    step("q nothing", q.drain());

    // A RESP3 tracking client whose redirect target disconnects: tracking-redir-broken.
    step(
        "a on t",
        a.cmd(&format!("CLIENT TRACKING on redirect {qid}")),
    );
    step("a get t", a.cmd("GET k"));
    drop(q);
    std::thread::sleep(Duration::from_millis(200));
    step("w breaks", w.cmd("SET k 2"));
    let broken = a.drain();
    step(
        "a broken",
        String::from_utf8_lossy(&broken)
            .replace(&qid, "ID")
            .into_bytes(),
    );
    let info = a.cmd("CLIENT TRACKINGINFO");
    step(
        "a broken info",
        String::from_utf8_lossy(&info)
            .replace(&qid, "ID")
            .into_bytes(),
    );
    step("a off 2", a.cmd("CLIENT TRACKING off"));

    // Expiry: the active cycle deletes a remembered key and the reader hears of it.
    step("e set", w.cmd("SET e 1 PX 500"));
    step("a on e", a.cmd("CLIENT TRACKING on"));
    // The read and the invalidation are one step: the push may already come while the
    // reply is being drained.
    let mut got = a.cmd("GET e");
    std::thread::sleep(Duration::from_millis(1500));
    got.extend(a.drain());
    step("a get e, sees expiry", got);
    // Lazy expiry by a writer's lookup counts as well.
    step("e set2", w.cmd("SET e2 1 PX 300"));
    step("w slow cron", w.cmd("CONFIG SET hz 1"));
    let mut got = a.cmd("GET e2");
    std::thread::sleep(Duration::from_millis(450));
    step("w exists e2", w.cmd("EXISTS e2"));
    got.extend(a.drain());
    step("a get e2, sees it", got);
    step("hz back", w.cmd("CONFIG SET hz 10"));

    // Scripts: a script that reads remembers the keys it declared (not the keys it reads),
    // one that only writes or pings remembers none; the _RO forms alike.
    step("a on s", a.cmd("CLIENT TRACKING on"));
    step("sw set", w.cmd("MSET s1 1 s2 1 s3 1"));
    step(
        "a eval write",
        a.cmd("EVAL redis.call('set','s3','x') 2 s1 s2"),
    );
    step("w after write", w.cmd("MSET s1 2 s2 2 s3 2"));
    step("a nothing yet", a.drain());
    step("a eval read", a.cmd("EVAL redis.call('get','s3') 2 s1 s2"));
    step("w after read", w.cmd("MSET s3 3 s2 3 s1 3"));
    step("a sees s1 s2", a.drain());
    step(
        "a eval_ro ping",
        a.cmd("EVAL_RO redis.call('ping') 2 s1 s2"),
    );
    step("w after ping", w.cmd("MSET s1 4 s2 4"));
    step("a nothing", a.drain());
    step(
        "a eval_ro read",
        a.cmd("EVAL_RO redis.call('get','s1') 1 s2"),
    );
    step("w after ro read", w.cmd("MSET s1 5 s2 5"));
    step("a sees s2", a.drain());
    // A blocked client served by another's push hears of its own write after its reply.
    step("a tracks l2", a.cmd("LRANGE l2 0 -1"));
    step("w fills l2", w.cmd("RPUSH l2 a"));
    step("a sees l2", a.drain());
    step("a reads l2", a.cmd("LRANGE l2 0 -1"));
    step("a blocks", a.cmd("BLMOVE l1 l2 LEFT LEFT 0"));
    step("w serves a", w.cmd("RPUSH l1 foo"));
    step("a reply, then invalidation", a.drain());
    step("a off s", a.cmd("CLIENT TRACKING off"));
    step("a reset", a.cmd("RESET"));
    step("a off info", a.cmd("CLIENT TRACKINGINFO"));
    log
}

#[test]
fn invalidations_match_redis() {
    let lattice = start_lattice(&[]);
    let ours = scenario(lattice.port);
    let find = |name: &str| &ours.iter().find(|(n, _)| n == name).expect(name).1;
    // Self-checks that hold without the oracle.
    assert_eq!(
        show(find("a sees k")),
        show(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")
    );
    assert_eq!(
        show(find("a own write")),
        show(b"+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")
    );
    assert_eq!(
        show(find("s sees null")),
        show(b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n")
    );
    assert_eq!(
        show(find("a sees null")),
        show(b">2\r\n$10\r\ninvalidate\r\n_\r\n")
    );
    if !support::redis_available("invalidations_match_redis") {
        return;
    }
    let redis = start_redis(&[]);
    let theirs = scenario(redis.port);
    let mut bad = Vec::new();
    for ((name, r), (_, l)) in theirs.iter().zip(&ours) {
        if show(l) != show(r) {
            bad.push(format!(
                "{name}:\n  redis:   {}\n  lattice: {}",
                show(r),
                show(l)
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Client-side caching under concurrent writers, whose SETs run on keyspace shards on two
/// threads while the tracking client reads on the main engine: a client that caches every
/// GET reply and drops keys as their invalidations arrive ends with no stale entry. It stops
/// reading halfway through the writes, so every key it cached is written again afterwards
/// and only an invalidation can have removed it.
#[test]
fn a_cache_kept_by_invalidations_stays_fresh_under_concurrent_writers() {
    const KEYS: usize = 8;
    const WRITERS: usize = 3;
    const WRITES: usize = 600;
    let server = start_lattice(&["--threads", "2"]);
    let port = server.port;
    let mut t = support::Conn::connect(port);
    t.cmd("HELLO 3");
    assert_eq!(t.cmd("CLIENT TRACKING ON"), b"+OK\r\n");
    let written = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let written = written.clone();
            std::thread::spawn(move || {
                let mut c = support::Conn::connect(port);
                for i in 0..WRITES {
                    let key = format!("k{}", (i * 7 + w * 3) % KEYS);
                    assert_eq!(c.cmd(&format!("SET {key} w{w}-{i}")), b"+OK\r\n");
                    written.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            })
        })
        .collect();
    let mut cache: std::collections::HashMap<String, Vec<u8>> = Default::default();
    // Reads the frames up to the reply of the command just sent, applying invalidations.
    let reply = |t: &mut support::Conn, cache: &mut std::collections::HashMap<_, _>| loop {
        let frame = t.read_reply().expect("frame");
        if !frame.starts_with(b">") {
            return frame;
        }
        let text = String::from_utf8(frame).unwrap();
        for key in text.split("\r\n").skip(5).step_by(2) {
            cache.remove(key);
        }
    };
    let mut rounds = 0;
    while written.load(std::sync::atomic::Ordering::SeqCst) < WRITERS * WRITES / 2 {
        for k in 0..KEYS {
            let key = format!("k{k}");
            t.send_line(&format!("GET {key}"));
            let value = reply(&mut t, &mut cache);
            cache.insert(key, value);
        }
        rounds += 1;
    }
    for h in writers {
        h.join().unwrap();
    }
    // Invalidations sent before this reply arrive before it.
    t.send_line("PING");
    assert_eq!(reply(&mut t, &mut cache), b"+PONG\r\n");
    assert!(rounds > 1, "the reads did not overlap the writes");
    let mut check = support::Conn::connect(port);
    for (key, cached) in &cache {
        assert_eq!(
            show(&check.cmd(&format!("GET {key}"))),
            show(cached),
            "{key} after {rounds} rounds"
        );
    }
}

/// `tracking-table-max-keys`: past the limit, remembered keys are forgotten at random and
/// their clients told, until the table is back under it (250 keys, limit 1: 249 notices),
/// on redis-server and lattice-server alike.
#[test]
fn the_table_limit_forgets_keys_and_tells_their_clients() {
    let mut servers = vec![start_lattice(&[])];
    if support::redis_available("the_table_limit_forgets_keys_and_tells_their_clients") {
        servers.push(start_redis(&[]));
    }
    for server in servers {
        let mut a = Client::new(server.port);
        let mut w = support::Conn::connect(server.port);
        a.cmd("HELLO 3");
        a.cmd("CLIENT TRACKING on");
        let mut reader = support::Conn::connect(server.port);
        let id = String::from_utf8_lossy(&a.cmd("CLIENT ID")).into_owned();
        let id = id.trim_start_matches(':').trim();
        // Reads by another connection redirected to `a` keep this quick: one reply each.
        reader.cmd(&format!("CLIENT TRACKING on REDIRECT {id}"));
        for i in 0..250 {
            w.cmd(&format!("SET key{i} {i}"));
            reader.cmd(&format!("GET key{i}"));
        }
        let info = String::from_utf8_lossy(&w.cmd("INFO stats")).into_owned();
        assert!(info.contains("tracking_total_keys:250\r\n"), "{info}");
        assert!(info.contains("tracking_total_items:250\r\n"), "{info}");
        w.cmd("CONFIG SET tracking-table-max-keys 1");
        let mut notices = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while notices.len() < 249 && std::time::Instant::now() < deadline {
            let got = a.drain();
            let text = String::from_utf8_lossy(&got).into_owned();
            notices.extend(text.matches("invalidate").map(|_| ()));
        }
        assert_eq!(notices.len(), 249, "{}", server.name);
        let info = String::from_utf8_lossy(&w.cmd("INFO stats")).into_owned();
        assert!(info.contains("tracking_total_keys:1\r\n"), "{info}");
        w.cmd("CONFIG SET tracking-table-max-keys 1000000");
    }
}
