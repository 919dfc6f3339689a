//! Commands that carry a value and its TTL to another key or db: RENAME RENAMENX COPY MOVE.

use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::value::{Entry, Value};
use bytes::Bytes;
use resp::Reply;

fn same_object() -> Reply {
    Reply::err("ERR source and destination objects are the same")
}

/// Redis's `dbAdd` wakes clients blocked on a key when a list or sorted set arrives there,
/// whatever brought it (RENAME, MOVE and COPY too, not only pushes).
fn signal_arrival(ctx: &mut Ctx, db: usize, key: &[u8]) {
    let value = ctx.eng.dbs[db].get(key).map(|e| &e.value);
    if matches!(value, Some(Value::List(_) | Value::ZSet(_))) {
        ctx.eng.blocking.signal(db, key);
    }
}

/// A db index argument: a C int (`getIntFromObjectOrReply`), then within `databases`.
fn db_index(ctx: &Ctx, arg: &[u8]) -> Result<usize, Reply> {
    let id = args::int32(arg, None)?;
    if id < 0 || id as usize >= ctx.eng.dbs.len() {
        return Err(errors::db_out_of_range());
    }
    Ok(id as usize)
}

pub fn rename(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    rename_generic(ctx, a, false)
}

pub fn renamenx(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    rename_generic(ctx, a, true)
}

/// The source must exist even when renaming a key to itself (then nothing changes). The
/// value moves as is (encoding, access time) and keeps its TTL; an old destination and its
/// TTL are dropped.
fn rename_generic(ctx: &mut Ctx, a: &[Bytes], nx: bool) -> Reply {
    let (src, dst) = (&a[1], &a[2]);
    if ctx.lookup_write(src).is_none() {
        return errors::no_such_key();
    }
    if src == dst {
        return if nx { Reply::Int(0) } else { Reply::ok() };
    }
    if ctx.lookup_write(dst).is_some() {
        if nx {
            return Reply::Int(0);
        }
        ctx.db().remove(dst);
    }
    let Some((entry, at)) = ctx.db().take(src) else {
        return errors::no_such_key();
    };
    ctx.db().add(dst, entry, at);
    // Both keys changed for WATCH and tracking; the keyspace changed once (Redis's dirty).
    ctx.touch_watched(ctx.db, src);
    ctx.signal_modified(dst);
    signal_arrival(ctx, ctx.db, dst);
    ctx.notify(notify::NEW, "new", dst);
    ctx.notify(notify::GENERIC, "rename_from", src);
    ctx.notify(notify::GENERIC, "rename_to", dst);
    if nx {
        Reply::Int(1)
    } else {
        Reply::ok()
    }
}

/// MOVE key db: checks the index, then that it differs from the current db, then moves the
/// key with its TTL unless the target db already has that key.
pub fn move_cmd(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let key = &a[1];
    let dst = match db_index(ctx, &a[2]) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let src = ctx.db;
    if dst == src {
        return same_object();
    }
    if ctx.lookup_write(key).is_none() {
        return Reply::Int(0);
    }
    ctx.expire_if_needed_in(dst, key);
    if ctx.eng.dbs[dst].contains(key) {
        return Reply::Int(0);
    }
    let Some((entry, at)) = ctx.eng.dbs[src].take(key) else {
        return Reply::Int(0);
    };
    ctx.eng.dbs[dst].add(key, entry, at);
    ctx.signal_modified(key);
    signal_arrival(ctx, dst, key);
    ctx.touch_watched(dst, key);
    ctx.notify_in(dst, notify::NEW, "new", key);
    ctx.notify(notify::GENERIC, "move_from", key);
    ctx.notify_in(dst, notify::GENERIC, "move_to", key);
    Reply::Int(1)
}

/// COPY source destination [DB n] [REPLACE]: a duplicate of the value (same encoding, new
/// access time) with the source's TTL.
pub fn copy(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (key, newkey) = (&a[1], &a[2]);
    let src = ctx.db;
    let mut dst = src;
    let mut replace = false;
    let mut j = 3;
    while j < a.len() {
        if args::is(&a[j], "replace") {
            replace = true;
        } else if args::is(&a[j], "db") && j + 1 < a.len() {
            dst = match db_index(ctx, &a[j + 1]) {
                Ok(d) => d,
                Err(e) => return e,
            };
            j += 1;
        } else {
            return errors::syntax();
        }
        j += 1;
    }
    if src == dst && key == newkey {
        return same_object();
    }
    let Some(value) = ctx.lookup_read(key).cloned() else {
        return Reply::Int(0);
    };
    let at = ctx.db().expire_at(key);
    ctx.expire_if_needed_in(dst, newkey);
    if ctx.eng.dbs[dst].contains(newkey) {
        if !replace {
            return Reply::Int(0);
        }
        ctx.eng.dbs[dst].remove(newkey);
    }
    let entry = Entry {
        value,
        lru_secs: ctx.now_secs(),
        unshared: true,
    };
    ctx.eng.dbs[dst].add(newkey, entry, at);
    signal_arrival(ctx, dst, newkey);
    // The change is counted once, but WATCH sees it in the destination db.
    ctx.add_dirty(1);
    ctx.touch_watched(dst, newkey);
    ctx.notify_in(dst, notify::NEW, "new", newkey);
    ctx.notify_in(dst, notify::GENERIC, "copy_to", newkey);
    Reply::Int(1)
}
