//! I/O threads. Each runs its own single-threaded tokio runtime (its own event loop, as
//! DESIGN.md asks) and serves the connections dealt to it; the acceptor deals new
//! connections round-robin. Thread 0 is the runtime that called [`Workers::start`]: with
//! one thread nothing crosses threads at all.

use crate::shared::Shared;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

type Handoff = (std::net::TcpStream, u64);

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
                .spawn(move || runtime.block_on(serve_handoffs(shared, rx)))?;
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

    /// Gives an admitted connection (engine client `id`) to the next thread in turn.
    pub fn deal(&self, shared: &Arc<Shared>, stream: TcpStream, id: u64) {
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.threads();
        if turn == 0 {
            tokio::spawn(crate::connection::serve(shared.clone(), stream, id));
            return;
        }
        let sent = stream
            .into_std()
            .ok()
            .is_some_and(|s| self.others[turn - 1].send((s, id)).is_ok());
        if !sent {
            shared.lock().disconnect(id);
        }
    }
}

/// One I/O thread's life: adopt the connections dealt to it until shutdown.
async fn serve_handoffs(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Handoff>) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let (stream, id) = tokio::select! {
            biased;
            h = rx.recv() => match h {
                Some(h) => h,
                None => return,
            },
            _ = shutdown.changed() => return,
        };
        match TcpStream::from_std(stream) {
            Ok(stream) => {
                tokio::spawn(crate::connection::serve(shared.clone(), stream, id));
            }
            Err(_) => shared.lock().disconnect(id),
        }
    }
}
