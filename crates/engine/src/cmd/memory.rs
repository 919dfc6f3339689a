//! MEMORY USAGE and MEMORY HELP. The other MEMORY subcommands (DOCTOR, STATS, MALLOC-STATS,
//! PURGE) are not built: they answer Redis's unknown-subcommand error.

use crate::args;
use crate::args::help_reply;
use crate::command::{ks, Command, BASE};
use crate::ctx::Ctx;
use crate::errors;
use crate::key::Key;
use bytes::Bytes;
use resp::Reply;

pub const COMMANDS: &[Command] = &[Command {
    name: "memory",
    arity: -2,
    group: "server",
    since: "4.0.0",
    summary: "A container for memory diagnostics commands",
    complexity: "Depends on subcommand.",
    subcommands: &[
        Command {
            name: "memory|usage",
            arity: -3,
            flags: crate::command::flags::READONLY,
            first_key: 2,
            last_key: 2,
            key_step: 1,
            key_specs: &[ks::one(2, ks::RO)],
            group: "server",
            since: "4.0.0",
            summary: "Estimate the memory usage of a key",
            complexity: "O(N) where N is the number of samples.",
            handler: Some(usage),
            ..BASE
        },
        Command {
            name: "memory|help",
            arity: 2,
            flags: crate::command::flags::LOADING | crate::command::flags::STALE,
            group: "server",
            since: "4.0.0",
            summary: "Show helpful text about the different subcommands",
            complexity: "O(1)",
            handler: Some(help),
            ..BASE
        },
    ],
    ..BASE
}];

/// MEMORY USAGE key [SAMPLES count]: this implementation's bytes for the key (crate::value::
/// memory), nil when missing. Like Redis it looks the key up without expiring it.
fn usage(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut samples: usize = 5;
    let mut i = 3;
    while i < a.len() {
        if !args::is(&a[i], "samples") || i + 1 >= a.len() {
            return errors::syntax();
        }
        match args::int(&a[i + 1]) {
            Err(e) => return e,
            Ok(n) if n < 0 => return errors::syntax(),
            Ok(0) => samples = 0,
            Ok(n) => samples = usize::try_from(n).unwrap_or(usize::MAX),
        }
        i += 2;
    }
    let db = ctx.db();
    let has_ttl = db.expire_at(&a[2]).is_some();
    match db.get(&a[2]) {
        None => Reply::Nil,
        Some(entry) => {
            let key = Key::from(&a[2][..]);
            let bytes = crate::value::memory::key_usage(&key, &entry.value, has_ttl, samples);
            Reply::Int(bytes as i64)
        }
    }
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    help_reply(
        "MEMORY",
        &[
            "USAGE <key> [SAMPLES <count>]",
            "    Bytes the key and its value take; collections are measured on <count>",
            "    elements and scaled (default: 5, 0 means all of them).",
        ],
    )
}
