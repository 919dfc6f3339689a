//! A connection's wake-up signal: the engine killed the client, left a reply for it after
//! unparking it from a blocking command, or the server is shutting down; or, separately, the
//! cron asks it to look after its buffers (which needs no engine).
//!
//! The connection polls for it on every turn of its loop, so polling must cost next to
//! nothing: one atomic load, and the waker registered only when the task's waker changes
//! (a spawned task's never does). tokio's `Notify` takes its waiter lock on every poll, and
//! the shutdown `watch` (one for the whole server) did the same on a lock all connections
//! on all threads share; at pipeline 1 the two were an eighth of the instructions per
//! request. Setting the signal is the rare side: a flag, then the lock to wake.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// `Attention::pending` bits.
const WAKE: u8 = 1;
const HOUSEKEEPING: u8 = 2;

/// What a wake-up was for: the engine (`wake`), buffer housekeeping, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signals {
    pub wake: bool,
    pub housekeeping: bool,
}

/// The signal, shared by the connection and whoever wakes it.
#[derive(Default)]
pub struct Attention {
    /// Bits set by `notify` and `request_housekeeping`, cleared when the connection takes
    /// them: at most one pending wake-up of each kind, like `Notify::notify_one`'s permit.
    pending: AtomicU8,
    /// The connection task's waker, kept for every later wake-up.
    waker: Mutex<Option<Waker>>,
}

impl Attention {
    /// Wakes the connection, or leaves the wake-up for its next poll.
    pub fn notify(&self) {
        self.signal(WAKE);
    }

    /// Asks the connection to look after its buffers (crate::connection), once.
    pub fn request_housekeeping(&self) {
        self.signal(HOUSEKEEPING);
    }

    fn signal(&self, bit: u8) {
        self.pending.fetch_or(bit, Ordering::Release);
        let waker = self.waker.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(w) = waker.as_ref() {
            w.wake_by_ref();
        }
    }

    /// Takes what is pending, if anything.
    fn take(&self) -> Option<Signals> {
        if self.pending.load(Ordering::Acquire) == 0 {
            return None;
        }
        let bits = self.pending.swap(0, Ordering::AcqRel);
        (bits != 0).then_some(Signals {
            wake: bits & WAKE != 0,
            housekeeping: bits & HOUSEKEEPING != 0,
        })
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
    pub fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<Signals> {
        if let Some(signals) = self.attention.take() {
            return Poll::Ready(signals);
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
            Some(signals) => Poll::Ready(signals),
            None => Poll::Pending,
        }
    }

    /// Resolves once a wake-up is pending (and takes it).
    pub async fn wait(&mut self) -> Signals {
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
        assert_eq!(
            w.wait().await,
            Signals {
                wake: true,
                housekeeping: false
            }
        );
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
        tokio::task::yield_now().await;
        a.notify();
        tokio::task::yield_now().await;
        a.request_housekeeping();
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("woken twice")
            .unwrap();
    }
}
