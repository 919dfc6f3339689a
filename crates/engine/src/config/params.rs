//! The parameter table: every configuration parameter Lattice has, with Redis 7.0's name,
//! alias, type, bounds and default. A parameter is here only when Lattice does what it says
//! (docs/COMPATIBILITY.md lists the Redis parameters left out and why).

/// How a parameter's text is read, printed and rewritten.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Bool,
    /// An integer within bounds.
    Int {
        min: i64,
        max: i64,
    },
    /// A byte size accepting `k`, `kb`, `m`, `mb`, `g`, `gb` suffixes; printed in bytes.
    Memory {
        min: i64,
        max: i64,
    },
    Enum(&'static [&'static str]),
    /// Free text; rewritten quoted.
    Str,
    /// `dir`: a path, rewritten as given (absolute after startup).
    Dir,
    /// `bind`: space separated addresses.
    List,
    /// `client-output-buffer-limit`: `<class> <hard> <soft> <soft-seconds>` groups; a SET
    /// changes only the classes it names.
    BufferLimits,
    /// `notify-keyspace-events` class letters (notify.rs).
    NotifyFlags,
    /// `shutdown-on-sigint`/`-sigterm`: a set of flags (value.rs).
    ShutdownFlags,
}

/// CONFIG SET may change it at run time.
pub const MUTABLE: u8 = 1;
/// Like Redis's protected configs with `enable-protected-configs no`: CONFIG SET refuses it.
pub const PROTECTED: u8 = 2;
/// Returned by CONFIG GET only when asked by its exact name (Redis's HIDDEN_CONFIG; used for
/// Lattice's own parameters, so that `CONFIG GET *` lists Redis's set).
pub const HIDDEN: u8 = 4;
/// The alias is Lattice's own older name: hidden from patterns like `HIDDEN`.
pub const HIDDEN_ALIAS: u8 = 8;
/// Its value is several words (`bind a b`, `client-output-buffer-limit ...`).
pub const MULTI_ARG: u8 = 16;
/// Changing it moves the listening sockets (the host does it, `Host::rebind`).
pub const REBIND: u8 = 32;

pub struct Param {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub kind: Kind,
    pub default: &'static str,
    pub flags: u8,
}

impl Param {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

const INT_MAX: i64 = i32::MAX as i64;
const LONG_MAX: i64 = i64::MAX;
const M: u8 = MUTABLE;

const fn int(min: i64, max: i64) -> Kind {
    Kind::Int { min, max }
}

const fn mem(min: i64, max: i64) -> Kind {
    Kind::Memory { min, max }
}

const fn p(name: &'static str, kind: Kind, default: &'static str, flags: u8) -> Param {
    Param {
        name,
        alias: None,
        kind,
        default,
        flags,
    }
}

/// A parameter that also answers to another name (Redis's pre-7.0 one, or Lattice's own).
const fn pa(
    name: &'static str,
    alias: &'static str,
    kind: Kind,
    default: &'static str,
    flags: u8,
) -> Param {
    Param {
        name,
        alias: Some(alias),
        kind,
        default,
        flags,
    }
}

/// The shutdown flags, in the order CONFIG GET prints them.
pub const SHUTDOWN_FLAGS: &[&str] = &["default", "save", "nosave", "now", "force"];

pub const PARAMS: &[Param] = &[
    // Network.
    p("port", int(0, 65535), "6379", M | REBIND),
    p("bind", Kind::List, "127.0.0.1", M | MULTI_ARG | REBIND),
    p("tcp-backlog", int(0, INT_MAX), "511", 0),
    p("tcp-keepalive", int(0, INT_MAX), "300", M),
    p("timeout", int(0, INT_MAX), "0", M),
    p("maxclients", int(1, u32::MAX as i64), "10000", M),
    p("protected-mode", Kind::Bool, "yes", M),
    p(
        "proto-max-bulk-len",
        mem(1024 * 1024, LONG_MAX),
        "536870912",
        M,
    ),
    // Unparsed input past this closes the client.
    p(
        "client-query-buffer-limit",
        mem(1024 * 1024, LONG_MAX),
        "1073741824",
        M,
    ),
    // Keys remembered for client-side caching past this are forgotten at random, their
    // clients told (tracking.rs); 0: no limit.
    p("tracking-table-max-keys", int(0, LONG_MAX), "1000000", M),
    // Threads: Lattice's I/O threads each run their connections' commands. 0 at startup means
    // one per core; CONFIG GET reports the number running. `threads` is Lattice's old name.
    pa("io-threads", "threads", int(0, 1024), "0", HIDDEN_ALIAS),
    // Lattice's own: keyspace shards, each under its own lock (0: one per I/O thread).
    p("shards", int(0, 1024), "0", HIDDEN),
    // General.
    p("databases", int(1, INT_MAX), "16", 0),
    p(
        "loglevel",
        Kind::Enum(&["debug", "verbose", "notice", "warning"]),
        "notice",
        M,
    ),
    p("logfile", Kind::Str, "", 0),
    p("daemonize", Kind::Enum(&["no"]), "no", 0),
    p("pidfile", Kind::Str, "", 0),
    p("dir", Kind::Dir, ".", PROTECTED),
    p("hz", int(0, INT_MAX), "10", M),
    p("dynamic-hz", Kind::Bool, "yes", M),
    p("activerehashing", Kind::Bool, "yes", M),
    p("active-expire-effort", int(1, 10), "1", M),
    p(
        "shutdown-on-sigint",
        Kind::ShutdownFlags,
        "default",
        M | MULTI_ARG,
    ),
    p(
        "shutdown-on-sigterm",
        Kind::ShutdownFlags,
        "default",
        M | MULTI_ARG,
    ),
    // No persistence yet: these report the truth and accept only the values that are true.
    p("save", Kind::Enum(&[""]), "", M | MULTI_ARG),
    p("appendonly", Kind::Enum(&["no"]), "no", M),
    // Freeing is synchronous whatever these say, which no reply can tell apart.
    p("lazyfree-lazy-expire", Kind::Bool, "no", M),
    p("lazyfree-lazy-server-del", Kind::Bool, "no", M),
    p("lazyfree-lazy-user-del", Kind::Bool, "no", M),
    p("lazyfree-lazy-user-flush", Kind::Bool, "no", M),
    // Active defragmentation needs Redis's patched jemalloc; like a Redis built without it,
    // `activedefrag yes` is refused and the tuning parameters have nothing to tune.
    p("activedefrag", Kind::Bool, "no", M),
    p("active-defrag-cycle-min", int(1, 99), "1", M),
    p("active-defrag-cycle-max", int(1, 99), "25", M),
    p("active-defrag-threshold-lower", int(0, 1000), "10", M),
    p("active-defrag-threshold-upper", int(0, 1000), "100", M),
    p(
        "active-defrag-ignore-bytes",
        mem(1, LONG_MAX),
        "104857600",
        M,
    ),
    p("active-defrag-max-scan-fields", int(1, LONG_MAX), "1000", M),
    // Encodings.
    pa(
        "list-max-listpack-size",
        "list-max-ziplist-size",
        int(i32::MIN as i64, INT_MAX),
        "-2",
        M,
    ),
    p("list-compress-depth", int(0, INT_MAX), "0", M),
    pa(
        "hash-max-listpack-entries",
        "hash-max-ziplist-entries",
        int(0, LONG_MAX),
        "512",
        M,
    ),
    pa(
        "hash-max-listpack-value",
        "hash-max-ziplist-value",
        mem(0, LONG_MAX),
        "64",
        M,
    ),
    p("set-max-intset-entries", int(0, LONG_MAX), "512", M),
    pa(
        "zset-max-listpack-entries",
        "zset-max-ziplist-entries",
        int(0, LONG_MAX),
        "128",
        M,
    ),
    pa(
        "zset-max-listpack-value",
        "zset-max-ziplist-value",
        mem(0, LONG_MAX),
        "64",
        M,
    ),
    // Clients, events, scripts.
    p(
        "client-output-buffer-limit",
        Kind::BufferLimits,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        M | MULTI_ARG,
    ),
    p("notify-keyspace-events", Kind::NotifyFlags, "", M),
    pa(
        "busy-reply-threshold",
        "lua-time-limit",
        int(0, LONG_MAX),
        "5000",
        M,
    ),
];

/// Index of the parameter named `name` (or aliased so), in any case, with the registered
/// spelling of the name that matched.
pub fn lookup(name: &[u8]) -> Option<(usize, &'static str)> {
    PARAMS.iter().enumerate().find_map(|(i, p)| {
        if p.name.as_bytes().eq_ignore_ascii_case(name) {
            Some((i, p.name))
        } else {
            p.alias
                .filter(|a| a.as_bytes().eq_ignore_ascii_case(name))
                .map(|a| (i, a))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_lowercase_and_defaults_parse() {
        let mut seen = std::collections::HashSet::new();
        for p in PARAMS {
            for n in std::iter::once(p.name).chain(p.alias) {
                assert_eq!(n, n.to_ascii_lowercase());
                assert!(seen.insert(n), "{n} twice");
            }
            assert!(
                super::super::value::normalize(p.name, p.kind, p.default, "").is_ok(),
                "default of {}",
                p.name
            );
        }
    }
}
