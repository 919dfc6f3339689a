//! ZRANGE in all its forms (by rank, score or lex, REV, LIMIT, WITHSCORES, STORE), the legacy
//! ZREVRANGE/ZRANGEBYSCORE/ZRANGEBYLEX family, and ZREMRANGEBYRANK/SCORE/LEX.

use super::util::{self, lex_range, score_range};
use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::value::zset::{LexRange, ScoreRange, ZSet};
use bytes::Bytes;
use resp::Reply;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Auto,
    Rank,
    Score,
    Lex,
}

pub fn zrange(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, 1, false, Kind::Auto, None)
}
pub fn zrangestore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, 2, true, Kind::Auto, None)
}
pub fn zrevrange(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, 1, false, Kind::Rank, Some(true))
}
pub fn zrangebyscore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, 1, false, Kind::Score, Some(false))
}
pub fn zrevrangebyscore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, 1, false, Kind::Score, Some(true))
}
pub fn zrangebylex(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, 1, false, Kind::Lex, Some(false))
}
pub fn zrevrangebylex(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, 1, false, Kind::Lex, Some(true))
}

/// A parsed range request.
enum Spec {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// Redis's `zrangeGenericCommand`: `src` is the index of the source key; options follow
/// `src min max`. Fixed `kind`/`rev` come from the legacy command names.
fn generic(
    ctx: &mut Ctx,
    a: &[Bytes],
    src: usize,
    store: bool,
    mut kind: Kind,
    mut rev: Option<bool>,
) -> Reply {
    let (mut withscores, mut offset, mut limit) = (false, 0i64, -1i64);
    let mut j = src + 3;
    while j < a.len() {
        let left = a.len() - j - 1;
        let o = &a[j];
        if !store && args::is(o, "withscores") {
            withscores = true;
        } else if args::is(o, "limit") && left >= 2 {
            match (args::int(&a[j + 1]), args::int(&a[j + 2])) {
                (Ok(off), Ok(lim)) => (offset, limit) = (off, lim),
                (Err(e), _) | (_, Err(e)) => return e,
            }
            j += 2;
        } else if rev.is_none() && args::is(o, "rev") {
            rev = Some(true);
        } else if kind == Kind::Auto && args::is(o, "bylex") {
            kind = Kind::Lex;
        } else if kind == Kind::Auto && args::is(o, "byscore") {
            kind = Kind::Score;
        } else {
            return errors::syntax();
        }
        j += 1;
    }
    let rev = rev.unwrap_or(false);
    if kind == Kind::Auto {
        kind = Kind::Rank;
    }
    if limit != -1 && kind == Kind::Rank {
        return Reply::err(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        );
    }
    if withscores && kind == Kind::Lex {
        return Reply::err("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    let (lo, hi) = if rev && kind != Kind::Rank {
        (&a[src + 2], &a[src + 1])
    } else {
        (&a[src + 1], &a[src + 2])
    };
    let spec = match kind {
        Kind::Score => match score_range(lo, hi) {
            Ok(r) => Spec::Score(r),
            Err(e) => return e,
        },
        Kind::Lex => match lex_range(lo, hi) {
            Ok(r) => Spec::Lex(r),
            Err(e) => return e,
        },
        _ => match (args::int(lo), args::int(hi)) {
            (Ok(s), Ok(e)) => Spec::Rank(s, e),
            (Err(e), _) | (_, Err(e)) => return e,
        },
    };
    let items = match util::read(ctx, &a[src]) {
        Err(e) => return e,
        Ok(None) => Vec::new(),
        Ok(Some(z)) => collect(z, &spec, rev, offset, limit),
    };
    if store {
        return Reply::Int(util::store(ctx, &a[1], items, "zrangestore") as i64);
    }
    let resp3 = util::resp3(ctx);
    util::scored(items, withscores, resp3)
}

/// Normalizes a rank range as Redis does (the same rule as LRANGE); None when it selects
/// nothing.
fn rank_bounds(len: usize, start: i64, end: i64) -> Option<(usize, usize)> {
    crate::value::list::normalize_range(start, end, len)
}

/// Walks from rank `first` skipping `offset` elements, then takes up to `limit` (negative:
/// all) while `inside` holds, as `genericZrangebyscoreCommand` does.
fn take_from(
    z: &ZSet,
    first: usize,
    rev: bool,
    mut offset: i64,
    mut limit: i64,
    inside: impl Fn(&[u8], f64) -> bool,
) -> Vec<(Bytes, f64)> {
    let mut out = Vec::new();
    z.walk(first, rev, |m, s| {
        if offset != 0 {
            offset -= 1;
            return true;
        }
        if limit == 0 || !inside(m, s) {
            return false;
        }
        // A negative limit means no limit.
        if limit > 0 {
            limit -= 1;
        }
        out.push((Bytes::copy_from_slice(m), s));
        true
    });
    out
}

fn collect(z: &ZSet, spec: &Spec, rev: bool, offset: i64, limit: i64) -> Vec<(Bytes, f64)> {
    match spec {
        Spec::Rank(s, e) => match rank_bounds(z.len(), *s, *e) {
            None => Vec::new(),
            Some((s, e)) if rev => {
                let n = z.len() - 1;
                z.range(n - e, n - s, true)
            }
            Some((s, e)) => z.range(s, e, false),
        },
        Spec::Score(r) => {
            let first = if rev {
                z.last_in_score(r)
            } else {
                z.first_in_score(r)
            };
            match first {
                None => Vec::new(),
                Some(f) if rev => take_from(z, f, true, offset, limit, |_, s| r.gte_min(s)),
                Some(f) => take_from(z, f, false, offset, limit, |_, s| r.lte_max(s)),
            }
        }
        Spec::Lex(r) => {
            let first = if rev {
                z.last_in_lex(r)
            } else {
                z.first_in_lex(r)
            };
            match first {
                None => Vec::new(),
                Some(f) if rev => take_from(z, f, true, offset, limit, |m, _| r.gte_min(m)),
                Some(f) => take_from(z, f, false, offset, limit, |m, _| r.lte_max(m)),
            }
        }
    }
}

pub fn zremrangebyrank(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match (args::int(&a[2]), args::int(&a[3])) {
        (Ok(s), Ok(e)) => remove(ctx, a, Spec::Rank(s, e)),
        (Err(e), _) | (_, Err(e)) => e,
    }
}

pub fn zremrangebyscore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match score_range(&a[2], &a[3]) {
        Ok(r) => remove(ctx, a, Spec::Score(r)),
        Err(e) => e,
    }
}

pub fn zremrangebylex(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match lex_range(&a[2], &a[3]) {
        Ok(r) => remove(ctx, a, Spec::Lex(r)),
        Err(e) => e,
    }
}

fn remove(ctx: &mut Ctx, a: &[Bytes], spec: Spec) -> Reply {
    let z = match util::write(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return Reply::Int(0),
        Ok(Some(z)) => z,
    };
    let count_while = |z: &ZSet, first: usize, inside: &dyn Fn(&[u8], f64) -> bool| {
        let mut n = 0;
        z.walk(first, false, |m, s| {
            let ok = inside(m, s);
            n += ok as usize;
            ok
        });
        n
    };
    let (first, n) = match &spec {
        Spec::Rank(s, e) => match rank_bounds(z.len(), *s, *e) {
            Some((s, e)) => (s, e - s + 1),
            None => (0, 0),
        },
        Spec::Score(r) => match z.first_in_score(r) {
            Some(f) => (f, count_while(z, f, &|_, s| r.lte_max(s))),
            None => (0, 0),
        },
        Spec::Lex(r) => match z.first_in_lex(r) {
            Some(f) => (f, count_while(z, f, &|m, _| r.lte_max(m))),
            None => (0, 0),
        },
    };
    if n == 0 {
        return Reply::Int(0);
    }
    z.remove_ranks(first, n);
    let event = match spec {
        Spec::Rank(..) => "zremrangebyrank",
        Spec::Score(_) => "zremrangebyscore",
        Spec::Lex(_) => "zremrangebylex",
    };
    util::modified(ctx, &a[1], event, n as u64);
    Reply::Int(n as i64)
}
