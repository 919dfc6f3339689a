//! CLIENT: ID INFO LIST KILL GETNAME SETNAME REPLY NO-EVICT UNBLOCK HELP (TRACKING, CACHING,
//! GETREDIR and TRACKINGINFO are in cmd/tracking.rs).
//! (CLIENT NO-TOUCH is Redis 7.2; 7.0.15 answers it as an unknown subcommand, and so do we.)

use crate::args;
use crate::args::help_reply;
use crate::cmd::client_describe::describe;
use crate::command::{acl, flags, Command, BASE};
use crate::ctx::Ctx;
use crate::engine::Action;
use crate::errors;
use crate::session::ReplyMode;
use bytes::Bytes;
use resp::Reply;

const CONN: u32 = flags::NOSCRIPT | flags::LOADING | flags::STALE;

const fn sub(
    name: &'static str,
    arity: i32,
    fl: u32,
    summary: &'static str,
    handler: crate::command::Handler,
) -> Command {
    Command {
        name,
        arity,
        flags: fl,
        acl: acl::CONNECTION,
        group: "connection",
        since: "2.4.0",
        summary,
        complexity: "O(1)",
        traits: crate::command::traits::KEEPS_CACHING,
        handler: Some(handler),
        ..BASE
    }
}

pub const COMMANDS: &[Command] = &[Command {
    name: "client",
    arity: -2,
    traits: crate::command::traits::KEEPS_CACHING,
    group: "connection",
    since: "2.4.0",
    summary: "A container for client connection commands.",
    complexity: "Depends on subcommand.",
    subcommands: &[
        sub(
            "client|id",
            2,
            CONN,
            "Returns the unique client ID of the connection.",
            id,
        ),
        Command {
            tips: &["nondeterministic_output"],
            ..sub(
                "client|info",
                2,
                CONN,
                "Returns information about the connection.",
                info,
            )
        },
        Command {
            tips: &["nondeterministic_output"],
            ..sub(
                "client|list",
                -2,
                flags::ADMIN | CONN,
                "Lists open connections.",
                list,
            )
        },
        sub(
            "client|kill",
            -3,
            flags::ADMIN | CONN,
            "Terminates open connections.",
            kill,
        ),
        sub(
            "client|getname",
            2,
            CONN,
            "Returns the name of the connection.",
            getname,
        ),
        sub(
            "client|setname",
            3,
            CONN,
            "Sets the connection name.",
            setname,
        ),
        sub(
            "client|reply",
            3,
            CONN,
            "Instructs the server whether to reply to commands.",
            reply,
        ),
        sub(
            "client|no-evict",
            3,
            flags::ADMIN | CONN,
            "Sets the client eviction mode of the connection.",
            no_evict,
        ),
        Command {
            since: "5.0.0",
            complexity: "O(log N) where N is the number of client connections",
            ..sub(
                "client|unblock",
                -3,
                flags::ADMIN | CONN,
                "Unblocks a client blocked by a blocking command from a different connection.",
                unblock,
            )
        },
        crate::cmd::tracking::TRACKING,
        crate::cmd::tracking::CACHING,
        crate::cmd::tracking::GETREDIR,
        crate::cmd::tracking::TRACKINGINFO,
        sub(
            "client|help",
            2,
            flags::LOADING | flags::STALE,
            "Returns helpful text about the different subcommands.",
            help,
        ),
    ],
    ..BASE
}];

fn id(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::Int(ctx.client_id as i64)
}

/// `TYPE` of CLIENT LIST / CLIENT KILL: the class a client must be in (no masters or
/// replicas exist here, so those types match nobody).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Pubsub,
    Nobody,
}

fn client_type(val: &[u8]) -> Result<ClientType, Reply> {
    if args::is(val, "normal") {
        Ok(ClientType::Normal)
    } else if args::is(val, "pubsub") {
        Ok(ClientType::Pubsub)
    } else if args::is(val, "master") || args::is(val, "replica") || args::is(val, "slave") {
        Ok(ClientType::Nobody)
    } else {
        let mut msg = b"ERR Unknown client type '".to_vec();
        msg.extend_from_slice(val);
        msg.push(b'\'');
        Err(Reply::error(msg))
    }
}

/// True when the client is of type `ty` (a subscriber is of class pubsub, as in Redis).
fn is_type(ctx: &Ctx, id: u64, ty: Option<ClientType>) -> bool {
    let sub = ctx.eng.pubsub.is_subscriber(id);
    match ty {
        None => true,
        Some(ClientType::Normal) => !sub,
        Some(ClientType::Pubsub) => sub,
        Some(ClientType::Nobody) => false,
    }
}

fn info(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut line = describe(ctx, ctx.session(), a);
    line.push('\n');
    Reply::Verbatim(*b"txt", Bytes::from(line))
}

fn list(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut ids: Option<Vec<u64>> = None;
    let mut ty = None;
    let mut i = 2;
    while i < a.len() {
        if args::is(&a[i], "type") && i + 1 < a.len() {
            match client_type(&a[i + 1]) {
                Ok(t) => ty = Some(t),
                Err(e) => return e,
            }
            i += 2;
        } else if args::is(&a[i], "id") && i + 1 < a.len() {
            let mut wanted = Vec::new();
            for arg in &a[i + 1..] {
                match args::int(arg) {
                    // Ids below 1 parse but match nobody.
                    Ok(n) => wanted.push(n.max(0) as u64),
                    _ => return Reply::err("ERR Invalid client ID"),
                }
            }
            ids = Some(match ids {
                Some(prev) => prev.into_iter().filter(|x| wanted.contains(x)).collect(),
                None => wanted,
            });
            i = a.len();
        } else {
            return errors::syntax();
        }
    }
    let mut text = String::new();
    for s in ctx.eng.clients.values() {
        if ids.as_ref().is_some_and(|ids| !ids.contains(&s.id)) || !is_type(ctx, s.id, ty) {
            continue;
        }
        text.push_str(&describe(ctx, s, a));
        text.push('\n');
    }
    Reply::Verbatim(*b"txt", Bytes::from(text))
}

fn getname(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    match &ctx.session().name {
        Some(n) => Reply::Bulk(n.clone()),
        None => Reply::Nil,
    }
}

fn setname(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if let Err(e) = crate::cmd::connection::validate_client_name(&a[2]) {
        return e;
    }
    let name = if a[2].is_empty() {
        None
    } else {
        Some(a[2].clone())
    };
    ctx.session_mut().name = name;
    Reply::ok()
}

fn reply(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mode = if args::is(&a[2], "on") {
        ReplyMode::On
    } else if args::is(&a[2], "off") {
        ReplyMode::Off
    } else if args::is(&a[2], "skip") {
        // This command's own reply is skipped too, then the next one's.
        ReplyMode::Skipping
    } else {
        return errors::syntax();
    };
    let session = ctx.session_mut();
    match mode {
        ReplyMode::Skipping => {
            if session.reply_mode != ReplyMode::Off {
                session.reply_mode = ReplyMode::SkipNext;
            }
        }
        m => session.reply_mode = m,
    }
    Reply::ok()
}

fn unblock(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let id = match args::int(&a[2]) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let as_error = match a.len() {
        3 => false,
        4 if args::is(&a[3], "timeout") => false,
        4 if args::is(&a[3], "error") => true,
        4 => return Reply::err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"),
        _ => return errors::subcommand_syntax(&a[1], "client"),
    };
    let reply = as_error.then(|| Reply::err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
    Reply::Int(ctx.eng.unblock_with(id as u64, reply) as i64)
}

fn no_evict(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let on = if args::is(&a[2], "on") {
        true
    } else if args::is(&a[2], "off") {
        false
    } else {
        return errors::syntax();
    };
    ctx.session_mut().no_evict = on;
    Reply::ok()
}

/// Filters of the new-style `CLIENT KILL <filter> <value> ...`.
#[derive(Default)]
struct KillFilter {
    id: Option<u64>,
    addr: Option<Bytes>,
    laddr: Option<Bytes>,
    user: Option<Bytes>,
    ty: Option<ClientType>,
    skipme: bool,
}

fn kill(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() == 3 {
        // Old form: CLIENT KILL ip:port, OK or an error.
        let target: Vec<u64> = ctx
            .eng
            .clients
            .values()
            .filter(|s| s.addr.as_bytes() == &a[2][..])
            .map(|s| s.id)
            .collect();
        if target.is_empty() {
            return Reply::err("ERR No such client");
        }
        kill_ids(ctx, target);
        return Reply::ok();
    }
    let mut f = KillFilter {
        skipme: true,
        ..Default::default()
    };
    let mut i = 2;
    while i < a.len() {
        if i + 1 >= a.len() {
            return errors::syntax();
        }
        let (opt, val) = (&a[i], &a[i + 1]);
        if args::is(opt, "id") {
            match args::int(val) {
                Ok(n) if n > 0 => f.id = Some(n as u64),
                _ => return Reply::err("ERR client-id should be greater than 0"),
            }
        } else if args::is(opt, "type") {
            match client_type(val) {
                Ok(t) => f.ty = Some(t),
                Err(e) => return e,
            }
        } else if args::is(opt, "addr") {
            f.addr = Some(val.clone());
        } else if args::is(opt, "laddr") {
            f.laddr = Some(val.clone());
        } else if args::is(opt, "user") {
            if &val[..] != b"default" {
                let mut msg = b"ERR No such user '".to_vec();
                msg.extend_from_slice(val);
                msg.push(b'\'');
                return Reply::error(msg);
            }
            f.user = Some(val.clone());
        } else if args::is(opt, "skipme") {
            if args::is(val, "yes") {
                f.skipme = true;
            } else if args::is(val, "no") {
                f.skipme = false;
            } else {
                return errors::syntax();
            }
        } else {
            return errors::syntax();
        }
        i += 2;
    }
    let me = ctx.client_id;
    let target: Vec<u64> = ctx
        .eng
        .clients
        .values()
        .filter(|s| {
            is_type(ctx, s.id, f.ty)
                && f.id.is_none_or(|id| s.id == id)
                && f.addr.as_ref().is_none_or(|x| s.addr.as_bytes() == &x[..])
                && f.laddr
                    .as_ref()
                    .is_none_or(|x| s.laddr.as_bytes() == &x[..])
                && !(f.skipme && s.id == me)
        })
        .map(|s| s.id)
        .collect();
    let n = target.len() as i64;
    kill_ids(ctx, target);
    Reply::Int(n)
}

/// Kills other clients at once; the caller itself, if named, closes only after its reply
/// (Redis's CLOSE_AFTER_REPLY), so it is not signalled like the others.
fn kill_ids(ctx: &mut Ctx, mut ids: Vec<u64>) {
    if let Some(pos) = ids.iter().position(|&id| id == ctx.client_id) {
        ids.remove(pos);
        ctx.close_after_reply = true;
    }
    for id in &ids {
        if let Some(s) = ctx.eng.clients.get_mut(id) {
            s.killed = true;
        }
    }
    if !ids.is_empty() {
        ctx.eng.actions.push(Action::Kill(ids));
    }
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    help_reply(
        "CLIENT",
        &[
            "GETNAME",
            "    Reply with this connection's name, or nil.",
            "ID",
            "    Reply with this connection's numeric id.",
            "INFO",
            "    Describe this connection in CLIENT LIST's format.",
            "KILL <ip:port>",
            "    Close the connection whose peer address is <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Close every connection matching all given filters:",
            "    * ID <client-id>",
            "    * ADDR (<ip:port>|<unixsocket>:0)  peer address",
            "    * LADDR (<ip:port>|<unixsocket>:0)  local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "    * USER <username>",
            "    * SKIPME (YES|NO)  whether to spare this connection (default: yes)",
            "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> ...]",
            "    Describe the open connections, one line each.",
            "REPLY (ON|OFF|SKIP)",
            "    Turn replies to this connection on or off, or skip the next one.",
            "SETNAME <name>",
            "    Name this connection (an empty name clears it).",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    End another client's blocking command early, as a timeout or with an error.",
            "NO-EVICT (ON|OFF)",
            "    Exempt this connection from client eviction.",
        ],
    )
}
