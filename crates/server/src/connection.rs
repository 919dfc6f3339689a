//! One client connection: read, parse every complete command in the batch, run them under
//! one engine lock, answer the whole batch with one write. A command that blocks (BLPOP...)
//! parks the connection: later commands wait, input is still read (so a hang-up is noticed
//! and the client leaves its wait queues), and the reply comes when the engine wakes it or
//! its deadline passes.
//!
//! While another connection runs a script, the engine lock is held for the whole script:
//! this connection then never waits on it. It answers by itself once the script is busy
//! (crate::busy) and otherwise retries shortly (`retry`).

use crate::shared::Shared;
use bytes::{Bytes, BytesMut};
use engine::{Action, Flow};
use resp::request::{Limits, RequestParser};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// Redis's `client-query-buffer-limit`: more unprocessed input than this closes the client.
const QUERY_BUFFER_LIMIT: usize = 1024 * 1024 * 1024;

struct Conn {
    shared: Arc<Shared>,
    id: u64,
    buf: BytesMut,
    out: Vec<u8>,
    parser: RequestParser,
    pending: VecDeque<Vec<Bytes>>,
    blocked: bool,
    close: bool,
    /// A script held the engine: run `pending` again shortly.
    retry: bool,
    /// Likewise for a wake-up (`attend`) that could not take the engine.
    retry_attend: bool,
    /// `proto-max-bulk-len`, remembered for parsing while the engine is busy.
    max_bulk: u64,
    /// The client's protocol, remembered for replies made while the engine is busy.
    proto: resp::Proto,
}

/// Serves one client until it quits, errs, is killed, idles out, or the server stops.
/// `buf` and `parser` carry input read before the client was registered (crate::admit).
pub async fn serve(
    shared: Arc<Shared>,
    mut stream: TcpStream,
    id: u64,
    buf: BytesMut,
    parser: RequestParser,
) {
    let attention = Arc::new(Notify::new());
    shared
        .attention
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, attention.clone());
    let mut shutdown = shared.shutdown.subscribe();
    let mut c = Conn {
        shared: shared.clone(),
        id,
        buf,
        out: Vec::with_capacity(16 * 1024),
        parser,
        pending: VecDeque::new(),
        blocked: false,
        close: false,
        retry: false,
        retry_attend: false,
        max_bulk: 512 * 1024 * 1024,
        proto: resp::Proto::Resp2,
    };
    // Input that arrived before registration (crate::admit) runs first.
    if !c.buf.is_empty() {
        c.parse_and_run();
        if !c.out.is_empty() && stream.write_all(&c.out).await.is_err() {
            c.close = true;
        }
        c.out.clear();
    }
    loop {
        let (timeout_secs, deadline) = match shared.lock_unless_script() {
            Some(eng) => (eng.config.timeout_secs, eng.block_deadline(id)),
            None => (0, None),
        };
        // Blocked clients are exempt from the idle timeout, as in Redis.
        let idle = async {
            match (c.blocked, deadline) {
                (true, Some(at)) => {
                    let wait = (at - crate::now_ms()).max(0) as u64;
                    tokio::time::sleep(Duration::from_millis(wait)).await
                }
                (true, None) => std::future::pending::<()>().await,
                (false, _) if timeout_secs > 0 => {
                    tokio::time::sleep(Duration::from_secs(timeout_secs)).await
                }
                _ => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            r = stream.read_buf(&mut c.buf) => match r {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Some(mut eng) = shared.lock_unless_script() {
                        eng.stats.net_input_bytes += n as u64;
                        if let Some(s) = eng.clients.get_mut(&id) {
                            s.net_in += n as u64;
                        }
                    }
                    if c.buf.len() > QUERY_BUFFER_LIMIT {
                        tracing::warn!("Closing client {id} that reached max query buffer length");
                        break;
                    }
                    if !c.blocked {
                        c.parse_and_run();
                    }
                }
            },
            _ = attention.notified() => c.attend(),
            _ = tokio::time::sleep(Duration::from_millis(2)), if c.retry || c.retry_attend => {
                if std::mem::take(&mut c.retry_attend) {
                    c.attend();
                }
                if std::mem::take(&mut c.retry) {
                    c.run_pending();
                }
            }
            _ = shutdown.changed() => break,
            _ = idle => {
                if !c.blocked {
                    break;
                }
                if let Some(mut eng) = shared.lock_unless_script() {
                    eng.expire_blocked(crate::now_ms());
                    let actions = std::mem::take(&mut eng.actions);
                    drop(eng);
                    c.shared.perform(actions);
                }
            }
        }
        if c.close && c.out.is_empty() {
            break;
        }
        if !c.out.is_empty() {
            // A peer that stops reading must not pin us in the write: the engine may kill
            // this client meanwhile (output buffer limit, CLIENT KILL), which ends it here.
            let mut missed = false;
            let written = tokio::select! {
                r = stream.write_all(&c.out) => r.is_ok(),
                _ = killed_while_writing(&shared, id, &attention, &mut missed) => false,
            };
            if missed {
                // A wake-up consumed while writing: take it on the next turn.
                attention.notify_one();
            }
            if !written {
                break;
            }
            let written = c.out.len() as u64;
            c.out.clear();
            if c.out.capacity() > 1024 * 1024 {
                c.out = Vec::with_capacity(16 * 1024);
            }
            if let Some(mut eng) = shared.lock_unless_script() {
                eng.stats.net_output_bytes += written;
                if let Some(s) = eng.clients.get_mut(&id) {
                    s.net_out += written;
                }
            }
        }
        if c.close {
            break;
        }
    }
    shared
        .attention
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&id);
    // Leaving needs the engine: wait out a running script without holding a worker.
    loop {
        if let Some(mut eng) = shared.lock_unless_script() {
            eng.disconnect(id);
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = stream.shutdown().await;
}

/// Resolves once the engine marks the client killed; other wake-ups are noted in `missed`.
async fn killed_while_writing(shared: &Shared, id: u64, attention: &Notify, missed: &mut bool) {
    loop {
        attention.notified().await;
        let killed = shared
            .lock_unless_script()
            .is_some_and(|eng| eng.clients.get(&id).is_none_or(|s| s.killed));
        if killed {
            return;
        }
        *missed = true;
    }
}

impl Conn {
    /// Parses what is buffered and runs it, unless a command blocks.
    fn parse_and_run(&mut self) {
        if let Some(eng) = self.shared.lock_unless_script() {
            self.max_bulk = eng.config.proto_max_bulk_len;
        }
        let limits = Limits {
            proto_max_bulk_len: self.max_bulk,
            ..Limits::default()
        };
        let mut protocol_error = None;
        loop {
            match self.parser.next(&mut self.buf, &limits) {
                Ok(Some(args)) => self.pending.push_back(args),
                Ok(None) => break,
                Err(e) => {
                    protocol_error = Some(e);
                    break;
                }
            }
        }
        self.run_pending();
        if let Some(e) = protocol_error {
            // The commands before the bad frame ran; then the error, and the connection ends.
            if !self.blocked {
                self.out.extend_from_slice(&e.to_reply());
            }
            self.close = true;
        }
    }

    /// Runs queued commands under one lock until the queue empties or a command blocks.
    fn run_pending(&mut self) {
        if self.pending.is_empty() || self.blocked {
            return;
        }
        if self.shared.gate.running() {
            self.answer_while_busy();
            if self.pending.is_empty() || self.close {
                return;
            }
        }
        if self.pending.iter().any(|a| crate::busy::may_run_script(a)) {
            // A script may hold the engine for long: let the runtime move this worker's other
            // tasks elsewhere meanwhile (SCRIPT KILL must get through).
            match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
                Ok(tokio::runtime::RuntimeFlavor::MultiThread) => {
                    tokio::task::block_in_place(|| self.run_locked())
                }
                _ => self.run_locked(),
            }
        } else {
            self.run_locked();
        }
    }

    /// While another connection's script runs: past the threshold, answer by ourselves;
    /// before it, try again shortly.
    fn answer_while_busy(&mut self) {
        while self.shared.gate.busy() {
            let Some(args) = self.pending.pop_front() else {
                return;
            };
            match crate::busy::answer(&self.shared, &args, self.proto, &mut self.out) {
                crate::busy::BusyAnswer::Continue => {}
                crate::busy::BusyAnswer::Quit => {
                    self.pending.clear();
                    self.close = true;
                    return;
                }
                crate::busy::BusyAnswer::Shutdown => {
                    self.out.clear();
                    self.pending.clear();
                    self.close = true;
                    return;
                }
            }
        }
    }

    fn run_locked(&mut self) {
        let actions = {
            let Some(mut eng) = self.shared.lock_unless_script() else {
                self.retry = true;
                return;
            };
            let now = crate::now_ms();
            while let Some(args) = self.pending.pop_front() {
                match eng.execute(self.id, &args, now, &mut self.out) {
                    Flow::Continue => {}
                    Flow::Close => {
                        self.close = true;
                        self.pending.clear();
                        break;
                    }
                    Flow::Blocked => {
                        self.blocked = true;
                        break;
                    }
                }
            }
            if let Some(s) = eng.clients.get_mut(&self.id) {
                s.qbuf = self.buf.len();
                self.proto = s.proto;
            }
            std::mem::take(&mut eng.actions)
        };
        if actions.contains(&Action::Shutdown) || self.shared.gate.shutdown_requested() {
            // Redis closes the connection of a successful SHUTDOWN without a reply.
            self.out.clear();
            self.close = true;
        }
        self.shared.perform(actions);
    }

    /// The engine signalled this client: it was killed, or woken with a reply.
    fn attend(&mut self) {
        let (killed, reply, still_blocked) = {
            let Some(mut eng) = self.shared.lock_unless_script() else {
                self.retry_attend = true;
                return;
            };
            let killed = eng.clients.get(&self.id).is_none_or(|s| s.killed);
            (killed, eng.take_outbox(self.id), eng.is_blocked(self.id))
        };
        if let Some(bytes) = reply {
            self.out.extend_from_slice(&bytes);
        }
        if killed {
            self.close = true;
            return;
        }
        if self.blocked && !still_blocked {
            self.blocked = false;
            self.run_pending();
            if !self.blocked && !self.close {
                self.parse_and_run();
            }
        }
    }
}
