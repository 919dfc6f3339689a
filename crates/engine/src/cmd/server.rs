//! Server commands on the keyspace as a whole: DBSIZE FLUSHDB FLUSHALL SWAPDB TIME SHUTDOWN.

use crate::args;
use crate::command::{acl, flags, Command, BASE};
use crate::ctx::Ctx;
use crate::engine::Action;
use crate::errors;
use bytes::Bytes;
use resp::Reply;

pub const COMMANDS: &[Command] = &[
    Command {
        name: "dbsize",
        arity: 1,
        flags: flags::READONLY | flags::FAST,
        acl: acl::KEYSPACE,
        group: "server",
        summary: "Returns the number of keys in the database.",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:agg_sum"],
        handler: Some(dbsize),
        ..BASE
    },
    Command {
        name: "flushdb",
        arity: -1,
        flags: flags::WRITE,
        acl: acl::KEYSPACE | acl::DANGEROUS,
        group: "server",
        summary: "Removes all keys from the current database.",
        complexity: "O(N) where N is the number of keys in the selected database",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: Some(flushdb),
        ..BASE
    },
    Command {
        name: "flushall",
        arity: -1,
        flags: flags::WRITE,
        acl: acl::KEYSPACE | acl::DANGEROUS,
        group: "server",
        summary: "Removes all keys from all databases.",
        complexity: "O(N) where N is the total number of keys in all databases",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: Some(flushall),
        ..BASE
    },
    Command {
        name: "swapdb",
        arity: 3,
        flags: flags::WRITE | flags::FAST,
        acl: acl::KEYSPACE | acl::DANGEROUS,
        group: "server",
        since: "4.0.0",
        summary: "Swaps two Redis databases.",
        complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
        handler: Some(swapdb),
        ..BASE
    },
    Command {
        name: "time",
        arity: 1,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        group: "server",
        since: "2.6.0",
        summary: "Returns the server time.",
        complexity: "O(1)",
        tips: &["nondeterministic_output"],
        handler: Some(time),
        ..BASE
    },
    Command {
        name: "shutdown",
        arity: -1,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::NO_MULTI | flags::ALLOW_BUSY,
        group: "server",
        summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
        complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        handler: Some(shutdown),
        ..BASE
    },
];

fn dbsize(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::Int(ctx.db().len() as i64)
}

/// FLUSHDB/FLUSHALL accept one optional SYNC or ASYNC.
fn check_flush_mode(a: &[Bytes]) -> Result<(), Reply> {
    match a.len() {
        1 => Ok(()),
        2 if args::is(&a[1], "sync") || args::is(&a[1], "async") => Ok(()),
        _ => Err(errors::syntax()),
    }
}

fn flushdb(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = check_flush_mode(a) {
        return e;
    }
    let n = ctx.db().len() as u64;
    crate::watch::touch_db(ctx.eng, ctx.db, None, ctx.now_ms);
    ctx.eng.tracking_flush();
    ctx.db().clear();
    ctx.add_dirty(n);
    // Always propagated, even when the db was already empty.
    ctx.rewrite_effect(a.to_vec());
    Reply::ok()
}

fn flushall(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = check_flush_mode(a) {
        return e;
    }
    let mut n = 0;
    for db in 0..ctx.eng.dbs.len() {
        crate::watch::touch_db(ctx.eng, db, None, ctx.now_ms);
    }
    ctx.eng.tracking_flush();
    for db in ctx.eng.dbs.iter_mut() {
        n += db.len() as u64;
        db.clear();
    }
    // Redis 7.0 counts the keys removed (an empty FLUSHALL is still propagated).
    ctx.add_dirty(n);
    ctx.rewrite_effect(a.to_vec());
    Reply::ok()
}

fn swapdb(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let parse = |arg: &[u8], msg: &'static str| args::int32(arg, Some(msg));
    let first = match parse(&a[1], "ERR invalid first DB index") {
        Ok(n) => n,
        Err(e) => return e,
    };
    let second = match parse(&a[2], "ERR invalid second DB index") {
        Ok(n) => n,
        Err(e) => return e,
    };
    let count = ctx.eng.dbs.len() as i64;
    if first < 0 || first >= count || second < 0 || second >= count {
        return errors::db_out_of_range();
    }
    let (first, second) = (first as usize, second as usize);
    // WATCH stays with the db index: a watched key changes if it exists on either side
    // (swapping a db with itself changes nothing).
    if first != second {
        crate::watch::touch_db(ctx.eng, first, Some(second), ctx.now_ms);
        crate::watch::touch_db(ctx.eng, second, Some(first), ctx.now_ms);
    }
    ctx.eng.dbs.swap(first, second);
    // Clients blocked on keys of either db may find them now (served after this command).
    ctx.eng.blocking.signal_db(first);
    ctx.eng.blocking.signal_db(second);
    ctx.add_dirty(1);
    Reply::ok()
}

fn time(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    let secs = ctx.now_ms.div_euclid(1000);
    let micros = ctx.now_ms.rem_euclid(1000) * 1000;
    Reply::Array(vec![
        Reply::Bulk(Bytes::from(secs.to_string())),
        Reply::Bulk(Bytes::from(micros.to_string())),
    ])
}

fn shutdown(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (mut save, mut nosave, mut abort) = (false, false, false);
    for arg in &a[1..] {
        if args::is(arg, "nosave") {
            nosave = true;
        } else if args::is(arg, "save") {
            save = true;
        } else if args::is(arg, "now") || args::is(arg, "force") {
        } else if args::is(arg, "abort") {
            abort = true;
        } else {
            return errors::syntax();
        }
    }
    if (abort && a.len() != 2) || (save && nosave) {
        return errors::syntax();
    }
    if abort {
        return Reply::err("ERR No shutdown in progress.");
    }
    if save {
        // There is no persistence yet, so a save can only fail, as Redis does on a save error.
        return Reply::err("ERR Errors trying to SHUTDOWN. Check logs.");
    }
    ctx.eng.actions.push(Action::Shutdown);
    Reply::ok()
}
