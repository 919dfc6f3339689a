//! HRANDFIELD and HSCAN: the hash commands that pick or walk entries.

use super::hashes::read;
use super::scan_args::{self, parse_cursor, ScanOpts};
use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::value::Value;
use bytes::Bytes;
use resp::{Proto, Reply};

/// Parses a SRANDMEMBER/HRANDFIELD count: an integer in `-LONG_MAX..=LONG_MAX`.
pub(super) fn parse_rand_count(arg: &[u8]) -> Result<i64, Reply> {
    let n = args::int(arg)?;
    if n == i64::MIN {
        return Err(Reply::err(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    Ok(n)
}

pub(super) fn hrandfield(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() == 2 {
        let db = ctx.db;
        return match read(ctx, &a[1]) {
            Err(e) => e,
            Ok(None) => Reply::Nil,
            Ok(Some(_)) => {
                let eng = &mut *ctx.eng;
                let mut rng = || eng.rng.next_u64();
                match eng.dbs[db].get(&a[1]).map(|e| &e.value) {
                    Some(Value::Hash(h)) => h
                        .random(&mut rng)
                        .map_or(Reply::Nil, |(f, _)| Reply::bulk_from_slice(f)),
                    _ => Reply::Nil,
                }
            }
        };
    }
    let count = match parse_rand_count(&a[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut withvalues = false;
    if a.len() > 4 || (a.len() == 4 && !args::is(&a[3], "withvalues")) {
        return errors::syntax();
    } else if a.len() == 4 {
        withvalues = true;
        if !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
            return Reply::err("ERR value is out of range");
        }
    }
    let resp3 = ctx.proto == Proto::Resp3;
    let db = ctx.db;
    match read(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return Reply::Array(Vec::new()),
        Ok(Some(_)) => {}
    }
    if count == 0 {
        return Reply::Array(Vec::new());
    }
    if count < 0 && count.unsigned_abs() > super::sets::MAX_REPEATED_PICKS {
        return Reply::err("ERR value is out of range");
    }
    let eng = &mut *ctx.eng;
    let mut rng = || eng.rng.next_u64();
    let Some(Value::Hash(h)) = eng.dbs[db].get(&a[1]).map(|e| &e.value) else {
        return Reply::Array(Vec::new());
    };
    let picks: Vec<(&[u8], &[u8])> = if count < 0 || count == 1 {
        // Repeats allowed: one independent draw per element.
        let n = count.unsigned_abs();
        let mut out = Vec::with_capacity(n.min(1024) as usize);
        for _ in 0..n {
            match h.random(&mut rng) {
                Some(p) => out.push(p),
                None => break,
            }
        }
        out
    } else {
        h.random_distinct(usize::try_from(count).unwrap_or(usize::MAX), &mut rng)
    };
    let mut out = Vec::with_capacity(picks.len() * if withvalues { 2 } else { 1 });
    for (f, v) in picks {
        let (f, v) = (Reply::bulk_from_slice(f), Reply::bulk_from_slice(v));
        match (withvalues, resp3) {
            (false, _) => out.push(f),
            (true, false) => out.extend([f, v]),
            (true, true) => out.push(Reply::Array(vec![f, v])),
        }
    }
    Reply::Array(out)
}

pub(super) fn hscan(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let cursor = match parse_cursor(&a[2]) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let h = match read(ctx, &a[1]) {
        Ok(Some(h)) => h,
        Ok(None) => return scan_args::empty(),
        Err(e) => return e,
    };
    let opts = match ScanOpts::parse(&a[3..]) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut items = Vec::new();
    let mut push = |f: &[u8], v: &[u8]| {
        if opts.matches(f) {
            items.push(Reply::bulk_from_slice(f));
            items.push(Reply::bulk_from_slice(v));
        }
    };
    let next = match h.table() {
        Some(d) => opts.walk(d, cursor, 2, |f, v| push(f, v)),
        None => {
            for (f, v) in h.iter() {
                push(f, v);
            }
            0
        }
    };
    scan_args::reply(next, items)
}
