//! The I/O shell: listeners, connections, pipelining and timers around the sans-IO engine.
//! Everything here is plumbing; semantics live in `engine`.

pub mod admit;
pub mod alloc;
pub mod arrival;
pub mod attention;
pub mod buffers;
pub mod busy;
mod conn;
pub mod connection;
pub mod host;
pub mod listener;
pub mod listeners;
mod output;
pub mod published;
pub mod shared;
pub mod stamped;
pub mod workers;

pub use listener::{run, run_with, Running};

/// Wall-clock time in unix milliseconds: the only clock the engine sees.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
