//! Transactions: MULTI EXEC DISCARD WATCH UNWATCH, as Redis 7.0 runs them.
//!
//! While a client is inside MULTI, `Engine::execute` hands each command to `intercept`:
//! commands that fail lookup (unknown, arity) or are flagged `no_multi` are refused at once and
//! doom the transaction (EXEC then answers EXECABORT); EXEC, DISCARD, MULTI, WATCH, QUIT and
//! RESET run directly; everything else is queued (`+QUEUED`). EXEC runs the whole queue inside
//! that one `execute` call, so no other client's command can interleave, and blocking commands
//! answer their timeout reply at once. Clients parked on keys the transaction made ready are
//! served after EXEC as a whole. WATCH bookkeeping lives in `crate::watch`.

use crate::command::lookup::lookup;
use crate::command::{acl, flags, ks, traits, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::engine::{Effect, Engine, Flow};
use crate::session::{Multi, ReplyMode};
use bytes::Bytes;
use resp::Reply;

const TX: u32 = flags::NOSCRIPT | flags::LOADING | flags::STALE;

pub const COMMANDS: &[Command] = &[
    Command {
        name: "multi",
        arity: 1,
        flags: TX | flags::FAST | flags::ALLOW_BUSY,
        acl: acl::TRANSACTION,
        group: "transactions",
        since: "1.2.0",
        summary: "Starts a transaction.",
        complexity: "O(1)",
        traits: traits::TX_BEGIN | traits::TX_DIRECT,
        handler: Some(multi),
        ..BASE
    },
    Command {
        name: "exec",
        arity: 1,
        flags: TX | flags::SKIP_SLOWLOG,
        acl: acl::TRANSACTION,
        group: "transactions",
        since: "1.2.0",
        summary: "Executes all commands in a transaction.",
        complexity: "Depends on commands in the transaction",
        traits: traits::TX_RUN | traits::TX_DIRECT,
        handler: Some(exec_without_multi),
        ..BASE
    },
    Command {
        name: "discard",
        arity: 1,
        flags: TX | flags::FAST | flags::ALLOW_BUSY,
        acl: acl::TRANSACTION,
        group: "transactions",
        since: "2.0.0",
        summary: "Discards a transaction.",
        complexity: "O(N), when N is the number of queued commands",
        traits: traits::TX_DROP | traits::TX_DIRECT,
        handler: Some(discard),
        ..BASE
    },
    Command {
        name: "watch",
        arity: -2,
        flags: TX | flags::FAST | flags::ALLOW_BUSY,
        acl: acl::TRANSACTION,
        first_key: 1,
        last_key: -1,
        key_step: 1,
        key_specs: WATCH_KEYS,
        group: "transactions",
        since: "2.2.0",
        summary: "Monitors changes to keys to determine the execution of a transaction.",
        complexity: "O(1) for every key.",
        traits: traits::TX_DIRECT,
        handler: Some(watch),
        ..BASE
    },
    Command {
        name: "unwatch",
        arity: 1,
        flags: TX | flags::FAST | flags::ALLOW_BUSY,
        acl: acl::TRANSACTION,
        group: "transactions",
        since: "2.2.0",
        summary: "Forgets about watched keys of a transaction.",
        complexity: "O(1)",
        traits: traits::SESSION_ONLY,
        handler: Some(unwatch),
        ..BASE
    },
];

const WATCH_KEYS: &[KeySpec] = &[ks::range(1, -1, 1, ks::RO)];

fn in_multi(ctx: &Ctx) -> bool {
    ctx.session().multi.is_some()
}

fn multi(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    if in_multi(ctx) {
        // Not a refusal: the transaction stays valid.
        return Reply::err("ERR MULTI calls can not be nested");
    }
    ctx.session_mut().multi = Some(Multi::default());
    Reply::ok()
}

/// EXEC reaches its handler only outside MULTI; inside, `intercept` runs it.
fn exec_without_multi(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::err("ERR EXEC without MULTI")
}

fn discard(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    if !in_multi(ctx) {
        return Reply::err("ERR DISCARD without MULTI");
    }
    discard_transaction(ctx.eng, ctx.client_id);
    Reply::ok()
}

fn watch(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if in_multi(ctx) {
        return Reply::err("ERR WATCH inside MULTI is not allowed");
    }
    let id = ctx.client_id;
    // Already dirty: the next EXEC fails anyway, so there is nothing to add.
    if ctx.eng.tx.is_dirty(id) {
        return Reply::ok();
    }
    for key in &a[1..] {
        let now = ctx.now_ms;
        let expired = ctx.db().is_expired(key, now);
        let db = ctx.db;
        ctx.eng.tx.watch(id, db, key, expired);
    }
    Reply::ok()
}

fn unwatch(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    let id = ctx.client_id;
    ctx.eng.tx.unwatch_all(id);
    ctx.eng.tx.clear_dirty(id);
    Reply::ok()
}

/// Redis's `discardTransaction`: leaves MULTI and forgets watches and dirty state. Also what
/// EXEC ends with, and part of RESET.
pub fn discard_transaction(eng: &mut Engine, client: u64) {
    if let Some(s) = eng.clients.get_mut(&client) {
        s.multi = None;
    }
    eng.tx.unwatch_all(client);
    eng.tx.clear_dirty(client);
}

/// Called by `Engine::execute` before running a command: `None` to run it as usual; otherwise
/// the command was queued, refused or (EXEC) run here, and its reply is in `out`.
pub(crate) fn intercept(
    eng: &mut Engine,
    client: u64,
    args: &[Bytes],
    now_ms: i64,
    out: &mut Vec<u8>,
) -> Option<Flow> {
    let is_exec =
        |a: &[Bytes]| crate::command::lookup::resolve(a).is_some_and(|c| c.is(traits::TX_RUN));
    if args.len() > 1 && is_exec(&args[..1]) {
        // Redis refuses EXEC with arguments as an aborted transaction, inside MULTI or not
        // (and unwatches).
        discard_transaction(eng, client);
        if let Some(exec) = crate::command::lookup::resolve(&args[..1]) {
            eng.cmdstats.reject(exec.slot);
        }
        let reply = Reply::error(
            "EXECABORT Transaction discarded because of: \
             wrong number of arguments for 'exec' command",
        );
        eng.reply_to(client, &reply, out);
        return Some(Flow::Continue);
    }
    // Not inside MULTI: run as usual.
    eng.clients.get(&client)?.multi.as_ref()?;
    let cmd = match lookup(args) {
        Ok(cmd) => cmd,
        Err(reply) => {
            if let Some(cmd) = crate::command::lookup::resolve(args) {
                eng.cmdstats.reject(cmd.slot);
            }
            return Some(refuse(eng, client, reply, out));
        }
    };
    if cmd.is(traits::TX_RUN) {
        let start = eng.ticker.map_or(0, |t| (t.now)());
        let (flow, failed) = exec(eng, client, now_ms, out);
        let ticks = eng.ticker.map_or(0, |t| (t.now)().wrapping_sub(start));
        eng.cmdstats.call(cmd.slot, ticks, failed);
        return Some(flow);
    }
    // Run at once, not queued (Redis's processCommand list).
    if cmd.is(traits::TX_DIRECT) {
        return None;
    }
    if cmd.has(flags::NO_MULTI) {
        eng.cmdstats.reject(cmd.slot);
        let reply = Reply::err("ERR Command not allowed inside a transaction");
        return Some(refuse(eng, client, reply, out));
    }
    if let Some(s) = eng.clients.get_mut(&client) {
        s.last_cmd = cmd.name;
        if let Some(m) = s.multi.as_mut() {
            // A doomed transaction keeps nothing (as Redis, to save memory).
            if !m.aborted && !eng.tx.is_dirty(client) {
                m.queue.push(args.to_vec());
            }
        }
    }
    eng.reply_to(client, &Reply::simple("QUEUED"), out);
    Some(Flow::Continue)
}

/// Redis's `flagTransaction`: reply with the error and make EXEC fail with EXECABORT.
fn refuse(eng: &mut Engine, client: u64, reply: Reply, out: &mut Vec<u8>) -> Flow {
    flag_transaction(eng, client);
    eng.reply_to(client, &reply, out);
    Flow::Continue
}

/// Redis's `flagTransaction` alone: a command was refused inside MULTI (by the shell, say,
/// while a script was busy), so EXEC must fail with EXECABORT. Nothing outside MULTI.
pub fn flag_transaction(eng: &mut Engine, client: u64) {
    if let Some(m) = eng.clients.get_mut(&client).and_then(|s| s.multi.as_mut()) {
        m.aborted = true;
        m.queue.clear();
    }
}

/// EXEC inside MULTI: fails whole (EXECABORT after a refused command, a null array when a
/// watched key changed or has expired since WATCH), or runs every queued command in order and
/// replies with their replies, each encoded as it is produced (a queued HELLO or CLIENT REPLY
/// affects the replies after it, as in Redis).
/// Also says whether EXEC itself failed (EXECABORT), for its commandstats.
fn exec(eng: &mut Engine, client: u64, now_ms: i64, out: &mut Vec<u8>) -> (Flow, bool) {
    eng.stats.total_commands += 1;
    // The session stays in MULTI while the queue runs (CLIENT LIST shows `x` and `multi=n`
    // then, as in Redis); the queue itself is cloned out (cheap: `Bytes` are shared).
    let Some(s) = eng.clients.get_mut(&client) else {
        return (Flow::Continue, false);
    };
    s.last_cmd = "exec";
    let Some(m) = s.multi.clone() else {
        return (Flow::Continue, false);
    };
    if eng.tx.watched_key_expired(client, &eng.dbs, now_ms) {
        eng.tx.mark_dirty_client(client);
    }
    let failed = if m.aborted {
        Some(Reply::err(
            "EXECABORT Transaction discarded because of previous errors.",
        ))
    } else if eng.tx.is_dirty(client) && !crate::planted!("exec-ignores-watch") {
        // (The planted bug, simulator tests only, runs a transaction whose WATCH failed.)
        Some(Reply::NilArray)
    } else {
        None
    };
    if let Some(reply) = failed {
        discard_transaction(eng, client);
        eng.reply_to(client, &reply, out);
        return (Flow::Continue, reply.is_error());
    }
    eng.tx.unwatch_all(client);
    let Some(session) = eng.clients.get_mut(&client) else {
        return (Flow::Continue, false);
    };
    // The array header follows CLIENT REPLY like any reply; a skipped EXEC skips all of it.
    let skip_all = session.reply_mode == ReplyMode::Skipping;
    if session.reply_mode == ReplyMode::On {
        out.extend_from_slice(format!("*{}\r\n", m.queue.len()).as_bytes());
    }
    let mark = eng.effects.as_ref().map(|e| e.len());
    let mut close = false;
    eng.tx.in_exec = true;
    for argv in &m.queue {
        let before = reply_mode(eng, client);
        let outcome = eng.dispatch(client, argv, now_ms, None);
        // `Ctx::block` parks nobody inside EXEC: the handler's reply is its timeout reply.
        close |= outcome.close;
        if skip_all {
            continue;
        }
        if reply_mode(eng, client) == ReplyMode::SkipNext {
            // A queued CLIENT REPLY SKIP skips the next command the client sends after EXEC,
            // not the next queued one; the SKIP itself has no reply.
            if before == ReplyMode::SkipNext {
                set_reply_mode(eng, client, ReplyMode::On);
                eng.reply_to(client, &outcome.reply, out);
                set_reply_mode(eng, client, ReplyMode::SkipNext);
            }
        } else {
            eng.reply_to(client, &outcome.reply, out);
        }
    }
    eng.tx.in_exec = false;
    discard_transaction(eng, client);
    if let Some(s) = eng.clients.get_mut(&client) {
        s.reply_mode = match s.reply_mode {
            ReplyMode::SkipNext => ReplyMode::Skipping,
            ReplyMode::Skipping => ReplyMode::On,
            mode => mode,
        };
    }
    wrap_effects(eng, mark);
    let flow = if close { Flow::Close } else { Flow::Continue };
    (flow, false)
}

fn reply_mode(eng: &Engine, client: u64) -> ReplyMode {
    eng.clients
        .get(&client)
        .map_or(ReplyMode::On, |s| s.reply_mode)
}

fn set_reply_mode(eng: &mut Engine, client: u64, mode: ReplyMode) {
    if let Some(s) = eng.clients.get_mut(&client) {
        s.reply_mode = mode;
    }
}

/// Like Redis 7.0, the effects of a transaction that wrote more than one go out wrapped in
/// MULTI ... EXEC, so a replica or the log applies them atomically too.
pub(crate) fn wrap_effects(eng: &mut Engine, mark: Option<usize>) {
    let (Some(mark), Some(effects)) = (mark, eng.effects.as_mut()) else {
        return;
    };
    if effects.len().saturating_sub(mark) < 2 {
        return;
    }
    let (first_db, last_db) = (effects[mark].db, effects[effects.len() - 1].db);
    effects.insert(
        mark,
        Effect {
            db: first_db,
            argv: vec![Bytes::from_static(b"MULTI")],
        },
    );
    effects.push(Effect {
        db: last_db,
        argv: vec![Bytes::from_static(b"EXEC")],
    });
}

#[cfg(test)]
#[path = "transactions_tests.rs"]
mod tests;
