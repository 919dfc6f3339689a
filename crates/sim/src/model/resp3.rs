//! RESP3 replies: the model computes every expectation in RESP2 terms, and this turns it into
//! what a client that said `HELLO 3` must receive: nulls become `_`, HGETALL a map, set
//! replies sets, scores doubles, and WITHSCORES ranges arrays of [member, score] pairs.

use crate::expect::Expect;
use bytes::Bytes;
use resp::Frame;

/// Nulls of either RESP2 kind become the RESP3 null, at any depth.
fn nulls(f: Frame) -> Frame {
    match f {
        Frame::NullBulk | Frame::NullArray => Frame::Null,
        Frame::Array(items) => Frame::Array(items.into_iter().map(nulls).collect()),
        f => f,
    }
}

fn double(f: Frame) -> Frame {
    match f {
        Frame::Bulk(b) => Frame::Double(
            std::str::from_utf8(&b)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(f64::NAN),
        ),
        f => f,
    }
}

/// `[m1, s1, m2, s2]` as `[[m1, s1], [m2, s2]]` with double scores.
fn pairs(f: Frame) -> Frame {
    match f {
        Frame::Array(items) => Frame::Array(
            items
                .chunks(2)
                .map(|p| Frame::Array(vec![p[0].clone(), double(p[1].clone())]))
                .collect(),
        ),
        f => f,
    }
}

/// The RESP3 form of `e`, the expectation for the command `argv` in RESP2 terms.
pub fn convert(argv: &[Bytes], e: Expect) -> Expect {
    let name = argv[0].to_ascii_uppercase();
    let with_scores = argv
        .last()
        .is_some_and(|a| a.eq_ignore_ascii_case(b"WITHSCORES"));
    match e {
        Expect::Exact(f) => {
            let f = nulls(f);
            Expect::Exact(match &name[..] {
                b"ZSCORE" | b"ZINCRBY" => double(f),
                b"ZRANGE" | b"ZRANGEBYSCORE" if with_scores => pairs(f),
                b"ZPOPMIN" | b"ZPOPMAX" if argv.len() > 2 => pairs(f),
                b"ZMPOP" | b"BZMPOP" => match f {
                    Frame::Array(mut kv) if kv.len() == 2 => {
                        let items = kv.pop().expect("two items");
                        kv.push(match items {
                            Frame::Array(ps) => Frame::Array(
                                ps.into_iter()
                                    .map(|p| match p {
                                        Frame::Array(mut mp) if mp.len() == 2 => {
                                            let s = mp.pop().expect("two items");
                                            mp.push(double(s));
                                            Frame::Array(mp)
                                        }
                                        p => p,
                                    })
                                    .collect(),
                            ),
                            f => f,
                        });
                        Frame::Array(kv)
                    }
                    f => f,
                },
                b"BZPOPMIN" | b"BZPOPMAX" => match f {
                    Frame::Array(mut items) if items.len() == 3 => {
                        let s = items.pop().expect("three items");
                        items.push(double(s));
                        Frame::Array(items)
                    }
                    f => f,
                },
                b"ZPOPMIN" | b"ZPOPMAX" => match f {
                    Frame::Array(mut items) if items.len() == 2 => {
                        let s = items.pop().expect("two items");
                        items.push(double(s));
                        Frame::Array(items)
                    }
                    f => f,
                },
                b"HGETALL" => match f {
                    Frame::Array(items) => Frame::Map(
                        items
                            .chunks(2)
                            .map(|p| (p[0].clone(), p[1].clone()))
                            .collect(),
                    ),
                    f => f,
                },
                b"SPOP" | b"SMEMBERS" | b"SINTER" | b"SUNION" | b"SDIFF" => match f {
                    Frame::Array(items) => Frame::Set(items),
                    f => f,
                },
                _ => f,
            })
        }
        Expect::Unordered(items) => match &name[..] {
            b"SMEMBERS" | b"SINTER" | b"SUNION" | b"SDIFF" => Expect::UnorderedSet(items),
            _ => Expect::Unordered(items),
        },
        Expect::Pairs(p) => Expect::Map(p),
        e => e,
    }
}
