//! Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT), TTL PTTL
//! EXPIRETIME PEXPIRETIME, PERSIST.
//!
//! Effects: a TTL set in the future is recorded as `PEXPIREAT key <absolute ms>` so replay
//! does not depend on when it runs; a TTL at or before now deletes the key and is recorded
//! as `DEL key`.

use crate::args;
use crate::command::{acl, flags, ks, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::notify;
use bytes::Bytes;
use resp::Reply;

const KEY_RW: &[KeySpec] = &[ks::one(1, ks::RW_UPDATE)];
const KEY_RO: &[KeySpec] = &[ks::one(1, ks::RO_ACCESS)];

const fn setter(
    name: &'static str,
    since: &'static str,
    summary: &'static str,
    handler: fn(&mut Ctx, &[Bytes]) -> Reply,
) -> Command {
    Command {
        name,
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: KEY_RW,
        since,
        summary,
        complexity: "O(1)",
        handler: Some(handler),
        ..BASE
    }
}

const fn getter(
    name: &'static str,
    since: &'static str,
    tips: &'static [&'static str],
    summary: &'static str,
    handler: fn(&mut Ctx, &[Bytes]) -> Reply,
) -> Command {
    Command {
        name,
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: KEY_RO,
        tips,
        since,
        summary,
        complexity: "O(1)",
        handler: Some(handler),
        ..BASE
    }
}

const NONDET: &[&str] = &["nondeterministic_output"];

pub const COMMANDS: &[Command] = &[
    setter(
        "expire",
        "1.0.0",
        "Sets a key's time to live in seconds.",
        expire,
    ),
    setter(
        "pexpire",
        "2.6.0",
        "Sets a key's time to live in milliseconds.",
        pexpire,
    ),
    setter(
        "expireat",
        "1.2.0",
        "Sets a key's expiry as a unix time in seconds.",
        expireat,
    ),
    setter(
        "pexpireat",
        "2.6.0",
        "Sets a key's expiry as a unix time in milliseconds.",
        pexpireat,
    ),
    getter(
        "ttl",
        "1.0.0",
        NONDET,
        "Returns a key's time to live in seconds.",
        ttl,
    ),
    getter(
        "pttl",
        "2.6.0",
        NONDET,
        "Returns a key's time to live in milliseconds.",
        pttl,
    ),
    getter(
        "expiretime",
        "7.0.0",
        &[],
        "Returns a key's expiry as a unix time in seconds.",
        expiretime,
    ),
    getter(
        "pexpiretime",
        "7.0.0",
        &[],
        "Returns a key's expiry as a unix time in milliseconds.",
        pexpiretime,
    ),
    Command {
        name: "persist",
        arity: 2,
        summary: "Removes a key's time to live.",
        since: "2.2.0",
        ..setter("persist", "2.2.0", "", persist)
    },
];

/// The conditions of EXPIRE and friends.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Cond {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
}

impl Cond {
    /// Parses the options after the time; all of them are read before conflicts are checked.
    pub fn parse(opts: &[Bytes]) -> Result<Cond, Reply> {
        let mut c = Cond::default();
        for opt in opts {
            if args::is(opt, "nx") {
                c.nx = true;
            } else if args::is(opt, "xx") {
                c.xx = true;
            } else if args::is(opt, "gt") {
                c.gt = true;
            } else if args::is(opt, "lt") {
                c.lt = true;
            } else {
                let mut msg = b"ERR Unsupported option ".to_vec();
                msg.extend_from_slice(crate::errors::c_str_prefix(opt, usize::MAX));
                return Err(Reply::error(msg));
            }
        }
        if c.nx && (c.xx || c.gt || c.lt) {
            return Err(Reply::err(
                "ERR NX and XX, GT or LT options at the same time are not compatible",
            ));
        }
        if c.gt && c.lt {
            return Err(Reply::err(
                "ERR GT and LT options at the same time are not compatible",
            ));
        }
        Ok(c)
    }

    /// Whether a new expiry `when` may replace `current` (None: no TTL, i.e. infinite).
    pub fn allows(self, current: Option<i64>, when: i64) -> bool {
        if self.nx && current.is_some() {
            return false;
        }
        if self.xx && current.is_none() {
            return false;
        }
        if self.gt && current.is_none_or(|cur| when <= cur) {
            return false;
        }
        if self.lt && current.is_some_and(|cur| when >= cur) {
            return false;
        }
        true
    }
}

/// Converts the time argument to absolute milliseconds, refusing what would overflow.
pub fn absolute_ms(when: i64, seconds: bool, base_ms: i64) -> Option<i64> {
    let ms = if seconds {
        if !(i64::MIN / 1000..=i64::MAX / 1000).contains(&when) {
            return None;
        }
        when * 1000
    } else {
        when
    };
    if ms > i64::MAX - base_ms {
        return None;
    }
    Some(ms + base_ms)
}

fn expire(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let now = ctx.now_ms;
    expire_generic(ctx, a, true, now)
}

fn pexpire(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let now = ctx.now_ms;
    expire_generic(ctx, a, false, now)
}

fn expireat(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    expire_generic(ctx, a, true, 0)
}

fn pexpireat(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    expire_generic(ctx, a, false, 0)
}

fn expire_generic(ctx: &mut Ctx, a: &[Bytes], seconds: bool, base_ms: i64) -> Reply {
    let key = &a[1];
    let cond = match Cond::parse(&a[3..]) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let when = match args::int(&a[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let Some(when) = absolute_ms(when, seconds, base_ms) else {
        return Reply::error(format!(
            "ERR invalid expire time in '{}' command",
            ctx.cmd.name
        ));
    };
    if ctx.lookup_write(key).is_none() {
        return Reply::Int(0);
    }
    let current = ctx.db().expire_at(key);
    if !cond.allows(current, when) {
        return Reply::Int(0);
    }
    if when <= ctx.now_ms {
        ctx.db().remove(key);
        ctx.signal_modified(key);
        ctx.notify(notify::GENERIC, "del", key);
        ctx.rewrite_effect(vec![Bytes::from_static(b"DEL"), key.clone()]);
    } else {
        ctx.db().set_expire(key, when);
        ctx.signal_modified(key);
        ctx.notify(notify::GENERIC, "expire", key);
        ctx.rewrite_effect(vec![
            Bytes::from_static(b"PEXPIREAT"),
            key.clone(),
            Bytes::from(when.to_string()),
        ]);
    }
    Reply::Int(1)
}

/// TTL/PTTL (relative) and EXPIRETIME/PEXPIRETIME (absolute): -2 missing, -1 no TTL.
fn ttl_generic(ctx: &mut Ctx, a: &[Bytes], ms: bool, absolute: bool) -> Reply {
    if ctx.lookup_read_notouch(&a[1]).is_none() {
        return Reply::Int(-2);
    }
    let Some(at) = ctx.db().expire_at(&a[1]) else {
        return Reply::Int(-1);
    };
    let t = if absolute { at } else { at - ctx.now_ms }.max(0);
    // Rounded to the nearest second; i128 so a TTL near i64::MAX cannot overflow.
    Reply::Int(if ms {
        t
    } else {
        ((i128::from(t) + 500) / 1000) as i64
    })
}

fn ttl(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    ttl_generic(ctx, a, false, false)
}

fn pttl(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    ttl_generic(ctx, a, true, false)
}

fn expiretime(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    ttl_generic(ctx, a, false, true)
}

fn pexpiretime(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    ttl_generic(ctx, a, true, true)
}

fn persist(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if ctx.lookup_write(&a[1]).is_none() || !ctx.db().persist(&a[1]) {
        return Reply::Int(0);
    }
    ctx.signal_modified(&a[1]);
    ctx.notify(notify::GENERIC, "persist", &a[1]);
    Reply::Int(1)
}

#[cfg(test)]
#[path = "expiry_tests.rs"]
mod tests;
