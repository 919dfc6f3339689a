//! Hand-written differential cases: every line of `tests/cases/*.redis` goes to redis-server
//! 7.0.15 and to lattice-server, and the raw reply bytes must match, in RESP2 and in RESP3.
//!
//! File format: one command per line, split like redis-cli/redis.conf (quotes, "\xHH").
//! `# ...` comments. Directives: `!sleep <ms>`; `!nocompare <command>` (sent to both, replies
//! not compared, for nondeterministic replies); `!resp2 <command>` / `!resp3 <command>` (only in
//! that pass); `!replies <n> <command>` reads n replies (SUBSCRIBE a b answers twice).
//! `CASES=name` runs only files whose name contains `name`.

mod support;

use bytes::Bytes;
use support::{show, start_lattice, start_redis, Conn};

struct Mismatch {
    place: String,
    command: String,
    redis: Vec<u8>,
    lattice: Vec<u8>,
}

fn run_file(
    name: &str,
    text: &str,
    resp3: bool,
    redis: &mut Conn,
    lattice: &mut Conn,
    out: &mut Vec<Mismatch>,
    count: &mut usize,
) {
    for conn in [&mut *redis, &mut *lattice] {
        conn.call(&[b"HELLO", if resp3 { b"3" } else { b"2" }]);
        conn.call(&[b"FLUSHALL"]);
        conn.call(&[b"SELECT", b"0"]);
    }
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (replies, line) = match line.split_once(' ') {
            Some(("!replies", rest)) => {
                let (n, rest) = rest.trim().split_once(' ').expect("!replies <n> <command>");
                (n.parse::<usize>().expect("reply count"), rest)
            }
            _ => (1, line),
        };
        let (compare, line) = match line.split_once(' ') {
            Some(("!sleep", ms)) => {
                std::thread::sleep(std::time::Duration::from_millis(
                    ms.trim().parse().expect("ms"),
                ));
                continue;
            }
            Some(("!nocompare", rest)) => (false, rest),
            Some(("!resp2", rest)) if !resp3 => (true, rest),
            Some(("!resp3", rest)) if resp3 => (true, rest),
            Some(("!resp2", _)) | Some(("!resp3", _)) => continue,
            _ => (true, line),
        };
        let args = resp::request::split_args(&Bytes::copy_from_slice(line.as_bytes()))
            .unwrap_or_else(|| panic!("{name}:{}: unbalanced quotes", n + 1));
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_ref()).collect();
        let (mut r, mut l) = (redis.call(&args), lattice.call(&args));
        for _ in 1..replies {
            r.extend(redis.read_reply().unwrap_or_else(|e| e.into_bytes()));
            l.extend(lattice.read_reply().unwrap_or_else(|e| e.into_bytes()));
        }
        *count += 1;
        if compare && r != l {
            out.push(Mismatch {
                place: format!(
                    "{name}:{} ({})",
                    n + 1,
                    if resp3 { "RESP3" } else { "RESP2" }
                ),
                command: line.to_string(),
                redis: r,
                lattice: l,
            });
        }
    }
}

#[test]
fn differential_cases() {
    if !support::redis_available("differential_cases") {
        return;
    }
    let redis_server = start_redis(&[]);
    let lattice_server = start_lattice(&[]);
    let filter = std::env::var("CASES").unwrap_or_default();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("cases dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "redis"))
        .filter(|p| p.to_string_lossy().contains(&filter))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {dir}");
    let mut mismatches = Vec::new();
    let mut count = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).expect("read case file");
        for resp3 in [false, true] {
            // A fresh connection per pass, so connection state never leaks between files.
            let mut redis = redis_server.connect();
            let mut lattice = lattice_server.connect();
            run_file(
                &name,
                &text,
                resp3,
                &mut redis,
                &mut lattice,
                &mut mismatches,
                &mut count,
            );
        }
    }
    eprintln!(
        "differential_cases: {} files, {count} commands, {} mismatches",
        files.len(),
        mismatches.len()
    );
    if !mismatches.is_empty() {
        let mut report = String::new();
        for m in mismatches.iter().take(40) {
            report.push_str(&format!(
                "\n{}: {}\n  redis:   {}\n  lattice: {}\n",
                m.place,
                m.command,
                show(&m.redis),
                show(&m.lattice)
            ));
        }
        panic!("{} mismatches:{report}", mismatches.len());
    }
}

/// Every command and subcommand in our table reports the same `COMMAND INFO` as Redis
/// (arity, flags, key positions, ACL categories, tips, key specs). Containers are compared
/// per subcommand, since Redis lists their subcommands in hash order.
#[test]
fn command_info_matches_redis() {
    if !support::redis_available("command_info_matches_redis") {
        return;
    }
    let redis_server = start_redis(&[]);
    let lattice_server = start_lattice(&[]);
    let mut redis = redis_server.connect();
    let mut lattice = lattice_server.connect();
    let listing = lattice.call(&[b"COMMAND", b"LIST"]);
    let Ok(Some((resp::Frame::Array(names), _))) = resp::parse_frame(&listing) else {
        panic!("COMMAND LIST: {}", show(&listing));
    };
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for name in names {
        let resp::Frame::Bulk(name) = name else {
            panic!("non-bulk name")
        };
        let info = lattice.call(&[b"COMMAND", b"INFO", &name]);
        let is_container = matches!(
            resp::parse_frame(&info),
            Ok(Some((resp::Frame::Array(ref v), _)))
                if matches!(v.first(), Some(resp::Frame::Array(e)) if matches!(e.get(9), Some(resp::Frame::Array(s)) if !s.is_empty()))
        );
        if is_container {
            continue;
        }
        compared += 1;
        let expected = redis.call(&[b"COMMAND", b"INFO", &name]);
        if expected != info {
            mismatches.push(format!(
                "\n{}:\n  redis:   {}\n  lattice: {}",
                String::from_utf8_lossy(&name),
                show(&expected),
                show(&info)
            ));
        }
    }
    eprintln!(
        "command_info_matches_redis: {compared} commands compared, {} mismatches",
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} COMMAND INFO mismatches:{}",
        mismatches.len(),
        mismatches.concat()
    );
}
