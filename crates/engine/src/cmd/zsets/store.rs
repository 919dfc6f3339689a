//! ZUNION/ZINTER/ZDIFF, their STORE forms and ZINTERCARD (Redis's
//! `zunionInterDiffGenericCommand`): WEIGHTS, AGGREGATE SUM|MIN|MAX, WITHSCORES, LIMIT.

use super::util;
use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::util::num::parse_f64_strict;
use crate::value::set::Set;
use crate::value::zset::ZSet;
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Agg {
    Sum,
    Min,
    Max,
}

pub fn zunion(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, None, Op::Union, false)
}
pub fn zinter(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, None, Op::Inter, false)
}
pub fn zdiff(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, None, Op::Diff, false)
}
pub fn zunionstore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, Some(1), Op::Union, false)
}
pub fn zinterstore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, Some(1), Op::Inter, false)
}
pub fn zdiffstore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, Some(1), Op::Diff, false)
}
pub fn zintercard(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, None, Op::Inter, true)
}

/// One input: a sorted set, a plain set (every member scores 1), or nothing (missing key).
#[derive(Clone, Copy)]
enum Src<'a> {
    Missing,
    Z(&'a ZSet),
    S(&'a Set),
}

impl<'a> Src<'a> {
    fn len(&self) -> usize {
        match self {
            Src::Missing => 0,
            Src::Z(z) => z.len(),
            Src::S(s) => s.len(),
        }
    }
    fn score(&self, m: &[u8]) -> Option<f64> {
        match self {
            Src::Missing => None,
            Src::Z(z) => z.score(m),
            Src::S(s) => s.contains(m).then_some(1.0),
        }
    }
    fn iter(&self) -> Box<dyn Iterator<Item = (Cow<'a, [u8]>, f64)> + 'a> {
        match *self {
            Src::Missing => Box::new(std::iter::empty()),
            Src::Z(z) => Box::new(z.iter().map(|(m, s)| (Cow::Borrowed(m), s))),
            Src::S(s) => Box::new(s.iter().map(|m| (m, 1.0))),
        }
    }
}

fn aggregate(agg: Agg, target: &mut f64, val: f64) {
    match agg {
        Agg::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Agg::Min => *target = target.min(val),
        Agg::Max => *target = target.max(val),
    }
}

/// `weight * score`, where inf * 0 counts as 0 as in Redis.
fn weighted(w: f64, s: f64) -> f64 {
    let v = w * s;
    if v.is_nan() {
        0.0
    } else {
        v
    }
}

fn generic(ctx: &mut Ctx, a: &[Bytes], dst: Option<usize>, op: Op, card: bool) -> Reply {
    let nk = dst.map_or(1, |d| d + 1);
    let setnum = match args::int(&a[nk]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    if setnum < 1 {
        return Reply::error(format!(
            "ERR at least 1 input key is needed for '{}' command",
            ctx.cmd.name
        ));
    }
    if setnum > (a.len() - nk - 1) as i64 {
        return errors::syntax();
    }
    let setnum = setnum as usize;
    let keys = &a[nk + 1..nk + 1 + setnum];
    for k in keys {
        let found = if dst.is_some() {
            let found = ctx
                .lookup_write(k)
                .map(|v| matches!(v, Value::ZSet(_) | Value::Set(_)));
            if found.is_none() {
                // Redis reads the sources of the STORE forms with a read lookup's event.
                ctx.notify(notify::KEY_MISS, "keymiss", k);
            }
            found
        } else {
            ctx.lookup_read(k)
                .map(|v| matches!(v, Value::ZSet(_) | Value::Set(_)))
        };
        if found == Some(false) {
            return errors::wrongtype();
        }
    }
    let mut weights = vec![1.0; setnum];
    let (mut agg, mut withscores, mut limit) = (Agg::Sum, false, 0i64);
    let mut j = nk + 1 + setnum;
    while j < a.len() {
        let remaining = a.len() - j;
        let o = &a[j];
        if op != Op::Diff && !card && remaining > setnum && args::is(o, "weights") {
            for (i, w) in weights.iter_mut().enumerate() {
                match parse_f64_strict(&a[j + 1 + i]) {
                    Some(v) => *w = v,
                    None => return Reply::err("ERR weight value is not a float"),
                }
            }
            j += 1 + setnum;
        } else if op != Op::Diff && !card && remaining >= 2 && args::is(o, "aggregate") {
            let v = &a[j + 1];
            agg = if args::is(v, "sum") {
                Agg::Sum
            } else if args::is(v, "min") {
                Agg::Min
            } else if args::is(v, "max") {
                Agg::Max
            } else {
                return errors::syntax();
            };
            j += 2;
        } else if dst.is_none() && !card && args::is(o, "withscores") {
            withscores = true;
            j += 1;
        } else if card && remaining >= 2 && args::is(o, "limit") {
            match args::int(&a[j + 1]) {
                Ok(l) if l >= 0 => limit = l,
                _ => return Reply::err("ERR LIMIT can't be negative"),
            }
            j += 2;
        } else {
            return errors::syntax();
        }
    }
    let db = ctx.db();
    let srcs: Vec<Src> = keys
        .iter()
        .map(|k| match db.get(k).map(|e| &e.value) {
            Some(Value::ZSet(z)) => Src::Z(z),
            Some(Value::Set(s)) => Src::S(s),
            _ => Src::Missing,
        })
        .collect();
    if card {
        return Reply::Int(inter_card(&srcs, limit as usize));
    }
    let result = match op {
        Op::Union => union(&srcs, &weights, agg),
        Op::Inter => inter(&srcs, &weights, agg),
        Op::Diff => diff(&srcs),
    };
    match dst {
        Some(d) => {
            let event = match op {
                Op::Union => "zunionstore",
                Op::Inter => "zinterstore",
                Op::Diff => "zdiffstore",
            };
            Reply::Int(util::store(ctx, &a[d], result, event) as i64)
        }
        None => {
            let mut result = result;
            // -0 and 0 tie (then members decide), as Redis compares scores with `<`.
            result.sort_by(|x, y| {
                x.1.partial_cmp(&y.1)
                    .unwrap_or_else(|| x.1.total_cmp(&y.1))
                    .then_with(|| x.0.cmp(&y.0))
            });
            let resp3 = util::resp3(ctx);
            util::scored(result, withscores, resp3)
        }
    }
}

/// Indices of the inputs from smallest to largest (Redis sorts by cardinality).
fn by_size(srcs: &[Src]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..srcs.len()).collect();
    order.sort_by_key(|&i| srcs[i].len());
    order
}

fn union(srcs: &[Src], weights: &[f64], agg: Agg) -> Vec<(Bytes, f64)> {
    let mut acc: HashMap<Bytes, usize> = HashMap::new();
    let mut out: Vec<(Bytes, f64)> = Vec::new();
    for i in by_size(srcs) {
        for (m, s) in srcs[i].iter() {
            let v = weighted(weights[i], s);
            match acc.get(&m[..]) {
                Some(&at) => aggregate(agg, &mut out[at].1, v),
                None => {
                    let m = Bytes::copy_from_slice(&m);
                    acc.insert(m.clone(), out.len());
                    out.push((m, v));
                }
            }
        }
    }
    out
}

fn inter(srcs: &[Src], weights: &[f64], agg: Agg) -> Vec<(Bytes, f64)> {
    let order = by_size(srcs);
    let first = order[0];
    let mut out = Vec::new();
    if srcs[first].len() == 0 {
        return out;
    }
    'outer: for (m, s) in srcs[first].iter() {
        let mut score = weighted(weights[first], s);
        for &j in &order[1..] {
            match srcs[j].score(&m) {
                Some(v) => aggregate(agg, &mut score, weighted(weights[j], v)),
                None => continue 'outer,
            }
        }
        out.push((Bytes::copy_from_slice(&m), score));
    }
    out
}

fn inter_card(srcs: &[Src], limit: usize) -> i64 {
    let order = by_size(srcs);
    let mut n = 0usize;
    for (m, _) in srcs[order[0]].iter() {
        if order[1..].iter().all(|&j| srcs[j].score(&m).is_some()) {
            n += 1;
            if limit != 0 && n >= limit {
                break;
            }
        }
    }
    n as i64
}

fn diff(srcs: &[Src]) -> Vec<(Bytes, f64)> {
    srcs[0]
        .iter()
        .filter(|(m, _)| srcs[1..].iter().all(|s| s.score(m).is_none()))
        .map(|(m, s)| (Bytes::copy_from_slice(&m), s))
        .collect()
}
