//! One client connection: read, parse every complete command in the batch, run them under
//! one engine lock, answer the whole batch with one write. A command that blocks (BLPOP...)
//! parks the connection: later commands wait, input is still read (so a hang-up is noticed
//! and the client leaves its wait queues), and the reply comes when the engine wakes it or
//! its deadline passes.

use crate::attention::{Attention, Waiter};
use crate::conn::Conn;
use crate::shared::Shared;
use bytes::BytesMut;
use resp::request::RequestParser;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Redis's `client-query-buffer-limit`: more unprocessed input than this closes the client.
const QUERY_BUFFER_LIMIT: usize = 1024 * 1024 * 1024;

/// Serves one client until it quits, errs, is killed, idles out, or the server stops.
/// Generic over the stream so the simulator can run it over simulated TCP. `buf` and
/// `parser` carry input read before the client was registered (crate::admit).
pub async fn serve<S>(
    shared: Arc<Shared>,
    mut stream: S,
    id: u64,
    buf: BytesMut,
    parser: RequestParser,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let attention = Arc::new(Attention::default());
    shared
        .attention
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, attention.clone());
    // Registered first, then checked: a shutdown that began before the registration is seen
    // here, one that begins after it wakes this connection.
    if shared.shutting_down() {
        attention.notify();
    }
    let mut waiter = Waiter::new(&attention);
    let mut c = Conn::new(shared.clone(), id, buf, parser);
    // Input that arrived before registration runs first.
    if !c.buf.is_empty() {
        c.parse_and_run();
        while c.offload {
            c.run_offloaded().await;
        }
        if !c.out.is_empty() && stream.write_all(&c.out).await.is_err() {
            c.close = true;
        }
        c.out.clear();
    }
    loop {
        if c.close {
            break;
        }
        let timeout_secs = shared.timeout_secs();
        let deadline = match c.blocked {
            true => shared
                .lock_unless_script()
                .and_then(|eng| eng.block_deadline(id)),
            false => None,
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
            _ = waiter.wait() => {
                if shared.shutting_down() {
                    break;
                }
                c.attend();
            }
            r = stream.read_buf(&mut c.buf) => match r {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    c.io_in += n as u64;
                    if c.buf.len() > QUERY_BUFFER_LIMIT {
                        tracing::warn!("Closing client {id} that reached max query buffer length");
                        break;
                    }
                    if !c.blocked && !c.offload {
                        c.parse_and_run();
                    }
                }
            },
            // An async block, so the timer (and its clock read) exists only while polled.
            _ = async { tokio::time::sleep(Duration::from_millis(2)).await }, if c.retry || c.retry_attend => {
                if std::mem::take(&mut c.retry_attend) {
                    c.attend();
                }
                if std::mem::take(&mut c.retry) {
                    c.parse_and_run();
                }
            }
            _ = idle => {
                if !c.blocked {
                    break;
                }
                if let Some(mut eng) = shared.lock_unless_script() {
                    eng.expire_blocked(shared.now_ms());
                    let actions = std::mem::take(&mut eng.actions);
                    drop(eng);
                    c.shared.perform(actions);
                }
            }
        }
        // A batch that may run a script runs off this thread, then its replies go out below.
        while c.offload {
            c.run_offloaded().await;
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
                _ = killed_while_writing(&shared, id, &mut waiter, &mut missed) => false,
            };
            if missed {
                // A wake-up consumed while writing: take it on the next turn.
                attention.notify();
            }
            if !written {
                break;
            }
            c.io_out += c.out.len() as u64;
            c.out.clear();
            if c.out.capacity() > 1024 * 1024 {
                c.out = Vec::with_capacity(16 * 1024);
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
    // Leaving needs the engine: wait out a running script without holding the thread.
    loop {
        if let Some(mut eng) = shared.lock_unless_script() {
            eng.account_io(id, c.io_in, c.io_out);
            eng.disconnect(id);
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = stream.shutdown().await;
}

/// Resolves once the engine marks the client killed; other wake-ups are noted in `missed`.
async fn killed_while_writing(
    shared: &Shared,
    id: u64,
    waiter: &mut Waiter<'_>,
    missed: &mut bool,
) {
    loop {
        waiter.wait().await;
        let killed = shared
            .lock_unless_script()
            .is_some_and(|eng| eng.clients.get(&id).is_none_or(|s| s.killed));
        if killed {
            return;
        }
        *missed = true;
    }
}
