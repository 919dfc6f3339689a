//! CONFIG GET / SET / RESETSTAT / HELP.

use crate::command::{flags, Command, BASE};
use crate::config::ConfigError;
use crate::ctx::Ctx;
use crate::engine::Stats;
use bytes::Bytes;
use resp::Reply;

const CONFIG_FLAGS: u32 = flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE;

pub const COMMANDS: &[Command] = &[Command {
    name: "config",
    arity: -2,
    group: "server",
    since: "2.0.0",
    summary: "A container for server configuration commands.",
    complexity: "Depends on subcommand.",
    subcommands: &[
        Command {
            name: "config|get",
            arity: -3,
            flags: CONFIG_FLAGS,
            group: "server",
            since: "2.0.0",
            summary: "Returns the effective values of configuration parameters.",
            complexity: "O(N) when N is the number of configuration parameters provided",
            handler: Some(get),
            ..BASE
        },
        Command {
            name: "config|set",
            arity: -4,
            flags: CONFIG_FLAGS,
            group: "server",
            since: "2.0.0",
            summary: "Sets configuration parameters in-flight.",
            complexity: "O(N) when N is the number of configuration parameters provided",
            tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
            handler: Some(set),
            ..BASE
        },
        Command {
            name: "config|resetstat",
            arity: 2,
            flags: CONFIG_FLAGS,
            group: "server",
            since: "2.0.0",
            summary: "Resets the server's statistics.",
            complexity: "O(1)",
            handler: Some(resetstat),
            ..BASE
        },
        Command {
            name: "config|help",
            arity: 2,
            flags: flags::LOADING | flags::STALE,
            group: "server",
            since: "5.0.0",
            summary: "Returns helpful text about the different subcommands.",
            complexity: "O(1)",
            handler: Some(help),
            ..BASE
        },
    ],
    ..BASE
}];

fn get(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let patterns: Vec<&[u8]> = a[2..].iter().map(|p| p.as_ref()).collect();
    let pairs = ctx.eng.config.matching(&patterns);
    Reply::Map(
        pairs
            .into_iter()
            .map(|(name, value)| {
                (
                    Reply::Bulk(Bytes::from_static(name.as_bytes())),
                    Reply::Bulk(Bytes::from(value)),
                )
            })
            .collect(),
    )
}

fn set(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if !a.len().is_multiple_of(2) {
        return crate::errors::syntax();
    }
    let pairs: Vec<(String, String)> = a[2..]
        .chunks(2)
        .map(|c| {
            (
                String::from_utf8_lossy(&c[0]).to_ascii_lowercase(),
                String::from_utf8_lossy(&c[1]).into_owned(),
            )
        })
        .collect();
    let failed = |name: &str, why: String| {
        Reply::error(format!(
            "ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
        ))
    };
    for (i, (name, _)) in pairs.iter().enumerate() {
        if ctx.eng.config.get(name).is_none() {
            return Reply::error(format!(
                "ERR Unknown option or number of arguments for CONFIG SET - '{name}'"
            ));
        }
        if pairs[..i].iter().any(|(n, _)| n == name) {
            return failed(name, "duplicate parameter".into());
        }
    }
    let before = ctx.eng.config.snapshot();
    for (name, value) in &pairs {
        if let Err(e) = ctx.eng.config.set(name, value, false) {
            ctx.eng.config = before;
            return match e {
                ConfigError::Unknown => Reply::error(format!(
                    "ERR Unknown option or number of arguments for CONFIG SET - '{name}'"
                )),
                other => failed(name, other.to_string()),
            };
        }
    }
    ctx.eng.config_generation += 1;
    Reply::ok()
}

fn resetstat(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    ctx.eng.stats = Stats::default();
    Reply::ok()
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    help_reply(
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    Reply with each parameter matching a glob pattern, and its value.",
            "SET <parameter> <value> [<parameter> <value> ...]",
            "    Change parameters at run time; all of them or none.",
            "RESETSTAT",
            "    Zero the counters INFO reports.",
        ],
    )
}

/// The reply of a `<CMD> HELP` subcommand: a header line, the entries, then the `HELP` entry
/// every container ends with.
pub fn help_reply(container: &str, lines: &[&str]) -> Reply {
    let mut out = vec![Reply::Simple(Bytes::from(format!(
        "{container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    )))];
    let tail = ["HELP", "    Show this list."];
    out.extend(
        lines
            .iter()
            .chain(tail.iter())
            .map(|l| Reply::Simple(Bytes::copy_from_slice(l.as_bytes()))),
    );
    Reply::Array(out)
}
