//! Listening sockets, the accept loop with `maxclients`, the cron timer, and shutdown.

use crate::listeners::Listeners;
use crate::shared::Shared;
use crate::workers::Workers;
use engine::Engine;
use socket2::TcpKeepalive;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

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

/// Binds every `bind` address on `port` and starts serving on `threads` I/O threads, the
/// calling one (a current-thread tokio runtime) included.
pub async fn run(engine: Engine) -> std::io::Result<Running> {
    run_with(engine, Listeners::new()).await
}

/// `run`, with the listeners the engine's host moves on CONFIG SET port / bind.
pub async fn run_with(engine: Engine, listeners: Arc<Listeners>) -> std::io::Result<Running> {
    let port = engine.config.port;
    let backlog = engine
        .config
        .get("tcp-backlog")
        .and_then(|v| v.parse().ok())
        .unwrap_or(511);
    let sockets = crate::listeners::bind_all(&engine.config.bind(), port, backlog)?;
    let local_addrs = sockets.iter().filter_map(|l| l.local_addr().ok()).collect();
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
    for (name, value) in [("io-threads", threads), ("shards", shards)] {
        engine
            .config
            .set(name, &value.to_string(), true)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    engine.partition(shards);
    let shared = Shared::new(engine);
    let workers = Arc::new(Workers::start(&shared, threads)?);
    listeners.attach(&shared, workers, backlog, sockets);
    tokio::spawn(cron(shared.clone()));
    Ok(Running {
        shared,
        local_addrs,
    })
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
            .map_or(10, |eng| eng.effective_hz());
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
