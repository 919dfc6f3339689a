//! SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms (Redis's `sinterGenericCommand` and
//! `sunionDiffGenericCommand`). Results are built as Redis builds them (a fresh intset that
//! converts as members are added), so reply order matches Redis wherever the result is an
//! intset.

use super::sets::{max_intset, members, ORDER, SET};
use crate::command::{flags, ks, Begin, Command, Find, KeySpec};
use crate::ctx::Ctx;
use crate::errors;
use crate::value::set::Set;
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;

const RO_ALL: &[KeySpec] = &[ks::range(1, -1, 1, ks::RO_ACCESS)];
const STORE_RW: &[KeySpec] = &[
    ks::one(1, ks::RW_UPDATE),
    ks::range(2, -1, 1, ks::RO_ACCESS),
];
const STORE_OW: &[KeySpec] = &[
    ks::one(1, ks::OW_UPDATE),
    ks::range(2, -1, 1, ks::RO_ACCESS),
];
const NUMKEYS: &[KeySpec] = &[KeySpec {
    notes: "",
    flags: ks::RO_ACCESS,
    begin: Begin::Index(1),
    find: Find::Keynum {
        keynumidx: 0,
        firstkey: 1,
        step: 1,
    },
}];

const MULTI: Command = Command {
    last_key: -1,
    key_specs: RO_ALL,
    tips: ORDER,
    ..SET.key1("", -2, flags::READONLY, RO_ALL, "1.0.0", "", "", sinter)
};
const STORE: Command = Command {
    last_key: -1,
    ..SET.key1(
        "",
        -3,
        flags::WRITE | flags::DENYOOM,
        STORE_RW,
        "1.0.0",
        "",
        "",
        sinterstore,
    )
};

pub const SINTER: Command = Command {
    name: "sinter",
    summary: "Returns the intersect of multiple sets.",
    complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    ..MULTI
};
pub const SINTERCARD: Command = Command {
    first_key: 0,
    last_key: 0,
    key_step: 0,
    tips: &[],
    key_specs: NUMKEYS,
    since: "7.0.0",
    summary: "Returns the number of members of the intersect of multiple sets.",
    complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    handler: Some(sintercard),
    ..SET.key1("sintercard", -3, flags::READONLY | flags::MOVABLE_KEYS, NUMKEYS, "7.0.0", "", "", sintercard)
};
pub const SINTERSTORE: Command = Command {
    name: "sinterstore",
    summary: "Stores the intersect of multiple sets in a key.",
    complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    ..STORE
};
pub const SUNION: Command = Command {
    name: "sunion",
    summary: "Returns the union of multiple sets.",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    handler: Some(sunion),
    ..MULTI
};
pub const SUNIONSTORE: Command = Command {
    name: "sunionstore",
    key_specs: STORE_OW,
    summary: "Stores the union of multiple sets in a key.",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    handler: Some(sunionstore),
    ..STORE
};
pub const SDIFF: Command = Command {
    name: "sdiff",
    summary: "Returns the difference of multiple sets.",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    handler: Some(sdiff),
    ..MULTI
};
pub const SDIFFSTORE: Command = Command {
    name: "sdiffstore",
    key_specs: STORE_OW,
    summary: "Stores the difference of multiple sets in a key.",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    handler: Some(sdiffstore),
    ..STORE
};

/// Looks up every source key (read or write lookup, as Redis does for the plain and STORE
/// forms), failing with WRONGTYPE at the first non-set. Returns which keys exist.
fn check_sources(ctx: &mut Ctx, keys: &[Bytes], for_write: bool) -> Result<Vec<bool>, Reply> {
    let mut present = Vec::with_capacity(keys.len());
    for k in keys {
        let v = if for_write {
            ctx.lookup_write(k).map(|v| &*v)
        } else {
            ctx.lookup_read(k)
        };
        match v {
            None => present.push(false),
            Some(Value::Set(_)) => present.push(true),
            Some(_) => return Err(errors::wrongtype()),
        }
    }
    Ok(present)
}

/// The source sets, `None` for missing keys (after `check_sources`).
fn sources<'a>(ctx: &'a Ctx, keys: &[Bytes]) -> Vec<Option<&'a Set>> {
    let db = &ctx.eng.dbs[ctx.db];
    keys.iter()
        .map(|k| match db.get(k).map(|e| &e.value) {
            Some(Value::Set(s)) => Some(&**s),
            _ => None,
        })
        .collect()
}

/// Members of the intersection, in the order of the smallest set, stopping at `limit`
/// (0: no limit).
fn intersect(sets: &[Option<&Set>], limit: usize) -> Vec<Vec<u8>> {
    let mut sets: Vec<&Set> = match sets.iter().copied().collect::<Option<Vec<_>>>() {
        Some(s) => s,
        None => return Vec::new(),
    };
    sets.sort_by_key(|s| s.len());
    let Some((first, rest)) = sets.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in first.iter() {
        if rest.iter().all(|s| s.contains(&m)) {
            out.push(m.into_owned());
            if limit != 0 && out.len() >= limit {
                break;
            }
        }
    }
    out
}

/// Builds a result set as Redis does: a fresh intset that converts as needed.
fn build(members: impl IntoIterator<Item = Vec<u8>>, max_intset: u64) -> Set {
    let mut s = Set::Intset(Vec::new());
    for m in members {
        s.add(&m, max_intset);
    }
    s
}

fn union(sets: &[Option<&Set>], max_intset: u64) -> Set {
    let mut out = Set::Intset(Vec::new());
    for s in sets.iter().flatten() {
        for m in s.iter() {
            out.add(&m, max_intset);
        }
    }
    out
}

fn diff(sets: &[Option<&Set>], max_intset: u64) -> Set {
    let Some(Some(first)) = sets.first() else {
        return Set::Intset(Vec::new());
    };
    let rest = &sets[1..];
    build(
        first
            .iter()
            .filter(|m| !rest.iter().flatten().any(|s| s.contains(m)))
            .map(|m| m.into_owned()),
        max_intset,
    )
}

/// The whole union as a set reply (also SPOP's reply when it takes every member).
pub(super) fn union_reply(sets: &[Option<&Set>], max_intset: u64) -> Reply {
    Reply::Set(members(&union(sets, max_intset)))
}

/// Stores `result` at `dst` (overwriting any type, dropping its TTL), or deletes `dst`
/// when the result is empty; replies with the size.
fn store(ctx: &mut Ctx, dst: &[u8], result: Set) -> Reply {
    let n = result.len() as i64;
    if n > 0 {
        ctx.set_key(dst, Value::Set(Box::new(result)), false);
    } else {
        ctx.delete(dst);
    }
    Reply::Int(n)
}

fn sinter(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = check_sources(ctx, &a[1..], false) {
        return e;
    }
    let found = intersect(&sources(ctx, &a[1..]), 0);
    Reply::Set(found.into_iter().map(|m| Reply::Bulk(m.into())).collect())
}

fn sinterstore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = check_sources(ctx, &a[2..], true) {
        return e;
    }
    let max = max_intset(ctx);
    let result = build(intersect(&sources(ctx, &a[2..]), 0), max);
    store(ctx, &a[1], result)
}

fn sintercard(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let numkeys = match crate::util::num::string2ll(&a[1]) {
        Some(n) if n >= 1 => n as u64,
        _ => return Reply::err("ERR numkeys should be greater than 0"),
    };
    if numkeys > (a.len() - 2) as u64 {
        return Reply::err("ERR Number of keys can't be greater than number of args");
    }
    let keys = &a[2..2 + numkeys as usize];
    let mut limit = 0u64;
    let mut i = 2 + numkeys as usize;
    while i < a.len() {
        if crate::args::is(&a[i], "limit") && i + 1 < a.len() {
            match crate::util::num::string2ll(&a[i + 1]) {
                Some(n) if n >= 0 => limit = n as u64,
                _ => return Reply::err("ERR LIMIT can't be negative"),
            }
            i += 2;
        } else {
            return errors::syntax();
        }
    }
    if let Err(e) = check_sources(ctx, keys, false) {
        return e;
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Reply::Int(intersect(&sources(ctx, keys), limit).len() as i64)
}

fn sunion(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = check_sources(ctx, &a[1..], false) {
        return e;
    }
    let max = max_intset(ctx);
    union_reply(&sources(ctx, &a[1..]), max)
}

fn sunionstore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = check_sources(ctx, &a[2..], true) {
        return e;
    }
    let max = max_intset(ctx);
    let result = union(&sources(ctx, &a[2..]), max);
    store(ctx, &a[1], result)
}

fn sdiff(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = check_sources(ctx, &a[1..], false) {
        return e;
    }
    let max = max_intset(ctx);
    Reply::Set(members(&diff(&sources(ctx, &a[1..]), max)))
}

fn sdiffstore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = check_sources(ctx, &a[2..], true) {
        return e;
    }
    let max = max_intset(ctx);
    let result = diff(&sources(ctx, &a[2..]), max);
    store(ctx, &a[1], result)
}
