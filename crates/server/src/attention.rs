//! A connection's wake-up signal: the engine killed the client, left a reply for it after
//! unparking it from a blocking command, or the server is shutting down.
//!
//! The connection polls for it on every turn of its loop, so polling must cost next to
//! nothing: one atomic load, and the waker registered only when the task's waker changes
//! (a spawned task's never does). tokio's `Notify` takes its waiter lock on every poll, and
//! the shutdown `watch` (one for the whole server) did the same on a lock all connections
//! on all threads share; at pipeline 1 the two were an eighth of the instructions per
//! request. Setting the signal is the rare side: a flag, then the lock to wake.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// The signal, shared by the connection and whoever wakes it.
#[derive(Default)]
pub struct Attention {
    /// Set by `notify`, cleared when the connection takes it: at most one pending wake-up,
    /// like `Notify::notify_one`'s permit.
    pending: AtomicBool,
    /// The connection task's waker, kept for every later wake-up.
    waker: Mutex<Option<Waker>>,
}

impl Attention {
    /// Wakes the connection, or leaves the wake-up for its next poll.
    pub fn notify(&self) {
        self.pending.store(true, Ordering::Release);
        let waker = self.waker.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(w) = waker.as_ref() {
            w.wake_by_ref();
        }
    }

    /// Takes a pending wake-up, if any.
    fn take(&self) -> bool {
        self.pending.load(Ordering::Acquire) && self.pending.swap(false, Ordering::AcqRel)
    }
}

/// The connection's side: remembers which waker it registered, so a poll with the same one
/// touches no lock.
pub struct Waiter<'a> {
    attention: &'a Attention,
    registered: Option<Waker>,
}

impl<'a> Waiter<'a> {
    pub fn new(attention: &'a Attention) -> Self {
        Waiter {
            attention,
            registered: None,
        }
    }

    /// Ready once a wake-up is pending (and takes it).
    pub fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.attention.take() {
            return Poll::Ready(());
        }
        if self
            .registered
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            return Poll::Pending;
        }
        let waker = cx.waker().clone();
        *self
            .attention
            .waker
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(waker.clone());
        self.registered = Some(waker);
        // A wake-up set before the waker was in place found nobody to wake: look again.
        match self.attention.take() {
            true => Poll::Ready(()),
            false => Poll::Pending,
        }
    }

    /// Resolves once a wake-up is pending (and takes it).
    pub async fn wait(&mut self) {
        std::future::poll_fn(|cx| self.poll_wait(cx)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn a_wake_up_is_kept_until_taken_and_taken_once() {
        let a = Arc::new(Attention::default());
        let mut w = Waiter::new(&a);
        a.notify();
        a.notify();
        w.wait().await;
        let polled = std::future::poll_fn(|cx| Poll::Ready(w.poll_wait(cx))).await;
        assert!(
            polled.is_pending(),
            "two notifies before a wait are one wake-up"
        );
    }

    #[tokio::test]
    async fn a_waiting_task_is_woken() {
        let a = Arc::new(Attention::default());
        let waiter = {
            let a = a.clone();
            tokio::spawn(async move {
                let mut w = Waiter::new(&a);
                w.wait().await;
                w.wait().await;
            })
        };
        for _ in 0..2 {
            tokio::task::yield_now().await;
            a.notify();
        }
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("woken twice")
            .unwrap();
    }
}
