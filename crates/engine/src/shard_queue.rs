//! What shard engines leave for the main engine: keyspace event messages (crate::notify) and
//! client-tracking invalidations (crate::tracking). Subscriptions and the tracking table live
//! in the main engine, so a shard cannot deliver either; it appends them to the one
//! [`ShardQueue`] it shares with the main engine, while it still holds its own lock. The
//! queue's order is therefore the order in which the writes happened: per shard, per client,
//! and for a write that read another client's write. The main engine settles the queue, in
//! that order, before anything else each time it is taken (the server's `MainGuard`), so
//! what it raises itself never overtakes older work, and a tracking client's read, which
//! runs there, never misses an invalidation of a write that came before it. A connection
//! whose shard commands queued work takes the main engine for that before it answers.

use crate::engine::Engine;
use bytes::Bytes;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// One piece of work for the main engine.
#[derive(Debug)]
pub(crate) enum ForMain {
    /// Publish `message` on `channel` (a keyspace event).
    Message {
        channel: Bytes,
        message: Bytes,
        now_ms: i64,
    },
    /// `key` was modified by client `modifier` (0: nobody, e.g. expiry): tell the clients
    /// that track it.
    Invalidate {
        key: Bytes,
        modifier: u64,
        now_ms: i64,
    },
}

/// Work queued by shard engines, oldest first.
#[derive(Debug, Default)]
pub struct ShardQueue {
    /// Set with the first item after a take: lets a connection check without the lock.
    waiting: AtomicBool,
    items: Mutex<Vec<ForMain>>,
}

impl ShardQueue {
    /// Whether work waits for the main engine.
    pub fn waiting(&self) -> bool {
        self.waiting.load(Ordering::Acquire)
    }

    pub(crate) fn push(&self, item: ForMain) {
        // A leaf lock: nobody takes another lock while holding it.
        let mut items = self.items.lock().unwrap_or_else(|p| p.into_inner());
        items.push(item);
        self.waiting.store(true, Ordering::Release);
    }

    fn take(&self) -> Vec<ForMain> {
        let mut items = self.items.lock().unwrap_or_else(|p| p.into_inner());
        self.waiting.store(false, Ordering::Release);
        std::mem::take(&mut *items)
    }
}

impl Engine {
    /// On the main engine: publishes the messages and sends the invalidations that shard
    /// engines queued, in the order they queued them (BCAST batches go out at the end, as
    /// after a command). The caller holds the main engine, and the shards it lends, before
    /// anything runs.
    pub fn settle_shard_queue(&mut self) {
        if !self.shard_queue.waiting() {
            return;
        }
        let mut invalidated = false;
        for item in self.shard_queue.take() {
            match item {
                ForMain::Message {
                    channel,
                    message,
                    now_ms,
                } => {
                    self.publish(false, &channel, &message, now_ms);
                }
                ForMain::Invalidate {
                    key,
                    modifier,
                    now_ms,
                } => {
                    // Outside any command: nobody's invalidations wait for its reply.
                    self.tracking_begin(0, now_ms);
                    self.tracking_invalidate(&key, modifier);
                    invalidated = true;
                }
            }
        }
        if invalidated {
            self.tracking_end(0, None);
        }
    }
}
