//! ZPOPMIN/ZPOPMAX, ZMPOP and the blocking BZPOPMIN/BZPOPMAX/BZMPOP (Redis's
//! `genericZpopCommand` and `blockingGenericZpopCommand`). Served blocking pops and ZMPOP
//! propagate as ZPOPMIN/ZPOPMAX, as Redis does.

use super::util;
use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use bytes::Bytes;
use resp::Reply;

pub fn zpopmin(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    zpop(ctx, a, false)
}
pub fn zpopmax(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    zpop(ctx, a, true)
}
pub fn zmpop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    mpop(ctx, a, 1, false)
}
pub fn bzmpop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    mpop(ctx, a, 2, true)
}
pub fn bzpopmin(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    bzpop(ctx, a, false)
}
pub fn bzpopmax(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    bzpop(ctx, a, true)
}

/// How a pop replies.
#[derive(Clone, Copy)]
struct Shape {
    /// Reply with the key first (ZMPOP, BZPOP*).
    emitkey: bool,
    /// [member, score] pairs instead of a flat list.
    nested: bool,
    /// A null array (not an empty one) when no key holds anything.
    nil_when_empty: bool,
}

fn zpop(ctx: &mut Ctx, a: &[Bytes], max: bool) -> Reply {
    if a.len() > 3 {
        return errors::syntax();
    }
    let mut count = -1;
    if a.len() == 3 {
        match args::int(&a[2]) {
            Ok(n) if n >= 0 => count = n,
            _ => return Reply::err("ERR value is out of range, must be positive"),
        }
    }
    let shape = Shape {
        emitkey: false,
        nested: util::resp3(ctx) && count != -1,
        nil_when_empty: false,
    };
    pop_generic(ctx, &a[1..2], max, count, shape).0
}

/// Pops up to `count` (-1: one, without COUNT) from the first non-empty key. Returns the reply
/// and the key served.
fn pop_generic(
    ctx: &mut Ctx,
    keys: &[Bytes],
    max: bool,
    count: i64,
    shape: Shape,
) -> (Reply, Option<Bytes>) {
    let mut found = None;
    for key in keys {
        match util::write(ctx, key) {
            Err(e) => return (e, None),
            Ok(None) => continue,
            Ok(Some(_)) => {
                found = Some(key.clone());
                break;
            }
        }
    }
    let Some(key) = found else {
        let r = if shape.nil_when_empty {
            Reply::NilArray
        } else {
            Reply::Array(Vec::new())
        };
        return (r, None);
    };
    if count == 0 {
        return (Reply::Array(Vec::new()), None);
    }
    let count = count.max(1) as usize;
    let Some(z) = util::raw_mut(ctx, &key) else {
        return (errors::wrongtype(), None);
    };
    let len = z.len();
    let n = count.min(len);
    let items = if max {
        let items = z.range(len - n, len - 1, true);
        z.remove_ranks(len - n, n);
        items
    } else {
        let items = z.range(0, n - 1, false);
        z.remove_ranks(0, n);
        items
    };
    util::modified(ctx, &key, if max { "zpopmax" } else { "zpopmin" }, n as u64);
    let reply = match (shape.emitkey, shape.nested) {
        (false, false) => Reply::Array(util::flat(items)),
        (false, true) => Reply::Array(util::nested(items)),
        (true, false) => {
            let mut v = vec![Reply::Bulk(key.clone())];
            v.extend(util::flat(items));
            Reply::Array(v)
        }
        (true, true) => Reply::Array(vec![
            Reply::Bulk(key.clone()),
            Reply::Array(util::nested(items)),
        ]),
    };
    (reply, Some(key))
}

/// Records the pop as ZPOPMIN/ZPOPMAX `key` [count].
fn rewrite(ctx: &mut Ctx, max: bool, key: Bytes, count: Option<i64>) {
    let name = if max { "ZPOPMAX" } else { "ZPOPMIN" };
    let mut argv = vec![Bytes::from_static(name.as_bytes()), key];
    if let Some(c) = count {
        argv.push(Bytes::from(c.to_string()));
    }
    ctx.rewrite_effect(argv);
}

fn mpop(ctx: &mut Ctx, a: &[Bytes], nk: usize, block: bool) -> Reply {
    let numkeys = match args::int(&a[nk]) {
        Ok(n) if n >= 1 => n as u64,
        _ => return Reply::err("ERR numkeys should be greater than 0"),
    };
    let where_idx = (nk as u64).saturating_add(numkeys).saturating_add(1);
    if where_idx >= a.len() as u64 {
        return errors::syntax();
    }
    let where_idx = where_idx as usize;
    let max = if args::is(&a[where_idx], "min") {
        false
    } else if args::is(&a[where_idx], "max") {
        true
    } else {
        return errors::syntax();
    };
    let mut count = -1;
    let mut j = where_idx + 1;
    while j < a.len() {
        if count == -1 && args::is(&a[j], "count") && j + 1 < a.len() {
            match args::int(&a[j + 1]) {
                Ok(n) if n >= 1 => count = n,
                _ => return Reply::err("ERR count should be greater than 0"),
            }
            j += 2;
        } else {
            return errors::syntax();
        }
    }
    let count = count.max(1);
    let keys = &a[nk + 1..where_idx];
    let shape = Shape {
        emitkey: true,
        nested: true,
        nil_when_empty: true,
    };
    if block {
        // Redis reads BZMPOP's timeout only after every other argument checked out.
        let deadline = match crate::blocking::parse_timeout(&a[1], ctx.now_ms) {
            Ok(d) => d,
            Err(e) => return e,
        };
        return serve_or_block(ctx, keys, max, count, shape, deadline, Some(count));
    }
    let (reply, served) = pop_generic(ctx, keys, max, count, shape);
    if let Some(key) = served {
        rewrite(ctx, max, key, Some(count));
    }
    reply
}

fn bzpop(ctx: &mut Ctx, a: &[Bytes], max: bool) -> Reply {
    let deadline = match crate::blocking::parse_timeout(&a[a.len() - 1], ctx.now_ms) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let shape = Shape {
        emitkey: true,
        nested: false,
        nil_when_empty: false,
    };
    serve_or_block(ctx, &a[1..a.len() - 1], max, -1, shape, deadline, None)
}

/// Pops from the first non-empty key, or parks the client on all `keys`. A re-run after a
/// wake-up looks only at the ready key and skips it when it holds another type (Redis
/// leaves such waiters blocked).
fn serve_or_block(
    ctx: &mut Ctx,
    keys: &[Bytes],
    max: bool,
    count: i64,
    shape: Shape,
    deadline: Option<i64>,
    rewrite_count: Option<i64>,
) -> Reply {
    let reprocessing = ctx.reprocessing;
    for key in keys {
        // A woken client is served from the key that became ready, as in Redis.
        if !ctx.serves_from(key) {
            continue;
        }
        let ready = match util::write(ctx, key) {
            Err(_) if reprocessing => false,
            Err(e) => return e,
            Ok(z) => z.is_some_and(|z| !z.is_empty()),
        };
        if ready {
            let (reply, served) = pop_generic(ctx, std::slice::from_ref(key), max, count, shape);
            if let Some(k) = served {
                rewrite(ctx, max, k, rewrite_count);
            }
            return reply;
        }
    }
    ctx.block(keys.to_vec(), deadline, Reply::NilArray);
    Reply::NilArray
}
