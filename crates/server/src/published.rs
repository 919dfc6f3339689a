//! Settings a connection needs on every turn, published by whoever holds the main engine
//! when it lets go (after a CONFIG SET), so connections read them without its lock.

use engine::config::{Config, ObufLimit, OBUF_NORMAL, OBUF_PUBSUB};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// One class's `client-output-buffer-limit`, readable without a lock.
#[derive(Default)]
struct Limit {
    hard: AtomicU64,
    soft: AtomicU64,
    soft_secs: AtomicU64,
}

impl Limit {
    fn store(&self, l: ObufLimit) {
        self.hard.store(l.hard, Ordering::Relaxed);
        self.soft.store(l.soft, Ordering::Relaxed);
        self.soft_secs.store(l.soft_secs, Ordering::Relaxed);
    }

    fn load(&self) -> ObufLimit {
        ObufLimit {
            hard: self.hard.load(Ordering::Relaxed),
            soft: self.soft.load(Ordering::Relaxed),
            soft_secs: self.soft_secs.load(Ordering::Relaxed),
        }
    }
}

#[derive(Default)]
pub struct Published {
    /// The `Config::generation`-like stamp last published (`u64::MAX`: never).
    generation: AtomicU64,
    timeout_secs: AtomicU64,
    max_bulk: AtomicU64,
    query_buffer_limit: AtomicU64,
    /// `protected-mode`, read by the accept loops.
    protected_mode: AtomicBool,
    normal: Limit,
    pubsub: Limit,
}

impl Published {
    pub fn new(config: &Config) -> Published {
        let p = Published {
            generation: AtomicU64::new(u64::MAX),
            ..Default::default()
        };
        p.publish(config, 0);
        p
    }

    /// Publishes `config` unless `generation` (bumped by every CONFIG SET) was already.
    pub fn publish(&self, config: &Config, generation: u64) {
        if self.generation.load(Ordering::Relaxed) == generation {
            return;
        }
        self.timeout_secs
            .store(config.timeout_secs, Ordering::Relaxed);
        self.max_bulk
            .store(config.proto_max_bulk_len, Ordering::Relaxed);
        self.query_buffer_limit
            .store(config.query_buffer_limit, Ordering::Relaxed);
        self.protected_mode
            .store(config.protected_mode, Ordering::Relaxed);
        self.normal.store(config.obuf_limits[OBUF_NORMAL]);
        self.pubsub.store(config.obuf_limits[OBUF_PUBSUB]);
        self.generation.store(generation, Ordering::Relaxed);
    }

    /// The idle timeout in seconds (0: none).
    pub fn timeout_secs(&self) -> u64 {
        self.timeout_secs.load(Ordering::Relaxed)
    }

    /// `proto-max-bulk-len`.
    pub fn max_bulk(&self) -> u64 {
        self.max_bulk.load(Ordering::Relaxed)
    }

    /// `client-query-buffer-limit`.
    pub fn query_buffer_limit(&self) -> u64 {
        self.query_buffer_limit.load(Ordering::Relaxed)
    }

    /// `protected-mode`.
    pub fn protected_mode(&self) -> bool {
        self.protected_mode.load(Ordering::Relaxed)
    }

    /// The output limit of a client's class: pubsub for subscribers, else normal.
    pub fn output_limit(&self, subscriber: bool) -> ObufLimit {
        if subscriber {
            self.pubsub.load()
        } else {
            self.normal.load()
        }
    }
}
