//! Shared pieces of the sorted-set handlers: typed lookups, Redis's range parsing
//! (`zslParseRange`, `zslParseLexRange`) and the reply shapes of scored results.

use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::util::num::parse_f64_strict;
use crate::value::zset::{LexBound, LexRange, Limits, ScoreRange, ZSet};
use crate::value::Value;
use bytes::Bytes;
use resp::{Proto, Reply};

pub fn limits(ctx: &Ctx) -> Limits {
    Limits {
        max_entries: ctx.eng.config.zset_max_listpack_entries as usize,
        max_value: ctx.eng.config.zset_max_listpack_value as usize,
    }
}

pub fn resp3(ctx: &Ctx) -> bool {
    ctx.proto == Proto::Resp3
}

/// `lookupKeyRead` + type check.
pub fn read<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a ZSet>, Reply> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(z)),
        Some(_) => Err(errors::wrongtype()),
    }
}

/// `lookupKeyWrite` + type check.
pub fn write<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut ZSet>, Reply> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(z)),
        Some(_) => Err(errors::wrongtype()),
    }
}

/// The zset under `key` without expiry checks or access-time updates (after a lookup).
pub fn raw_mut<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Option<&'a mut ZSet> {
    match ctx.db().get_mut(key).map(|e| &mut e.value) {
        Some(Value::ZSet(z)) => Some(z),
        _ => None,
    }
}

/// After an in-place change: counts it, raises `event`, and deletes the key (with its `del`
/// event) when the set became empty.
pub fn modified(ctx: &mut Ctx, key: &[u8], event: &'static str, changes: u64) {
    let empty = raw_mut(ctx, key).is_some_and(|z| z.is_empty());
    ctx.signal_modified_n(key, changes);
    ctx.notify(notify::ZSET, event, key);
    if empty {
        ctx.remove_emptied(key);
        ctx.notify(notify::GENERIC, "del", key);
    }
}

/// Stores a result set at `key` (replacing any value), or deletes `key` when it is empty.
/// Returns the stored length.
pub fn store(ctx: &mut Ctx, key: &[u8], entries: Vec<(Bytes, f64)>, event: &'static str) -> usize {
    let n = entries.len();
    if n == 0 {
        if ctx.delete(key) {
            ctx.notify(notify::GENERIC, "del", key);
        }
    } else {
        let z = ZSet::from_entries(entries, limits(ctx));
        ctx.set_key(key, Value::ZSet(Box::new(z)), false);
        ctx.signal_key_ready(key);
        ctx.notify(notify::ZSET, event, key);
    }
    n
}

/// `strtod` as `zslParseRange` uses it: the whole text up to a NUL must be consumed; leading
/// whitespace, the empty string (0) and out-of-range values (inf / 0) are accepted.
pub fn range_float(arg: &[u8]) -> Option<f64> {
    let s = &arg[..arg.iter().position(|&c| c == 0).unwrap_or(arg.len())];
    if s.is_empty() {
        return Some(0.0);
    }
    let body = match s.iter().position(|c| !b" \t\n\x0b\x0c\r".contains(c)) {
        Some(i) => &s[i..],
        None => return None,
    };
    if let Some(v) = parse_f64_strict(body) {
        return Some(v);
    }
    // Overflow and underflow: strtod returns +-HUGE_VAL / 0 and Redis keeps them.
    let text = std::str::from_utf8(body).ok()?;
    let lower = text.to_ascii_lowercase();
    if lower.contains("nan") || lower.contains("inf") {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| !v.is_nan())
}

/// Parses `min max` of ZRANGEBYSCORE and friends.
pub fn score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, Reply> {
    let bound = |a: &[u8]| -> Option<(f64, bool)> {
        match a.first() {
            Some(b'(') => range_float(&a[1..]).map(|v| (v, true)),
            _ => range_float(a).map(|v| (v, false)),
        }
    };
    match (bound(min), bound(max)) {
        (Some((min, minex)), Some((max, maxex))) => Ok(ScoreRange {
            min,
            max,
            minex,
            maxex,
        }),
        _ => Err(Reply::err("ERR min or max is not a float")),
    }
}

/// Parses `min max` of ZRANGEBYLEX and friends.
pub fn lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, Reply> {
    let bound = |a: &[u8]| -> Option<LexBound> {
        match a.split_first() {
            Some((b'+', [])) => Some(LexBound::PosInf),
            Some((b'-', [])) => Some(LexBound::NegInf),
            Some((b'(', rest)) => Some(LexBound::Excl(Bytes::copy_from_slice(rest))),
            Some((b'[', rest)) => Some(LexBound::Incl(Bytes::copy_from_slice(rest))),
            _ => None,
        }
    };
    match (bound(min), bound(max)) {
        (Some(min), Some(max)) => Ok(LexRange { min, max }),
        _ => Err(Reply::err("ERR min or max not valid string range item")),
    }
}

/// A score argument of ZADD/ZINCRBY (`getDoubleFromObject`).
pub fn score_arg(arg: &[u8]) -> Result<f64, Reply> {
    parse_f64_strict(arg).ok_or_else(errors::not_float)
}

/// Members, optionally with scores: flat in RESP2, [member, score] pairs in RESP3.
pub fn scored(items: Vec<(Bytes, f64)>, withscores: bool, resp3: bool) -> Reply {
    if !withscores {
        return Reply::Array(items.into_iter().map(|(m, _)| Reply::Bulk(m)).collect());
    }
    if resp3 {
        return Reply::Array(
            items
                .into_iter()
                .map(|(m, s)| Reply::Array(vec![Reply::Bulk(m), Reply::Double(s)]))
                .collect(),
        );
    }
    let mut out = Vec::with_capacity(items.len() * 2);
    for (m, s) in items {
        out.push(Reply::Bulk(m));
        out.push(Reply::Double(s));
    }
    Reply::Array(out)
}

/// Flat member, score, member, score... in both protocols (ZPOPMIN without COUNT, BZPOPMIN).
pub fn flat(items: Vec<(Bytes, f64)>) -> Vec<Reply> {
    let mut out = Vec::with_capacity(items.len() * 2);
    for (m, s) in items {
        out.push(Reply::Bulk(m));
        out.push(Reply::Double(s));
    }
    out
}

/// Always nested pairs (ZMPOP in both protocols, ZPOPMIN COUNT in RESP3).
pub fn nested(items: Vec<(Bytes, f64)>) -> Vec<Reply> {
    items
        .into_iter()
        .map(|(m, s)| Reply::Array(vec![Reply::Bulk(m), Reply::Double(s)]))
        .collect()
}
