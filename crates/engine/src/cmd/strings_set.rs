//! SET and its relatives (SETNX SETEX PSETEX GETSET GETDEL GETEX MSET MSETNX): the shared
//! option parser and expiry arithmetic, with Redis 7.0's argument precedence and the effects
//! it propagates (relative expiry rewritten as `PXAT`/`PEXPIREAT`, GETDEL as `DEL`).

use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::value::{RString, Value};
use bytes::Bytes;
use resp::Reply;

/// Which expiry option was given.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Exp {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl Exp {
    fn seconds(self) -> bool {
        matches!(self, Exp::Ex | Exp::ExAt)
    }
    fn relative(self) -> bool {
        matches!(self, Exp::Ex | Exp::Px)
    }
}

#[derive(Default, Debug)]
struct Opts {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    /// The expiry kind and the index of its value argument.
    expire: Option<(Exp, usize)>,
}

/// Redis's `parseExtendedStringArgumentsOrReply`. Options may repeat, but conflicting ones
/// (NX with XX, two different expiry kinds, KEEPTTL/PERSIST with an expiry) are syntax errors;
/// NX XX GET KEEPTTL belong to SET only, PERSIST to GETEX only.
fn parse_opts(a: &[Bytes], from: usize, is_set: bool) -> Result<Opts, Reply> {
    let mut o = Opts::default();
    let mut j = from;
    while j < a.len() {
        let arg = &a[j];
        let has_next = j + 1 < a.len();
        let exp_ok = |o: &Opts, kind: Exp| {
            !o.keepttl && !o.persist && o.expire.is_none_or(|(k, _)| k == kind) && has_next
        };
        let kind = [
            ("ex", Exp::Ex),
            ("px", Exp::Px),
            ("exat", Exp::ExAt),
            ("pxat", Exp::PxAt),
        ]
        .into_iter()
        .find(|(w, _)| args::is(arg, w))
        .map(|(_, k)| k);
        if is_set && args::is(arg, "nx") && !o.xx {
            o.nx = true;
        } else if is_set && args::is(arg, "xx") && !o.nx {
            o.xx = true;
        } else if is_set && args::is(arg, "get") {
            o.get = true;
        } else if is_set && args::is(arg, "keepttl") && !o.persist && o.expire.is_none() {
            o.keepttl = true;
        } else if !is_set && args::is(arg, "persist") && o.expire.is_none() && !o.keepttl {
            o.persist = true;
        } else if let Some(k) = kind.filter(|&k| exp_ok(&o, k)) {
            o.expire = Some((k, j + 1));
            j += 1;
        } else {
            return Err(errors::syntax());
        }
        j += 1;
    }
    Ok(o)
}

/// Redis's `getExpireMillisecondsOrReply`: the absolute expiry in ms, or the error
/// `invalid expire time in '<cmd>' command` for non-positive or overflowing values.
fn expire_ms(ctx: &Ctx, arg: &[u8], kind: Exp) -> Result<i64, Reply> {
    let n = args::int(arg)?;
    let invalid = || {
        Reply::error(format!(
            "ERR invalid expire time in '{}' command",
            ctx.cmd.name
        ))
    };
    if n <= 0 || (kind.seconds() && n > i64::MAX / 1000) {
        return Err(invalid());
    }
    let mut ms = if kind.seconds() { n * 1000 } else { n };
    if kind.relative() {
        // Redis adds in C and then checks the sign: an overflow wraps negative.
        ms = ms.wrapping_add(ctx.now_ms);
    }
    if ms <= 0 {
        return Err(invalid());
    }
    Ok(ms)
}

/// Redis's `getGenericCommand`: the value reply, nil, or WRONGTYPE as an Err.
fn get_reply(ctx: &mut Ctx, key: &[u8]) -> Result<Reply, Reply> {
    Ok(match ctx.read_string(key)? {
        Some(s) => Reply::bulk_from_slice(&s.as_bytes()),
        None => Reply::Nil,
    })
}

fn pxat_effect(key: &Bytes, val: &Bytes, at: i64) -> Vec<Bytes> {
    vec![
        Bytes::from_static(b"SET"),
        key.clone(),
        val.clone(),
        Bytes::from_static(b"PXAT"),
        Bytes::from(at.to_string()),
    ]
}

/// Redis's `setGenericCommand`. `ok`/`abort` are the replies for a done / skipped write
/// (SETNX answers 1/0 instead of OK/nil).
fn set_generic(
    ctx: &mut Ctx,
    a: &[Bytes],
    o: &Opts,
    key: &Bytes,
    val: &Bytes,
    ok: Reply,
    abort: Reply,
) -> Reply {
    let at = match o.expire {
        Some((kind, idx)) => match expire_ms(ctx, &a[idx], kind) {
            Ok(ms) => Some(ms),
            Err(e) => return e,
        },
        None => None,
    };
    let old = if o.get {
        match get_reply(ctx, key) {
            Ok(r) => Some(r),
            Err(e) => return e,
        }
    } else {
        None
    };
    // Only NX and XX ask whether the key exists; a plain SET just needs lazy expiry first
    // (its `expired` event and propagated DEL), then one lookup in `set_key`.
    if o.nx || o.xx {
        let found = ctx.lookup_write(key).is_some();
        if (o.nx && found) || (o.xx && !found) {
            return old.unwrap_or(abort);
        }
    } else {
        ctx.expire_if_needed(key);
    }
    ctx.set_key(key, Value::Str(RString::from_set(val)), o.keepttl);
    ctx.notify(notify::STRING, "set", key);
    if let Some(at) = at {
        ctx.db().set_expire(key, at);
        ctx.notify(notify::GENERIC, "expire", key);
        ctx.rewrite_effect(pxat_effect(key, val, at));
    } else if o.get {
        // Propagated without its GET arguments.
        let argv = a
            .iter()
            .enumerate()
            .filter(|(i, x)| *i < 3 || !args::is(x, "get"))
            .map(|(_, x)| x.clone())
            .collect();
        ctx.rewrite_effect(argv);
    }
    old.unwrap_or(ok)
}

pub fn set(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match parse_opts(a, 3, true) {
        Ok(o) => set_generic(ctx, a, &o, &a[1], &a[2], Reply::ok(), Reply::Nil),
        Err(e) => e,
    }
}

pub fn setnx(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let o = Opts {
        nx: true,
        ..Opts::default()
    };
    set_generic(ctx, a, &o, &a[1], &a[2], Reply::Int(1), Reply::Int(0))
}

/// SETEX/PSETEX: `key <ttl> value`, propagated as `SET key value PXAT <abs>`.
fn setex_generic(ctx: &mut Ctx, a: &[Bytes], kind: Exp) -> Reply {
    let o = Opts {
        expire: Some((kind, 2)),
        ..Opts::default()
    };
    set_generic(ctx, a, &o, &a[1], &a[3], Reply::ok(), Reply::Nil)
}

pub fn setex(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    setex_generic(ctx, a, Exp::Ex)
}

pub fn psetex(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    setex_generic(ctx, a, Exp::Px)
}

/// GETSET: reply the old value, store the new one dropping the TTL; propagated as SET.
pub fn getset(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let old = match get_reply(ctx, &a[1]) {
        Ok(r) => r,
        Err(e) => return e,
    };
    ctx.set_key(&a[1], Value::Str(RString::from_set(&a[2])), false);
    ctx.notify(notify::STRING, "set", &a[1]);
    ctx.rewrite_effect(vec![Bytes::from_static(b"SET"), a[1].clone(), a[2].clone()]);
    old
}

/// GETDEL: reply the value and delete the key; propagated as DEL.
pub fn getdel(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let reply = match get_reply(ctx, &a[1]) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if ctx.delete(&a[1]) {
        ctx.notify(notify::GENERIC, "del", &a[1]);
        ctx.rewrite_effect(vec![Bytes::from_static(b"DEL"), a[1].clone()]);
    }
    reply
}

/// GETEX: options are parsed first, then the key is read; the expiry value is validated only
/// for an existing string key (so `GETEX missing EX abc` is nil). An absolute time already past
/// deletes the key (effect `DEL`); otherwise the effect is `PEXPIREAT` or `PERSIST`.
pub fn getex(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let o = match parse_opts(a, 2, false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let key = &a[1];
    let reply = match get_reply(ctx, key) {
        Ok(Reply::Nil) => return Reply::Nil,
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Some((kind, idx)) = o.expire {
        let at = match expire_ms(ctx, &a[idx], kind) {
            Ok(ms) => ms,
            Err(e) => return e,
        };
        if !kind.relative() && at <= ctx.now_ms {
            ctx.delete(key);
            ctx.notify(notify::GENERIC, "del", key);
            ctx.rewrite_effect(vec![Bytes::from_static(b"DEL"), key.clone()]);
        } else {
            ctx.db().set_expire(key, at);
            ctx.signal_modified(key);
            ctx.notify(notify::GENERIC, "expire", key);
            ctx.rewrite_effect(vec![
                Bytes::from_static(b"PEXPIREAT"),
                key.clone(),
                Bytes::from(at.to_string()),
            ]);
        }
    } else if o.persist && ctx.db().persist(key) {
        ctx.signal_modified(key);
        ctx.notify(notify::GENERIC, "persist", key);
        ctx.rewrite_effect(vec![Bytes::from_static(b"PERSIST"), key.clone()]);
    }
    reply
}

/// MSET: an even number of key/value arguments, else Redis's arity error.
pub fn mset(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len().is_multiple_of(2) {
        return errors::arity(ctx.cmd.name);
    }
    for kv in a[1..].chunks(2) {
        ctx.set_key(&kv[0], Value::Str(RString::from_set(&kv[1])), false);
        ctx.notify(notify::STRING, "set", &kv[0]);
    }
    Reply::ok()
}

/// MSETNX: 0 (and nothing written) as soon as one key exists.
pub fn msetnx(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len().is_multiple_of(2) {
        return errors::arity(ctx.cmd.name);
    }
    for kv in a[1..].chunks(2) {
        if ctx.lookup_write(&kv[0]).is_some() {
            return Reply::Int(0);
        }
    }
    for kv in a[1..].chunks(2) {
        ctx.set_key(&kv[0], Value::Str(RString::from_set(&kv[1])), false);
        ctx.notify(notify::STRING, "set", &kv[0]);
    }
    Reply::Int(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<Bytes> {
        s.split(' ')
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    #[test]
    fn option_conflicts() {
        assert!(parse_opts(&argv("set k v nx xx"), 3, true).is_err());
        assert!(parse_opts(&argv("set k v ex 1 px 1"), 3, true).is_err());
        assert!(parse_opts(&argv("set k v keepttl ex 1"), 3, true).is_err());
        assert!(parse_opts(&argv("set k v ex"), 3, true).is_err());
        assert!(parse_opts(&argv("set k v persist"), 3, true).is_err());
        assert!(parse_opts(&argv("getex k nx"), 2, false).is_err());
        assert!(parse_opts(&argv("getex k persist ex 1"), 2, false).is_err());
        let o = parse_opts(&argv("set k v NX nx GET ex 1 EX 2"), 3, true).unwrap();
        assert!(o.nx && o.get && o.expire == Some((Exp::Ex, 9)));
        let o = parse_opts(&argv("getex k persist persist"), 2, false).unwrap();
        assert!(o.persist);
    }
}
