//! Hash commands (Redis's t_hash.c semantics). HRANDFIELD and HSCAN live in
//! `hashes_random.rs`.

use super::hashes_random::{hrandfield, hscan};
use crate::command::{acl, flags, ks, Command, Family, KeySpec};
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::util::ldouble::{self, LDouble};
use crate::util::num::string2ll;
use crate::value::hash::{Hash, Limits};
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;

const RW_UPDATE: &[KeySpec] = &[ks::one(1, ks::RW_UPDATE)];
const RW_INSERT: &[KeySpec] = &[ks::one(1, ks::RW_INSERT)];
const RW_DELETE: &[KeySpec] = &[ks::one(1, ks::RW_DELETE)];
const RW_ACCESS_UPDATE: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_UPDATE)];
const RO_ACCESS: &[KeySpec] = &[ks::one(1, ks::RO_ACCESS)];
const RO: &[KeySpec] = &[ks::one(1, ks::RO)];

const W: u32 = flags::WRITE | flags::DENYOOM | flags::FAST;
const R: u32 = flags::READONLY | flags::FAST;

const HASH: Family = Family {
    acl: acl::HASH,
    group: "hash",
};

const ORDER: &[&str] = &["nondeterministic_output_order"];
const NONDET: &[&str] = &["nondeterministic_output"];

pub const COMMANDS: &[Command] = &[
    HASH.key1("hset", -4, W, RW_UPDATE, "2.0.0", "Creates or modifies the value of a field in a hash.", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", hset),
    HASH.key1("hmset", -4, W, RW_UPDATE, "2.0.0", "Sets the values of multiple fields.", "O(N) where N is the number of fields being set.", hmset),
    HASH.key1("hsetnx", 4, W, RW_INSERT, "2.0.0", "Sets the value of a field in a hash only when the field doesn't exist.", "O(1)", hsetnx),
    HASH.key1("hget", 3, R, RO_ACCESS, "2.0.0", "Returns the value of a field in a hash.", "O(1)", hget),
    HASH.key1("hmget", -3, R, RO_ACCESS, "2.0.0", "Returns the values of all fields in a hash.", "O(N) where N is the number of fields being requested.", hmget),
    HASH.key1("hdel", -3, flags::WRITE | flags::FAST, RW_DELETE, "2.0.0", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", "O(N) where N is the number of fields to be removed.", hdel),
    HASH.key1("hlen", 2, R, RO, "2.0.0", "Returns the number of fields in a hash.", "O(1)", hlen),
    HASH.key1("hstrlen", 3, R, RO, "3.2.0", "Returns the length of the value of a field.", "O(1)", hstrlen),
    HASH.key1("hexists", 3, R, RO, "2.0.0", "Determines whether a field exists in a hash.", "O(1)", hexists),
    Command { tips: ORDER, ..HASH.key1("hkeys", 2, flags::READONLY, RO_ACCESS, "2.0.0", "Returns all fields in a hash.", "O(N) where N is the size of the hash.", hkeys) },
    Command { tips: ORDER, ..HASH.key1("hvals", 2, flags::READONLY, RO_ACCESS, "2.0.0", "Returns all values in a hash.", "O(N) where N is the size of the hash.", hvals) },
    Command { tips: ORDER, ..HASH.key1("hgetall", 2, flags::READONLY, RO_ACCESS, "2.0.0", "Returns all fields and values in a hash.", "O(N) where N is the size of the hash.", hgetall) },
    HASH.key1("hincrby", 4, W, RW_ACCESS_UPDATE, "2.0.0", "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", "O(1)", hincrby),
    HASH.key1("hincrbyfloat", 4, W, RW_ACCESS_UPDATE, "2.6.0", "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", "O(1)", hincrbyfloat),
    Command { tips: NONDET, ..HASH.key1("hrandfield", -2, flags::READONLY, RO_ACCESS, "6.2.0", "Returns one or more random fields from a hash.", "O(N) where N is the number of fields returned", hrandfield) },
    Command { tips: NONDET, ..HASH.key1("hscan", -3, flags::READONLY, RO_ACCESS, "2.8.0", "Iterates over fields and values of a hash.", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the size of the hash.", hscan) },
];

/// The listpack thresholds from the configuration.
pub(super) fn limits(ctx: &Ctx) -> Limits {
    Limits {
        max_entries: ctx.eng.config.hash_max_listpack_entries,
        max_value: ctx.eng.config.hash_max_listpack_value,
    }
}

/// A hash for reading: `Ok(None)` when missing, WRONGTYPE for other types.
pub(super) fn read<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a Hash>, Reply> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(Value::Hash(h)) => Ok(Some(h)),
        Some(_) => Err(errors::wrongtype()),
    }
}

/// Redis's `hashTypeLookupWriteOrCreate`: the hash at `key`, created empty when missing.
/// Callers must leave it non-empty (or delete it).
fn write_or_create<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<&'a mut Hash, Reply> {
    match ctx.lookup_write(key) {
        Some(Value::Hash(_)) => {}
        Some(_) => return Err(errors::wrongtype()),
        None => ctx.insert_key(key, Value::Hash(Box::default()), false),
    }
    match ctx.db().get_mut(key).map(|e| &mut e.value) {
        Some(Value::Hash(h)) => Ok(h),
        _ => Err(errors::wrongtype()),
    }
}

fn hset(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    set_fields(ctx, a).map_or_else(|e| e, Reply::Int)
}

/// HSET's older form: the same, answering OK.
fn hmset(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    set_fields(ctx, a).map_or_else(|e| e, |_| Reply::ok())
}

/// Sets the field/value pairs of `a[2..]`; the number of fields that were new.
fn set_fields(ctx: &mut Ctx, a: &[Bytes]) -> Result<i64, Reply> {
    if a.len() % 2 == 1 {
        return Err(errors::arity(ctx.cmd.name));
    }
    let limits = limits(ctx);
    let h = write_or_create(ctx, &a[1])?;
    h.fit_lengths(a[2..].iter().map(|x| x.len()), limits);
    let mut added = 0;
    for pair in a[2..].chunks_exact(2) {
        if h.set(&pair[0], &pair[1], limits) {
            added += 1;
        }
    }
    ctx.signal_modified(&a[1]);
    // Redis counts one change per field given, changed or not.
    ctx.add_dirty((a.len() as u64 - 2) / 2 - 1);
    ctx.notify(notify::HASH, "hset", &a[1]);
    Ok(added)
}

fn hsetnx(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let limits = limits(ctx);
    let h = match write_or_create(ctx, &a[1]) {
        Ok(h) => h,
        Err(e) => return e,
    };
    if h.contains(&a[2]) {
        return Reply::Int(0);
    }
    h.set(&a[2], &a[3], limits);
    ctx.signal_modified(&a[1]);
    ctx.notify(notify::HASH, "hset", &a[1]);
    Reply::Int(1)
}

fn hget(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match read(ctx, &a[1]) {
        Ok(h) => match h.and_then(|h| h.get(&a[2])) {
            Some(v) => Reply::bulk_from_slice(v),
            None => Reply::Nil,
        },
        Err(e) => e,
    }
}

fn hmget(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match read(ctx, &a[1]) {
        Ok(h) => Reply::Array(
            a[2..]
                .iter()
                .map(|f| match h.and_then(|h| h.get(f)) {
                    Some(v) => Reply::bulk_from_slice(v),
                    None => Reply::Nil,
                })
                .collect(),
        ),
        Err(e) => e,
    }
}

fn hdel(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let h = match ctx.lookup_write(&a[1]) {
        None => return Reply::Int(0),
        Some(Value::Hash(h)) => h,
        Some(_) => return errors::wrongtype(),
    };
    let mut deleted = 0;
    let mut emptied = false;
    for f in &a[2..] {
        if h.remove(f) {
            deleted += 1;
            if h.is_empty() {
                emptied = true;
                break;
            }
        }
    }
    if emptied {
        ctx.signal_modified_n(&a[1], deleted as u64);
        ctx.remove_emptied(&a[1]);
        ctx.notify(notify::HASH, "hdel", &a[1]);
        ctx.notify(notify::GENERIC, "del", &a[1]);
    } else if deleted > 0 {
        ctx.signal_modified_n(&a[1], deleted as u64);
        ctx.notify(notify::HASH, "hdel", &a[1]);
    }
    Reply::Int(deleted)
}

/// Applies `f` to the hash at key 1 (0 when missing).
fn with_hash(ctx: &mut Ctx, key: &[u8], f: impl FnOnce(&Hash) -> Reply, missing: Reply) -> Reply {
    match read(ctx, key) {
        Ok(Some(h)) => f(h),
        Ok(None) => missing,
        Err(e) => e,
    }
}

fn hlen(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    with_hash(ctx, &a[1], |h| Reply::Int(h.len() as i64), Reply::Int(0))
}

fn hstrlen(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let f = &a[2];
    with_hash(
        ctx,
        &a[1],
        |h| Reply::Int(h.get(f).map_or(0, |v| v.len() as i64)),
        Reply::Int(0),
    )
}

fn hexists(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let f = &a[2];
    with_hash(
        ctx,
        &a[1],
        |h| Reply::Int(h.contains(f) as i64),
        Reply::Int(0),
    )
}

fn bulk(b: &[u8]) -> Reply {
    Reply::bulk_from_slice(b)
}

fn hkeys(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let all = |h: &Hash| Reply::Array(h.iter().map(|(f, _)| bulk(f)).collect());
    with_hash(ctx, &a[1], all, Reply::Array(Vec::new()))
}

fn hvals(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let all = |h: &Hash| Reply::Array(h.iter().map(|(_, v)| bulk(v)).collect());
    with_hash(ctx, &a[1], all, Reply::Array(Vec::new()))
}

fn hgetall(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let all = |h: &Hash| Reply::Map(h.iter().map(|(f, v)| (bulk(f), bulk(v))).collect());
    with_hash(ctx, &a[1], all, Reply::Map(Vec::new()))
}

fn hincrby(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let Some(incr) = string2ll(&a[3]) else {
        return errors::not_integer();
    };
    let limits = limits(ctx);
    let h = match write_or_create(ctx, &a[1]) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let old = match h.get(&a[2]) {
        None => 0,
        Some(v) => match string2ll(v) {
            Some(n) => n,
            None => return Reply::err("ERR hash value is not an integer"),
        },
    };
    let Some(new) = old.checked_add(incr) else {
        return errors::overflow();
    };
    h.set(&a[2], new.to_string().as_bytes(), limits);
    ctx.signal_modified(&a[1]);
    ctx.notify(notify::HASH, "hincrby", &a[1]);
    Reply::Int(new)
}

/// HINCRBYFLOAT in x87 `long double` arithmetic, as Redis computes it (`util::ldouble`). Its
/// effect is `HSET key field <result>`, as Redis propagates it, so replicas never redo the
/// float arithmetic.
fn hincrbyfloat(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let Some(incr) = ldouble::parse(&a[3]) else {
        return errors::not_float();
    };
    if !incr.is_finite() {
        return Reply::err("ERR value is NaN or Infinity");
    }
    let limits = limits(ctx);
    let h = match write_or_create(ctx, &a[1]) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let old = match h.get(&a[2]) {
        None => LDouble::ZERO,
        Some(v) => match ldouble::parse(v) {
            Some(x) => x,
            None => return Reply::err("ERR hash value is not a float"),
        },
    };
    let Some(new) = old.add(&incr).filter(|v| v.is_finite()) else {
        if h.is_empty() {
            ctx.db().remove(&a[1]);
        }
        return Reply::err("ERR increment would produce NaN or Infinity");
    };
    let text = Bytes::from(new.to_human());
    h.set(&a[2], &text, limits);
    ctx.signal_modified(&a[1]);
    ctx.notify(notify::HASH, "hincrbyfloat", &a[1]);
    ctx.rewrite_effect(vec![
        Bytes::from_static(b"HSET"),
        a[1].clone(),
        a[2].clone(),
        text.clone(),
    ]);
    Reply::Bulk(text)
}
