//! One client connection: read, parse every complete command in the batch, run them, and
//! write the replies. Reading and writing go on together: replies the socket cannot take
//! yet wait in the output buffer while input is still read (so a client that writes its
//! whole pipeline before reading cannot deadlock with us), bounded by Redis's
//! `client-query-buffer-limit` and `client-output-buffer-limit`. A command that blocks
//! (BLPOP...) parks the connection: later commands wait, input is still read (so a hang-up
//! is noticed and the client leaves its wait queues), and the reply comes when the engine
//! wakes it or its deadline passes.

use crate::arrival::{ArrivalGuard, Arrivals, Turn};
use crate::attention::{Attention, Waiter};
use crate::busy::BusySession;
use crate::conn::Conn;
use crate::shared::Shared;
use crate::stamped::ClientStream;
use bytes::BytesMut;
use resp::request::RequestParser;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// What the socket did.
enum SocketEvent<'a> {
    Wrote(io::Result<usize>),
    /// Input read: the thread's turn (crate::arrival) began before the read and lasts
    /// until the input has run.
    Read(io::Result<usize>, Option<Turn<'a>>),
}

/// The next socket event: pending replies written (first, so output drains before more
/// input is taken) or input read into `buf` (when `read` is set).
async fn socket_event<'a, S: ClientStream>(
    stream: &mut S,
    buf: &mut BytesMut,
    out: &[u8],
    read: bool,
    arrivals: Option<&'a Arrivals>,
) -> SocketEvent<'a> {
    poll_fn(|cx| {
        if !out.is_empty() {
            if let Poll::Ready(r) = Pin::new(&mut *stream).poll_write(cx, out) {
                return Poll::Ready(SocketEvent::Wrote(r));
            }
        }
        if read {
            // The turn begins before the read: no moment where input is neither unread
            // nor in a turn, for another thread's wait to miss.
            let turn = arrivals.map(|a| a.turn());
            if let Poll::Ready(r) = stream.poll_read_stamped(cx, buf, turn.is_some()) {
                let r = r.map(|(n, arrived)| {
                    if let (Some(turn), Some(at)) = (&turn, arrived) {
                        turn.arrived(at);
                    }
                    n
                });
                return Poll::Ready(SocketEvent::Read(r, turn));
            }
        }
        Poll::Pending
    })
    .await
}

/// Writes what the socket takes now without waiting; false when the connection failed.
async fn write_now<S: ClientStream>(stream: &mut S, c: &mut Conn) -> bool {
    while c.out.has_pending() {
        let pending = c.out.pending();
        let r = poll_fn(|cx| Poll::Ready(Pin::new(&mut *stream).poll_write(cx, pending))).await;
        match r {
            Poll::Ready(Ok(0)) | Poll::Ready(Err(_)) => return false,
            Poll::Ready(Ok(n)) => c.wrote(n),
            Poll::Pending => break,
        }
    }
    true
}

/// Serves one client until it quits, errs, is killed, idles out, or the server stops.
/// Generic over the stream so the simulator can run it over simulated TCP. `buf` and
/// `parser` carry input read before the client was registered, `busy` what was answered
/// then while a script held the engine (crate::admit).
pub async fn serve<S>(
    shared: Arc<Shared>,
    mut stream: S,
    busy: BusySession,
    buf: BytesMut,
    parser: RequestParser,
    arrival: Option<ArrivalGuard>,
) where
    S: ClientStream,
{
    let id = busy.id;
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
    let mut c = Conn::new(shared.clone(), busy, buf, parser, arrival);
    // Input that arrived before registration runs first.
    if !c.buf.is_empty() {
        let _turn = shared.arrivals.as_ref().map(|a| a.turn());
        c.parse_and_run();
        while c.offload {
            c.run_offloaded().await;
        }
    }
    loop {
        // Replies go out at once when the socket takes them; the rest waits below.
        if c.out.has_pending() && !write_now(&mut stream, &mut c).await {
            break;
        }
        if c.over_output_limit() || (c.close && !c.out.has_pending()) {
            break;
        }
        let timeout_secs = shared.settings.timeout_secs();
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
            signals = waiter.wait() => {
                if signals.housekeeping {
                    c.housekeeping();
                }
                if signals.wake {
                    if shared.shutting_down() {
                        break;
                    }
                    c.attend();
                }
            }
            ev = socket_event(&mut stream, &mut c.buf, c.out.pending(), !c.close, shared.arrivals.as_deref()) => match ev {
                SocketEvent::Wrote(Ok(n)) if n > 0 => c.wrote(n),
                SocketEvent::Read(Ok(n), _turn) if n > 0 => {
                    c.io_in += n as u64;
                    if c.buf.len() as u64 > shared.settings.query_buffer_limit() {
                        tracing::warn!("Closing client {id} that reached max query buffer length");
                        break;
                    }
                    c.note_input();
                    if !c.blocked && !c.offload {
                        c.parse_and_run();
                    }
                }
                // A zero-length write or read: the peer is gone.
                _ => break,
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
        // A batch that may run a script runs off this thread, then its replies go out above.
        while c.offload {
            c.run_offloaded().await;
        }
    }
    shared
        .attention
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&id);
    shared.buffers.remove(id);
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
