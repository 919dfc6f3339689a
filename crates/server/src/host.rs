//! The process facts INFO reports (memory, pid, CPU), read from the OS.

use crate::listeners::Listeners;
use engine::Host;
use std::io::Write;
use std::sync::Arc;

pub struct ProcessHost {
    pub config_file: String,
    /// The memory allocator the binary was built with, as INFO's `mem_allocator` names it.
    pub allocator: &'static str,
    /// The listening sockets, which CONFIG SET port / bind moves.
    pub listeners: Arc<Listeners>,
}

/// The process's TSC clock (calibrated once; a monotonic clock where the TSC is unfit).
fn tsc() -> &'static quanta::Clock {
    static CLOCK: std::sync::OnceLock<quanta::Clock> = std::sync::OnceLock::new();
    CLOCK.get_or_init(quanta::Clock::new)
}

fn ticks() -> u64 {
    tsc().raw()
}

fn ticks_to_nanos(ticks: u64) -> u64 {
    tsc().delta_as_nanos(0, ticks)
}

/// The system's reason alone ("Permission denied"), as Redis prints `strerror`.
fn reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Replaces `path` with `content` atomically: a temporary file beside it, synced, then
/// renamed over it (Redis's `rewriteConfigOverwriteFile`).
fn overwrite(path: &str, content: &str) -> std::io::Result<()> {
    let tmp = format!("{path}.{}.tmp", std::process::id());
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

impl Host for ProcessHost {
    fn used_memory(&self) -> usize {
        crate::alloc::allocated()
    }

    fn rss(&self) -> usize {
        // /proc/self/statm: size resident shared ... in pages.
        std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
            .map_or(0, |pages| pages * 4096)
    }

    fn process_id(&self) -> u32 {
        std::process::id()
    }

    fn executable(&self) -> String {
        std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    fn config_file(&self) -> String {
        self.config_file.clone()
    }

    fn allocator(&self) -> &'static str {
        self.allocator
    }

    fn rebind(&self, bind: &[String], port: u16) -> Result<(), String> {
        self.listeners.rebind(bind, port)
    }

    fn rewrite_config(&self, render: &dyn Fn(&str) -> String) -> Result<(), String> {
        let old = match std::fs::read_to_string(&self.config_file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(reason(&e)),
        };
        overwrite(&self.config_file, &render(&old)).map_err(|e| reason(&e))
    }

    fn ticker(&self) -> Option<engine::stats::Ticker> {
        // Calibrate now, not during the first command.
        let _ = tsc();
        Some(engine::stats::Ticker {
            now: ticks,
            to_nanos: ticks_to_nanos,
        })
    }

    /// The connections' buffers are the shared state's (crate::buffers::BufferHost wraps
    /// this host to answer).
    fn client_buffers(&self, _client: u64) -> Option<engine::engine::ClientBuffers> {
        None
    }

    fn clock(&self) -> Option<engine::script::busy::Clock> {
        Some(std::sync::Arc::new(crate::now_ms))
    }

    fn cpu_seconds(&self) -> (f64, f64) {
        // /proc/self/stat fields 14 and 15 (utime, stime) in clock ticks (100 per second).
        let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
            return (0.0, 0.0);
        };
        let after_comm = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after_comm.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // after ")" field 0 is state (field 3 overall), so utime (14) is index 11, stime 12.
        (ticks(12) / 100.0, ticks(11) / 100.0)
    }
}
