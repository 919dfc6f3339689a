//! Set commands on one or two keys (Redis's t_set.c semantics). The multi-key algebra
//! (SINTER, SUNION, SDIFF and their STORE/CARD forms) lives in `sets_algebra.rs`.

use super::hashes_random::parse_rand_count;
use super::scan_args::{self, parse_cursor, ScanOpts};
use super::sets_algebra;
use crate::command::{acl, flags, ks, Command, Family, KeySpec};
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::value::set::Set;
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;

const RW_INSERT: &[KeySpec] = &[ks::one(1, ks::RW_INSERT)];
const RW_DELETE: &[KeySpec] = &[ks::one(1, ks::RW_DELETE)];
const RW_ACCESS_DELETE: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_DELETE)];
const RO_ACCESS: &[KeySpec] = &[ks::one(1, ks::RO_ACCESS)];
const RO: &[KeySpec] = &[ks::one(1, ks::RO)];
const SMOVE_KEYS: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_DELETE), ks::one(2, ks::RW_INSERT)];

pub(super) const ORDER: &[&str] = &["nondeterministic_output_order"];
const NONDET: &[&str] = &["nondeterministic_output"];

/// SRANDMEMBER and HRANDFIELD refuse negative counts beyond this with "ERR value is out of
/// range": Redis would try to build such a reply and run out of memory.
pub(super) const MAX_REPEATED_PICKS: u64 = 1 << 24;

pub(super) const SET: Family = Family {
    acl: acl::SET,
    group: "set",
};

const RF: u32 = flags::READONLY | flags::FAST;

pub const COMMANDS: &[Command] = &[
    SET.key1("sadd", -3, flags::WRITE | flags::DENYOOM | flags::FAST, RW_INSERT, "1.0.0", "Adds one or more members to a set. Creates the key if it doesn't exist.", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", sadd),
    SET.key1("srem", -3, flags::WRITE | flags::FAST, RW_DELETE, "1.0.0", "Removes one or more members from a set. Deletes the set if the last member was removed.", "O(N) where N is the number of members to be removed.", srem),
    Command { tips: ORDER, ..SET.key1("smembers", 2, flags::READONLY, RO_ACCESS, "1.0.0", "Returns all members of a set.", "O(N) where N is the set cardinality.", smembers) },
    SET.key1("sismember", 3, RF, RO, "1.0.0", "Determines whether a member belongs to a set.", "O(1)", sismember),
    SET.key1("smismember", -3, RF, RO_ACCESS, "6.2.0", "Determines whether multiple members belong to a set.", "O(N) where N is the number of elements being checked for membership", smismember),
    SET.key1("scard", 2, RF, RO, "1.0.0", "Returns the number of members in a set.", "O(1)", scard),
    Command { tips: NONDET, ..SET.key1("spop", -2, flags::WRITE | flags::FAST, RW_ACCESS_DELETE, "1.0.0", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", spop) },
    Command { tips: NONDET, ..SET.key1("srandmember", -2, flags::READONLY, RO_ACCESS, "1.0.0", "Get one or multiple random members from a set", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", srandmember) },
    Command { last_key: 2, key_specs: SMOVE_KEYS, ..SET.key1("smove", 4, flags::WRITE | flags::FAST, RW_ACCESS_DELETE, "1.0.0", "Moves a member from one set to another.", "O(1)", smove) },
    Command { tips: NONDET, ..SET.key1("sscan", -3, flags::READONLY, RO_ACCESS, "2.8.0", "Iterates over members of a set.", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the size of the set.", sscan) },
    sets_algebra::SINTER,
    sets_algebra::SINTERCARD,
    sets_algebra::SINTERSTORE,
    sets_algebra::SUNION,
    sets_algebra::SUNIONSTORE,
    sets_algebra::SDIFF,
    sets_algebra::SDIFFSTORE,
];

pub(super) fn max_intset(ctx: &Ctx) -> u64 {
    ctx.eng.config.set_max_intset_entries
}

/// A set for reading: `Ok(None)` when missing, WRONGTYPE for other types.
fn read<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a Set>, Reply> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(Value::Set(s)) => Ok(Some(s)),
        Some(_) => Err(errors::wrongtype()),
    }
}

/// A set for writing: `Ok(None)` when missing, WRONGTYPE for other types.
fn write<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut Set>, Reply> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(Value::Set(s)) => Ok(Some(s)),
        Some(_) => Err(errors::wrongtype()),
    }
}

fn sadd(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let max = max_intset(ctx);
    let add_all = |s: &mut Set| a[2..].iter().filter(|m| s.add(m, max)).count() as i64;
    match write(ctx, &a[1]) {
        Err(e) => e,
        Ok(Some(s)) => {
            let added = add_all(s);
            if added > 0 {
                ctx.signal_modified_n(&a[1], added as u64);
                ctx.notify(notify::SET, "sadd", &a[1]);
            }
            Reply::Int(added)
        }
        Ok(None) => {
            let mut s = Set::for_first(&a[2]);
            let added = add_all(&mut s);
            ctx.insert_key(&a[1], Value::Set(Box::new(s)), false);
            ctx.signal_modified_n(&a[1], added as u64);
            ctx.notify(notify::SET, "sadd", &a[1]);
            Reply::Int(added)
        }
    }
}

fn srem(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let s = match write(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return Reply::Int(0),
        Ok(Some(s)) => s,
    };
    let mut removed = 0;
    let mut emptied = false;
    for m in &a[2..] {
        if s.remove(m) {
            removed += 1;
            if s.is_empty() {
                emptied = true;
                break;
            }
        }
    }
    if emptied {
        ctx.signal_modified_n(&a[1], removed as u64);
        ctx.remove_emptied(&a[1]);
        ctx.notify(notify::SET, "srem", &a[1]);
        ctx.notify(notify::GENERIC, "del", &a[1]);
    } else if removed > 0 {
        ctx.signal_modified_n(&a[1], removed as u64);
        ctx.notify(notify::SET, "srem", &a[1]);
    }
    Reply::Int(removed)
}

/// Members as bulk replies, in the set's own order.
pub(super) fn members(s: &Set) -> Vec<Reply> {
    s.iter().map(|m| Reply::bulk_from_slice(&m)).collect()
}

fn smembers(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match read(ctx, &a[1]) {
        Ok(Some(s)) => Reply::Set(members(s)),
        Ok(None) => Reply::Set(Vec::new()),
        Err(e) => e,
    }
}

fn sismember(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match read(ctx, &a[1]) {
        Ok(s) => Reply::Int(s.is_some_and(|s| s.contains(&a[2])) as i64),
        Err(e) => e,
    }
}

fn smismember(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match read(ctx, &a[1]) {
        Ok(s) => Reply::Array(
            a[2..]
                .iter()
                .map(|m| Reply::Int(s.is_some_and(|s| s.contains(m)) as i64))
                .collect(),
        ),
        Err(e) => e,
    }
}

fn scard(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match read(ctx, &a[1]) {
        Ok(s) => Reply::Int(s.map_or(0, |s| s.len() as i64)),
        Err(e) => e,
    }
}

/// The set at `key` in the selected db with the engine's random stream beside it (a split
/// borrow, so picks can draw while the set is borrowed). Call after a lookup.
fn with_rng<T>(
    ctx: &mut Ctx,
    key: &[u8],
    f: impl FnOnce(&mut Set, &mut dyn FnMut() -> u64) -> T,
) -> Option<T> {
    let eng = &mut *ctx.eng;
    let rng = &mut eng.rng;
    match eng.dbs[ctx.db].get_mut(key).map(|e| &mut e.value) {
        Some(Value::Set(s)) => {
            let mut draw = || rng.next_u64();
            Some(f(s, &mut draw))
        }
        _ => None,
    }
}

fn spop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() > 3 {
        return errors::syntax();
    }
    let count = match a.get(2) {
        None => None,
        Some(arg) => match crate::util::num::string2ll(arg) {
            Some(n) if n >= 0 => Some(n as u64),
            _ => return Reply::err("ERR value is out of range, must be positive"),
        },
    };
    let size = match write(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) if count.is_none() => return Reply::Nil,
        Ok(None) => return Reply::Set(Vec::new()),
        Ok(Some(s)) => s.len() as u64,
    };
    let key = &a[1];
    let Some(count) = count else {
        let picked = with_rng(ctx, key, |s, mut rng| {
            let m = s.random(&mut rng)?;
            s.remove(&m);
            Some(m)
        });
        let Some(Some(m)) = picked else {
            return Reply::Nil;
        };
        ctx.notify(notify::SET, "spop", key);
        if size == 1 {
            ctx.delete(key);
            ctx.notify(notify::GENERIC, "del", key);
        } else {
            ctx.signal_modified(key);
        }
        let m = Bytes::from(m);
        ctx.rewrite_effect(vec![Bytes::from_static(b"SREM"), key.clone(), m.clone()]);
        return Reply::Bulk(m);
    };
    if count == 0 {
        return Reply::Set(Vec::new());
    }
    ctx.notify(notify::SET, "spop", key);
    if count >= size {
        // The whole set, in the order Redis's union copy of it would have.
        let max = max_intset(ctx);
        let all = with_rng(ctx, key, |s, _| {
            sets_algebra::union_reply(&[Some(&*s)], max)
        });
        ctx.delete(key);
        ctx.notify(notify::GENERIC, "del", key);
        ctx.rewrite_effect(vec![Bytes::from_static(b"DEL"), key.clone()]);
        return all.unwrap_or(Reply::Set(Vec::new()));
    }
    let picked = with_rng(ctx, key, |s, mut rng| {
        let picks = s.random_distinct(count as usize, &mut rng);
        for m in &picks {
            s.remove(m);
        }
        picks
    })
    .unwrap_or_default();
    ctx.signal_modified(key);
    let mut out = Vec::with_capacity(picked.len());
    for m in picked {
        let m = Bytes::from(m);
        ctx.rewrite_effect(vec![Bytes::from_static(b"SREM"), key.clone(), m.clone()]);
        out.push(Reply::Bulk(m));
    }
    Reply::Set(out)
}

fn srandmember(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() > 3 {
        return errors::syntax();
    }
    let count = match a.get(2).map(|c| parse_rand_count(c)) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => return e,
    };
    match read(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) if count.is_none() => return Reply::Nil,
        Ok(None) => return Reply::Array(Vec::new()),
        Ok(Some(_)) => {}
    }
    let Some(count) = count else {
        let m = with_rng(ctx, &a[1], |s, mut rng| s.random(&mut rng)).flatten();
        return m.map_or(Reply::Nil, |m| Reply::Bulk(Bytes::from(m)));
    };
    if count == 0 {
        return Reply::Array(Vec::new());
    }
    if count < 0 && count.unsigned_abs() > MAX_REPEATED_PICKS {
        return Reply::err("ERR value is out of range");
    }
    let picks = with_rng(ctx, &a[1], |s, mut rng| {
        if count < 0 || count == 1 {
            (0..count.unsigned_abs())
                .filter_map(|_| s.random(&mut rng))
                .collect()
        } else {
            s.random_distinct(count as usize, &mut rng)
        }
    })
    .unwrap_or_default();
    Reply::Array(
        picks
            .into_iter()
            .map(|m| Reply::Bulk(Bytes::from(m)))
            .collect(),
    )
}

fn smove(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (src, dst, m) = (&a[1], &a[2], &a[3]);
    let src_ok = ctx.lookup_write(src).map(|v| matches!(v, Value::Set(_)));
    let dst_ok = ctx.lookup_write(dst).map(|v| matches!(v, Value::Set(_)));
    match (src_ok, dst_ok) {
        (None, _) => return Reply::Int(0),
        (Some(false), _) | (_, Some(false)) => return errors::wrongtype(),
        _ => {}
    }
    if src == dst {
        return match read(ctx, src) {
            Ok(s) => Reply::Int(s.is_some_and(|s| s.contains(m)) as i64),
            Err(e) => e,
        };
    }
    let emptied = match write(ctx, src) {
        Ok(Some(s)) => {
            if !s.remove(m) {
                return Reply::Int(0);
            }
            s.is_empty()
        }
        _ => return Reply::Int(0),
    };
    ctx.notify(notify::SET, "srem", src);
    if emptied {
        ctx.delete(src);
        ctx.notify(notify::GENERIC, "del", src);
    } else {
        ctx.signal_modified(src);
    }
    let max = max_intset(ctx);
    match write(ctx, dst) {
        Ok(Some(s)) => {
            if s.add(m, max) {
                ctx.signal_modified(dst);
                ctx.notify(notify::SET, "sadd", dst);
            }
        }
        _ => {
            let mut s = Set::for_first(m);
            s.add(m, max);
            ctx.set_key(dst, Value::Set(Box::new(s)), false);
            ctx.notify(notify::SET, "sadd", dst);
        }
    }
    Reply::Int(1)
}

fn sscan(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let cursor = match parse_cursor(&a[2]) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let s = match read(ctx, &a[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return scan_args::empty(),
        Err(e) => return e,
    };
    let opts = match ScanOpts::parse(&a[3..]) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut items = Vec::new();
    let next = match s.table() {
        Some(d) => opts.walk(d, cursor, 1, |m, _| {
            if opts.matches(m) {
                items.push(Reply::bulk_from_slice(m));
            }
        }),
        None => {
            for m in s.iter() {
                if opts.matches(&m) {
                    items.push(Reply::bulk_from_slice(&m));
                }
            }
            0
        }
    };
    scan_args::reply(next, items)
}

#[cfg(test)]
#[path = "hashsets_tests.rs"]
mod tests;
