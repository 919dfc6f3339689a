//! Blocking list commands with several real clients: FIFO wake-up order, timeouts and their
//! null replies, 0 = forever, CLIENT UNBLOCK, disconnected waiters, BLMOVE chains. Each
//! scenario runs against lattice-server and, where installed, redis-server 7.0.15; the reply
//! bytes every client received must be the same on both.

mod support;

use std::time::{Duration, Instant};
use support::{show, start_lattice, start_redis};

/// A raw RESP client that can also check that no reply has arrived yet.
struct Client {
    conn: support::Conn,
}

impl Client {
    fn new(port: u16) -> Client {
        Client {
            conn: support::Conn::connect(port),
        }
    }

    fn send(&mut self, line: &str) {
        self.conn.send_line(line);
    }

    /// The next reply, or None if none arrives within `wait`.
    fn try_read(&mut self, wait: Duration) -> Option<Vec<u8>> {
        self.conn
            .try_read(wait)
            .unwrap_or_else(|_| Some(b"<closed>".to_vec()))
    }

    fn read(&mut self) -> Vec<u8> {
        self.try_read(Duration::from_secs(10))
            .expect("a reply within 10 s")
    }

    fn call(&mut self, line: &str) -> Vec<u8> {
        self.send(line);
        self.read()
    }

    /// Sends a blocking command and returns once the server counts `parked` blocked clients.
    fn block(&mut self, line: &str, admin: &mut Client, parked: usize) {
        self.send(line);
        admin.wait_blocked(parked);
    }

    fn wait_blocked(&mut self, n: usize) {
        let want = format!("blocked_clients:{n}\r");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let info = self.call("INFO clients");
            if String::from_utf8_lossy(&info).contains(&want) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("never saw {want}");
    }
}

/// Each scenario returns what its clients received, in a fixed order.
type Scenario = fn(u16) -> Vec<Vec<u8>>;

fn fifo_order(port: u16) -> Vec<Vec<u8>> {
    let mut admin = Client::new(port);
    let mut c: Vec<Client> = (0..3).map(|_| Client::new(port)).collect();
    for (i, cl) in c.iter_mut().enumerate() {
        cl.block("BLPOP q 0", &mut admin, i + 1);
    }
    let mut out = vec![admin.call("RPUSH q a b")];
    out.push(c[0].read());
    out.push(c[1].read());
    assert_eq!(c[2].try_read(Duration::from_millis(100)), None);
    out.push(admin.call("RPUSH q c d"));
    out.push(c[2].read());
    out.push(admin.call("LRANGE q 0 -1"));
    // One LPUSH of several elements serves several clients, each from the head.
    for (i, cl) in c.iter_mut().enumerate() {
        cl.block("BRPOP r 0", &mut admin, i + 1);
    }
    out.push(admin.call("LPUSH r x y z"));
    for cl in &mut c {
        out.push(cl.read());
    }
    out.push(admin.call("GET r"));
    out
}

fn timeouts(port: u16) -> Vec<Vec<u8>> {
    let mut c = Client::new(port);
    let mut out = Vec::new();
    for proto in ["2", "3"] {
        c.call(&format!("HELLO {proto}"));
        for line in [
            "BLPOP nokey 0.05",
            "BRPOP nokey other 0.05",
            "BRPOPLPUSH nokey dst 0.05",
            "BLMOVE nokey dst LEFT RIGHT 0.05",
            "BLMPOP 0.05 2 nokey other LEFT COUNT 3",
        ] {
            let start = Instant::now();
            out.push(c.call(line));
            assert!(
                start.elapsed() >= Duration::from_millis(40),
                "{line} too early"
            );
        }
    }
    out.push(c.call("GET dst"));
    out
}

fn forever(port: u16) -> Vec<Vec<u8>> {
    let mut admin = Client::new(port);
    let mut c = Client::new(port);
    c.block("BLPOP k 0", &mut admin, 1);
    assert_eq!(c.try_read(Duration::from_millis(300)), None);
    let mut out = vec![admin.call("RPUSH k v")];
    out.push(c.read());
    // A negative timeout that rounds up to 0 ms also means forever.
    c.block("BLMPOP -0.0001 1 k RIGHT", &mut admin, 1);
    assert_eq!(c.try_read(Duration::from_millis(200)), None);
    out.push(admin.call("RPUSH k w"));
    out.push(c.read());
    // A positive one under a millisecond is rounded up to 1 ms: it times out.
    out.push(c.call("BLPOP k 0.0001"));
    out
}

fn client_unblock(port: u16) -> Vec<Vec<u8>> {
    let mut admin = Client::new(port);
    let mut c = Client::new(port);
    let id = String::from_utf8_lossy(&c.call("CLIENT ID"))
        .trim_start_matches(':')
        .trim()
        .to_string();
    let mut out = Vec::new();
    c.block("BLPOP k 0", &mut admin, 1);
    out.push(admin.call(&format!("CLIENT UNBLOCK {id} TIMEOUT")));
    out.push(c.read());
    c.block("BLMOVE k d LEFT LEFT 0", &mut admin, 1);
    out.push(admin.call(&format!("CLIENT UNBLOCK {id}")));
    out.push(c.read());
    c.block("BLMPOP 0 1 k LEFT", &mut admin, 1);
    out.push(admin.call(&format!("CLIENT UNBLOCK {id} ERROR")));
    out.push(c.read());
    out.push(admin.call(&format!("CLIENT UNBLOCK {id} ERROR")));
    out.push(admin.call(&format!("CLIENT UNBLOCK {id} MAYBE")));
    admin.wait_blocked(0);
    out.push(admin.call("RPUSH k v"));
    out.push(admin.call("LRANGE k 0 -1"));
    out
}

fn disconnected(port: u16) -> Vec<Vec<u8>> {
    let mut admin = Client::new(port);
    let mut gone = Client::new(port);
    let mut stays = Client::new(port);
    gone.block("BLPOP k 0", &mut admin, 1);
    stays.block("BLPOP k 0", &mut admin, 2);
    drop(gone);
    admin.wait_blocked(1);
    let mut out = vec![admin.call("RPUSH k a b")];
    out.push(stays.read());
    out.push(admin.call("LRANGE k 0 -1"));
    let mut gone = Client::new(port);
    gone.block("BRPOPLPUSH j k 0", &mut admin, 1);
    drop(gone);
    admin.wait_blocked(0);
    out.push(admin.call("RPUSH j x"));
    out.push(admin.call("LRANGE j 0 -1"));
    out.push(admin.call("LRANGE k 0 -1"));
    out
}

fn blmove_chain(port: u16) -> Vec<Vec<u8>> {
    let mut admin = Client::new(port);
    let mut c1 = Client::new(port);
    let mut c2 = Client::new(port);
    let mut c3 = Client::new(port);
    c1.block("BLMOVE a b LEFT RIGHT 0", &mut admin, 1);
    c2.block("BRPOPLPUSH b c 0", &mut admin, 2);
    c3.block("BLMPOP 0 2 z c RIGHT COUNT 5", &mut admin, 3);
    let mut out = vec![admin.call("RPUSH a x y")];
    out.push(c1.read());
    out.push(c2.read());
    out.push(c3.read());
    for key in ["a", "b", "c"] {
        out.push(admin.call(&format!("LRANGE {key} 0 -1")));
    }
    out
}

fn wrong_types(port: u16) -> Vec<Vec<u8>> {
    let mut admin = Client::new(port);
    let mut c = Client::new(port);
    // A key that turns into a string does not serve (or fail) the waiter.
    c.block("BLPOP k1 k2 0", &mut admin, 1);
    out_push(&mut admin, "SET k1 str");
    out_push(&mut admin, "RPUSH k2 v");
    let mut out = vec![c.read()];
    // BLMOVE whose destination became a string gets WRONGTYPE once the source fills.
    c.block("BLMOVE src k1 LEFT LEFT 0", &mut admin, 1);
    out.push(admin.call("RPUSH src e"));
    out.push(c.read());
    out.push(admin.call("LRANGE src 0 -1"));
    out
}

fn out_push(admin: &mut Client, line: &str) {
    admin.call(line);
}

/// SWAPDB wakes a client blocked on a key the swap brings in; one whose key stays missing
/// keeps waiting.
fn swapdb_wakes(port: u16) -> Vec<Vec<u8>> {
    let mut admin = Client::new(port);
    let mut c = Client::new(port);
    let mut d = Client::new(port);
    let mut out = vec![admin.call("SELECT 9"), admin.call("RPUSH k hello")];
    out.push(admin.call("SELECT 0"));
    c.block("BRPOP k 0", &mut admin, 1);
    d.block("BRPOP absent 0", &mut admin, 2);
    out.push(admin.call("SWAPDB 0 9"));
    out.push(c.read());
    assert_eq!(d.try_read(Duration::from_millis(200)), None);
    out.push(admin.call("RPUSH absent x"));
    out.push(d.read());
    out.push(admin.call("FLUSHALL"));
    out
}

const SCENARIOS: &[(&str, Scenario)] = &[
    ("swapdb_wakes", swapdb_wakes),
    ("fifo_order", fifo_order),
    ("timeouts", timeouts),
    ("forever", forever),
    ("client_unblock", client_unblock),
    ("disconnected", disconnected),
    ("blmove_chain", blmove_chain),
    ("wrong_types", wrong_types),
];

fn render(replies: &[Vec<u8>]) -> Vec<String> {
    replies.iter().map(|r| show(r)).collect()
}

#[test]
fn blocking_lists_match_redis() {
    let lattice = start_lattice(&[]);
    let redis = support::redis_available("blocking_lists").then(|| start_redis(&[]));
    let mut failures = Vec::new();
    for (name, run) in SCENARIOS {
        let ours = render(&run(lattice.port));
        if let Some(redis) = &redis {
            let theirs = render(&run(redis.port));
            if ours != theirs {
                failures.push(format!(
                    "{name}:\n  redis:   {theirs:?}\n  lattice: {ours:?}"
                ));
            }
        }
        Client::new(lattice.port).call("FLUSHALL");
        if let Some(redis) = &redis {
            Client::new(redis.port).call("FLUSHALL");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The expected bytes, checked without redis-server too.
#[test]
fn blocking_lists_expected_replies() {
    let lattice = start_lattice(&[]);
    let fifo = render(&fifo_order(lattice.port));
    assert_eq!(
        fifo,
        [
            ":2\\r\\n",
            "*2\\r\\n$1\\r\\nq\\r\\n$1\\r\\na\\r\\n",
            "*2\\r\\n$1\\r\\nq\\r\\n$1\\r\\nb\\r\\n",
            ":2\\r\\n",
            "*2\\r\\n$1\\r\\nq\\r\\n$1\\r\\nc\\r\\n",
            "*1\\r\\n$1\\r\\nd\\r\\n",
            ":3\\r\\n",
            "*2\\r\\n$1\\r\\nr\\r\\n$1\\r\\nx\\r\\n",
            "*2\\r\\n$1\\r\\nr\\r\\n$1\\r\\ny\\r\\n",
            "*2\\r\\n$1\\r\\nr\\r\\n$1\\r\\nz\\r\\n",
            "$-1\\r\\n",
        ]
    );
    let t = render(&timeouts(lattice.port));
    assert_eq!(&t[..5], ["*-1\\r\\n"; 5]);
    assert!(t[5..10].iter().all(|r| r == "_\\r\\n"));
    // BLMOVE's timeout is a null array too, unlike LMOVE's null bulk for a missing source.
    let swap = render(&swapdb_wakes(lattice.port));
    assert_eq!(swap[4], "*2\\r\\n$1\\r\\nk\\r\\n$5\\r\\nhello\\r\\n");
    let d = render(&disconnected(lattice.port));
    assert_eq!(d[2], "*1\\r\\n$1\\r\\nb\\r\\n");
    assert_eq!(d[4], "*1\\r\\n$1\\r\\nx\\r\\n");
}
