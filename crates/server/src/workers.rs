//! I/O threads. Each runs its own single-threaded tokio runtime (its own event loop, as
//! DESIGN.md asks) and serves the connections dealt to it; the acceptor deals new
//! connections round-robin. Thread 0 is the runtime that called [`Workers::start`]: with
//! one thread nothing crosses threads at all.

use crate::admit::Peer;
use crate::shared::Shared;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

type Handoff = (std::net::TcpStream, Peer);

pub struct Workers {
    /// Threads 1..N; thread 0 is the caller's runtime.
    others: Vec<mpsc::UnboundedSender<Handoff>>,
    next: AtomicUsize,
}

impl Workers {
    /// Starts `threads - 1` more I/O threads beside the calling runtime.
    pub fn start(shared: &Arc<Shared>, threads: usize) -> std::io::Result<Workers> {
        let mut others = Vec::new();
        for i in 1..threads.max(1) {
            let (tx, rx) = mpsc::unbounded_channel();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(format!("lattice-io-{i}"))
                .spawn(move || {
                    crate::arrival::set_thread_index(i);
                    runtime.block_on(serve_handoffs(shared, rx))
                })?;
            others.push(tx);
        }
        Ok(Workers {
            others,
            next: AtomicUsize::new(0),
        })
    }

    /// The number of I/O threads, the caller's included.
    pub fn threads(&self) -> usize {
        self.others.len() + 1
    }

    /// Gives a new connection to the next thread in turn, which registers and serves it.
    pub fn deal(&self, shared: &Arc<Shared>, stream: TcpStream, peer: Peer) {
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.threads();
        if turn == 0 {
            tokio::spawn(start(shared.clone(), stream, peer));
            return;
        }
        // A stream that cannot move (or a thread gone at shutdown) is dropped: the client
        // sees the connection close.
        if let Ok(s) = stream.into_std() {
            let _ = self.others[turn - 1].send((s, peer));
        }
    }
}

/// One I/O thread's life: adopt the connections dealt to it until shutdown.
async fn serve_handoffs(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Handoff>) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            h = rx.recv() => match h {
                Some(h) => h,
                None => return,
            },
            _ = shutdown.changed() => return,
        };
        if let Ok(stream) = TcpStream::from_std(stream) {
            tokio::spawn(start(shared.clone(), stream, peer));
        }
    }
}

/// Registers and serves one connection on the current I/O thread.
async fn start(shared: Arc<Shared>, stream: TcpStream, mut peer: Peer) {
    peer.arrival = shared.arrivals.as_ref().and_then(|a| a.register(&stream));
    crate::admit::admit(shared, stream, peer, crate::listener::set_keepalive).await;
}
