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

/// Redis's `islocalClient`: the peer's address is 127.0.0.1 or ::1.
fn is_loopback(peer: &SocketAddr) -> bool {
    match peer.ip() {
        std::net::IpAddr::V4(ip) => ip == std::net::Ipv4Addr::LOCALHOST,
        std::net::IpAddr::V6(ip) => ip == std::net::Ipv6Addr::LOCALHOST,
    }
}

/// Redis 7.0.15's refusal of a client from another host while `protected-mode` is on and
/// the default user has no password (always, in Lattice), word for word.
const DENIED: &[u8] = b"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// Writes the refusal without waiting (a fresh socket's buffer takes it) and closes.
fn deny(stream: tokio::net::TcpStream) {
    let _ = stream.try_write(DENIED);
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
        if shared.settings.protected_mode() && !is_loopback(&peer) {
            deny(stream);
            continue;
        }
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
