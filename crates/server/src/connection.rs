//! One client connection: read, parse every complete command in the batch, run them under
//! one engine lock, answer the whole batch with one write. A command that blocks (BLPOP...)
//! parks the connection: later commands wait, input is still read (so a hang-up is noticed
//! and the client leaves its wait queues), and the reply comes when the engine wakes it or
//! its deadline passes.

use crate::shared::Shared;
use bytes::{Bytes, BytesMut};
use engine::{Action, Flow};
use resp::request::{Limits, RequestParser};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
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
}

/// Serves one client until it quits, errs, is killed, idles out, or the server stops.
/// Generic over the stream so the simulator can run it over simulated TCP.
pub async fn serve<S>(shared: Arc<Shared>, mut stream: S, id: u64)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
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
        buf: BytesMut::with_capacity(16 * 1024),
        out: Vec::with_capacity(16 * 1024),
        parser: RequestParser::new(),
        pending: VecDeque::new(),
        blocked: false,
        close: false,
    };
    loop {
        let (timeout_secs, deadline) = {
            let eng = shared.lock();
            (eng.config.timeout_secs, eng.block_deadline(id))
        };
        // Blocked clients are exempt from the idle timeout, as in Redis.
        let idle = async {
            match (c.blocked, deadline) {
                (true, Some(at)) => {
                    let wait = (at - shared.now_ms()).max(0) as u64;
                    tokio::time::sleep(Duration::from_millis(wait)).await
                }
                (true, None) => std::future::pending::<()>().await,
                (false, _) if timeout_secs > 0 => {
                    tokio::time::sleep(Duration::from_secs(timeout_secs)).await
                }
                _ => std::future::pending::<()>().await,
            }
        };
        // `biased`: a fixed polling order, so a seeded simulation replays exactly (tokio's
        // random order is not seedable without tokio_unstable), and a client that never
        // stops sending cannot starve its own kill or wake-up signal.
        tokio::select! {
            biased;
            _ = shutdown.changed() => break,
            _ = attention.notified() => c.attend(),
            r = stream.read_buf(&mut c.buf) => match r {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut eng = shared.lock();
                    eng.stats.net_input_bytes += n as u64;
                    if let Some(s) = eng.clients.get_mut(&id) {
                        s.net_in += n as u64;
                    }
                    drop(eng);
                    if c.buf.len() > QUERY_BUFFER_LIMIT {
                        tracing::warn!("Closing client {id} that reached max query buffer length");
                        break;
                    }
                    if !c.blocked {
                        c.parse_and_run();
                    }
                }
            },
            _ = idle => {
                if !c.blocked {
                    break;
                }
                let mut eng = shared.lock();
                eng.expire_blocked(shared.now_ms());
                let actions = std::mem::take(&mut eng.actions);
                drop(eng);
                c.shared.perform(actions);
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
                biased;
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
            let mut eng = shared.lock();
            eng.stats.net_output_bytes += written;
            if let Some(s) = eng.clients.get_mut(&id) {
                s.net_out += written;
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
    shared.lock().disconnect(id);
    let _ = stream.shutdown().await;
}

/// Resolves once the engine marks the client killed; other wake-ups are noted in `missed`.
async fn killed_while_writing(shared: &Shared, id: u64, attention: &Notify, missed: &mut bool) {
    loop {
        attention.notified().await;
        if shared.lock().clients.get(&id).is_none_or(|s| s.killed) {
            return;
        }
        *missed = true;
    }
}

impl Conn {
    /// Parses what is buffered and runs it, unless a command blocks.
    fn parse_and_run(&mut self) {
        let limits = {
            let eng = self.shared.lock();
            Limits {
                proto_max_bulk_len: eng.config.proto_max_bulk_len,
                ..Limits::default()
            }
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
        if self.pending.is_empty() {
            return;
        }
        let actions = {
            let mut eng = self.shared.lock();
            let now = self.shared.now_ms();
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
            }
            std::mem::take(&mut eng.actions)
        };
        if actions.contains(&Action::Shutdown) {
            // Redis closes the connection of a successful SHUTDOWN without a reply.
            self.out.clear();
            self.close = true;
        }
        self.shared.perform(actions);
    }

    /// The engine signalled this client: it was killed, or woken with a reply.
    fn attend(&mut self) {
        let (killed, reply, still_blocked) = {
            let mut eng = self.shared.lock();
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
