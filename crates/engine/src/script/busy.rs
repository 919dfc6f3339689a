//! The busy-script gate: lock-free state shared between the engine (which runs a script while
//! the server holds the engine lock) and the I/O shell (whose other connections must not wait
//! on that lock). Connections read it before locking: while a script is past
//! `busy-reply-threshold` they answer `-BUSY` themselves, and SCRIPT KILL / FUNCTION KILL /
//! SHUTDOWN NOSAVE only raise flags here that the script's instruction hook observes.

use bytes::Bytes;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

/// A wall clock in milliseconds, handed to the engine by its host (the engine never reads the
/// clock itself).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Default, Debug)]
pub struct BusyGate {
    /// A script or function is executing.
    active: AtomicBool,
    /// It ran past the threshold: other clients get -BUSY.
    busy: AtomicBool,
    /// The running code is an EVAL script (false: a function called by FCALL).
    eval: AtomicBool,
    /// It already performed a write, so it cannot be killed.
    wrote: AtomicBool,
    /// SCRIPT KILL / FUNCTION KILL asked it to stop.
    kill: AtomicBool,
    /// SHUTDOWN NOSAVE asked it to stop; the shell then stops the server.
    shutdown: AtomicBool,
    started_ms: AtomicI64,
    /// What FUNCTION STATS reports while a function is busy.
    running: Mutex<Option<RunningFunction>>,
}

/// The running function and the library counts, for FUNCTION STATS during a busy function.
#[derive(Clone, Debug, Default)]
pub struct RunningFunction {
    pub name: String,
    pub argv: Vec<Bytes>,
    pub libraries: usize,
    pub functions: usize,
}

/// What a kill request from another connection gets back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KillOutcome {
    Killed,
    NotBusy,
    Unkillable,
    /// FUNCTION KILL while an EVAL script runs, or SCRIPT KILL while a function runs.
    WrongKind,
}

impl BusyGate {
    pub fn new() -> Arc<BusyGate> {
        Arc::new(BusyGate::default())
    }

    pub(crate) fn begin(&self, eval: bool, now_ms: i64) {
        self.started_ms.store(now_ms, Ordering::SeqCst);
        self.eval.store(eval, Ordering::SeqCst);
        self.wrote.store(false, Ordering::SeqCst);
        self.kill.store(false, Ordering::SeqCst);
        self.busy.store(false, Ordering::SeqCst);
        self.active.store(true, Ordering::SeqCst);
    }

    pub(crate) fn end(&self) {
        self.active.store(false, Ordering::SeqCst);
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.busy.store(false, Ordering::SeqCst);
        self.kill.store(false, Ordering::SeqCst);
    }

    pub fn running(&self) -> bool {
        self.active.load(Ordering::SeqCst)
    }

    /// True while a script runs past the threshold.
    pub fn busy(&self) -> bool {
        self.busy.load(Ordering::SeqCst) && self.running()
    }

    pub(crate) fn set_busy(&self) {
        self.busy.store(true, Ordering::SeqCst);
    }

    pub fn is_eval(&self) -> bool {
        self.eval.load(Ordering::SeqCst)
    }

    /// Remembers the function being called (FUNCTION STATS shows it while busy).
    pub(crate) fn set_function(&self, info: RunningFunction) {
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = Some(info);
    }

    pub fn function(&self) -> Option<RunningFunction> {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn mark_wrote(&self) {
        self.wrote.store(true, Ordering::SeqCst);
    }

    pub fn started_ms(&self) -> i64 {
        self.started_ms.load(Ordering::SeqCst)
    }

    pub(crate) fn kill_requested(&self) -> bool {
        self.kill.load(Ordering::SeqCst) || self.shutdown.load(Ordering::SeqCst)
    }

    pub fn shutdown_requested(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    /// SCRIPT KILL (`eval` true) or FUNCTION KILL from another connection.
    pub fn request_kill(&self, eval: bool) -> KillOutcome {
        if !self.busy() {
            return KillOutcome::NotBusy;
        }
        if self.is_eval() != eval {
            return KillOutcome::WrongKind;
        }
        if self.wrote.load(Ordering::SeqCst) {
            return KillOutcome::Unkillable;
        }
        self.kill.store(true, Ordering::SeqCst);
        KillOutcome::Killed
    }

    /// SHUTDOWN NOSAVE while busy: the script stops at its next hook.
    pub fn request_shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }
}

/// The replies a connection sends on its own while a script is busy.
pub mod replies {
    pub const BUSY_SCRIPT: &str =
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    pub const BUSY_FUNCTION: &str =
        "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    pub const NOTBUSY: &str = "NOTBUSY No scripts in execution right now.";
    pub const UNKILLABLE: &str = "UNKILLABLE Sorry the script already executed write commands \
against the dataset. You can either wait the script termination or kill the server in a hard \
way using the SHUTDOWN NOSAVE command.";
}
