//! OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP.

use crate::command::{acl, flags, ks, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::value::{RString, Value};
use bytes::Bytes;
use resp::Reply;

const KEY2_RO: &[KeySpec] = &[ks::one(2, ks::RO)];

/// One `OBJECT <sub> <key>` subcommand's metadata.
const fn keyed(
    name: &'static str,
    summary: &'static str,
    handler: fn(&mut Ctx, &[Bytes]) -> Reply,
) -> Command {
    Command {
        name,
        arity: 3,
        flags: flags::READONLY,
        acl: acl::KEYSPACE,
        first_key: 2,
        last_key: 2,
        key_step: 1,
        key_specs: KEY2_RO,
        tips: &["nondeterministic_output"],
        since: "2.2.3",
        summary,
        complexity: "O(1)",
        handler: Some(handler),
        ..BASE
    }
}

pub const OBJECT: Command = Command {
    name: "object",
    arity: -2,
    since: "2.2.3",
    summary: "Container for object introspection subcommands.",
    complexity: "Depends on subcommand.",
    subcommands: &[
        keyed(
            "object|encoding",
            "Names the internal encoding of a key's value.",
            encoding,
        ),
        Command {
            since: "4.0.0",
            ..keyed(
                "object|freq",
                "Returns the LFU access frequency counter of a key.",
                freq,
            )
        },
        keyed(
            "object|idletime",
            "Returns the seconds since a key's value was last accessed.",
            idletime,
        ),
        keyed(
            "object|refcount",
            "Returns the reference count of a key's value.",
            refcount,
        ),
        Command {
            name: "object|help",
            arity: 2,
            flags: flags::LOADING | flags::STALE,
            acl: acl::KEYSPACE,
            since: "6.2.0",
            summary: "Lists the OBJECT subcommands.",
            complexity: "O(1)",
            handler: Some(help),
            ..BASE
        },
    ],
    ..BASE
};

/// Redis shares one object for the integers 0..9999 and reports it as never freed.
pub(crate) const SHARED_INTEGERS: i64 = 10_000;
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// Looks up the key without touching its access time; Nil when missing.
fn with_value(ctx: &mut Ctx, key: &[u8], f: impl FnOnce(&Value) -> Reply) -> Reply {
    match ctx.lookup_object(key) {
        Some(v) => f(v),
        None => Reply::Nil,
    }
}

fn encoding(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    with_value(ctx, &a[2], |v| Reply::bulk(v.encoding()))
}

fn refcount(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let unshared = ctx.db().get(&a[2]).is_some_and(|e| e.unshared);
    with_value(ctx, &a[2], |v| match v {
        Value::Str(RString::Int(n)) if (0..SHARED_INTEGERS).contains(n) && !unshared => {
            Reply::Int(SHARED_REFCOUNT)
        }
        _ => Reply::Int(1),
    })
}

/// No LFU eviction policy exists here, so the frequency is never tracked.
fn freq(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    with_value(ctx, &a[2], |_| {
        Reply::err(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
             Please note that when switching between policies at runtime LRU and LFU data \
             will take some time to adjust.",
        )
    })
}

fn idletime(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let now = ctx.now_secs();
    if ctx.lookup_object(&a[2]).is_none() {
        return Reply::Nil;
    }
    let lru = ctx.db().get(&a[2]).map_or(now, |e| e.lru_secs);
    Reply::Int(i64::from(now.saturating_sub(lru)))
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    crate::args::help_reply(
        "OBJECT",
        &[
            "ENCODING <key>",
            "    Name the internal representation of the key's value (int, listpack, ...).",
            "FREQ <key>",
            "    Logarithmic access-frequency counter (needs an LFU maxmemory policy).",
            "IDLETIME <key>",
            "    Seconds since the key was last read or written.",
            "REFCOUNT <key>",
            "    How many references share the key's value.",
        ],
    )
}
