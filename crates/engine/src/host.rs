//! What the engine asks of the process around it: memory and CPU for INFO, clocks, the
//! connections' buffers, the listeners and the config file. Sans-IO: the engine never
//! reads any of it itself; `NullHost` answers for tests and simulation.

/// What the process around the engine reports for INFO (memory, pid, ports).
pub trait Host: Send {
    /// Bytes currently allocated by the process (Redis's `used_memory`).
    fn used_memory(&self) -> usize;
    /// Resident set size in bytes.
    fn rss(&self) -> usize;
    fn process_id(&self) -> u32;
    fn executable(&self) -> String;
    fn config_file(&self) -> String;
    /// The memory allocator, as INFO's `mem_allocator` names it.
    fn allocator(&self) -> &'static str;
    /// CPU seconds used so far: (system, user).
    fn cpu_seconds(&self) -> (f64, f64);
    /// A wall clock for measuring how long a script runs (busy scripts). None: scripts are
    /// never reported busy (tests and simulation, where time only moves between commands).
    fn clock(&self) -> Option<crate::script::busy::Clock>;
    /// A connection's buffers as the I/O shell holds them (CLIENT LIST, output limits).
    /// None: the shell reports nothing for it (tests and simulation).
    fn client_buffers(&self, client: u64) -> Option<ClientBuffers>;
    /// A fast clock for timing commands (INFO commandstats `usec`). None: durations stay 0.
    fn ticker(&self) -> Option<crate::stats::Ticker>;
    /// Moves the listening sockets to `bind` addresses on `port` (CONFIG SET port/bind),
    /// keeping the old ones when any new one cannot be bound. Without listeners (tests,
    /// simulation) there is nothing to move.
    fn rebind(&self, bind: &[String], port: u16) -> Result<(), String>;
    /// CONFIG REWRITE: reads the config file, passes its text to `render` and replaces the
    /// file with the result atomically. The error is the system's reason (`strerror`).
    fn rewrite_config(&self, render: &dyn Fn(&str) -> String) -> Result<(), String>;
}
// (No default methods: a host that wraps another, like the server's buffer host, must
// pass every question on, and the compiler says when it forgets one.)

/// A connection's buffers, as the I/O shell reports them: what CLIENT LIST shows as
/// qbuf, qbuf-free, rbs, rbp, obl, oll, omem and events, and what output limits count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientBuffers {
    /// Input read and not yet run (during a command: its whole read batch, as in Redis).
    pub qbuf: usize,
    /// Room left in the query buffer's allocation.
    pub qbuf_free: usize,
    /// Reply bytes not yet written to the socket.
    pub out_pending: usize,
    /// The reply buffer's allocation.
    pub out_capacity: usize,
    /// The most reply bytes pending at once lately.
    pub out_peak: usize,
}

/// A host for tests and simulation: fixed, deterministic numbers.
pub struct NullHost;

impl Host for NullHost {
    fn used_memory(&self) -> usize {
        0
    }
    fn rss(&self) -> usize {
        0
    }
    fn process_id(&self) -> u32 {
        0
    }
    fn executable(&self) -> String {
        String::new()
    }
    fn config_file(&self) -> String {
        String::new()
    }
    fn allocator(&self) -> &'static str {
        "libc"
    }
    fn cpu_seconds(&self) -> (f64, f64) {
        (0.0, 0.0)
    }
    fn clock(&self) -> Option<crate::script::busy::Clock> {
        None
    }
    fn client_buffers(&self, _client: u64) -> Option<ClientBuffers> {
        None
    }
    fn ticker(&self) -> Option<crate::stats::Ticker> {
        None
    }
    fn rebind(&self, _bind: &[String], _port: u16) -> Result<(), String> {
        Ok(())
    }
    fn rewrite_config(&self, _render: &dyn Fn(&str) -> String) -> Result<(), String> {
        Err("Operation not supported".into())
    }
}
