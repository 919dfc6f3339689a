//! State shared by all connection tasks: the main engine and the shard engines, each behind
//! its own lock (engine::shard), and the handles the shell needs to act on the engine's
//! `Action`s.
//!
//! Lock order: the main engine's lock, then every shard's in ascending order (`MainGuard`);
//! a command run on a shard takes that shard's lock alone. So no cycle: whoever holds a
//! shard lock without the main lock waits for nothing (but the shard queue's lock, a leaf:
//! nothing is taken while holding it).

use crate::attention::Attention;
use engine::script::busy::BusyGate;
use engine::shard_queue::ShardQueue;
use engine::{Action, Engine};
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use tokio::sync::watch;

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
    /// One engine per keyspace shard, holding that shard's keys while the main engine does
    /// not borrow them.
    pub shards: Vec<Mutex<Engine>>,
    /// `timeout` and `proto-max-bulk-len`, published whenever the main engine is released,
    /// so a connection reads them without taking it.
    timeout_secs: AtomicU64,
    max_bulk: AtomicU64,
    /// `protected-mode`, read by the accept loops.
    protected_mode: AtomicBool,
    pub clock: Clock,
    /// Per-client attention signals: the engine killed the client (CLIENT KILL) or left a
    /// reply for it after unparking it from a blocking command, or shutdown began.
    pub attention: Mutex<HashMap<u64, Arc<Attention>>>,
    /// Flips to true once shutdown starts (`shut_down`); listeners and workers watch it,
    /// connections hear of it through their attention signal.
    pub shutdown: watch::Sender<bool>,
    /// The engine's busy-script gate, readable without the engine lock (a running script
    /// holds that lock for as long as it runs).
    pub gate: Arc<BusyGate>,
    /// Keyspace events and invalidations queued by shard engines for the main engine
    /// (engine::shard_queue).
    shard_queue: Arc<ShardQueue>,
}

impl Shared {
    pub fn new(engine: Engine) -> Arc<Shared> {
        Shared::with_clock(engine, Clock::System)
    }

    /// `engine.config.shards` shard engines (at least one) beside the main engine.
    pub fn with_clock(mut engine: Engine, clock: Clock) -> Arc<Shared> {
        let (shutdown, _) = watch::channel(false);
        let gate = engine.scripting.gate.clone();
        let count = engine.dbs.first().map_or(1, |db| db.parts());
        let shards = (0..count)
            .map(|i| Mutex::new(engine.new_shard(i)))
            .collect();
        Arc::new(Shared {
            gate,
            shard_queue: engine.shard_queue.clone(),
            timeout_secs: AtomicU64::new(engine.config.timeout_secs),
            max_bulk: AtomicU64::new(engine.config.proto_max_bulk_len),
            protected_mode: AtomicBool::new(engine.config.protected_mode),
            engine: Mutex::new(engine),
            shards,
            clock,
            attention: Mutex::new(HashMap::new()),
            shutdown,
        })
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The main engine with every shard's keys (waits for a running script).
    pub fn lock(&self) -> MainGuard<'_> {
        // A panic while holding the lock is a bug; keep serving rather than cascading.
        MainGuard::new(
            self,
            self.engine.lock().unwrap_or_else(|p| p.into_inner()),
            None,
        )
    }

    /// The idle timeout in seconds, as last configured.
    pub fn timeout_secs(&self) -> u64 {
        self.timeout_secs.load(Ordering::Relaxed)
    }

    /// `protected-mode`, as last configured.
    pub fn protected_mode(&self) -> bool {
        self.protected_mode.load(Ordering::Relaxed)
    }

    /// `proto-max-bulk-len`, as last configured.
    pub fn max_bulk(&self) -> u64 {
        self.max_bulk.load(Ordering::Relaxed)
    }

    /// Shard `index`'s engine unless a script is running (it holds every shard).
    pub fn lock_shard_unless_script(&self, index: usize) -> Option<MutexGuard<'_, Engine>> {
        lock_unless(&self.shards[index], &self.gate)
    }

    /// Locks the engine unless a script is running (then `None`: the caller answers by itself
    /// or retries later, instead of parking its I/O thread for the script's whole run).
    /// Never blocks on the lock itself: a script may take it at any moment, and an I/O
    /// thread stuck behind it could not pass on a SCRIPT KILL. Ordinary commands hold the
    /// lock briefly, so this spins, then naps in short steps.
    pub fn lock_unless_script(&self) -> Option<MainGuard<'_>> {
        lock_unless(&self.engine, &self.gate).map(|eng| MainGuard::new(self, eng, None))
    }

    /// Settles what shard commands queued for the main engine (engine::shard_queue: keyspace
    /// events, invalidations), if anything: taking the main engine does it, waking the
    /// subscribers and tracking clients concerned. A connection calls it after its shard
    /// commands, before it answers. While a script runs it does nothing: the script settled
    /// the queue when it took the engine (the shards were free until then).
    pub fn settle_shard_queue(&self) {
        if self.shard_queue.waiting() {
            drop(self.lock_shards_unless_script(&[]));
        }
    }

    /// The main engine with the keys of the shards `scope` picks once it sees the engine
    /// (ascending; `None`: all), unless a script is running.
    pub fn lock_scoped_unless_script(
        &self,
        scope: impl FnOnce(&Engine) -> Option<Vec<usize>>,
    ) -> Option<MainGuard<'_>> {
        let eng = lock_unless(&self.engine, &self.gate)?;
        let shards = scope(&eng);
        Some(MainGuard::new(self, eng, shards.as_deref()))
    }

    /// The main engine with the keys of `shards` (ascending) only, for a command that
    /// touches no other key: single-shard commands elsewhere go on meanwhile.
    pub fn lock_shards_unless_script(&self, shards: &[usize]) -> Option<MainGuard<'_>> {
        lock_unless(&self.engine, &self.gate).map(|eng| MainGuard::new(self, eng, Some(shards)))
    }

    /// Starts shutdown: listeners and workers see the flag, every connection is woken to see
    /// it. A connection registering meanwhile checks the flag after registering
    /// (`shutting_down`), so none is missed.
    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
        let attention = self.attention.lock().unwrap_or_else(|p| p.into_inner());
        for a in attention.values() {
            a.notify();
        }
    }

    /// Whether shutdown has begun.
    pub fn shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Carries out what the engine asked for.
    pub fn perform(&self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Kill(ids) | Action::Wake(ids) => {
                    let attention = self.attention.lock().unwrap_or_else(|p| p.into_inner());
                    for id in ids {
                        if let Some(a) = attention.get(&id) {
                            a.notify();
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
                    self.shut_down();
                }
            }
        }
    }
}

/// Locks `m` unless a script is running (then `None`: the caller answers by itself or
/// retries later, instead of parking its I/O thread for the script's whole run). Never
/// blocks on the lock itself: a script may take it at any moment, and an I/O thread stuck
/// behind it could not pass on a SCRIPT KILL. Commands hold locks briefly, so this spins,
/// then naps in short steps.
fn lock_unless<'a>(m: &'a Mutex<Engine>, gate: &BusyGate) -> Option<MutexGuard<'a, Engine>> {
    let mut tries = 0u32;
    loop {
        match m.try_lock() {
            Ok(g) => return Some(g),
            Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => {}
        }
        if gate.running() {
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

/// The main engine, holding every shard's lock and keys (or those of some shards, for a
/// command that names its keys): whatever runs through it is atomic and isolated across
/// them. Dropping it gives the keys back.
pub struct MainGuard<'a> {
    shared: &'a Shared,
    /// The shards held, with their indices, ascending.
    shards: Vec<(usize, MutexGuard<'a, Engine>)>,
    // Declared last: released after the shards.
    eng: MutexGuard<'a, Engine>,
}

impl<'a> MainGuard<'a> {
    /// Takes the shards `only` names (all when `None`) in ascending order.
    fn new(
        shared: &'a Shared,
        eng: MutexGuard<'a, Engine>,
        only: Option<&[usize]>,
    ) -> MainGuard<'a> {
        // Shard locks are held briefly by single-shard commands only (whoever runs more
        // holds the main lock, which we have), so waiting on them is short.
        let take = |i: usize| {
            (
                i,
                shared.shards[i].lock().unwrap_or_else(|p| p.into_inner()),
            )
        };
        let shards: Vec<_> = match only {
            Some(list) => list.iter().map(|&i| take(i)).collect(),
            None => (0..shared.shards.len()).map(take).collect(),
        };
        let mut guard = MainGuard {
            shared,
            shards,
            eng,
        };
        let MainGuard { shards, eng, .. } = &mut guard;
        for (i, shard) in shards.iter_mut() {
            eng.lend(*i, shard);
        }
        // What shards queued (events, invalidations) happened before whatever runs now. Its
        // wake-ups go out at once: not every holder of the guard performs actions.
        let before = eng.actions.len();
        eng.settle_shard_queue();
        if eng.actions.len() > before {
            let woken: Vec<Action> = eng.actions.drain(before..).collect();
            shared.perform(woken);
        }
        guard
    }
}

impl Drop for MainGuard<'_> {
    fn drop(&mut self) {
        for (i, shard) in self.shards.iter_mut() {
            self.eng.reclaim(*i, shard);
        }
        let config = &self.eng.config;
        self.shared
            .timeout_secs
            .store(config.timeout_secs, Ordering::Relaxed);
        self.shared
            .max_bulk
            .store(config.proto_max_bulk_len, Ordering::Relaxed);
        self.shared
            .protected_mode
            .store(config.protected_mode, Ordering::Relaxed);
    }
}

impl Deref for MainGuard<'_> {
    type Target = Engine;
    fn deref(&self) -> &Engine {
        &self.eng
    }
}

impl DerefMut for MainGuard<'_> {
    fn deref_mut(&mut self) -> &mut Engine {
        &mut self.eng
    }
}
