//! CONFIG GET / SET / RESETSTAT / HELP.

use crate::command::{flags, Command, BASE};
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
            name: "config|rewrite",
            arity: 2,
            flags: CONFIG_FLAGS,
            group: "server",
            since: "2.8.0",
            summary: "Rewrite the configuration file with the in memory configuration",
            complexity: "O(1)",
            handler: Some(rewrite),
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
    let args: Vec<&[u8]> = a[2..].iter().map(|p| p.as_ref()).collect();
    Reply::Map(
        ctx.eng
            .config
            .config_get(&args)
            .into_iter()
            .map(|(name, value)| {
                (
                    Reply::Bulk(Bytes::from(name)),
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
    let pairs: Vec<(&[u8], &[u8])> = a[2..].chunks(2).map(|c| (&c[0][..], &c[1][..])).collect();
    let before = ctx.eng.config.clone();
    let applied = match ctx.eng.config.set_many(&pairs) {
        Ok(applied) => applied,
        Err(e) => return Reply::error(e.0),
    };
    // Moving the listeners is the one change that can fail after every value was accepted
    // (Redis's "apply" step): then everything is restored.
    if let Some(name) = applied.rebind {
        let config = &ctx.eng.config;
        if let Err(why) = ctx.eng.host.rebind(&config.bind(), config.port) {
            ctx.eng.config = before;
            let what = if name == "port" {
                "Unable to listen on this port. Check server logs."
            } else {
                "Failed to bind to specified addresses."
            };
            ctx.eng.actions.push(crate::engine::Action::Log {
                level: 3,
                message: format!("Failed to move the listeners: {why}").into_bytes(),
            });
            return Reply::error(format!(
                "ERR CONFIG SET failed (possibly related to argument '{name}') - {what}"
            ));
        }
    }
    ctx.eng.config_generation += 1;
    Reply::ok()
}

/// Writes the current configuration into the file the server was started with.
fn rewrite(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    if ctx.eng.host.config_file().is_empty() {
        return Reply::err("ERR The server is running without a config file");
    }
    let config = &ctx.eng.config;
    match ctx
        .eng
        .host
        .rewrite_config(&|old| crate::config::rewrite::render(old, config))
    {
        Ok(()) => {
            ctx.eng.actions.push(crate::engine::Action::Log {
                level: 3,
                message: b"CONFIG REWRITE executed with success.".to_vec(),
            });
            Reply::ok()
        }
        Err(why) => Reply::error(format!("ERR Rewriting config file: {why}")),
    }
}

fn resetstat(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    ctx.eng.stats = Stats::default();
    ctx.eng.cmdstats = Default::default();
    Reply::ok()
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    crate::args::help_reply(
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    Reply with each parameter matching a glob pattern, and its value.",
            "SET <parameter> <value> [<parameter> <value> ...]",
            "    Change parameters at run time; all of them or none.",
            "RESETSTAT",
            "    Zero the counters INFO reports.",
            "REWRITE",
            "    Write the current configuration into the config file.",
        ],
    )
}
