//! The listening sockets and their accept loops, which CONFIG SET port / bind can move at
//! run time (the engine asks through `Host::rebind`). New sockets are bound before the old
//! ones are let go, so a port that cannot be bound leaves the server listening where it was.

use crate::admit::Peer;
use crate::shared::Shared;
use crate::workers::Workers;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Shared by the host (which the engine calls) and the running server.
#[derive(Default)]
pub struct Listeners {
    attached: Mutex<Option<Attached>>,
}

/// What starting accept loops needs, known once the server runs.
struct Attached {
    shared: Weak<Shared>,
    workers: Arc<Workers>,
    runtime: tokio::runtime::Handle,
    backlog: i32,
    /// Bumped whenever a new set of sockets takes over: older accept loops end.
    generation: watch::Sender<u64>,
}

impl Listeners {
    pub fn new() -> Arc<Listeners> {
        Arc::new(Listeners::default())
    }

    /// Serves `sockets` from the calling runtime from now on.
    pub(crate) fn attach(
        &self,
        shared: &Arc<Shared>,
        workers: Arc<Workers>,
        backlog: i32,
        sockets: Vec<std::net::TcpListener>,
    ) {
        let (generation, _) = watch::channel(0);
        let attached = Attached {
            shared: Arc::downgrade(shared),
            workers,
            runtime: tokio::runtime::Handle::current(),
            backlog,
            generation,
        };
        attached.serve(sockets);
        *self.attached.lock().unwrap_or_else(|p| p.into_inner()) = Some(attached);
    }

    /// Binds `bind` on `port` and moves serving there; on any failure nothing changes.
    pub fn rebind(&self, bind: &[String], port: u16) -> Result<(), String> {
        let guard = self.attached.lock().unwrap_or_else(|p| p.into_inner());
        let Some(attached) = guard.as_ref() else {
            return Ok(());
        };
        let sockets = bind_all(bind, port, attached.backlog).map_err(|e| e.to_string())?;
        attached.serve(sockets);
        Ok(())
    }
}

impl Attached {
    /// Retires the current accept loops and starts one per socket.
    fn serve(&self, sockets: Vec<std::net::TcpListener>) {
        let mut mine = 0;
        self.generation.send_modify(|g| {
            *g += 1;
            mine = *g;
        });
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        for socket in sockets {
            let stop = self.generation.subscribe();
            self.runtime.spawn(accept_loop(
                shared.clone(),
                self.workers.clone(),
                socket,
                stop,
                mine,
            ));
        }
    }
}

/// Binds every address of `bind` (Redis's syntax: `*`, `::*`, a leading `-` for "optional"
/// is read as the address itself) on `port`.
pub fn bind_all(
    bind: &[String],
    port: u16,
    backlog: i32,
) -> std::io::Result<Vec<std::net::TcpListener>> {
    let mut out = Vec::new();
    for host in bind {
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
        out.push(bind_one(SocketAddr::new(ip, port), backlog)?);
    }
    Ok(out)
}

fn bind_one(addr: SocketAddr, backlog: i32) -> std::io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

/// Accepts on `socket` and deals connections to the I/O threads until shutdown or until a
/// newer set of sockets (generation past `mine`) takes over.
async fn accept_loop(
    shared: Arc<Shared>,
    workers: Arc<Workers>,
    socket: std::net::TcpListener,
    mut stop: watch::Receiver<u64>,
    mine: u64,
) {
    let Ok(listener) = TcpListener::from_std(socket) else {
        return;
    };
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        if *stop.borrow() != mine || shared.shutting_down() {
            return;
        }
        let accepted = tokio::select! {
            biased;
            a = listener.accept() => a,
            _ = shutdown.changed() => return,
            r = stop.changed() => {
                if r.is_err() {
                    return;
                }
                continue;
            }
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
        };
        workers.deal(&shared, stream, peer);
    }
}
