//! What a connection does on its own while another connection's script holds the engine past
//! `busy-reply-threshold`: Redis's rules for a busy script. Commands flagged `allow-busy`
//! still run (MULTI, DISCARD, WATCH, UNWATCH, HELLO, RESET, QUIT, SCRIPT/FUNCTION KILL,
//! FUNCTION STATS, SHUTDOWN NOSAVE); every other one gets -BUSY, which also dooms an open
//! transaction, and EXEC is answered with EXECABORT. The engine is out of reach meanwhile,
//! so the connection answers from what it knows of its own session (`BusySession`) and
//! keeps the session changes as `Deferred` work, done on the engine before anything else
//! of this client runs there. Kills and SHUTDOWN NOSAVE only raise flags on the engine's busy
//! gate, which the script's instruction hook observes.

use crate::shared::Shared;
use bytes::Bytes;
use engine::cmd::connection::{hello_reply, hello_request};
use engine::command::flags;
use engine::script::busy::{replies, KillOutcome};
use resp::{Proto, Reply};

/// What answering one command during a busy script led to.
pub enum BusyAnswer {
    Continue,
    /// QUIT: +OK, then the connection closes.
    Quit,
    /// SHUTDOWN NOSAVE: the server stops; this connection closes without a reply.
    Shutdown,
}

/// Session work answered while the engine was busy, owed to the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Deferred {
    /// Run this command on the engine, dropping its reply (it was answered already).
    Replay(Vec<Bytes>),
    /// A command was refused inside MULTI: EXEC must fail (Redis's `flagTransaction`).
    FlagTransaction,
    /// A WATCH was answered while a script might still write its keys: the engine cannot
    /// say which keys it wrote after the WATCH, so the transaction is treated as touched.
    WatchMissedWrites,
}

/// What a connection knows of its own session without the engine, and what it owes it.
#[derive(Debug, Default)]
pub struct BusySession {
    pub id: u64,
    /// Its protocol, for replies made while the engine is busy.
    pub proto: Proto,
    /// Inside MULTI, as the engine last said and as busy answers since changed it.
    pub in_multi: bool,
    pub deferred: Vec<Deferred>,
}

impl BusySession {
    pub fn new(id: u64) -> BusySession {
        BusySession {
            id,
            ..Default::default()
        }
    }
}

fn error(out: &mut Vec<u8>, text: &str) {
    out.push(b'-');
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Answers `args` while a script is busy, appending the reply to `out`.
pub fn answer(
    shared: &Shared,
    args: &[Bytes],
    s: &mut BusySession,
    out: &mut Vec<u8>,
) -> BusyAnswer {
    let gate = &shared.gate;
    let busy_text = if gate.is_eval() {
        replies::BUSY_SCRIPT
    } else {
        replies::BUSY_FUNCTION
    };
    // Unknown commands and arity errors come first, as in Redis (the table is static: no
    // lock); like every refusal they doom an open transaction.
    let cmd = match engine::command::lookup::lookup(args) {
        Ok(cmd) => cmd,
        Err(reply) => {
            refuse(s);
            reply.encode(s.proto, out);
            return BusyAnswer::Continue;
        }
    };
    if !cmd.has(flags::ALLOW_BUSY) {
        if cmd.name == "exec" {
            // Redis's execCommandAbort: the transaction (or just the watches) goes.
            let undo = if s.in_multi { "DISCARD" } else { "UNWATCH" };
            s.deferred
                .push(Deferred::Replay(vec![Bytes::from_static(undo.as_bytes())]));
            s.in_multi = false;
            error(
                out,
                &format!("EXECABORT Transaction discarded because of: {busy_text}"),
            );
        } else {
            refuse(s);
            error(out, busy_text);
        }
        return BusyAnswer::Continue;
    }
    let replay = |s: &mut BusySession| s.deferred.push(Deferred::Replay(args.to_vec()));
    let queued_anyway = !matches!(
        cmd.name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    );
    if s.in_multi && queued_anyway {
        // Let through the busy check, then queued as any command inside MULTI.
        replay(s);
        out.extend_from_slice(b"+QUEUED\r\n");
        return BusyAnswer::Continue;
    }
    match cmd.name {
        "quit" => {
            out.extend_from_slice(b"+OK\r\n");
            return BusyAnswer::Quit;
        }
        "script|kill" | "function|kill" => {
            match gate.request_kill(cmd.name == "script|kill") {
                KillOutcome::Killed => out.extend_from_slice(b"+OK\r\n"),
                KillOutcome::NotBusy => error(out, replies::NOTBUSY),
                KillOutcome::Unkillable => error(out, replies::UNKILLABLE),
                // The other kind of KILL is refused like any command (as Redis does).
                KillOutcome::WrongKind => error(out, busy_text),
            }
        }
        "function|stats" if !gate.is_eval() => function_stats(shared).encode(s.proto, out),
        "shutdown" => {
            let has = |word: &[u8]| args[1..].iter().any(|a| a.eq_ignore_ascii_case(word));
            if has(b"nosave") && !has(b"abort") {
                tracing::warn!("User requested shutdown during a busy script...");
                gate.request_shutdown();
                shared.shut_down();
                return BusyAnswer::Shutdown;
            }
            error(out, busy_text);
        }
        "multi" if s.in_multi => error(out, "ERR MULTI calls can not be nested"),
        "multi" => {
            s.in_multi = true;
            replay(s);
            out.extend_from_slice(b"+OK\r\n");
        }
        "discard" if !s.in_multi => error(out, "ERR DISCARD without MULTI"),
        "discard" => {
            s.in_multi = false;
            replay(s);
            out.extend_from_slice(b"+OK\r\n");
        }
        "watch" if s.in_multi => error(out, "ERR WATCH inside MULTI is not allowed"),
        "watch" => {
            replay(s);
            s.deferred.push(Deferred::WatchMissedWrites);
            out.extend_from_slice(b"+OK\r\n");
        }
        "unwatch" => {
            replay(s);
            out.extend_from_slice(b"+OK\r\n");
        }
        "reset" => {
            replay(s);
            s.in_multi = false;
            s.proto = Proto::Resp2;
            out.extend_from_slice(b"+RESET\r\n");
        }
        "hello" => match hello_request(args) {
            Ok(request) => {
                replay(s);
                s.proto = request.proto.unwrap_or(s.proto);
                hello_reply(s.id, s.proto).encode(s.proto, out);
            }
            Err(e) => e.encode(s.proto, out),
        },
        _ => error(out, busy_text),
    }
    BusyAnswer::Continue
}

/// A command refused while busy dooms an open transaction, as in Redis.
fn refuse(s: &mut BusySession) {
    if s.in_multi {
        s.deferred.push(Deferred::FlagTransaction);
    }
}

/// FUNCTION STATS while a function is busy: the function, its command and how long it runs.
fn function_stats(shared: &Shared) -> Reply {
    let bulk = |s: &str| Reply::Bulk(Bytes::copy_from_slice(s.as_bytes()));
    let info = shared.gate.function().unwrap_or_default();
    let running = Reply::Map(vec![
        (bulk("name"), bulk(&info.name)),
        (
            bulk("command"),
            Reply::Array(info.argv.iter().cloned().map(Reply::Bulk).collect()),
        ),
        (
            bulk("duration_ms"),
            Reply::Int(shared.now_ms() - shared.gate.started_ms()),
        ),
    ]);
    Reply::Map(vec![
        (bulk("running_script"), running),
        (
            bulk("engines"),
            Reply::Map(vec![(
                bulk("LUA"),
                Reply::Map(vec![
                    (bulk("libraries_count"), Reply::Int(info.libraries as i64)),
                    (bulk("functions_count"), Reply::Int(info.functions as i64)),
                ]),
            )]),
        ),
    ])
}

/// Does what was answered while the engine was busy: replays the session commands (their
/// replies dropped), dooms the transaction or its watches. Runs before anything else of the
/// client runs on the engine.
pub fn settle(eng: &mut engine::Engine, id: u64, deferred: Vec<Deferred>, now_ms: i64) {
    for d in deferred {
        match d {
            Deferred::Replay(args) => {
                let mut answered = Vec::new();
                eng.execute(id, &args, now_ms, &mut answered);
            }
            Deferred::FlagTransaction => engine::cmd::transactions::flag_transaction(eng, id),
            Deferred::WatchMissedWrites => eng.tx.mark_dirty_client(id),
        }
    }
}
