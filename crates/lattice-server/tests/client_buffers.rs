//! A connection's buffers, as Redis handles them: input is read while replies wait for a
//! client that is not reading yet (a pipeline written whole before any read must not
//! deadlock), `client-output-buffer-limit normal` disconnects a client whose unread
//! replies pass it, `client-query-buffer-limit` one whose unparsed input does, and CLIENT
//! LIST shows the buffers (`qbuf`, `omem`, `events`). Each scenario also runs against
//! redis-server 7.0.15 where installed, which must behave the same way.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use support::{start_lattice, start_redis, Conn};

/// The servers to check: lattice-server always, redis-server when installed.
fn servers(test: &str) -> Vec<support::Server> {
    let mut all = vec![start_lattice(&[])];
    if support::redis_available(test) {
        all.push(start_redis(&[]));
    }
    all
}

/// `field=value` of the CLIENT LIST line of the client named `name`.
fn client_field(admin: &mut Conn, name: &str, field: &str) -> Option<String> {
    let list = String::from_utf8_lossy(&admin.cmd("CLIENT LIST")).into_owned();
    let line = list
        .lines()
        .find(|l| l.contains(&format!(" name={name} ")))?;
    line.split(' ')
        .find_map(|kv| kv.strip_prefix(&format!("{field}=")))
        .map(str::to_string)
}

#[test]
fn a_pipeline_written_whole_before_reading_gets_every_reply() {
    for server in servers("a_pipeline_written_whole_before_reading_gets_every_reply") {
        let mut admin = server.connect();
        admin.cmd("SET key value");
        let n = 200_000;
        let one = Conn::encode(&[b"GET", b"key"]);
        let pipeline: Vec<u8> = one.repeat(n);
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
        // A server that stops reading while its replies wait would leave this write stuck.
        stream
            .set_write_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
            .write_all(&pipeline)
            .expect("the whole pipeline is taken");
        let reply = b"$5\r\nvalue\r\n";
        let want = reply.len() * n;
        let mut got = 0;
        let mut chunk = vec![0u8; 1 << 16];
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        while got < want {
            let r = stream.read(&mut chunk).expect("replies keep coming");
            assert!(r > 0, "{}: closed after {got} of {want} bytes", server.name);
            got += r;
        }
        assert_eq!(got, want, "{}", server.name);
    }
}

#[test]
fn the_normal_output_limit_disconnects_a_client_that_does_not_read() {
    for server in servers("the_normal_output_limit_disconnects_a_client_that_does_not_read") {
        let mut admin = server.connect();
        let item = "x".repeat(100);
        for _ in 0..100 {
            let mut cmd: Vec<&[u8]> = vec![b"RPUSH", b"big"];
            cmd.extend(std::iter::repeat_n(item.as_bytes(), 1000));
            admin.call(&cmd);
        }
        // Unlimited (the default): the replies wait, CLIENT LIST shows them.
        let mut slow = server.connect();
        slow.cmd("CLIENT SETNAME slow");
        for _ in 0..10 {
            slow.send_line("LRANGE big 0 -1");
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut omem = 0u64;
        while Instant::now() < deadline && omem < 1_000_000 {
            omem = client_field(&mut admin, "slow", "omem")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(omem >= 1_000_000, "{}: omem={omem}", server.name);
        assert_eq!(
            client_field(&mut admin, "slow", "events").as_deref(),
            Some("rw"),
            "{}",
            server.name
        );
        drop(slow);
        // With a hard limit of 1 MB the same client is closed.
        let set = admin.call(&[
            b"CONFIG",
            b"SET",
            b"client-output-buffer-limit",
            b"normal 1mb 0 0",
        ]);
        assert_eq!(set, b"+OK\r\n");
        let mut slow = server.connect();
        slow.cmd("CLIENT SETNAME slow2");
        for _ in 0..10 {
            slow.send_line("LRANGE big 0 -1");
        }
        assert!(
            slow.wait_closed(Duration::from_secs(10)),
            "{}: not disconnected",
            server.name
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        while client_field(&mut admin, "slow2", "id").is_some() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(client_field(&mut admin, "slow2", "id"), None);
        admin.call(&[
            b"CONFIG",
            b"SET",
            b"client-output-buffer-limit",
            b"normal 0 0 0",
        ]);
    }
}

#[test]
fn the_query_buffer_limit_disconnects_a_client() {
    for server in servers("the_query_buffer_limit_disconnects_a_client") {
        let mut admin = server.connect();
        assert_eq!(
            admin.cmd("CONFIG SET client-query-buffer-limit 1mb"),
            b"+OK\r\n"
        );
        assert_eq!(
            admin.cmd("CONFIG GET client-query-buffer-limit"),
            b"*2\r\n$25\r\nclient-query-buffer-limit\r\n$7\r\n1048576\r\n"
        );
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // One unfinished 2 MB argument: it never parses, so it all stays unparsed.
        let mut input = b"*2\r\n$3\r\nGET\r\n$2000000\r\n".to_vec();
        input.extend(std::iter::repeat_n(b'a', 1_500_000));
        // The server may close while we still write: that is the point.
        let _ = stream.write_all(&input);
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut rest = Vec::new();
        let closed = match stream.read_to_end(&mut rest) {
            Ok(_) => true,
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        };
        assert!(closed, "{}: not disconnected", server.name);
        assert_eq!(admin.cmd("PING"), b"+PONG\r\n");
        admin.cmd("CONFIG SET client-query-buffer-limit 1gb");
    }
}

#[test]
fn client_list_shows_the_query_buffer() {
    for server in servers("client_list_shows_the_query_buffer") {
        let mut c = server.connect();
        let reply = String::from_utf8_lossy(&c.cmd("CLIENT INFO")).into_owned();
        let line = reply[reply.find("id=").expect("a client line")..].trim_end();
        let fields: Vec<&str> = line
            .split(' ')
            .map(|kv| kv.split('=').next().unwrap_or(""))
            .collect();
        assert_eq!(
            fields.join(" "),
            "id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free \
             argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp",
            "{}",
            server.name
        );
        // The command being run counts in its own line's qbuf and argv-mem, as in Redis.
        for want in [
            " qbuf=26 ",
            " argv-mem=10 ",
            " events=r ",
            " obl=0 oll=0 omem=0 ",
        ] {
            assert!(line.contains(want), "{}: {want} in {line}", server.name);
        }
    }
}
