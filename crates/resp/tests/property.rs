//! Property tests driven by a small seeded PRNG (no external crates), deterministic and fast:
//! hostile bytes never panic either parser, valid frames round-trip, valid requests parse
//! back to their arguments however the bytes are split into reads.

use bytes::{Bytes, BytesMut};
use resp::{parse_frame, Frame, Limits, RequestParser};

/// SplitMix64: tiny, good enough to drive test generation, reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        let len = self.below(max_len + 1);
        // Bias towards the bytes that matter to the protocol.
        const SPECIAL: &[u8] = b"\r\n\0*$:+-_#,(=!%~>|\"'\\ x0123456789";
        (0..len)
            .map(|_| {
                if self.chance(2) {
                    SPECIAL[self.below(SPECIAL.len())]
                } else {
                    self.next_u64() as u8
                }
            })
            .collect()
    }
}

type Outcome = Result<Vec<Vec<Bytes>>, String>;

/// Command names the test interner knows, odd bytes included.
const NAMES: &[&[u8]] = &[b"GET", b"get", b"SET", b"x", b"\r\n", b"$3", b"*"];

/// An interner as the server's: static bytes equal to the name, for the names it knows.
fn test_names(name: &[u8]) -> Option<Bytes> {
    NAMES
        .iter()
        .find(|n| **n == name)
        .map(|n| Bytes::from_static(n))
}

/// A command's first argument: sometimes a name the interner knows.
fn first_arg(rng: &mut Rng, max_len: usize) -> Vec<u8> {
    match rng.chance(2) {
        true => NAMES[rng.below(NAMES.len())].to_vec(),
        false => rng.bytes(max_len),
    }
}

/// Runs the request parser over `input` delivered in random-sized reads, with or without an
/// interner (the outcome must be the same).
fn parse_requests(input: &[u8], rng: &mut Rng, max_read: usize, limits: &Limits) -> Outcome {
    let mut parser = match rng.chance(2) {
        true => RequestParser::with_names(test_names),
        false => RequestParser::new(),
    };
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        let n = (1 + rng.below(max_read)).min(input.len() - pos);
        buf.extend_from_slice(&input[pos..pos + n]);
        pos += n;
        loop {
            match parser.next(&mut buf, limits) {
                Ok(Some(args)) => {
                    assert!(!args.is_empty(), "empty command returned");
                    out.push(args);
                }
                Ok(None) => break,
                Err(e) => return Err(e.0),
            }
        }
    }
    Ok(out)
}

/// Applies a few random edits: flip, insert, delete, truncate, duplicate a range.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(5) {
            0 if at < v.len() => v[at] = rng.next_u64() as u8,
            1 => v.insert(at, rng.bytes(1).first().copied().unwrap_or(b'\r')),
            2 if at < v.len() => {
                v.remove(at);
            }
            3 => v.truncate(at),
            _ => {
                let end = (at + rng.below(16)).min(v.len());
                let copy = v[at..end].to_vec();
                v.splice(at..at, copy);
            }
        }
    }
    v
}

fn random_double(rng: &mut Rng) -> f64 {
    match rng.below(6) {
        0 => f64::INFINITY,
        1 => f64::NEG_INFINITY,
        2 => -0.0,
        3 => (rng.below(2000) as f64 - 1000.0) / 8.0,
        _ => loop {
            let d = f64::from_bits(rng.next_u64());
            if !d.is_nan() {
                break d;
            }
        },
    }
}

fn line_text(rng: &mut Rng) -> Bytes {
    let mut b = rng.bytes(12);
    b.retain(|&c| c != b'\r' && c != b'\n');
    Bytes::from(b)
}

fn random_frame(rng: &mut Rng, depth: usize) -> Frame {
    let kinds = if depth >= 4 { 12 } else { 17 };
    match rng.below(kinds) {
        0 => Frame::Simple(line_text(rng)),
        1 => Frame::Error(line_text(rng)),
        2 => Frame::Integer(match rng.below(3) {
            0 => i64::MIN,
            1 => rng.next_u64() as i64,
            _ => rng.below(100) as i64 - 50,
        }),
        3 => Frame::Bulk(Bytes::from(rng.bytes(40))),
        4 => Frame::NullBulk,
        5 => Frame::NullArray,
        6 => Frame::Double(random_double(rng)),
        7 => Frame::Boolean(rng.chance(2)),
        8 => {
            let mut n = if rng.chance(2) { b"-".to_vec() } else { vec![] };
            n.extend((0..1 + rng.below(40)).map(|_| b'0' + rng.below(10) as u8));
            Frame::BigNumber(Bytes::from(n))
        }
        9 => Frame::Verbatim {
            format: [rng.next_u64() as u8, b'x', b't'],
            text: Bytes::from(rng.bytes(20)),
        },
        10 => Frame::BlobError(Bytes::from(rng.bytes(20))),
        11 => Frame::Null,
        12 => Frame::Array(random_items(rng, depth)),
        13 => Frame::Set(random_items(rng, depth)),
        14 => Frame::Push(random_items(rng, depth)),
        15 => Frame::Map(random_pairs(rng, depth)),
        _ => Frame::Attribute {
            attrs: random_pairs(rng, depth),
            value: Box::new(random_frame(rng, depth + 1)),
        },
    }
}

fn random_items(rng: &mut Rng, depth: usize) -> Vec<Frame> {
    (0..rng.below(5))
        .map(|_| random_frame(rng, depth + 1))
        .collect()
}

fn random_pairs(rng: &mut Rng, depth: usize) -> Vec<(Frame, Frame)> {
    (0..rng.below(4))
        .map(|_| (random_frame(rng, depth + 1), random_frame(rng, depth + 1)))
        .collect()
}

/// A command's arguments in multibulk or, when every argument allows it, inline form.
fn encode_request(rng: &mut Rng, args: &[Vec<u8>], out: &mut Vec<u8>) {
    if rng.chance(3) {
        // Inline: each argument quoted with \xHH escapes, so any bytes survive.
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.push(b'"');
            for b in arg {
                out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
            }
            out.push(b'"');
        }
        out.extend_from_slice(if rng.chance(2) { b"\r\n" } else { b"\n" });
        return;
    }
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
}

#[test]
fn random_frames_round_trip() {
    let mut rng = Rng(0x5eed_0001);
    for case in 0..4000 {
        let frame = random_frame(&mut rng, 0);
        let wire = frame.to_bytes();
        let parsed = parse_frame(&wire);
        assert_eq!(
            parsed,
            Ok(Some((frame.clone(), wire.len()))),
            "case {case}: {wire:?}"
        );
        // Every strict prefix is incomplete, never an error.
        if wire.len() < 300 {
            for cut in 0..wire.len() {
                assert_eq!(parse_frame(&wire[..cut]), Ok(None), "case {case} cut {cut}");
            }
        }
        // Trailing bytes are left alone.
        let mut more = wire.clone();
        more.extend_from_slice(b"+next\r\n");
        assert_eq!(parse_frame(&more), Ok(Some((frame, wire.len()))));
    }
}

#[test]
fn random_requests_parse_back() {
    let mut rng = Rng(0x5eed_0002);
    let limits = Limits::default();
    for case in 0..5000 {
        let mut wire = Vec::new();
        let mut want = Vec::new();
        for _ in 0..1 + rng.below(4) {
            match rng.below(8) {
                0 => wire.extend_from_slice(b"*0\r\n"),
                1 => wire.extend_from_slice(b"*-1\r\n"),
                2 => wire.extend_from_slice(b"\r\n"),
                _ => {
                    let mut args = vec![first_arg(&mut rng, 30)];
                    args.extend((0..rng.below(5)).map(|_| rng.bytes(30)));
                    encode_request(&mut rng, &args, &mut wire);
                    want.push(args);
                }
            }
        }
        let max_read = 1 + rng.below(wire.len());
        let got = parse_requests(&wire, &mut rng, max_read, &limits)
            .unwrap_or_else(|e| panic!("case {case}: {e} for {wire:?}"));
        let got: Vec<Vec<Vec<u8>>> = got
            .iter()
            .map(|c| c.iter().map(|a| a.to_vec()).collect())
            .collect();
        assert_eq!(got, want, "case {case}: {wire:?}");
    }
}

#[test]
fn hostile_bytes_never_panic() {
    let mut rng = Rng(0x5eed_0003);
    let tight = Limits {
        proto_max_bulk_len: 16,
        max_inline: 24,
        max_multibulk: 8,
        unauthenticated: false,
    };
    let unauth = Limits {
        unauthenticated: true,
        ..Limits::default()
    };
    let mut valid = Vec::new();
    for case in 0..20000 {
        let input = match rng.below(3) {
            0 => rng.bytes(200),
            _ => {
                valid.clear();
                if rng.chance(2) {
                    random_frame(&mut rng, 0).encode(&mut valid);
                } else {
                    // Up to 19 arguments: across the parser's fast-path limit of 16.
                    let most = if rng.chance(4) { 19 } else { 4 };
                    let n = 1 + rng.below(most);
                    let mut args = vec![first_arg(&mut rng, 10)];
                    args.extend((1..n).map(|_| rng.bytes(10)));
                    encode_request(&mut rng, &args, &mut valid);
                }
                mutate(&mut rng, &valid)
            }
        };
        // The frame parser: any outcome but a panic; a success consumes a real prefix.
        if let Ok(Some((_, used))) = parse_frame(&input) {
            assert!(used > 0 && used <= input.len(), "case {case}");
        }
        // The request parser: the outcome must not depend on how the bytes are split
        // (with limits far above the input size, where Redis's own outcome does not either).
        // Whole, commands take the fast path when they can; one byte at a time, never.
        let whole = parse_requests(&input, &mut rng, input.len().max(1), &Limits::default());
        let max_read = if case % 2 == 0 { 1 } else { 1 + rng.below(8) };
        let split = parse_requests(&input, &mut rng, max_read, &Limits::default());
        assert_eq!(whole, split, "case {case}: {input:?}");
        let _ = parse_requests(&input, &mut rng, max_read, &tight);
        let _ = parse_requests(&input, &mut rng, max_read, &unauth);
    }
}
