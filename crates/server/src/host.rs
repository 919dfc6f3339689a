//! The process facts INFO reports (memory, pid, CPU), read from the OS.

use engine::Host;

pub struct ProcessHost {
    pub config_file: String,
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
