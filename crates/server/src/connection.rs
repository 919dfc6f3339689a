//! One client connection: read, parse every complete command in the batch, run them under
//! one engine lock, answer the whole batch with one write.

use crate::shared::Shared;
use bytes::BytesMut;
use engine::Flow;
use resp::request::{Limits, RequestParser};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// Serves one client until it quits, errs, is killed, idles out, or the server stops.
pub async fn serve(shared: Arc<Shared>, mut stream: TcpStream, id: u64) {
    let kill = Arc::new(Notify::new());
    shared
        .kill
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, kill.clone());
    let mut shutdown = shared.shutdown.subscribe();
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let mut out: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut parser = RequestParser::new();
    let mut cmds = Vec::new();
    loop {
        let (timeout_secs, limits) = {
            let eng = shared.lock();
            let limits = Limits {
                proto_max_bulk_len: eng.config.proto_max_bulk_len,
                ..Limits::default()
            };
            (eng.config.timeout_secs, limits)
        };
        let idle = async {
            if timeout_secs == 0 {
                std::future::pending::<()>().await
            } else {
                tokio::time::sleep(Duration::from_secs(timeout_secs)).await
            }
        };
        let read = tokio::select! {
            r = stream.read_buf(&mut buf) => r,
            _ = kill.notified() => break,
            _ = shutdown.changed() => break,
            _ = idle => break,
        };
        let n = match read {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut protocol_error = None;
        loop {
            match parser.next(&mut buf, &limits) {
                Ok(Some(args)) => cmds.push(args),
                Ok(None) => break,
                Err(e) => {
                    protocol_error = Some(e);
                    break;
                }
            }
        }
        let mut close = false;
        let actions = {
            let mut eng = shared.lock();
            let now = crate::now_ms();
            for args in cmds.drain(..) {
                if eng.execute(id, &args, now, &mut out) == Flow::Close {
                    close = true;
                    break;
                }
            }
            cmds.clear();
            if let Some(e) = &protocol_error {
                out.extend_from_slice(&e.to_reply());
                close = true;
            }
            eng.stats.net_input_bytes += n as u64;
            eng.stats.net_output_bytes += out.len() as u64;
            if let Some(s) = eng.clients.get_mut(&id) {
                s.net_in += n as u64;
                s.net_out += out.len() as u64;
                s.qbuf = buf.len();
            }
            std::mem::take(&mut eng.actions)
        };
        let stopping = actions.contains(&engine::Action::Shutdown);
        shared.perform(actions);
        if stopping {
            // Redis closes the connection of a successful SHUTDOWN without a reply.
            break;
        }
        if !out.is_empty() {
            if stream.write_all(&out).await.is_err() {
                break;
            }
            out.clear();
            if out.capacity() > 1024 * 1024 {
                out = Vec::with_capacity(16 * 1024);
            }
        }
        if close {
            break;
        }
    }
    shared
        .kill
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&id);
    shared.lock().disconnect(id);
    let _ = stream.shutdown().await;
}
