//! A new connection's first steps: register it with the engine (`maxclients` and keepalive
//! included), then serve it. While a script holds the engine, registration waits, and input
//! that arrives meanwhile is answered as any client's is during a busy script (so a fresh
//! `redis-cli SCRIPT KILL` works, and a client's HELLO on connect gets its reply, with the
//! client id reserved for it at once). Generic over the stream so the simulator runs it too.

use crate::busy::{answer, BusyAnswer, BusySession};
use crate::shared::Shared;
use bytes::BytesMut;
use resp::request::{Limits, RequestParser};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Who is connecting: the peer and local addresses and the socket's fd, as CLIENT LIST
/// shows them.
pub struct Peer {
    pub addr: String,
    pub laddr: String,
    pub fd: i64,
    /// The socket's place in the arrival order of blocking commands (crate::arrival).
    pub arrival: Option<crate::arrival::ArrivalGuard>,
}

/// Registers the connection (or rejects it past `maxclients`) and serves it to the end.
/// `keepalive` applies the configured TCP keepalive seconds to the socket.
pub async fn admit<S>(
    shared: Arc<Shared>,
    mut stream: S,
    mut peer: Peer,
    keepalive: impl Fn(&S, u64),
) where
    S: crate::stamped::ClientStream,
{
    let mut buf = BytesMut::with_capacity(crate::conn::QUERY_BUFFER);
    let mut parser = RequestParser::with_names(engine::command::names::intern);
    let mut busy = BusySession::new(shared.client_ids.next());
    loop {
        let registered = shared.lock_unless_script().map(|mut eng| {
            if eng.clients.len() as u64 >= eng.config.maxclients {
                eng.stats.rejected_connections += 1;
                return None;
            }
            keepalive(&stream, eng.config.tcp_keepalive_secs);
            let now = shared.now_ms();
            let (addr, laddr) = (peer.addr.clone(), peer.laddr.clone());
            eng.connect_as(busy.id, addr, laddr, peer.fd, now);
            Some(())
        });
        match registered {
            Some(Some(())) => {
                let arrival = peer.arrival.take();
                crate::connection::serve(shared, stream, busy, buf, parser, arrival).await;
                return;
            }
            Some(None) => {
                reject(stream).await;
                return;
            }
            None => {}
        }
        if shared.gate.busy() && !buf.is_empty() {
            let mut out = Vec::new();
            let mut close = false;
            while let Ok(Some(args)) = parser.next(&mut buf, &Limits::default()) {
                match answer(&shared, &args, &mut busy, &mut out) {
                    BusyAnswer::Continue => {}
                    BusyAnswer::Quit => {
                        close = true;
                        break;
                    }
                    BusyAnswer::Shutdown => {
                        out.clear();
                        close = true;
                        break;
                    }
                }
            }
            if stream.write_all(&out).await.is_err() || close {
                return;
            }
        }
        let mut shutdown = shared.shutdown.subscribe();
        tokio::select! {
            biased;
            _ = shutdown.changed() => return,
            r = stream.read_buf(&mut buf) => match r {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
            _ = tokio::time::sleep(Duration::from_millis(5)) => {}
        }
    }
}

/// Answers a connection over `maxclients` with Redis's error and closes it.
async fn reject<S: AsyncWrite + Unpin>(mut stream: S) {
    let _ = stream
        .write_all(b"-ERR max number of clients reached\r\n")
        .await;
    let _ = stream.shutdown().await;
}
