//! Server configuration: redis.conf names, types, defaults and bounds, shared by startup
//! parsing, `CONFIG GET/SET` and `CONFIG REWRITE`, so they can never disagree.

pub mod params;
pub mod rewrite;
pub mod value;

use crate::util::glob::glob_match;
use params::{Kind, PARAMS};

pub use value::{parse_memory, ObufLimit};

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
    /// `hz` as configured (already within 1..=500).
    pub hz: u32,
    pub dynamic_hz: bool,
    /// Refuse clients from other hosts (Lattice has no password, so it always applies).
    pub protected_mode: bool,
    pub active_rehashing: bool,
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
            dynamic_hz: true,
            protected_mode: true,
            active_rehashing: true,
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
    Protected,
    Invalid(String),
}

/// A CONFIG SET that was refused: the reply's text (without `-`).
#[derive(Clone, Debug, PartialEq)]
pub struct SetError(pub String);

/// What a successful CONFIG SET changed that the host must act on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    /// `port` or `bind` changed: the name (first in argument order) to blame if the
    /// listeners cannot move.
    pub rebind: Option<&'static str>,
}

impl Config {
    pub fn get(&self, name: &str) -> Option<&str> {
        params::lookup(name.as_bytes()).map(|(i, _)| self.values[i].as_str())
    }

    /// Whether a startup line for `name` may carry several words.
    pub fn is_multi_arg(name: &str) -> bool {
        params::lookup(name.as_bytes()).is_some_and(|(i, _)| PARAMS[i].has(params::MULTI_ARG))
    }

    /// CONFIG GET: an argument without glob characters names one parameter (hidden ones
    /// too) and is echoed as given; a pattern matches the names (case-insensitively) of
    /// parameters that are not hidden. Each parameter name appears once, at its first match.
    pub fn config_get(&self, args: &[&[u8]]) -> Vec<(Vec<u8>, String)> {
        let mut out: Vec<(Vec<u8>, String)> = Vec::new();
        let seen = |out: &Vec<(Vec<u8>, String)>, name: &[u8]| {
            out.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        for &arg in args {
            if !arg.iter().any(|c| matches!(c, b'[' | b'*' | b'?')) {
                if !seen(&out, arg) {
                    if let Some((i, _)) = params::lookup(arg) {
                        out.push((arg.to_vec(), self.values[i].clone()));
                    }
                }
                continue;
            }
            for (i, param) in PARAMS.iter().enumerate() {
                if param.has(params::HIDDEN) {
                    continue;
                }
                let alias = param.alias.filter(|_| !param.has(params::HIDDEN_ALIAS));
                for name in std::iter::once(param.name).chain(alias) {
                    if !seen(&out, name.as_bytes()) && glob_match(arg, name.as_bytes(), true) {
                        out.push((name.as_bytes().to_vec(), self.values[i].clone()));
                    }
                }
            }
        }
        out
    }

    /// Sets one parameter. At startup `startup` is true and immutable parameters are allowed.
    /// Returns whether the value changed.
    pub fn set(&mut self, name: &str, value: &str, startup: bool) -> Result<bool, ConfigError> {
        let (i, _) = params::lookup(name.as_bytes()).ok_or(ConfigError::Unknown)?;
        let param = &PARAMS[i];
        if !startup && !param.has(params::MUTABLE) {
            return Err(if param.has(params::PROTECTED) {
                ConfigError::Protected
            } else {
                ConfigError::Immutable
            });
        }
        let text = value::normalize(param.name, param.kind, value, &self.values[i])?;
        if param.kind == Kind::NotifyFlags {
            // The printed text loses `n` under `A`: keep the bits from the input.
            self.notify_keyspace_events = crate::notify::parse_flags(value).unwrap_or(0);
        }
        let changed = self.values[i] != text;
        self.values[i] = text;
        self.refresh_typed();
        Ok(changed)
    }

    /// CONFIG SET of `pairs` (name, value), all or nothing, with Redis's checks in its
    /// order: every name must exist (the first unknown one is named), be settable and not
    /// repeated; then each value is set, and any failure restores every value.
    pub fn set_many(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<Applied, SetError> {
        let mut found: Vec<usize> = Vec::with_capacity(pairs.len());
        let mut first_error: Option<SetError> = None;
        for (n, (name, _)) in pairs.iter().enumerate() {
            let shown = String::from_utf8_lossy(name);
            let Some((i, _)) = params::lookup(name) else {
                if first_error.is_none() {
                    return Err(SetError(format!(
                        "ERR Unknown option or number of arguments for CONFIG SET - '{shown}'"
                    )));
                }
                continue;
            };
            if first_error.is_some() {
                continue;
            }
            let param = &PARAMS[i];
            let refused = if param.has(params::MUTABLE) {
                None
            } else if param.has(params::PROTECTED) {
                Some(ConfigError::Protected)
            } else {
                Some(ConfigError::Immutable)
            };
            // A repeat is the same registered name (an alias is a name of its own).
            let repeated = pairs[..n]
                .iter()
                .any(|(m, _)| m.eq_ignore_ascii_case(name) && params::lookup(m).is_some());
            if let Some(e) = refused {
                first_error = Some(failed(&shown, &e));
            } else if repeated {
                first_error = Some(failed(
                    &shown,
                    &ConfigError::Invalid("duplicate parameter".into()),
                ));
            }
            found.push(i);
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        let before = self.clone();
        let mut applied = Applied::default();
        for ((name, value), &i) in pairs.iter().zip(&found) {
            let registered = params::lookup(name).map_or(PARAMS[i].name, |(_, n)| n);
            let value = String::from_utf8_lossy(value);
            match self.set(registered, &value, false) {
                Ok(changed) => {
                    if changed && PARAMS[i].has(params::REBIND) && applied.rebind.is_none() {
                        applied.rebind = Some(PARAMS[i].name);
                    }
                }
                Err(e) => {
                    *self = before;
                    return Err(failed(registered, &e));
                }
            }
        }
        Ok(applied)
    }

    fn int(&self, name: &str) -> i64 {
        self.get(name).and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    fn flag(&self, name: &str) -> bool {
        self.get(name) == Some("yes")
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
        self.dynamic_hz = self.flag("dynamic-hz");
        self.protected_mode = self.flag("protected-mode");
        self.active_rehashing = self.flag("activerehashing");
        self.threads = self.int("io-threads") as usize;
        self.shards = self.int("shards") as usize;
        self.active_expire_effort = self.int("active-expire-effort") as u32;
        self.busy_reply_threshold_ms = self.int("busy-reply-threshold");
        self.lazyfree_user_flush = self.flag("lazyfree-lazy-user-flush");
        self.list_max_listpack_size = self.int("list-max-listpack-size");
        self.list_compress_depth = self.int("list-compress-depth") as u64;
        self.hash_max_listpack_entries = self.int("hash-max-listpack-entries") as u64;
        self.hash_max_listpack_value = self.int("hash-max-listpack-value") as u64;
        self.set_max_intset_entries = self.int("set-max-intset-entries") as u64;
        self.zset_max_listpack_entries = self.int("zset-max-listpack-entries") as u64;
        self.zset_max_listpack_value = self.int("zset-max-listpack-value") as u64;
        if let Some(v) = self.get("client-output-buffer-limit") {
            if let Ok(limits) = value::parse_buffer_limits(v) {
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

    /// Every parameter's name, kind and current text, in table order (CONFIG REWRITE).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&'static params::Param, &str)> {
        PARAMS.iter().zip(self.values.iter().map(String::as_str))
    }
}

fn failed(name: &str, e: &ConfigError) -> SetError {
    SetError(format!(
        "ERR CONFIG SET failed (possibly related to argument '{name}') - {e}"
    ))
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Unknown => write!(f, "Unknown option"),
            ConfigError::Immutable => write!(f, "can't set immutable config"),
            ConfigError::Protected => write!(f, "can't set protected config"),
            ConfigError::Invalid(why) => write!(f, "{}", why),
        }
    }
}

#[cfg(test)]
mod tests;
