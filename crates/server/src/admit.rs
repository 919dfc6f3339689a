//! A new connection's first steps: register it with the engine (`maxclients` and keepalive
//! included), then serve it. While a script holds the engine, registration waits, and input
//! that arrives meanwhile is answered as any client's is during a busy script (so a fresh
//! `redis-cli SCRIPT KILL` works).

use crate::busy::{answer, BusyAnswer};
use crate::shared::Shared;
use bytes::BytesMut;
use resp::request::{Limits, RequestParser};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub async fn admit(
    shared: Arc<Shared>,
    mut stream: TcpStream,
    peer: String,
    laddr: String,
    fd: i64,
) {
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let mut parser = RequestParser::new();
    loop {
        let registered = shared.lock_unless_script().map(|mut eng| {
            if eng.clients.len() as u64 >= eng.config.maxclients {
                eng.stats.rejected_connections += 1;
                return None;
            }
            crate::listener::set_keepalive(&stream, eng.config.tcp_keepalive_secs);
            Some(eng.connect(peer.clone(), laddr.clone(), fd, crate::now_ms()))
        });
        match registered {
            Some(Some(id)) => {
                crate::connection::serve(shared, stream, id, buf, parser).await;
                return;
            }
            Some(None) => {
                crate::listener::reject(stream).await;
                return;
            }
            None => {}
        }
        if shared.gate.busy() && !buf.is_empty() {
            let mut out = Vec::new();
            let mut close = false;
            while let Ok(Some(args)) = parser.next(&mut buf, &Limits::default()) {
                match answer(&shared, &args, resp::Proto::Resp2, &mut out) {
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
            r = stream.read_buf(&mut buf) => match r {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
            _ = tokio::time::sleep(Duration::from_millis(5)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
