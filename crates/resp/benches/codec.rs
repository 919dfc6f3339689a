//! Parser and encoder hot paths: a pipelined batch of GET/SET as redis-benchmark sends it,
//! inline commands, and reply encoding.

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use resp::request::{Interner, Limits, RequestParser};
use resp::{Proto, Reply};

fn pipeline(n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..n {
        if i % 2 == 0 {
            v.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$3\r\nxxx\r\n");
        } else {
            v.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$16\r\nkey:000000000042\r\n");
        }
    }
    v
}

/// What the server's interner does for these two names (engine::command::names).
fn get_set_names(name: &[u8]) -> Option<Bytes> {
    match name {
        b"GET" => Some(Bytes::from_static(b"GET")),
        b"SET" => Some(Bytes::from_static(b"SET")),
        _ => None,
    }
}

fn parse_all(input: &[u8], inline: bool, names: Option<Interner>) -> usize {
    let mut buf = BytesMut::from(input);
    let mut parser = match names {
        Some(f) => RequestParser::with_names(f),
        None => RequestParser::new(),
    };
    let limits = Limits::default();
    let mut n = 0;
    while let Ok(Some(args)) = parser.next(&mut buf, &limits) {
        n += args.len();
    }
    assert!(n > 0 || inline);
    n
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    let batch = pipeline(16);
    g.throughput(Throughput::Elements(16));
    g.bench_function("multibulk_get_set_x16", |b| {
        b.iter(|| parse_all(std::hint::black_box(&batch), false, None))
    });
    g.bench_function("multibulk_get_set_x16_named", |b| {
        b.iter(|| parse_all(std::hint::black_box(&batch), false, Some(get_set_names)))
    });
    let inline = b"PING\r\n".repeat(16);
    g.bench_function("inline_ping_x16", |b| {
        b.iter(|| parse_all(std::hint::black_box(&inline), true, None))
    });
    g.finish();
}

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    let bulk = Reply::bulk_from_slice(b"xxx");
    g.bench_function("bulk_small", |b| {
        b.iter_batched_ref(
            || Vec::with_capacity(64),
            |out| bulk.encode(Proto::Resp2, out),
            BatchSize::SmallInput,
        )
    });
    let array = Reply::Array((0..100).map(|i| Reply::Int(i * 1000)).collect());
    g.bench_function("array_100_integers", |b| {
        b.iter_batched_ref(
            || Vec::with_capacity(4096),
            |out| array.encode(Proto::Resp3, out),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, parse, encode);
criterion_main!(benches);
