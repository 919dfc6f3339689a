//! Per-connection state the engine needs: selected db, protocol, name, reply mode, flags.
//! The engine owns every session so that `CLIENT LIST` and `CLIENT KILL` see all of them.

use bytes::Bytes;
use resp::Proto;

/// `CLIENT REPLY` mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReplyMode {
    #[default]
    On,
    Off,
    /// Skip the reply of the next command only.
    SkipNext,
    /// Set while the skipped command runs.
    Skipping,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub id: u64,
    pub db: usize,
    pub proto: Proto,
    pub name: Option<Bytes>,
    pub reply_mode: ReplyMode,
    pub no_evict: bool,
    /// Peer address as `ip:port`.
    pub addr: String,
    /// Local address as `ip:port`.
    pub laddr: String,
    pub created_ms: i64,
    pub last_interaction_ms: i64,
    /// Full name of the last command run (`client|list`), for `CLIENT LIST`.
    pub last_cmd: &'static str,
    /// Set by `CLIENT KILL`; the I/O shell closes the connection.
    pub killed: bool,
    /// Socket file descriptor, for `CLIENT LIST`'s `fd=` (given by the shell).
    pub fd: i64,
    pub net_in: u64,
    pub net_out: u64,
    pub commands: u64,
    pub lib_name: Option<Bytes>,
    pub lib_ver: Option<Bytes>,
    /// Set while the client is parked by a blocking command.
    pub blocked: Option<crate::blocking::BlockedOn>,
    /// Set between MULTI and EXEC/DISCARD: the queued commands (cmd/transactions.rs).
    pub multi: Option<Multi>,
}

impl Session {
    pub fn new(id: u64, addr: String, laddr: String, fd: i64, now_ms: i64) -> Session {
        Session {
            id,
            db: 0,
            proto: Proto::Resp2,
            name: None,
            reply_mode: ReplyMode::On,
            no_evict: false,
            addr,
            laddr,
            created_ms: now_ms,
            last_interaction_ms: now_ms,
            last_cmd: "NULL",
            killed: false,
            fd,
            net_in: 0,
            net_out: 0,
            commands: 0,
            lib_name: None,
            lib_ver: None,
            blocked: None,
            multi: None,
        }
    }

    /// What `RESET` restores (identity and addresses stay).
    pub fn reset(&mut self) {
        self.db = 0;
        self.proto = Proto::Resp2;
        self.name = None;
        self.reply_mode = ReplyMode::On;
        self.no_evict = false;
    }
}

/// A client's open transaction (between MULTI and EXEC/DISCARD).
#[derive(Clone, Debug, Default)]
pub struct Multi {
    pub(crate) queue: Vec<Vec<Bytes>>,
    /// A command was refused while queueing (Redis's `CLIENT_DIRTY_EXEC`).
    pub(crate) aborted: bool,
}

impl Multi {
    /// Commands queued so far (CLIENT LIST's `multi=`).
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// The queued commands, in order.
    pub fn queue(&self) -> &[Vec<Bytes>] {
        &self.queue
    }
}
