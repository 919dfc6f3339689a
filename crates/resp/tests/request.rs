//! Request parser cases, each checked against redis-server 7.0.15 with raw bytes.

use bytes::{Bytes, BytesMut};
use resp::request::{parse_i64, UNAUTH_MAX_BULK};
use resp::{Limits, ProtocolError, RequestParser};

type Parsed = Result<Vec<Vec<Vec<u8>>>, String>;

/// Feeds `chunks` one after another, collecting every command until an error or the end.
fn run_chunks(chunks: &[&[u8]], limits: &Limits) -> (Parsed, usize) {
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::new();
    let mut cmds = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match parser.next(&mut buf, limits) {
                Ok(Some(args)) => cmds.push(args.iter().map(|a| a.to_vec()).collect()),
                Ok(None) => break,
                Err(ProtocolError(text)) => return (Err(text), buf.len()),
            }
        }
    }
    (Ok(cmds), buf.len())
}

fn parse(input: &[u8]) -> Parsed {
    run_chunks(&[input], &Limits::default()).0
}

fn cmd(args: &[&str]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.as_bytes().to_vec()).collect()
}

fn err(text: &str) -> Parsed {
    Err(format!("ERR Protocol error: {text}"))
}

#[test]
fn multibulk_and_pipelining() {
    let input = b"*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\nECHO hi\r\n";
    assert_eq!(
        parse(input),
        Ok(vec![
            cmd(&["PING"]),
            cmd(&["SET", "k", ""]),
            cmd(&["ECHO", "hi"])
        ])
    );
}

#[test]
fn empty_commands_are_skipped() {
    let input = b"*0\r\n*-1\r\n*-9223372036854775808\r\n\r\n\n  \r\n*1\r\n$4\r\nPING\r\n";
    assert_eq!(parse(input), Ok(vec![cmd(&["PING"])]));
}

#[test]
fn bytes_after_a_header_cr_and_after_data_are_not_checked() {
    assert_eq!(
        parse(b"*1\rX$4\r\nPINGxx*1\r\n$4\rYPING\r\n"),
        Ok(vec![cmd(&["PING"]), cmd(&["PING"])])
    );
}

#[test]
fn every_split_gives_the_same_commands() {
    let input: &[u8] =
        b"*2\r\n$4\r\nECHO\r\n$5\r\nhe\x00lo\r\n*0\r\nSET \"a b\" 'c'\r\nPING\n*1\r\n$3\r\nGET\r\n";
    let whole = run_chunks(&[input], &Limits::default());
    assert_eq!(whole.0.as_ref().map(Vec::len), Ok(4));
    for i in 0..=input.len() {
        for j in i..=input.len() {
            let parts = [&input[..i], &input[i..j], &input[j..]];
            assert_eq!(
                run_chunks(&parts, &Limits::default()),
                whole,
                "split at {i},{j}"
            );
        }
    }
}

#[test]
fn args_share_the_input_buffer() {
    let mut buf = BytesMut::from(&b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"[..]);
    let base = buf.as_ptr() as usize;
    let args = RequestParser::new()
        .next(&mut buf, &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(args[1], Bytes::from_static(b"key"));
    assert_eq!(args[1].as_ptr() as usize, base + 17);
    assert!(buf.is_empty());
}

#[test]
fn multibulk_count_errors() {
    for bad in [
        &b"*\r\n"[..],
        b"*+1\r\n",
        b"*01\r\n",
        b"* 1\r\n",
        b"*-0\r\n",
        b"*1x\r\n",
    ] {
        assert_eq!(parse(bad), err("invalid multibulk length"), "{bad:?}");
    }
    // Redis 7.0 allows up to INT_MAX; the declared count allocates nothing.
    assert_eq!(parse(b"*2147483647\r\n"), Ok(vec![]));
    assert_eq!(parse(b"*2147483648\r\n"), err("invalid multibulk length"));
    assert_eq!(
        parse(b"*9223372036854775808\r\n"),
        err("invalid multibulk length")
    );
}

#[test]
fn bulk_length_errors() {
    for bad in [
        &b"*1\r\n$-1\r\n"[..],
        b"*1\r\n$+4\r\nPING\r\n",
        b"*1\r\n$04\r\nPING\r\n",
        b"*1\r\n$\r\n",
        b"*1\r\n$4 \r\n",
        b"*1\r\n$536870913\r\n",
    ] {
        assert_eq!(parse(bad), err("invalid bulk length"), "{bad:?}");
    }
    assert_eq!(parse(b"*1\r\n$536870912\r\n"), Ok(vec![]));
    let small = Limits {
        proto_max_bulk_len: 3,
        ..Limits::default()
    };
    assert_eq!(
        run_chunks(&[b"*1\r\n$4\r\nPING\r\n"], &small).0,
        err("invalid bulk length")
    );
}

#[test]
fn expected_dollar() {
    assert_eq!(
        parse(b"*1\r\n:4\r\n"),
        Err("ERR Protocol error: expected '$', got ':'".into())
    );
    // CR and LF are shown as spaces, as Redis cleans error texts.
    assert_eq!(
        parse(b"*1\r\n\r\n"),
        Err("ERR Protocol error: expected '$', got ' '".into())
    );
    assert_eq!(
        parse(b"*1\r\n\n\r\n"),
        Err("ERR Protocol error: expected '$', got ' '".into())
    );
    // A non-ASCII byte goes out raw.
    let e = parse(b"*1\r\n\xff\r\n").unwrap_err();
    let reply = ProtocolError(e).to_reply();
    assert_eq!(reply, b"-ERR Protocol error: expected '$', got '\xff'\r\n");
    // The prefix is checked only once the whole line is there.
    assert_eq!(parse(b"*1\r\n:4"), Ok(vec![]));
}

#[test]
fn header_lines_over_64k() {
    let mut count = b"*".to_vec();
    count.extend(std::iter::repeat_n(b'1', 64 * 1024 - 1));
    assert_eq!(parse(&count), Ok(vec![]));
    count.push(b'1');
    assert_eq!(parse(&count), err("too big mbulk count string"));

    let mut bulk = b"*1\r\n$".to_vec();
    bulk.extend(std::iter::repeat_n(b'1', 64 * 1024 - 1));
    assert_eq!(parse(&bulk), Ok(vec![]));
    bulk.push(b'1');
    assert_eq!(parse(&bulk), err("too big bulk count string"));
    // The size check comes before the '$' check.
    let mut junk = b"*1\r\n".to_vec();
    junk.extend(std::iter::repeat_n(b'X', 70000));
    assert_eq!(parse(&junk), err("too big bulk count string"));
}

#[test]
fn inline_over_64k() {
    let long = vec![b'A'; 64 * 1024];
    assert_eq!(parse(&long), Ok(vec![]));
    assert_eq!(
        parse(&[&long[..], b"A"].concat()),
        err("too big inline request")
    );
    // A long line whose end has arrived is accepted, as by Redis.
    let mut line = b"ECHO ".to_vec();
    line.extend(std::iter::repeat_n(b'A', 70000));
    line.extend_from_slice(b"\r\n");
    assert_eq!(parse(&line).map(|c| c[0][1].len()), Ok(70000));
}

#[test]
fn nul_hides_the_line_end() {
    // Redis searches lines as C strings: these stall, then fail once too big.
    assert_eq!(parse(b"*1\x00\r\n$4\r\nPING\r\n"), Ok(vec![]));
    assert_eq!(parse(b"PING\x00\r\n"), Ok(vec![]));
    let stalled = [&b"PING\x00\n"[..], &vec![b'x'; 64 * 1024]].concat();
    assert_eq!(parse(&stalled), err("too big inline request"));
}

#[test]
fn unauthenticated_limits() {
    let unauth = Limits {
        unauthenticated: true,
        ..Limits::default()
    };
    let p = |input: &[u8]| run_chunks(&[input], &unauth).0;
    assert_eq!(p(b"*10\r\n"), Ok(vec![]));
    assert_eq!(p(b"*11\r\n"), err("unauthenticated multibulk length"));
    assert_eq!(p(b"*2147483648\r\n"), err("invalid multibulk length"));
    assert_eq!(p(b"*-5\r\n"), Ok(vec![]));
    let at_limit = format!("*1\r\n${UNAUTH_MAX_BULK}\r\n");
    assert_eq!(p(at_limit.as_bytes()), Ok(vec![]));
    let over = format!("*1\r\n${}\r\n", UNAUTH_MAX_BULK + 1);
    assert_eq!(p(over.as_bytes()), err("unauthenticated bulk length"));
}

#[test]
fn inline_splitting() {
    let cases: &[(&[u8], &[&[u8]])] = &[
        (b"  SET  a\tb  \r\n", &[b"SET", b"a", b"b"]),
        (b"ECHO \"\"\r\n", &[b"ECHO", b""]),
        (b"ECHO ''\n", &[b"ECHO", b""]),
        (
            b"ECHO \"\\q\\\"\\\\\\a\\b\"\r\n",
            &[b"ECHO", b"q\"\\\x07\x08"],
        ),
        (
            b"ECHO \"\\x41\\x4g\\n\\r\\t\"\r\n",
            &[b"ECHO", b"Ax4g\n\r\t"],
        ),
        (b"ECHO 'a\\'b'\r\n", &[b"ECHO", b"a'b"]),
        (b"ECHO 'a\\nb'\r\n", &[b"ECHO", b"a\\nb"]),
        (b"ECHO a\"b c\"\r\n", &[b"ECHO", b"ab c"]),
        (b"ECHO \"a\"\x0bx\r\n", &[b"ECHO", b"a", b"x"]),
        (b"\x0bECHO a\x0bb\r\n", &[b"ECHO", b"a\x0bb"]),
        (b"ECHO a\rb\r\n", &[b"ECHO", b"a", b"b"]),
        (b"GET k\r\r\n", &[b"GET", b"k"]),
    ];
    for (input, want) in cases {
        let want: Vec<Vec<u8>> = want.iter().map(|a| a.to_vec()).collect();
        assert_eq!(
            parse(input),
            Ok(vec![want]),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn unbalanced_quotes() {
    for bad in [
        &b"ECHO \"abc\r\n"[..],
        b"ECHO \"a\"b\r\n",
        b"ECHO 'a'b\r\n",
        b"ECHO a\"b c\"d\r\n",
        b"ECHO \"a\\\r\n",
        b"ECHO 'abc\n",
    ] {
        assert_eq!(parse(bad), err("unbalanced quotes in request"), "{bad:?}");
    }
}

#[test]
fn string2ll_strictness() {
    assert_eq!(parse_i64(b"0"), Some(0));
    assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
    assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
    for bad in [
        &b""[..],
        b"-",
        b"+1",
        b"-0",
        b"00",
        b"01",
        b" 1",
        b"1 ",
        b"9223372036854775808",
        b"-9223372036854775809",
        b"1a",
    ] {
        assert_eq!(parse_i64(bad), None, "{bad:?}");
    }
}

#[test]
fn big_bulk_in_small_reads() {
    let size = 300_000;
    let mut input = format!("*2\r\n$3\r\nSET\r\n${size}\r\n").into_bytes();
    input.extend(std::iter::repeat_n(b'v', size));
    input.extend_from_slice(b"\r\n");
    let chunks: Vec<&[u8]> = input.chunks(7).collect();
    let (cmds, left) = run_chunks(&chunks, &Limits::default());
    let cmds = cmds.unwrap();
    assert_eq!(left, 0);
    assert_eq!(cmds.len(), 1);
    assert_eq!(cmds[0][1].len(), size);
}

#[test]
fn declared_sizes_reserve_little() {
    let limits = Limits::default();
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::from(&b"*2147483647\r\n$536870912\r\nabc"[..]);
    assert_eq!(parser.next(&mut buf, &limits), Ok(None));
    // At most 1MB is reserved ahead for the declared 512MB.
    assert!(buf.capacity() <= 2 * 1024 * 1024, "{}", buf.capacity());
}

/// Whole commands take the parser's fast path; fed one byte at a time they never can. Odd
/// headers must come out the same both ways, and as Redis answers them.
#[test]
fn fast_path_agrees_on_odd_headers() {
    let limits = Limits {
        proto_max_bulk_len: 8,
        ..Limits::default()
    };
    let cases: &[(&[u8], Parsed)] = &[
        (b"*1\r\n$4\r\nPING\r\n", Ok(vec![cmd(&["PING"])])),
        (b"*01\r\n$4\r\nPING\r\n", err("invalid multibulk length")),
        (b"*1\r\n$04\r\nPING\r\n", err("invalid bulk length")),
        (b"*+1\r\n$4\r\nPING\r\n", err("invalid multibulk length")),
        (b"*1\r\n$+4\r\nPING\r\n", err("invalid bulk length")),
        (b"*1\r\n$-4\r\nPING\r\n", err("invalid bulk length")),
        (b"*1\r\n$9\r\nPINGPINGP\r\n", err("invalid bulk length")),
        (b"*1\r\n$8\r\nPINGPING\r\n", Ok(vec![cmd(&["PINGPING"])])),
        (b"*1\r\n$0\r\n\r\n", Ok(vec![cmd(&[""])])),
        (b"*1\r\n$00\r\n\r\n", err("invalid bulk length")),
        (b"*1\r\n$\r\n\r\n", err("invalid bulk length")),
        (b"*\r\n", err("invalid multibulk length")),
        (b"*00\r\n", err("invalid multibulk length")),
        (
            b"*1\r\n$99999999999999999999\r\n",
            err("invalid bulk length"),
        ),
        (
            b"*99999999999999999999\r\n",
            err("invalid multibulk length"),
        ),
        (
            b"*1\r\n+4\r\nPING\r\n",
            Err("ERR Protocol error: expected '$', got '+'".into()),
        ),
        (
            b"*2\r\n$1\r\na\r\n*1\r\n$1\r\nb\r\n",
            err("expected '$', got '*'"),
        ),
    ];
    for (input, want) in cases {
        let whole = run_chunks(&[input], &limits);
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        let one_by_one = run_chunks(&bytes, &limits);
        assert_eq!(&whole.0, want, "whole {:?}", String::from_utf8_lossy(input));
        assert_eq!(
            whole.0,
            one_by_one.0,
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
    // 16 arguments fit the fast path, 17 take the general one; both parse.
    for n in [16, 17] {
        let mut wire = format!("*{n}\r\n").into_bytes();
        for i in 0..n {
            wire.extend_from_slice(format!("${}\r\n{i}\r\n", i.to_string().len()).as_bytes());
        }
        let (got, left) = run_chunks(&[&wire], &limits);
        assert_eq!(got.map(|c| c[0].len()), Ok(n));
        assert_eq!(left, 0);
    }
}
