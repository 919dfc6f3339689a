//! ZADD/ZINCRBY, ZREM, and the single-key reads: ZCARD, ZSCORE, ZMSCORE, ZRANK, ZCOUNT,
//! ZLEXCOUNT, ZRANDMEMBER, ZSCAN.

use super::util::{self, lex_range, score_arg, score_range};
use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::util::glob::glob_match;
use crate::value::zset::ZSet;
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;

pub fn zadd(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    zadd_generic(ctx, a, false)
}

pub fn zincrby(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    zadd_generic(ctx, a, true)
}

/// Redis's `zaddGenericCommand`: ZINCRBY shares its option parsing (so `ZINCRBY k nx m`
/// is a syntax error, as in Redis).
fn zadd_generic(ctx: &mut Ctx, a: &[Bytes], mut incr: bool) -> Reply {
    let (mut nx, mut xx, mut gt, mut lt, mut ch) = (false, false, false, false, false);
    let mut i = 2;
    while i < a.len() {
        let o = &a[i];
        if args::is(o, "nx") {
            nx = true;
        } else if args::is(o, "xx") {
            xx = true;
        } else if args::is(o, "ch") {
            ch = true;
        } else if args::is(o, "incr") {
            incr = true;
        } else if args::is(o, "gt") {
            gt = true;
        } else if args::is(o, "lt") {
            lt = true;
        } else {
            break;
        }
        i += 1;
    }
    let elements = a.len() - i;
    if !elements.is_multiple_of(2) || elements == 0 {
        return errors::syntax();
    }
    if nx && xx {
        return Reply::err("ERR XX and NX options at the same time are not compatible");
    }
    if (nx && (gt || lt)) || (gt && lt) {
        return Reply::err("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if incr && elements > 2 {
        return Reply::err("ERR INCR option supports a single increment-element pair");
    }
    let mut pairs = Vec::with_capacity(elements / 2);
    for p in a[i..].chunks(2) {
        match score_arg(&p[0]) {
            Ok(s) => pairs.push((s, &p[1])),
            Err(e) => return e,
        }
    }
    let key = &a[1];
    let limits = util::limits(ctx);
    match util::write(ctx, key) {
        Err(e) => return e,
        Ok(Some(_)) => {}
        Ok(None) if xx => return if incr { Reply::Nil } else { Reply::Int(0) },
        Ok(None) => {
            let z = ZSet::new_for(limits, pairs[0].1.len());
            ctx.insert_key(key, Value::ZSet(Box::new(z)), false);
            ctx.signal_key_ready(key);
        }
    }
    let Some(z) = util::raw_mut(ctx, key) else {
        return errors::wrongtype();
    };
    let (mut added, mut updated, mut processed) = (0, 0, 0);
    let mut last = 0.0;
    for (score, member) in pairs {
        match z.score(member) {
            Some(cur) => {
                if nx {
                    continue;
                }
                let mut s = score;
                if incr {
                    s += cur;
                    if s.is_nan() {
                        return Reply::err("ERR resulting score is not a number (NaN)");
                    }
                }
                if (lt && s >= cur) || (gt && s <= cur) {
                    continue;
                }
                processed += 1;
                last = s;
                if s != cur {
                    z.set_score(member, s);
                    updated += 1;
                }
            }
            None if !xx => {
                z.insert(member, score, limits);
                added += 1;
                processed += 1;
                last = score;
            }
            None => {}
        }
    }
    if added + updated > 0 {
        ctx.signal_modified_n(key, (added + updated) as u64);
        ctx.notify(notify::ZSET, if incr { "zincr" } else { "zadd" }, key);
    }
    if incr {
        if processed > 0 {
            Reply::Double(last)
        } else {
            Reply::Nil
        }
    } else {
        Reply::Int(if ch { added + updated } else { added })
    }
}

pub fn zrem(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let z = match util::write(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return Reply::Int(0),
        Ok(Some(z)) => z,
    };
    let mut n = 0;
    for m in &a[2..] {
        if z.remove(m).is_some() {
            n += 1;
            if z.is_empty() {
                break;
            }
        }
    }
    if n > 0 {
        util::modified(ctx, &a[1], "zrem", n as u64);
    }
    Reply::Int(n)
}

pub fn zcard(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match util::read(ctx, &a[1]) {
        Err(e) => e,
        Ok(z) => Reply::Int(z.map_or(0, |z| z.len() as i64)),
    }
}

pub fn zscore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match util::read(ctx, &a[1]) {
        Err(e) => e,
        Ok(z) => z
            .and_then(|z| z.score(&a[2]))
            .map_or(Reply::Nil, Reply::Double),
    }
}

pub fn zmscore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match util::read(ctx, &a[1]) {
        Err(e) => e,
        Ok(z) => Reply::Array(
            a[2..]
                .iter()
                .map(|m| z.and_then(|z| z.score(m)).map_or(Reply::Nil, Reply::Double))
                .collect(),
        ),
    }
}

pub fn zrank(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    rank(ctx, a, false)
}

pub fn zrevrank(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    rank(ctx, a, true)
}

fn rank(ctx: &mut Ctx, a: &[Bytes], rev: bool) -> Reply {
    let z = match util::read(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return Reply::Nil,
        Ok(Some(z)) => z,
    };
    match z.rank(&a[2]) {
        Some((r, _)) if rev => Reply::Int((z.len() - 1 - r) as i64),
        Some((r, _)) => Reply::Int(r as i64),
        None => Reply::Nil,
    }
}

pub fn zcount(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let range = match score_range(&a[2], &a[3]) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let z = match util::read(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return Reply::Int(0),
        Ok(Some(z)) => z,
    };
    match (z.first_in_score(&range), z.last_in_score(&range)) {
        (Some(f), Some(l)) if l >= f => Reply::Int((l - f + 1) as i64),
        _ => Reply::Int(0),
    }
}

pub fn zlexcount(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let range = match lex_range(&a[2], &a[3]) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let z = match util::read(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return Reply::Int(0),
        Ok(Some(z)) => z,
    };
    let Some(first) = z.first_in_lex(&range) else {
        return Reply::Int(0);
    };
    // Redis counts a listpack by walking while in range, a skiplist by rank difference.
    let n = match z {
        ZSet::Listpack(_) => {
            let mut n = 0;
            z.walk(first, false, |m, _| {
                let inside = range.lte_max(m);
                n += inside as i64;
                inside
            });
            n
        }
        ZSet::Skiplist(_) => match z.last_in_lex(&range) {
            Some(l) if l >= first => (l - first + 1) as i64,
            _ => 0,
        },
    };
    Reply::Int(n)
}

/// Replies beyond this many elements are refused rather than built in memory.
const RANDMEMBER_MAX: u64 = 1 << 24;

pub fn zrandmember(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() == 2 {
        let mut rng = ctx.eng.rng.clone();
        let r = match util::read(ctx, &a[1]) {
            Err(e) => return e,
            Ok(None) => return Reply::Nil,
            Ok(Some(z)) => z
                .random(&mut || rng.next_u64())
                .map_or(Reply::Nil, |(m, _)| Reply::bulk_from_slice(m)),
        };
        ctx.eng.rng = rng;
        return r;
    }
    let l = match args::int(&a[2]) {
        Ok(l) if l == i64::MIN => {
            return Reply::err(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            )
        }
        Ok(l) => l,
        Err(e) => return e,
    };
    let withscores = match a.len() {
        3 => false,
        4 if args::is(&a[3], "withscores") => true,
        _ => return errors::syntax(),
    };
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return Reply::err("ERR value is out of range");
    }
    let resp3 = util::resp3(ctx);
    let mut rng = ctx.eng.rng.clone();
    let z = match util::read(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return Reply::Array(Vec::new()),
        Ok(Some(z)) => z,
    };
    if l == 0 {
        return Reply::Array(Vec::new());
    }
    let size = z.len() as u64;
    let count = l.unsigned_abs();
    let picked: Vec<(Bytes, f64)> = if l < 0 || count == 1 {
        // Repeats allowed: independent draws.
        if count > RANDMEMBER_MAX {
            return Reply::err("ERR value is out of range");
        }
        (0..count)
            .filter_map(|_| z.random(&mut || rng.next_u64()))
            .map(|(m, s)| (Bytes::copy_from_slice(m), s))
            .collect()
    } else if count >= size {
        // The whole set, highest first, as Redis emits it.
        z.range(0, z.len() - 1, true)
    } else {
        // Distinct: a partial Fisher-Yates shuffle over all elements.
        let mut all: Vec<(&[u8], f64)> = z.iter().collect();
        let k = count as usize;
        for i in 0..k {
            let j = i + (rng.next_u64() % (all.len() - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(k);
        all.into_iter()
            .map(|(m, s)| (Bytes::copy_from_slice(m), s))
            .collect()
    };
    ctx.eng.rng = rng;
    util::scored(picked, withscores, resp3)
}

/// `parseScanCursorOrReply`: strtoul rules (sign allowed, no leading space, no overflow).
fn scan_cursor(arg: &[u8]) -> Option<u64> {
    let s = &arg[..arg.iter().position(|&c| c == 0).unwrap_or(arg.len())];
    let (neg, digits) = match s.split_first() {
        None => return Some(0),
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        Some(_) => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

pub fn zscan(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let Some(cursor) = scan_cursor(&a[2]) else {
        return Reply::err("ERR invalid cursor");
    };
    let empty = || Reply::Array(vec![Reply::bulk("0"), Reply::Array(Vec::new())]);
    match util::read(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return empty(),
        Ok(Some(_)) => {}
    }
    let mut count = 10usize;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 3;
    while i < a.len() {
        let more = a.len() - i >= 2;
        if args::is(&a[i], "count") && more {
            match args::int(&a[i + 1]) {
                Ok(n) if n < 1 => return errors::syntax(),
                Ok(n) => count = n as usize,
                Err(e) => return e,
            }
        } else if args::is(&a[i], "match") && more {
            let p = &a[i + 1][..];
            pattern = if p == b"*" { None } else { Some(p) };
        } else {
            return errors::syntax();
        }
        i += 2;
    }
    let Some(Value::ZSet(z)) = ctx.db().get(&a[1]).map(|e| &e.value) else {
        return empty();
    };
    let mut items = Vec::new();
    let next = z.scan(cursor, count, |m, s| {
        if pattern.is_none_or(|p| glob_match(p, m, false)) {
            items.push(Reply::bulk_from_slice(m));
            items.push(Reply::bulk(resp::reply::format_double(s)));
        }
    });
    Reply::Array(vec![Reply::bulk(next.to_string()), Reply::Array(items)])
}
