//! Server configuration: redis.conf names, types, defaults and bounds, shared by startup
//! parsing and `CONFIG GET/SET` so the two can never disagree.

use crate::util::glob::glob_match;

/// How a parameter's text is read and printed.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bool,
    /// An integer within bounds.
    Int {
        min: i64,
        max: i64,
    },
    /// A byte size accepting `kb`, `mb`, `gb` suffixes.
    Memory {
        min: i64,
        max: i64,
    },
    Enum(&'static [&'static str]),
    Str,
    /// A space separated list of addresses.
    List,
    /// `client-output-buffer-limit`: `<class> <hard> <soft> <soft-seconds>` groups; a SET
    /// changes only the classes it names.
    BufferLimits,
    /// `notify-keyspace-events` class letters (notify.rs).
    NotifyFlags,
}

struct Param {
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
    default: &'static str,
    mutable: bool,
}

const INT_MAX: i64 = i32::MAX as i64;

const PARAMS: &[Param] = &[
    p("port", Kind::Int { min: 0, max: 65535 }, "6379", false),
    p("bind", Kind::List, "127.0.0.1", false),
    p(
        "maxclients",
        Kind::Int {
            min: 1,
            max: u32::MAX as i64,
        },
        "10000",
        true,
    ),
    p(
        "timeout",
        Kind::Int {
            min: 0,
            max: INT_MAX,
        },
        "0",
        true,
    ),
    p(
        "tcp-keepalive",
        Kind::Int {
            min: 0,
            max: INT_MAX,
        },
        "300",
        true,
    ),
    p(
        "tcp-backlog",
        Kind::Int {
            min: 0,
            max: INT_MAX,
        },
        "511",
        false,
    ),
    p(
        "databases",
        Kind::Int {
            min: 1,
            max: INT_MAX,
        },
        "16",
        false,
    ),
    p(
        "proto-max-bulk-len",
        Kind::Memory {
            min: 1024 * 1024,
            max: i64::MAX,
        },
        "536870912",
        true,
    ),
    // Unparsed input past this closes the client (Redis's limit and default).
    p(
        "client-query-buffer-limit",
        Kind::Memory {
            min: 1024 * 1024,
            max: i64::MAX,
        },
        "1073741824",
        true,
    ),
    // Keys remembered for client-side caching past this are forgotten at random, their
    // clients told (tracking.rs); 0: no limit.
    p(
        "tracking-table-max-keys",
        Kind::Int {
            min: 0,
            max: i64::MAX,
        },
        "1000000",
        true,
    ),
    p(
        "loglevel",
        Kind::Enum(&["debug", "verbose", "notice", "warning"]),
        "notice",
        true,
    ),
    p("logfile", Kind::Str, "", false),
    p(
        "hz",
        Kind::Int {
            min: 0,
            max: INT_MAX,
        },
        "10",
        true,
    ),
    // Lattice's own: I/O threads, each with its own event loop. 0 at startup means one per
    // core; CONFIG GET reports the number actually running.
    p("threads", Kind::Int { min: 0, max: 1024 }, "0", false),
    // Lattice's own: keyspace shards, each under its own lock. 0 at startup means one per
    // I/O thread; CONFIG GET reports the number in use.
    p("shards", Kind::Int { min: 0, max: 1024 }, "0", false),
    p(
        "active-expire-effort",
        Kind::Int { min: 1, max: 10 },
        "1",
        true,
    ),
    p("daemonize", Kind::Enum(&["no"]), "no", false),
    // No persistence yet: these report the truth and accept only the values that are true.
    p("save", Kind::Enum(&[""]), "", true),
    p("appendonly", Kind::Enum(&["no"]), "no", true),
    p("protected-mode", Kind::Bool, "yes", true),
    p("lazyfree-lazy-user-flush", Kind::Bool, "no", true),
    p("lazyfree-lazy-user-del", Kind::Bool, "no", true),
    p("dir", Kind::Str, ".", false),
    p("pidfile", Kind::Str, "", false),
    pa(
        "list-max-listpack-size",
        "list-max-ziplist-size",
        Kind::Int {
            min: i32::MIN as i64,
            max: INT_MAX,
        },
        "-2",
    ),
    p(
        "list-compress-depth",
        Kind::Int {
            min: 0,
            max: INT_MAX,
        },
        "0",
        true,
    ),
    pa(
        "hash-max-listpack-entries",
        "hash-max-ziplist-entries",
        Kind::Int {
            min: 0,
            max: i64::MAX,
        },
        "512",
    ),
    pa(
        "hash-max-listpack-value",
        "hash-max-ziplist-value",
        Kind::Memory {
            min: 0,
            max: i64::MAX,
        },
        "64",
    ),
    p(
        "client-output-buffer-limit",
        Kind::BufferLimits,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        true,
    ),
    p(
        "set-max-intset-entries",
        Kind::Int {
            min: 0,
            max: i64::MAX,
        },
        "512",
        true,
    ),
    p("notify-keyspace-events", Kind::NotifyFlags, "", true),
    pa(
        "zset-max-listpack-entries",
        "zset-max-ziplist-entries",
        Kind::Int {
            min: 0,
            max: i64::MAX,
        },
        "128",
    ),
    pa(
        "zset-max-listpack-value",
        "zset-max-ziplist-value",
        Kind::Memory {
            min: 0,
            max: i64::MAX,
        },
        "64",
    ),
    pa(
        "busy-reply-threshold",
        "lua-time-limit",
        Kind::Int {
            min: 0,
            max: i64::MAX,
        },
        "5000",
    ),
];

/// A mutable parameter that also answers to its pre-7.0 name.
const fn pa(name: &'static str, alias: &'static str, kind: Kind, default: &'static str) -> Param {
    Param {
        name,
        alias: Some(alias),
        kind,
        default,
        mutable: true,
    }
}

const fn p(name: &'static str, kind: Kind, default: &'static str, mutable: bool) -> Param {
    Param {
        name,
        alias: None,
        kind,
        default,
        mutable,
    }
}

/// Current values, as text (what CONFIG GET prints), plus typed copies of the hot ones.
#[derive(Clone, Debug)]
pub struct Config {
    values: Vec<String>,
    pub port: u16,
    pub databases: usize,
    pub maxclients: u64,
    pub timeout_secs: u64,
    pub tcp_keepalive_secs: u64,
    pub proto_max_bulk_len: u64,
    /// `client-query-buffer-limit`: unparsed input past this closes the client.
    pub query_buffer_limit: u64,
    /// `tracking-table-max-keys` (0: unlimited).
    pub tracking_table_max_keys: u64,
    pub hz: u32,
    /// I/O threads (0: not resolved yet, one per core).
    pub threads: usize,
    /// Keyspace shards (0: not resolved yet, one per I/O thread).
    pub shards: usize,
    pub active_expire_effort: u32,
    pub lazyfree_user_flush: bool,
    /// Collection encoding thresholds (Redis's `*-max-listpack-*`, `set-max-intset-entries`).
    pub list_max_listpack_size: i64,
    pub list_compress_depth: u64,
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    pub set_max_intset_entries: u64,
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
    /// Output buffer limits per client class: normal, replica, pubsub.
    pub obuf_limits: [ObufLimit; 3],
    /// Enabled keyspace event classes (notify.rs bits). Kept apart from the printed text,
    /// which omits `n` when it prints `A`.
    pub notify_keyspace_events: u32,
    /// How long a script runs before other clients get -BUSY (`lua-time-limit`).
    pub busy_reply_threshold_ms: i64,
}

/// One class's output buffer limit; 0 disables a bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObufLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_secs: u64,
}

/// Client classes in `client-output-buffer-limit` order (`replica` is read as `slave`).
const OBUF_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];
pub const OBUF_NORMAL: usize = 0;
pub const OBUF_PUBSUB: usize = 2;

impl Default for Config {
    fn default() -> Self {
        let mut c = Config {
            values: PARAMS.iter().map(|p| p.default.to_string()).collect(),
            port: 6379,
            databases: 16,
            maxclients: 10000,
            timeout_secs: 0,
            tcp_keepalive_secs: 300,
            proto_max_bulk_len: 512 * 1024 * 1024,
            query_buffer_limit: 1024 * 1024 * 1024,
            tracking_table_max_keys: 1_000_000,
            hz: 10,
            threads: 0,
            shards: 0,
            active_expire_effort: 1,
            lazyfree_user_flush: false,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            obuf_limits: [ObufLimit::default(); 3],
            notify_keyspace_events: 0,
            busy_reply_threshold_ms: 5000,
        };
        c.refresh_typed();
        c
    }
}

/// Why a value was refused; `Display` gives Redis's wording after the ` - `.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigError {
    Unknown,
    Immutable,
    Invalid(String),
}

impl Config {
    fn index(name: &str) -> Option<usize> {
        PARAMS.iter().position(|p| {
            p.name.eq_ignore_ascii_case(name)
                || p.alias.is_some_and(|a| a.eq_ignore_ascii_case(name))
        })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        Self::index(name).map(|i| self.values[i].as_str())
    }

    /// Parameters whose name matches any pattern, as (name, value), each at most once.
    pub fn matching(&self, patterns: &[&[u8]]) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (i, param) in PARAMS.iter().enumerate() {
            let names = std::iter::once(param.name).chain(param.alias);
            for name in names {
                if patterns
                    .iter()
                    .any(|pat| glob_match(pat, name.as_bytes(), true))
                {
                    out.push((name, self.values[i].clone()));
                }
            }
        }
        out
    }

    /// Sets one parameter. At startup `startup` is true and immutable parameters are allowed.
    pub fn set(&mut self, name: &str, value: &str, startup: bool) -> Result<(), ConfigError> {
        let i = Self::index(name).ok_or(ConfigError::Unknown)?;
        let param = &PARAMS[i];
        if !param.mutable && !startup {
            return Err(ConfigError::Immutable);
        }
        self.values[i] = match param.kind {
            Kind::BufferLimits => merge_buffer_limits(&self.values[i], value)?,
            Kind::NotifyFlags => {
                let flags = crate::notify::parse_flags(value).ok_or_else(|| {
                    ConfigError::Invalid(
                        "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into(),
                    )
                })?;
                self.notify_keyspace_events = flags;
                crate::notify::flags_to_string(flags)
            }
            kind => normalize(kind, value)?,
        };
        self.refresh_typed();
        Ok(())
    }

    /// Snapshot and restore, so a multi-parameter CONFIG SET is all or nothing.
    pub fn snapshot(&self) -> Config {
        self.clone()
    }

    fn int(&self, name: &str) -> i64 {
        self.get(name).and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    fn refresh_typed(&mut self) {
        self.port = self.int("port") as u16;
        self.databases = self.int("databases") as usize;
        self.maxclients = self.int("maxclients") as u64;
        self.timeout_secs = self.int("timeout") as u64;
        self.tcp_keepalive_secs = self.int("tcp-keepalive") as u64;
        self.proto_max_bulk_len = self.int("proto-max-bulk-len") as u64;
        self.query_buffer_limit = self.int("client-query-buffer-limit") as u64;
        self.tracking_table_max_keys = self.int("tracking-table-max-keys") as u64;
        self.hz = self.int("hz").clamp(1, 500) as u32;
        self.threads = self.int("threads") as usize;
        self.shards = self.int("shards") as usize;
        self.active_expire_effort = self.int("active-expire-effort") as u32;
        self.busy_reply_threshold_ms = self.int("busy-reply-threshold");
        self.lazyfree_user_flush = self.get("lazyfree-lazy-user-flush") == Some("yes");
        self.list_max_listpack_size = self.int("list-max-listpack-size");
        self.list_compress_depth = self.int("list-compress-depth") as u64;
        self.hash_max_listpack_entries = self.int("hash-max-listpack-entries") as u64;
        self.hash_max_listpack_value = self.int("hash-max-listpack-value") as u64;
        self.set_max_intset_entries = self.int("set-max-intset-entries") as u64;
        self.zset_max_listpack_entries = self.int("zset-max-listpack-entries") as u64;
        self.zset_max_listpack_value = self.int("zset-max-listpack-value") as u64;
        if let Some(v) = self.get("client-output-buffer-limit") {
            if let Ok(limits) = parse_buffer_limits(v) {
                for (class, limit) in limits {
                    self.obuf_limits[class] = limit;
                }
            }
        }
    }

    /// The bind addresses.
    pub fn bind(&self) -> Vec<String> {
        self.get("bind")
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }
}

/// Checks `value` for `kind` and returns the text CONFIG GET will print.
fn normalize(kind: Kind, value: &str) -> Result<String, ConfigError> {
    match kind {
        Kind::Bool => match value.to_ascii_lowercase().as_str() {
            "yes" => Ok("yes".into()),
            "no" => Ok("no".into()),
            _ => Err(ConfigError::Invalid(
                "argument must be 'yes' or 'no'".into(),
            )),
        },
        Kind::Int { min, max } => {
            let n: i64 = crate::util::num::string2ll(value.as_bytes()).ok_or_else(|| {
                ConfigError::Invalid("argument couldn't be parsed into an integer".into())
            })?;
            check_bounds(n, min, max)?;
            Ok(n.to_string())
        }
        Kind::Memory { min, max } => {
            let n = parse_memory(value)
                .ok_or_else(|| ConfigError::Invalid("argument must be a memory value".into()))?;
            check_bounds(n, min, max)?;
            Ok(n.to_string())
        }
        Kind::Enum(options) => options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(value))
            .map(|o| o.to_string())
            .ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "argument(s) must be one of the following: {}",
                    options.join(", ")
                ))
            }),
        Kind::Str => Ok(value.to_string()),
        Kind::List => Ok(value.split_whitespace().collect::<Vec<_>>().join(" ")),
        Kind::BufferLimits => merge_buffer_limits("", value),
        Kind::NotifyFlags => crate::notify::parse_flags(value)
            .map(crate::notify::flags_to_string)
            .ok_or_else(|| {
                ConfigError::Invalid("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into())
            }),
    }
}

/// Parses `<class> <hard> <soft> <seconds>` groups with Redis's checks and errors. Tokens
/// are split on single spaces as Redis does, so doubled spaces count as a wrong arity.
fn parse_buffer_limits(value: &str) -> Result<Vec<(usize, ObufLimit)>, ConfigError> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let words: Vec<&str> = value.split(' ').collect();
    if !words.len().is_multiple_of(4) {
        return Err(ConfigError::Invalid(
            "Wrong number of arguments in buffer limit configuration.".into(),
        ));
    }
    let mut out = Vec::new();
    for group in words.chunks(4) {
        let name = if group[0].eq_ignore_ascii_case("replica") {
            "slave"
        } else {
            group[0]
        };
        let class = OBUF_CLASSES
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                ConfigError::Invalid(
                    "Invalid client class specified in buffer limit configuration.".into(),
                )
            })?;
        let bad = || {
            ConfigError::Invalid(
                "Error in hard, soft or soft_seconds setting in buffer limit configuration.".into(),
            )
        };
        let hard = parse_memory(group[1]).ok_or_else(bad)?;
        let soft = parse_memory(group[2]).ok_or_else(bad)?;
        let secs = crate::util::num::string2ll(group[3].as_bytes())
            .filter(|&n| n >= 0)
            .ok_or_else(bad)?;
        out.push((
            class,
            ObufLimit {
                hard: hard as u64,
                soft: soft as u64,
                soft_secs: secs as u64,
            },
        ));
    }
    Ok(out)
}

/// Applies the groups in `value` over the current setting and prints all three classes.
fn merge_buffer_limits(current: &str, value: &str) -> Result<String, ConfigError> {
    let mut limits = [ObufLimit::default(); 3];
    for (class, limit) in parse_buffer_limits(current)? {
        limits[class] = limit;
    }
    for (class, limit) in parse_buffer_limits(value)? {
        limits[class] = limit;
    }
    Ok(OBUF_CLASSES
        .iter()
        .zip(limits)
        .map(|(name, l)| format!("{name} {} {} {}", l.hard, l.soft, l.soft_secs))
        .collect::<Vec<_>>()
        .join(" "))
}

fn check_bounds(n: i64, min: i64, max: i64) -> Result<(), ConfigError> {
    if n < min || n > max {
        return Err(ConfigError::Invalid(format!(
            "argument must be between {} and {} inclusive",
            min, max
        )));
    }
    Ok(())
}

/// Redis's `memtoull`: a number with an optional b, k, kb, m, mb, g, gb suffix (any case).
pub fn parse_memory(s: &str) -> Option<i64> {
    let lower = s.to_ascii_lowercase();
    let digits_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(lower.len());
    let (num, unit) = lower.split_at(digits_end);
    let mul: i64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let n: i64 = num.parse().ok()?;
    if n < 0 {
        return None;
    }
    n.checked_mul(mul)
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Unknown => write!(f, "Unknown option"),
            ConfigError::Immutable => write!(f, "can't set immutable config"),
            ConfigError::Invalid(why) => write!(f, "{}", why),
        }
    }
}
