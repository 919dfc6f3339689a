//! Each connection's buffer sizes, published for CLIENT LIST (the engine asks its `Host`).
//! A connection updates its own numbers with relaxed stores on its thread; a reader takes
//! the registry's lock only to find them, so the command path never contends on it.

use engine::engine::ClientBuffers;
use engine::Host;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One connection's numbers (see `ClientBuffers` for their meaning).
#[derive(Default)]
pub struct BufferStats {
    qbuf: AtomicUsize,
    qbuf_free: AtomicUsize,
    out_pending: AtomicUsize,
    out_capacity: AtomicUsize,
    out_peak: AtomicUsize,
}

impl BufferStats {
    pub fn set_query(&self, len: usize, capacity: usize) {
        self.qbuf.store(len, Ordering::Relaxed);
        self.qbuf_free
            .store(capacity.saturating_sub(len), Ordering::Relaxed);
    }

    pub fn set_output(&self, pending: usize, capacity: usize, peak: usize) {
        self.out_pending.store(pending, Ordering::Relaxed);
        self.out_capacity.store(capacity, Ordering::Relaxed);
        self.out_peak.store(peak, Ordering::Relaxed);
    }

    /// Something for housekeeping: an allocated query buffer with nothing in it (freed
    /// once idle long enough), or a reply peak to start over.
    fn wants_housekeeping(&self) -> bool {
        let q = self.qbuf.load(Ordering::Relaxed);
        let free = self.qbuf_free.load(Ordering::Relaxed);
        (q == 0 && free > 0) || self.out_peak.load(Ordering::Relaxed) > 0
    }

    fn snapshot(&self) -> ClientBuffers {
        ClientBuffers {
            qbuf: self.qbuf.load(Ordering::Relaxed),
            qbuf_free: self.qbuf_free.load(Ordering::Relaxed),
            out_pending: self.out_pending.load(Ordering::Relaxed),
            out_capacity: self.out_capacity.load(Ordering::Relaxed),
            out_peak: self.out_peak.load(Ordering::Relaxed),
        }
    }
}

/// Every registered connection's numbers, by client id.
#[derive(Default)]
pub struct BufferRegistry {
    by_client: Mutex<HashMap<u64, Arc<BufferStats>>>,
}

impl BufferRegistry {
    /// A new connection's numbers, registered until `remove`.
    pub fn register(&self, id: u64) -> Arc<BufferStats> {
        let stats = Arc::new(BufferStats::default());
        self.lock().insert(id, stats.clone());
        stats
    }

    pub fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// The connections that have something for housekeeping.
    pub fn wanting_housekeeping(&self) -> Vec<u64> {
        self.lock()
            .iter()
            .filter(|(_, s)| s.wants_housekeeping())
            .map(|(&id, _)| id)
            .collect()
    }

    fn get(&self, id: u64) -> Option<ClientBuffers> {
        self.lock().get(&id).map(|s| s.snapshot())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<BufferStats>>> {
        self.by_client.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The engine's host with the connections' buffers added: every other question goes to
/// the host the engine was built with.
pub struct BufferHost {
    pub inner: Box<dyn Host>,
    pub buffers: Arc<BufferRegistry>,
}

impl Host for BufferHost {
    fn used_memory(&self) -> usize {
        self.inner.used_memory()
    }
    fn rss(&self) -> usize {
        self.inner.rss()
    }
    fn process_id(&self) -> u32 {
        self.inner.process_id()
    }
    fn executable(&self) -> String {
        self.inner.executable()
    }
    fn config_file(&self) -> String {
        self.inner.config_file()
    }
    fn allocator(&self) -> &'static str {
        self.inner.allocator()
    }
    fn cpu_seconds(&self) -> (f64, f64) {
        self.inner.cpu_seconds()
    }
    fn clock(&self) -> Option<engine::script::busy::Clock> {
        self.inner.clock()
    }
    fn client_buffers(&self, client: u64) -> Option<ClientBuffers> {
        self.buffers.get(client)
    }
    fn ticker(&self) -> Option<engine::stats::Ticker> {
        self.inner.ticker()
    }
    fn rebind(&self, bind: &[String], port: u16) -> Result<(), String> {
        self.inner.rebind(bind, port)
    }
    fn rewrite_config(&self, render: &dyn Fn(&str) -> String) -> Result<(), String> {
        self.inner.rewrite_config(render)
    }
}
