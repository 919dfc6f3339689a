//! FCALL, FCALL_RO and FUNCTION (LOAD DELETE FLUSH LIST STATS DUMP RESTORE KILL HELP); the
//! library registry and loading live in `crate::script::functions`.

use super::scripting::{numkeys_spec, run_with_effects, split_keys, RO_NOTE, RW_NOTE};
use crate::command::{acl, flags, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::script::functions::{dump, undump, OnCollision};
use crate::script::{self, busy::replies, Call};
use crate::util::glob::glob_match;
use bytes::Bytes;
use resp::Reply;

const FCALL_FLAGS: u32 = flags::NOSCRIPT
    | flags::STALE
    | flags::SKIP_MONITOR
    | flags::NO_MANDATORY_KEYS
    | flags::MOVABLE_KEYS;
const RW: &[KeySpec] = &[numkeys_spec(RW_NOTE, &["RW", "access", "update"])];
const RO: &[KeySpec] = &[numkeys_spec(RO_NOTE, &["RO", "access"])];
const ALL_SUCCEEDED: &[&str] = &["request_policy:all_shards", "response_policy:all_succeeded"];

const fn sub(
    name: &'static str,
    arity: i32,
    flags: u32,
    tips: &'static [&'static str],
    summary: &'static str,
    complexity: &'static str,
    handler: crate::command::Handler,
) -> Command {
    Command {
        name,
        arity,
        flags,
        acl: acl::SCRIPTING,
        tips,
        group: "scripting",
        since: "7.0.0",
        summary,
        complexity,
        handler: Some(handler),
        ..BASE
    }
}

pub const COMMANDS: &[Command] = &[
    Command {
        name: "fcall",
        arity: -3,
        flags: FCALL_FLAGS,
        acl: acl::SCRIPTING,
        key_specs: RW,
        group: "scripting",
        since: "7.0.0",
        summary: "Invokes a function.",
        complexity: "Depends on the function that is executed.",
        traits: crate::command::traits::SCRIPT,
        handler: Some(fcall),
        ..BASE
    },
    Command {
        name: "fcall_ro",
        arity: -3,
        flags: FCALL_FLAGS | flags::READONLY,
        acl: acl::SCRIPTING,
        key_specs: RO,
        group: "scripting",
        since: "7.0.0",
        summary: "Invokes a read-only function.",
        complexity: "Depends on the function that is executed.",
        traits: crate::command::traits::SCRIPT,
        handler: Some(fcall_ro),
        ..BASE
    },
    Command {
        name: "function",
        arity: -2,
        group: "scripting",
        since: "7.0.0",
        summary: "A container for function commands.",
        complexity: "Depends on subcommand.",
        subcommands: &[
            sub(
                "function|load",
                -3,
                flags::WRITE | flags::DENYOOM | flags::NOSCRIPT,
                ALL_SUCCEEDED,
                "Creates a library.",
                "O(1) (considering compilation time is redundant)",
                load,
            ),
            sub(
                "function|delete",
                3,
                flags::WRITE | flags::NOSCRIPT,
                ALL_SUCCEEDED,
                "Deletes a library and its functions.",
                "O(1)",
                delete,
            ),
            sub(
                "function|flush",
                -2,
                flags::WRITE | flags::NOSCRIPT,
                ALL_SUCCEEDED,
                "Deletes all libraries and functions.",
                "O(N) where N is the number of functions deleted",
                flush,
            ),
            sub(
                "function|list",
                -2,
                flags::NOSCRIPT,
                &["nondeterministic_output_order"],
                "Returns information about all libraries.",
                "O(N) where N is the number of functions",
                list,
            ),
            sub(
                "function|stats",
                2,
                flags::NOSCRIPT | flags::ALLOW_BUSY,
                &[
                    "nondeterministic_output",
                    "request_policy:all_shards",
                    "response_policy:special",
                ],
                "Returns information about a function during execution.",
                "O(1)",
                stats,
            ),
            sub(
                "function|dump",
                2,
                flags::NOSCRIPT,
                &[],
                "Dumps all libraries into a serialized binary payload.",
                "O(N) where N is the number of functions",
                dump_cmd,
            ),
            sub(
                "function|restore",
                -3,
                flags::WRITE | flags::DENYOOM | flags::NOSCRIPT,
                ALL_SUCCEEDED,
                "Restores all libraries from a payload.",
                "O(N) where N is the number of functions on the payload",
                restore,
            ),
            sub(
                "function|kill",
                2,
                flags::NOSCRIPT | flags::ALLOW_BUSY,
                &["request_policy:all_shards", "response_policy:one_succeeded"],
                "Terminates a function during execution.",
                "O(1)",
                kill,
            ),
            sub(
                "function|help",
                2,
                flags::LOADING | flags::STALE,
                &[],
                "Returns helpful text about the different subcommands.",
                "O(1)",
                help,
            ),
        ],
        ..BASE
    },
];

fn fcall(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    fcall_generic(ctx, a, false)
}

fn fcall_ro(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    fcall_generic(ctx, a, true)
}

fn fcall_generic(ctx: &mut Ctx, a: &[Bytes], ro_command: bool) -> Reply {
    let Some(def) = ctx.eng.scripting.functions.find(&a[1]).cloned() else {
        return Reply::err("ERR Function not found");
    };
    if crate::util::num::string2ll(&a[2]).is_none() {
        return Reply::err("ERR Bad number of keys provided");
    }
    let (keys, args) = match split_keys(a) {
        Ok(split) => split,
        Err(e) => return e,
    };
    if ro_command && !def.no_writes() {
        return Reply::err("ERR Can not execute a script with write flag using *_ro command.");
    }
    let functions = &ctx.eng.scripting.functions;
    let info = crate::script::busy::RunningFunction {
        name: def.name.clone(),
        argv: a.to_vec(),
        libraries: functions.libraries.len(),
        functions: functions.function_count(),
    };
    let call = Call {
        client: ctx.client_id,
        now_ms: ctx.now_ms,
        function: Some(info),
        readonly: ro_command || def.no_writes(),
        eval: false,
        name: &def.name,
        keys,
        args,
    };
    run_with_effects(ctx, |eng| script::run(eng, true, &def.func, &call))
}

fn load(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    // Every argument before the code is an option; REPLACE is the only one (and may repeat).
    let mut replace = false;
    for opt in &a[2..a.len() - 1] {
        if !opt.eq_ignore_ascii_case(b"replace") {
            let mut msg = b"ERR Unknown option given: ".to_vec();
            msg.extend_from_slice(opt);
            return Reply::error(msg);
        }
        replace = true;
    }
    let loaded = ctx.eng.scripting.load_library(&a[a.len() - 1], replace);
    let logs = ctx.eng.scripting.take_load_logs();
    crate::script::redis_api::emit_logs(ctx.eng, logs);
    let name = match loaded {
        Ok(name) => name,
        Err(e) => return e,
    };
    ctx.add_dirty(1);
    Reply::Bulk(Bytes::from(name))
}

fn delete(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let name = String::from_utf8_lossy(&a[2]).into_owned();
    if ctx
        .eng
        .scripting
        .functions
        .libraries
        .remove(&name)
        .is_none()
    {
        return Reply::err("ERR Library not found");
    }
    ctx.add_dirty(1);
    Reply::ok()
}

fn flush(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() > 3 {
        return crate::errors::subcommand_syntax(&a[1], "function");
    }
    if a.len() == 3 && !a[2].eq_ignore_ascii_case(b"sync") && !a[2].eq_ignore_ascii_case(b"async") {
        return Reply::err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
    ctx.eng.scripting.functions.flush();
    ctx.add_dirty(1);
    Reply::ok()
}

fn list(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (mut pattern, mut with_code) = (None, false);
    let mut i = 2;
    while i < a.len() {
        if a[i].eq_ignore_ascii_case(b"withcode") && !with_code {
            with_code = true;
        } else if a[i].eq_ignore_ascii_case(b"libraryname") && pattern.is_none() {
            let Some(p) = a.get(i + 1) else {
                return Reply::err("ERR library name argument was not given");
            };
            pattern = Some(p.clone());
            i += 1;
        } else {
            return Reply::error(format!(
                "ERR Unknown argument {}",
                String::from_utf8_lossy(&a[i])
            ));
        }
        i += 1;
    }
    let bulk = |s: &str| Reply::Bulk(Bytes::copy_from_slice(s.as_bytes()));
    let libs = ctx.eng.scripting.functions.libraries.values();
    let libs = libs.filter(|l| {
        pattern
            .as_ref()
            .is_none_or(|p| glob_match(p, l.name.as_bytes(), false))
    });
    Reply::Array(
        libs.map(|lib| {
            let functions = lib
                .functions
                .values()
                .map(|f| {
                    Reply::Map(vec![
                        (bulk("name"), bulk(&f.name)),
                        (
                            bulk("description"),
                            f.description.clone().map_or(Reply::Nil, Reply::Bulk),
                        ),
                        (
                            bulk("flags"),
                            Reply::Set(
                                f.flags
                                    .iter()
                                    .map(|fl| Reply::Simple(Bytes::from_static(fl.as_bytes())))
                                    .collect(),
                            ),
                        ),
                    ])
                })
                .collect();
            let mut fields = vec![
                (bulk("library_name"), bulk(&lib.name)),
                (bulk("engine"), bulk("LUA")),
                (bulk("functions"), Reply::Array(functions)),
            ];
            if with_code {
                fields.push((bulk("library_code"), Reply::Bulk(lib.code.clone())));
            }
            Reply::Map(fields)
        })
        .collect(),
    )
}

/// Reached only when nothing runs (the I/O shell answers while a script is busy).
fn stats(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    let bulk = |s: &'static str| Reply::Bulk(Bytes::from_static(s.as_bytes()));
    let f = &ctx.eng.scripting.functions;
    Reply::Map(vec![
        (bulk("running_script"), Reply::Nil),
        (
            bulk("engines"),
            Reply::Map(vec![(
                bulk("LUA"),
                Reply::Map(vec![
                    (
                        bulk("libraries_count"),
                        Reply::Int(f.libraries.len() as i64),
                    ),
                    (
                        bulk("functions_count"),
                        Reply::Int(f.function_count() as i64),
                    ),
                ]),
            )]),
        ),
    ])
}

fn dump_cmd(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::Bulk(dump(&ctx.eng.scripting.functions))
}

fn restore(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() > 4 {
        return crate::errors::subcommand_syntax(&a[1], "function");
    }
    let policy =
        match a.get(3) {
            None => "append",
            Some(p) if a.len() == 4 && p.eq_ignore_ascii_case(b"append") => "append",
            Some(p) if a.len() == 4 && p.eq_ignore_ascii_case(b"replace") => "replace",
            Some(p) if a.len() == 4 && p.eq_ignore_ascii_case(b"flush") => "flush",
            Some(_) => return Reply::err(
                "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
            ),
        };
    let codes = match undump(&a[2]) {
        Ok(codes) => codes,
        Err(e) => return e,
    };
    let mut libs = Vec::new();
    for code in &codes {
        let compiled = ctx.eng.scripting.compile_library(code);
        let logs = ctx.eng.scripting.take_load_logs();
        crate::script::redis_api::emit_logs(ctx.eng, logs);
        match compiled {
            Ok(lib) => libs.push(lib),
            Err(e) => return e,
        }
    }
    let scripting = &mut ctx.eng.scripting;
    let mode = match policy {
        "append" => OnCollision::Fail,
        _ => OnCollision::Replace,
    };
    if policy == "flush" {
        scripting.functions.libraries.clear();
    }
    if let Err(e) = scripting.install_libraries(libs, mode, true) {
        return e;
    }
    ctx.add_dirty(1);
    Reply::ok()
}

/// Reached only when nothing runs (a running function holds the engine; the I/O shell answers
/// FUNCTION KILL then through the busy gate).
fn kill(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::err(replies::NOTBUSY)
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    crate::args::help_reply(
        "FUNCTION",
        &[
            "LOAD [REPLACE] <FUNCTION CODE>",
            "    Load a library (its first line: #!lua name=<library>); REPLACE overwrites one.",
            "DELETE <LIBRARY NAME>",
            "    Remove a library and every function it registered.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
            "    Describe the loaded libraries, optionally only those matching a pattern.",
            "STATS",
            "    Report the running function, if any, and library and function counts.",
            "KILL",
            "    Stop the running function, if it has not written anything yet.",
            "FLUSH [ASYNC|SYNC]",
            "    Remove every library.",
            "DUMP",
            "    Serialize all libraries into a payload for FUNCTION RESTORE.",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Load the libraries of a payload; the policy says what happens to existing ones",
            "    (default APPEND: fail on a name collision).",
        ],
    )
}
