//! Test support: start real servers on free ports and talk raw RESP to them.
//!
//! Differential tests start Debian's `redis-server` 7.0.15 beside `lattice-server`. Where
//! redis-server is missing they skip with a loud notice, unless `LATTICE_REQUIRE_REDIS=1`
//! (set by CI) turns the skip into a failure.

#![allow(dead_code)]

pub mod gen;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server process, killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    pub name: &'static str,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn connect(&self) -> Conn {
        Conn::connect(self.port)
    }

    /// Sends a signal (`TERM`, `INT`) to the process.
    pub fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// True while the process is alive.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Waits until `child` serves on `port`. False if it exited (say the port was taken meanwhile:
/// `free_port` can race with other tests) or if whoever answers there is another process.
fn wait_ready(port: u16, child: &mut Child, name: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) {
            return serves_pid(stream, child.id());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("{name} did not start listening on {port}");
}

/// True if the server behind `stream` reports `pid` in `INFO server`. A connection that
/// fails (another test's server dying on this port) is not ours either: false, so the caller
/// kills its child and tries another port instead of leaking it.
fn serves_pid(mut stream: TcpStream, pid: u32) -> bool {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    if stream
        .write_all(&Conn::encode(&[b"INFO", b"server"]))
        .is_err()
    {
        return false;
    }
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    let Ok(Some(info)) = conn.try_read(Duration::from_secs(10)) else {
        return false;
    };
    let want = format!("process_id:{pid}\r\n");
    info.windows(want.len()).any(|w| w == want.as_bytes())
}

/// Runs `start` on fresh ports until the server it starts is really the one answering.
fn start_on_free_port(name: &'static str, start: impl Fn(u16) -> Child) -> Server {
    for _ in 0..5 {
        let port = free_port();
        let mut child = start(port);
        if wait_ready(port, &mut child, name) {
            return Server { child, port, name };
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("{name} could not start on a free port after 5 tries");
}

/// Starts our server with extra `--option value` arguments.
pub fn start_lattice(extra: &[&str]) -> Server {
    // A config file, if given, must come first, as for redis-server.
    let (file, options) = match extra.first() {
        Some(f) if !f.starts_with("--") => (Some(*f), &extra[1..]),
        _ => (None, extra),
    };
    start_on_free_port("lattice", |port| {
        Command::new(env!("CARGO_BIN_EXE_lattice-server"))
            .args(file)
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--loglevel",
                "warning",
                // Several shards whatever the core count, so every test crosses them
                // (a test's own options come later and win).
                "--shards",
                "4",
            ])
            .args(options)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn lattice-server")
    })
}

/// True when redis-server can be run. Missing: a loud notice, or a panic under
/// `LATTICE_REQUIRE_REDIS=1`.
pub fn redis_available(test: &str) -> bool {
    tool_available("redis-server", "redis-server", test)
}

/// True when `tool --version` runs. Missing: a loud notice naming the Debian package, or a
/// panic under `LATTICE_REQUIRE_REDIS=1` (CI), so these tests can never silently skip there.
pub fn tool_available(tool: &str, package: &str, test: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("LATTICE_REQUIRE_REDIS").as_deref() == Ok("1") {
            panic!("{test}: {tool} is required (LATTICE_REQUIRE_REDIS=1) but not installed");
        }
        eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        eprintln!("!!! SKIPPED {test}: {tool} not installed (apt-get install {package})");
        eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
    }
    ok
}

/// Runs the same multi-client `script` against redis-server and lattice-server and asserts
/// the two transcripts are equal step by step (skipped, loudly, without redis-server).
pub fn assert_same_transcript(test: &str, script: impl Fn(u16) -> Vec<String>) {
    if !redis_available(test) {
        return;
    }
    let redis = start_redis(&[]);
    let lattice = start_lattice(&[]);
    let want = script(redis.port);
    let got = script(lattice.port);
    assert_eq!(want.len(), got.len());
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        assert_eq!(w, g, "step {i}");
    }
}

/// Starts the reference redis-server 7.0.15 without persistence.
pub fn start_redis(extra: &[&str]) -> Server {
    start_on_free_port("redis", |port| {
        Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
                "--daemonize",
                "no",
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server")
    })
}

/// The peer closed the connection.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed;

/// A raw RESP connection that returns reply bytes exactly as received.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn connect(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_nodelay(true).ok();
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    /// Encodes `args` as a multibulk request.
    pub fn encode(args: &[&[u8]]) -> Vec<u8> {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        out
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write");
    }

    /// Sends one command and returns the raw bytes of its reply.
    pub fn call(&mut self, args: &[&[u8]]) -> Vec<u8> {
        self.send_raw(&Self::encode(args));
        self.reply()
    }

    /// The next reply, or the read error as `<error>` text.
    fn reply(&mut self) -> Vec<u8> {
        self.read_reply()
            .unwrap_or_else(|e| format!("<{e}>").into_bytes())
    }

    /// Convenience for string arguments split on spaces.
    pub fn cmd(&mut self, line: &str) -> Vec<u8> {
        self.send_line(line);
        self.reply()
    }

    /// Sends a command given as space-separated words, without reading the reply.
    pub fn send_line(&mut self, line: &str) {
        let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        self.send_raw(&Conn::encode(&args));
    }

    /// Reads one complete reply frame (out-of-band pushes included).
    pub fn read_reply(&mut self) -> Result<Vec<u8>, String> {
        loop {
            match resp::parse_frame(&self.buf) {
                Ok(Some((_, used))) => {
                    let reply = self.buf[..used].to_vec();
                    self.buf.drain(..used);
                    return Ok(reply);
                }
                Ok(None) => {}
                Err(e) => return Err(format!("unparsable reply: {}", e.0)),
            }
            let mut chunk = [0u8; 64 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err("connection closed".into()),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(format!("read error: {e}")),
            }
        }
    }

    /// The next reply or push if one arrives within `wait`: `Ok(None)` when none did,
    /// `Err(Closed)` when the peer closed the connection.
    pub fn try_read(&mut self, wait: Duration) -> Result<Option<Vec<u8>>, Closed> {
        let deadline = Instant::now() + wait;
        let result = loop {
            if let Ok(Some((_, used))) = resp::parse_frame(&self.buf) {
                break Ok(Some(self.buf.drain(..used).collect()));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break Ok(None);
            }
            self.stream.set_read_timeout(Some(left)).ok();
            let mut chunk = [0u8; 64 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => break Err(Closed),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) => break Ok(None),
            }
        };
        self.stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok();
        result
    }

    /// Discards input until the peer closes (true) or `wait` passes without it (false).
    pub fn wait_closed(&mut self, wait: Duration) -> bool {
        self.stream.set_read_timeout(Some(wait)).ok();
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(_) => return false,
            }
        }
    }

    /// Reads until the peer closes, returning everything received.
    pub fn read_to_close(&mut self) -> Vec<u8> {
        let mut all = std::mem::take(&mut self.buf);
        let mut chunk = [0u8; 64 * 1024];
        while let Ok(n) = self.stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&chunk[..n]);
        }
        all
    }
}

/// Shows reply bytes readably: printable ASCII as is, the rest as \xHH, CRLF as `\r\n`.
pub fn show(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        match b {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s
}
