//! Connection commands: PING ECHO QUIT RESET HELLO SELECT.

use crate::args;
use crate::command::{acl, flags, Command, BASE};
use crate::ctx::Ctx;
use crate::errors;
use bytes::Bytes;
use resp::{Proto, Reply};

pub const COMMANDS: &[Command] = &[
    Command {
        name: "ping",
        arity: -1,
        flags: flags::FAST,
        acl: acl::CONNECTION,
        group: "connection",
        summary: "Returns the server's liveliness response.",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: Some(ping),
        ..BASE
    },
    Command {
        name: "echo",
        arity: 2,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        acl: acl::CONNECTION,
        group: "connection",
        summary: "Returns the given string.",
        complexity: "O(1)",
        handler: Some(echo),
        ..BASE
    },
    Command {
        name: "quit",
        arity: -1,
        flags: flags::ALLOW_BUSY
            | flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH,
        acl: acl::CONNECTION,
        group: "connection",
        summary: "Closes the connection.",
        complexity: "O(1)",
        traits: crate::command::traits::TX_DIRECT,
        handler: Some(quit),
        ..BASE
    },
    Command {
        name: "reset",
        arity: 1,
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        acl: acl::CONNECTION,
        group: "connection",
        since: "6.2.0",
        summary: "Resets the connection.",
        complexity: "O(1)",
        traits: crate::command::traits::TX_DIRECT,
        handler: Some(reset),
        ..BASE
    },
    Command {
        name: "hello",
        arity: -1,
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        acl: acl::CONNECTION,
        group: "connection",
        since: "6.0.0",
        summary: "Handshakes with the Redis server.",
        complexity: "O(1)",
        handler: Some(hello),
        ..BASE
    },
    Command {
        name: "select",
        arity: 2,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        acl: acl::CONNECTION,
        group: "connection",
        summary: "Changes the selected database.",
        complexity: "O(1)",
        handler: Some(select),
        ..BASE
    },
];

fn ping(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    // A RESP2 subscriber gets PING's answer in message shape: ["pong", <arg or "">].
    if a.len() <= 2
        && ctx.session().proto == Proto::Resp2
        && ctx.eng.pubsub.is_subscriber(ctx.client_id)
    {
        let arg = a.get(1).cloned().unwrap_or_default();
        return Reply::Array(vec![
            Reply::bulk(Bytes::from_static(b"pong")),
            Reply::Bulk(arg),
        ]);
    }
    match a.len() {
        1 => Reply::simple("PONG"),
        2 => Reply::Bulk(a[1].clone()),
        _ => errors::arity("ping"),
    }
}

fn echo(_ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    Reply::Bulk(a[1].clone())
}

fn quit(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    ctx.close_after_reply = true;
    Reply::ok()
}

fn reset(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    ctx.session_mut().reset();
    ctx.eng.pubsub.forget(ctx.client_id);
    // RESET also leaves MULTI and forgets every WATCH.
    crate::cmd::transactions::discard_transaction(ctx.eng, ctx.client_id);
    ctx.eng.tracking.disable(ctx.client_id);
    ctx.db = 0;
    Reply::simple("RESET")
}

fn select(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let id = match args::int32(&a[1], None) {
        Ok(id) => id,
        Err(e) => return e,
    };
    if id < 0 || id as usize >= ctx.eng.dbs.len() {
        return errors::db_out_of_range();
    }
    ctx.db = id as usize;
    ctx.session_mut().db = id as usize;
    Reply::ok()
}

/// Client names may hold only printable ASCII without spaces.
pub fn validate_client_name(name: &[u8]) -> Result<(), Reply> {
    if name.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(Reply::err(
            "ERR Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    Ok(())
}

/// What a HELLO asks for, once its arguments are checked.
pub struct HelloRequest {
    /// The protocol to switch to (None: keep the current one).
    pub proto: Option<Proto>,
    /// SETNAME's name (an empty one clears it).
    pub name: Option<Bytes>,
}

/// Checks HELLO's arguments with Redis's errors. Pure, so the shell can answer a HELLO by
/// itself while a script holds the engine (Redis lets HELLO through then).
pub fn hello_request(a: &[Bytes]) -> Result<HelloRequest, Reply> {
    let mut next = 1;
    let mut proto = None;
    if a.len() >= 2 {
        let v = args::int_or(
            &a[1],
            "ERR Protocol version is not an integer or out of range",
        )?;
        if !(2..=3).contains(&v) {
            return Err(Reply::err("NOPROTO unsupported protocol version"));
        }
        proto = Some(if v == 3 { Proto::Resp3 } else { Proto::Resp2 });
        next = 2;
    }
    let mut name = None;
    let mut auth = None;
    let mut j = next;
    while j < a.len() {
        let more = a.len() - 1 - j;
        if args::is(&a[j], "auth") && more >= 2 {
            auth = Some((a[j + 1].clone(), a[j + 2].clone()));
            j += 3;
        } else if args::is(&a[j], "setname") && more >= 1 {
            validate_client_name(&a[j + 1])?;
            name = Some(a[j + 1].clone());
            j += 2;
        } else {
            let mut msg = b"ERR Syntax error in HELLO option '".to_vec();
            msg.extend_from_slice(errors::c_str_prefix(&a[j], usize::MAX));
            msg.push(b'\'');
            return Err(Reply::error(msg));
        }
    }
    if let Some((user, _pass)) = auth {
        // Only the default user exists and it has no password, so it accepts any password.
        if &user[..] != b"default" {
            return Err(Reply::err(
                "WRONGPASS invalid username-password pair or user is disabled.",
            ));
        }
    }
    Ok(HelloRequest { proto, name })
}

/// HELLO's reply for client `id` now speaking `proto`.
pub fn hello_reply(id: u64, proto: Proto) -> Reply {
    let b = |s: &'static str| Reply::Bulk(Bytes::from_static(s.as_bytes()));
    let proto = if proto == Proto::Resp3 { 3 } else { 2 };
    Reply::Map(vec![
        (b("server"), b("redis")),
        (b("version"), b(crate::REDIS_VERSION)),
        (b("proto"), Reply::Int(proto)),
        (b("id"), Reply::Int(id as i64)),
        (b("mode"), b("standalone")),
        (b("role"), b("master")),
        (b("modules"), Reply::Array(vec![])),
    ])
}

fn hello(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let request = match hello_request(a) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let session = ctx.session_mut();
    if let Some(n) = request.name {
        session.name = if n.is_empty() { None } else { Some(n) };
    }
    if let Some(p) = request.proto {
        session.proto = p;
    }
    hello_reply(session.id, session.proto)
}
