//! EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: the command side of Lua scripting; the
//! VM, sandbox and `redis` library live in `crate::script`.

use crate::command::{acl, flags, Begin, Command, Find, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::script::{self, busy::replies, Call};
use bytes::Bytes;
use resp::Reply;

const EVAL_FLAGS: u32 = flags::NOSCRIPT
    | flags::STALE
    | flags::SKIP_MONITOR
    | flags::NO_MANDATORY_KEYS
    | flags::MOVABLE_KEYS;

/// EVAL-style key spec: `numkeys` at argument 2, the keys right after it.
pub const fn numkeys_spec(notes: &'static str, flags: &'static [&'static str]) -> KeySpec {
    KeySpec {
        notes,
        flags,
        begin: Begin::Index(2),
        find: Find::Keynum {
            keynumidx: 0,
            firstkey: 1,
            step: 1,
        },
    }
}

pub const RW_NOTE: &str =
    "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
pub const RO_NOTE: &str =
    "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";
const RW: &[KeySpec] = &[numkeys_spec(RW_NOTE, &["RW", "access", "update"])];
const RW_SHA: &[KeySpec] = &[numkeys_spec("", &["RW", "access", "update"])];
const RO: &[KeySpec] = &[numkeys_spec(RO_NOTE, &["RO", "access"])];
const RO_SHA: &[KeySpec] = &[numkeys_spec("", &["RO", "access"])];

const fn eval_cmd(
    name: &'static str,
    flags: u32,
    specs: &'static [KeySpec],
    since: &'static str,
    summary: &'static str,
    handler: crate::command::Handler,
) -> Command {
    Command {
        name,
        arity: -3,
        flags,
        acl: acl::SCRIPTING,
        key_specs: specs,
        group: "scripting",
        since,
        summary,
        complexity: "Depends on the script that is executed.",
        traits: crate::command::traits::SCRIPT,
        handler: Some(handler),
        ..BASE
    }
}

const SCRIPT_SUB: u32 = flags::NOSCRIPT;

pub const COMMANDS: &[Command] = &[
    eval_cmd(
        "eval",
        EVAL_FLAGS,
        RW,
        "2.6.0",
        "Executes a server-side Lua script.",
        eval,
    ),
    eval_cmd(
        "evalsha",
        EVAL_FLAGS,
        RW_SHA,
        "2.6.0",
        "Executes a server-side Lua script by SHA1 digest.",
        evalsha,
    ),
    eval_cmd(
        "eval_ro",
        EVAL_FLAGS | flags::READONLY,
        RO,
        "7.0.0",
        "Executes a read-only server-side Lua script.",
        eval_ro,
    ),
    eval_cmd(
        "evalsha_ro",
        EVAL_FLAGS | flags::READONLY,
        RO_SHA,
        "7.0.0",
        "Executes a read-only server-side Lua script by SHA1 digest.",
        evalsha_ro,
    ),
    Command {
        name: "script",
        arity: -2,
        group: "scripting",
        since: "2.6.0",
        summary: "A container for Lua scripts management commands.",
        complexity: "Depends on subcommand.",
        subcommands: &[
            Command {
                name: "script|load",
                arity: 3,
                flags: SCRIPT_SUB | flags::STALE,
                acl: acl::SCRIPTING,
                tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
                group: "scripting",
                since: "2.6.0",
                summary: "Loads a server-side Lua script to the script cache.",
                complexity: "O(N) with N being the length in bytes of the script body.",
                handler: Some(load),
                ..BASE
            },
            Command {
                name: "script|flush",
                arity: -2,
                flags: SCRIPT_SUB,
                acl: acl::SCRIPTING,
                tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
                group: "scripting",
                since: "2.6.0",
                summary: "Removes all server-side Lua scripts from the script cache.",
                complexity: "O(N) with N being the number of scripts in cache",
                handler: Some(flush),
                ..BASE
            },
            Command {
                name: "script|kill",
                arity: 2,
                flags: SCRIPT_SUB | flags::ALLOW_BUSY,
                acl: acl::SCRIPTING,
                tips: &["request_policy:all_shards", "response_policy:one_succeeded"],
                group: "scripting",
                since: "2.6.0",
                summary: "Terminates a server-side Lua script during execution.",
                complexity: "O(1)",
                handler: Some(kill),
                ..BASE
            },
            Command {
                name: "script|exists",
                arity: -3,
                flags: SCRIPT_SUB,
                acl: acl::SCRIPTING,
                tips: &[
                    "request_policy:all_shards",
                    "response_policy:agg_logical_and",
                ],
                group: "scripting",
                since: "2.6.0",
                summary: "Determines whether server-side Lua scripts exist in the script cache.",
                complexity: "O(N) with N being the number of scripts to check (so checking a \
                             single script is an O(1) operation).",
                handler: Some(exists),
                ..BASE
            },
            Command {
                name: "script|help",
                arity: 2,
                flags: flags::LOADING | flags::STALE,
                acl: acl::SCRIPTING,
                group: "scripting",
                since: "5.0.0",
                summary: "Returns helpful text about the different subcommands.",
                complexity: "O(1)",
                handler: Some(help),
                ..BASE
            },
        ],
        ..BASE
    },
];

/// Splits `<numkeys> key... arg...` at argument 2, with Redis's errors.
pub fn split_keys(a: &[Bytes]) -> Result<(&[Bytes], &[Bytes]), Reply> {
    let n = crate::util::num::string2ll(&a[2]).ok_or_else(crate::errors::not_integer)?;
    if n < 0 {
        return Err(Reply::err("ERR Number of keys can't be negative"));
    }
    if n as u64 > (a.len() - 3) as u64 {
        return Err(Reply::err(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    let n = n as usize;
    Ok((&a[3..3 + n], &a[3 + n..]))
}

fn eval(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    eval_generic(ctx, a, false, false)
}

fn evalsha(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    eval_generic(ctx, a, true, false)
}

fn eval_ro(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    eval_generic(ctx, a, false, true)
}

fn evalsha_ro(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    eval_generic(ctx, a, true, true)
}

const NOSCRIPT: &str = "NOSCRIPT No matching script. Please use EVAL.";

fn eval_generic(ctx: &mut Ctx, a: &[Bytes], by_sha: bool, readonly: bool) -> Reply {
    if by_sha && a[1].len() != 40 {
        return Reply::err(NOSCRIPT);
    }
    let (keys, args) = match split_keys(a) {
        Ok(split) => split,
        Err(e) => return e,
    };
    let sha = if by_sha {
        String::from_utf8_lossy(&a[1]).to_ascii_lowercase()
    } else {
        match ctx.eng.scripting.load_script(&a[1]) {
            Ok(sha) => sha,
            Err(e) => return e,
        }
    };
    let call = Call {
        client: ctx.client_id,
        now_ms: ctx.now_ms,
        function: None,
        readonly,
        eval: true,
        name: &sha,
        keys,
        args,
    };
    run_with_effects(ctx, |eng| script::run_script(eng, &sha, &call))
}

/// Runs a script or function so that its effects are the writes it made (the command's own
/// argv is not one), wrapped in MULTI/EXEC when there are several, as Redis 7.0 propagates.
pub fn run_with_effects(
    ctx: &mut Ctx,
    f: impl FnOnce(&mut crate::engine::Engine) -> Reply,
) -> Reply {
    ctx.rewritten = Some(Vec::new());
    let mark = ctx.eng.effects.as_ref().map(|e| e.len());
    let reply = f(ctx.eng);
    if !ctx.eng.tx.in_exec {
        crate::cmd::transactions::wrap_effects(ctx.eng, mark);
    }
    reply
}

fn load(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match ctx.eng.scripting.load_script(&a[2]) {
        Ok(sha) => Reply::Bulk(Bytes::from(sha)),
        Err(e) => e,
    }
}

fn flush(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() > 3
        || (a.len() == 3
            && !a[2].eq_ignore_ascii_case(b"sync")
            && !a[2].eq_ignore_ascii_case(b"async"))
    {
        return Reply::err("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    }
    ctx.eng.scripting.flush();
    Reply::ok()
}

/// Reached only when no script runs (a running one holds the engine; the I/O shell answers
/// SCRIPT KILL then through the busy gate).
fn kill(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::err(replies::NOTBUSY)
}

fn exists(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    Reply::Array(
        a[2..]
            .iter()
            .map(|sha| {
                let sha = String::from_utf8_lossy(sha).to_ascii_lowercase();
                Reply::Int(ctx.eng.scripting.scripts.contains_key(&sha) as i64)
            })
            .collect(),
    )
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    crate::args::help_reply(
        "SCRIPT",
        &[
            "EXISTS <sha1> [<sha1> ...]",
            "    For each digest, 1 if that script is cached, else 0.",
            "FLUSH [ASYNC|SYNC]",
            "    Forget every cached script.",
            "KILL",
            "    Stop the script running now, if it has not written anything yet.",
            "LOAD <script>",
            "    Compile and cache a script without running it; reply with its digest.",
        ],
    )
}
