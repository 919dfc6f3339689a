//! State shared by all connection tasks: the engine behind one lock (for now), and the
//! handles the shell needs to act on the engine's `Action`s.

use engine::script::busy::BusyGate;
use engine::{Action, Engine};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use tokio::sync::{watch, Notify};

/// Where the shell reads the time it hands the engine: the system clock in production, a
/// simulated one under the simulator.
#[derive(Clone)]
pub enum Clock {
    System,
    Simulated(Arc<dyn Fn() -> i64 + Send + Sync>),
}

impl Clock {
    /// Unix time in milliseconds.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => crate::now_ms(),
            Clock::Simulated(f) => f(),
        }
    }
}

pub struct Shared {
    pub engine: Mutex<Engine>,
    pub clock: Clock,
    /// Per-client attention signals: the engine killed the client (CLIENT KILL) or left a
    /// reply for it after unparking it from a blocking command.
    pub attention: Mutex<HashMap<u64, Arc<Notify>>>,
    /// Flips to true once shutdown starts; every task watches it.
    pub shutdown: watch::Sender<bool>,
    /// The engine's busy-script gate, readable without the engine lock (a running script
    /// holds that lock for as long as it runs).
    pub gate: Arc<BusyGate>,
}

impl Shared {
    pub fn new(engine: Engine) -> Arc<Shared> {
        Shared::with_clock(engine, Clock::System)
    }

    pub fn with_clock(engine: Engine, clock: Clock) -> Arc<Shared> {
        let (shutdown, _) = watch::channel(false);
        let gate = engine.scripting.gate.clone();
        Arc::new(Shared {
            gate,
            engine: Mutex::new(engine),
            clock,
            attention: Mutex::new(HashMap::new()),
            shutdown,
        })
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, Engine> {
        // A panic while holding the lock is a bug; keep serving rather than cascading.
        self.engine.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Locks the engine unless a script is running (then `None`: the caller answers by itself
    /// or retries later, instead of parking its I/O thread for the script's whole run).
    /// Never blocks on the lock itself: a script may take it at any moment, and an I/O
    /// thread stuck behind it could not pass on a SCRIPT KILL. Ordinary commands hold the
    /// lock briefly, so this spins, then naps in short steps.
    pub fn lock_unless_script(&self) -> Option<MutexGuard<'_, Engine>> {
        let mut tries = 0u32;
        loop {
            match self.engine.try_lock() {
                Ok(g) => return Some(g),
                Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
                Err(TryLockError::WouldBlock) => {}
            }
            if self.gate.running() {
                return None;
            }
            tries += 1;
            if tries < 64 {
                std::thread::yield_now();
            } else {
                std::thread::sleep(std::time::Duration::from_micros(20));
            }
        }
    }

    /// Carries out what the engine asked for.
    pub fn perform(&self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Kill(ids) | Action::Wake(ids) => {
                    let attention = self.attention.lock().unwrap_or_else(|p| p.into_inner());
                    for id in ids {
                        if let Some(n) = attention.get(&id) {
                            n.notify_one();
                        }
                    }
                }
                Action::Log { level, message } => {
                    let message = String::from_utf8_lossy(&message);
                    match level {
                        0 | 1 => tracing::debug!("{message}"),
                        2 => tracing::info!("{message}"),
                        _ => tracing::warn!("{message}"),
                    }
                }
                Action::Shutdown => {
                    tracing::warn!("User requested shutdown...");
                    self.shutdown.send_replace(true);
                }
            }
        }
    }
}
