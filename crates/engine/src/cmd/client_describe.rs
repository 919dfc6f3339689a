//! One `CLIENT LIST` / `CLIENT INFO` line, with the fields Redis 7.0 prints. The buffer
//! fields come from the I/O shell (`Host::client_buffers`); the rest from the session.

use crate::ctx::Ctx;
use crate::session::Session;
use bytes::Bytes;
use resp::Proto;
use std::fmt::Write;

/// Redis's reply chunk: its static reply buffer holds this much, the rest goes to a list of
/// blocks of this size. Lattice has one growable buffer; CLIENT LIST splits what it holds
/// the same way, so `obl`/`oll`/`omem` read as in Redis (omem > 0 only past 16 KiB).
const REPLY_CHUNK: usize = 16 * 1024;

/// Flags: `P` subscribed, `x` inside MULTI, `b` blocked, `t` tracking, `R` its redirect
/// target is gone, `B` BCAST, `d` a WATCHed key changed, `e` no-evict, `N` none.
fn flags(ctx: &Ctx, s: &Session, subscribed: bool) -> String {
    let mut flags = String::new();
    if subscribed {
        flags.push('P');
    }
    if s.multi.is_some() {
        flags.push('x');
    }
    if s.blocked.is_some() {
        flags.push('b');
    }
    if let Some(t) = ctx.eng.tracking.get(s.id) {
        flags.push('t');
        if t.broken {
            flags.push('R');
        }
        if t.bcast {
            flags.push('B');
        }
    }
    if ctx.eng.tx.is_dirty(s.id) {
        flags.push('d');
    }
    if s.no_evict {
        flags.push('e');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    flags
}

fn argv_len(argv: &[Bytes]) -> usize {
    argv.iter().map(|a| a.len()).sum()
}

/// The line for `s`; `current` is the argv of the command asking (its own line counts it
/// in `argv-mem`, as Redis counts the command being run).
pub fn describe(ctx: &Ctx, s: &Session, current: &[Bytes]) -> String {
    let now_ms = ctx.now_ms;
    let (sub, psub, ssub) = ctx.eng.pubsub.counts(s.id);
    let secs = |ms: i64| ((now_ms - ms).max(0)) / 1000;
    let name = s
        .name
        .as_ref()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let resp = if s.proto == Proto::Resp3 { 3 } else { 2 };
    let buffers = ctx.eng.host.client_buffers(s.id).unwrap_or_default();
    let argv_mem = if s.id == ctx.client_id {
        argv_len(current)
    } else {
        s.blocked.as_ref().map_or(0, |b| argv_len(&b.argv))
    };
    let multi_mem: usize = s.multi.as_ref().map_or(0, |m| {
        m.queue()
            .iter()
            .map(|c| argv_len(c) + std::mem::size_of::<Vec<Bytes>>())
            .sum()
    });
    let obl = buffers.out_pending.min(REPLY_CHUNK);
    let omem = buffers.out_pending - obl;
    let oll = omem.div_ceil(REPLY_CHUNK);
    let tot_mem = std::mem::size_of::<Session>()
        + buffers.qbuf
        + buffers.qbuf_free
        + buffers.out_capacity
        + argv_mem
        + multi_mem;
    let events = if buffers.out_pending > 0 { "rw" } else { "r" };
    let mut line = String::with_capacity(320);
    let _ = write!(
        line,
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} \
         ssub={} multi={} qbuf={} qbuf-free={} argv-mem={} multi-mem={} rbs={} rbp={} obl={} \
         oll={} omem={} tot-mem={} events={} cmd={} user=default redir={} resp={}",
        s.id,
        s.addr,
        s.laddr,
        s.fd,
        name,
        secs(s.created_ms),
        secs(s.last_interaction_ms),
        flags(ctx, s, sub + psub + ssub > 0),
        s.db,
        sub,
        psub,
        ssub,
        s.multi.as_ref().map_or(-1, |m| m.queued() as i64),
        buffers.qbuf,
        buffers.qbuf_free,
        argv_mem,
        multi_mem,
        buffers.out_capacity,
        buffers.out_peak,
        obl,
        oll,
        omem,
        tot_mem,
        events,
        s.last_cmd,
        crate::cmd::tracking::redirect_of(ctx, s.id),
        resp
    );
    line
}
