//! What a connection does on its own while another connection's script holds the engine past
//! `busy-reply-threshold`: answer -BUSY, and turn SCRIPT KILL / FUNCTION KILL / SHUTDOWN
//! NOSAVE into flags on the engine's busy gate (the script's hook acts on them).

use crate::shared::Shared;
use bytes::Bytes;
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

/// True for commands that may run a script (the connection running one leaves its runtime
/// worker to the others for the duration).
pub fn may_run_script(args: &[Bytes]) -> bool {
    args.first().is_some_and(|name| {
        [
            "eval",
            "evalsha",
            "eval_ro",
            "evalsha_ro",
            "fcall",
            "fcall_ro",
            "exec",
        ]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
    })
}

/// Answers `args` while a script is busy, appending the reply to `out`.
pub fn answer(shared: &Shared, args: &[Bytes], proto: Proto, out: &mut Vec<u8>) -> BusyAnswer {
    let gate = &shared.gate;
    // Unknown commands and arity errors come first, as in Redis (the table is static: no lock).
    if let Err(reply) = engine::engine::lookup(args) {
        reply.encode(proto, out);
        return BusyAnswer::Continue;
    }
    let is = |i: usize, s: &str| {
        args.get(i)
            .is_some_and(|a| a.eq_ignore_ascii_case(s.as_bytes()))
    };
    let kill = if args.len() == 2 && is(1, "kill") {
        if is(0, "script") {
            Some(gate.request_kill(true))
        } else if is(0, "function") {
            Some(gate.request_kill(false))
        } else {
            None
        }
    } else {
        None
    };
    let error = |out: &mut Vec<u8>, text: &str| {
        out.push(b'-');
        out.extend_from_slice(text.as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    let busy_text = if gate.is_eval() {
        replies::BUSY_SCRIPT
    } else {
        replies::BUSY_FUNCTION
    };
    match kill {
        Some(KillOutcome::Killed) => out.extend_from_slice(b"+OK\r\n"),
        Some(KillOutcome::NotBusy) => error(out, replies::NOTBUSY),
        Some(KillOutcome::Unkillable) => error(out, replies::UNKILLABLE),
        // The other kind of KILL is refused like any command (as Redis does).
        Some(KillOutcome::WrongKind) => error(out, busy_text),
        None if is(0, "quit") => {
            out.extend_from_slice(b"+OK\r\n");
            return BusyAnswer::Quit;
        }
        None if args.len() == 2 && is(0, "function") && is(1, "stats") && !gate.is_eval() => {
            function_stats(shared).encode(proto, out);
        }
        None => {
            let nosave = args
                .iter()
                .skip(1)
                .any(|a| a.eq_ignore_ascii_case(b"nosave"));
            let abort = args
                .iter()
                .skip(1)
                .any(|a| a.eq_ignore_ascii_case(b"abort"));
            if is(0, "shutdown") && nosave && !abort {
                tracing::warn!("User requested shutdown during a busy script...");
                gate.request_shutdown();
                shared.shut_down();
                return BusyAnswer::Shutdown;
            }
            error(out, busy_text);
        }
    }
    BusyAnswer::Continue
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
