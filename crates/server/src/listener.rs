//! Listening sockets, the accept loop with `maxclients`, the cron timer, and shutdown.

use crate::admit::Peer;
use crate::shared::Shared;
use crate::workers::Workers;
use engine::Engine;
use socket2::{Domain, Protocol, Socket, TcpKeepalive, Type};
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// A started server.
pub struct Running {
    pub shared: Arc<Shared>,
    pub local_addrs: Vec<SocketAddr>,
}

impl Running {
    /// Starts shutdown: listeners stop, connections close.
    pub fn shutdown(&self) {
        self.shared.shut_down();
    }

    /// Resolves once shutdown has begun (SHUTDOWN command, signal, or `shutdown()`).
    pub async fn stopped(&self) {
        let mut rx = self.shared.shutdown.subscribe();
        while !*rx.borrow() {
            if rx.changed().await.is_err() {
                break;
            }
        }
    }
}

fn bind_one(addr: SocketAddr, backlog: i32) -> std::io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    TcpListener::from_std(socket.into())
}

/// Binds every `bind` address on `port` and starts serving on `threads` I/O threads, the
/// calling one (a current-thread tokio runtime) included.
pub async fn run(engine: Engine) -> std::io::Result<Running> {
    let port = engine.config.port;
    let backlog = engine
        .config
        .get("tcp-backlog")
        .and_then(|v| v.parse().ok())
        .unwrap_or(511);
    let mut listeners = Vec::new();
    for host in engine.config.bind() {
        let host = host.trim_start_matches('-');
        let ip: std::net::IpAddr = match host {
            "*" => "0.0.0.0".parse().expect("valid"),
            "::*" => "::".parse().expect("valid"),
            h => h.parse().map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("invalid bind address '{h}'"),
                )
            })?,
        };
        listeners.push(bind_one(SocketAddr::new(ip, port), backlog)?);
    }
    let local_addrs = listeners
        .iter()
        .filter_map(|l| l.local_addr().ok())
        .collect();
    let mut engine = engine;
    let threads = match engine.config.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    // One shard per I/O thread unless configured: a thread rarely waits for another's shard.
    let shards = match engine.config.shards {
        0 => threads,
        n => n,
    };
    for (name, value) in [("threads", threads), ("shards", shards)] {
        engine
            .config
            .set(name, &value.to_string(), true)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    engine.partition(shards);
    let shared = Shared::new(engine);
    let workers = Arc::new(Workers::start(&shared, threads)?);
    for listener in listeners {
        tokio::spawn(accept_loop(shared.clone(), workers.clone(), listener));
    }
    tokio::spawn(cron(shared.clone()));
    Ok(Running {
        shared,
        local_addrs,
    })
}

async fn accept_loop(shared: Arc<Shared>, workers: Arc<Workers>, listener: TcpListener) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let accepted = tokio::select! {
            biased;
            a = listener.accept() => a,
            _ = shutdown.changed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!("Accepting client connection: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let laddr = stream
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let fd = stream.as_raw_fd() as i64;
        // Registering needs the engine, which a running script may hold: the connection's
        // own task (on the I/O thread it is dealt to) waits for it, never the accept loop.
        let peer = Peer {
            addr: peer.to_string(),
            laddr,
            fd,
            arrival: None,
        };
        workers.deal(&shared, stream, peer);
    }
}

pub(crate) fn set_keepalive(stream: &TcpStream, secs: u64) {
    if secs == 0 {
        return;
    }
    let sock = socket2::SockRef::from(stream);
    let ka = TcpKeepalive::new()
        .with_time(Duration::from_secs(secs))
        .with_interval(Duration::from_secs((secs / 3).max(1)));
    let _ = sock.set_tcp_keepalive(&ka);
}

/// Runs the engine's periodic work `hz` times a second, and once a second asks the
/// connections to look after their buffers.
pub async fn cron(shared: Arc<Shared>) {
    let mut shutdown = shared.shutdown.subscribe();
    let mut last_housekeeping = shared.now_ms();
    loop {
        let hz = shared
            .lock_unless_script()
            .map_or(10, |eng| eng.config.hz.max(1));
        tokio::select! {
            biased;
            _ = tokio::time::sleep(Duration::from_millis(1000 / hz as u64)) => {}
            _ = shutdown.changed() => return,
        }
        // Expiry in the cycle may owe tracking clients invalidations: wake them.
        let actions = {
            // Skip a tick while a script holds the engine.
            let Some(mut eng) = shared.lock_unless_script() else {
                continue;
            };
            eng.cron(shared.now_ms());
            std::mem::take(&mut eng.actions)
        };
        shared.perform(actions);
        let now = shared.now_ms();
        if now - last_housekeeping >= 1000 {
            last_housekeeping = now;
            shared.request_housekeeping();
        }
    }
}
