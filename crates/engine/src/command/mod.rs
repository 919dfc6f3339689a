//! The command table: every command declared once, with what drives dispatch, arity errors,
//! `COMMAND` introspection, key extraction and the write/read split for effects.

pub mod introspect;
pub mod lookup;
pub mod names;
pub mod table;

use crate::ctx::Ctx;
use bytes::Bytes;
use resp::Reply;

/// Command flags, in the order `COMMAND INFO` prints them.
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 4;
    pub const PUBSUB: u32 = 1 << 5;
    pub const NOSCRIPT: u32 = 1 << 6;
    pub const BLOCKING: u32 = 1 << 7;
    pub const LOADING: u32 = 1 << 8;
    pub const STALE: u32 = 1 << 9;
    pub const SKIP_MONITOR: u32 = 1 << 10;
    pub const SKIP_SLOWLOG: u32 = 1 << 11;
    pub const ASKING: u32 = 1 << 12;
    pub const FAST: u32 = 1 << 13;
    pub const NO_AUTH: u32 = 1 << 14;
    pub const MAY_REPLICATE: u32 = 1 << 15;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 16;
    pub const NO_ASYNC_LOADING: u32 = 1 << 17;
    pub const NO_MULTI: u32 = 1 << 18;
    pub const MOVABLE_KEYS: u32 = 1 << 19;
    pub const ALLOW_BUSY: u32 = 1 << 20;

    /// Names as `COMMAND INFO` prints them, in Redis's order.
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (ASKING, "asking"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (MAY_REPLICATE, "may_replicate"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// Lattice's own facts about a command, which COMMAND INFO does not show: how it runs,
/// beyond Redis's flags. The execution plan (crate::plan), MULTI and tracking read these
/// instead of comparing command names.
pub mod traits {
    /// Runs a Lua script or function (EVAL, EVALSHA, FCALL and their _RO forms).
    pub const SCRIPT: u32 = 1 << 0;
    /// Starts a transaction (MULTI).
    pub const TX_BEGIN: u32 = 1 << 1;
    /// Runs the queued transaction (EXEC).
    pub const TX_RUN: u32 = 1 << 2;
    /// Drops the queued transaction (DISCARD).
    pub const TX_DROP: u32 = 1 << 3;
    /// Runs at once inside MULTI instead of being queued (Redis's processCommand list:
    /// EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).
    pub const TX_DIRECT: u32 = 1 << 4;
    /// Touches no key at all, only its client's session (UNWATCH).
    pub const SESSION_ONLY: u32 = 1 << 5;
    /// Reads keys it does not name (SORT's BY and GET patterns): never confined to the
    /// shards of its named keys.
    pub const READS_UNNAMED_KEYS: u32 = 1 << 6;
    /// A CLIENT subcommand: CLIENT CACHING yes/no stays in force across it.
    pub const KEEPS_CACHING: u32 = 1 << 7;
}

/// ACL categories, in the order Redis lists them.
pub mod acl {
    pub const KEYSPACE: u32 = 1 << 0;
    pub const READ: u32 = 1 << 1;
    pub const WRITE: u32 = 1 << 2;
    pub const SET: u32 = 1 << 3;
    pub const SORTEDSET: u32 = 1 << 4;
    pub const LIST: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const STRING: u32 = 1 << 7;
    pub const BITMAP: u32 = 1 << 8;
    pub const HYPERLOGLOG: u32 = 1 << 9;
    pub const GEO: u32 = 1 << 10;
    pub const STREAM: u32 = 1 << 11;
    pub const PUBSUB: u32 = 1 << 12;
    pub const ADMIN: u32 = 1 << 13;
    pub const FAST: u32 = 1 << 14;
    pub const SLOW: u32 = 1 << 15;
    pub const BLOCKING: u32 = 1 << 16;
    pub const DANGEROUS: u32 = 1 << 17;
    pub const CONNECTION: u32 = 1 << 18;
    pub const TRANSACTION: u32 = 1 << 19;
    pub const SCRIPTING: u32 = 1 << 20;

    pub const NAMES: &[&str] = &[
        "keyspace",
        "read",
        "write",
        "set",
        "sortedset",
        "list",
        "hash",
        "string",
        "bitmap",
        "hyperloglog",
        "geo",
        "stream",
        "pubsub",
        "admin",
        "fast",
        "slow",
        "blocking",
        "dangerous",
        "connection",
        "transaction",
        "scripting",
    ];
}

/// A handler: runs the command against the context and returns its reply.
pub type Handler = fn(&mut Ctx, &[Bytes]) -> Reply;

/// Where a key-spec search for keys begins.
#[derive(Clone, Copy, Debug)]
pub enum Begin {
    /// Keys whose place no spec can describe (SORT's BY/GET/STORE).
    Unknown,
    Index(i32),
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
}

/// How a key spec finds keys once the search began.
#[derive(Clone, Copy, Debug)]
pub enum Find {
    Unknown,
    Range {
        lastkey: i32,
        step: i32,
        limit: i32,
    },
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        step: i32,
    },
}

/// Redis 7 key specification, as `COMMAND INFO` reports it and `COMMAND GETKEYS` uses it.
#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    /// A remark COMMAND INFO shows (`notes`); empty for none.
    pub notes: &'static str,
    /// Flags such as `RW`, `access`, `update`, in Redis's order and spelling.
    pub flags: &'static [&'static str],
    pub begin: Begin,
    pub find: Find,
}

/// One command (or subcommand) of the table.
#[derive(Debug)]
pub struct Command {
    /// Lowercase name; subcommands carry only their own part (`list` of `client|list`).
    pub name: &'static str,
    /// Positive: exact argument count including the name; negative: at least that many.
    pub arity: i32,
    pub flags: u32,
    /// Explicit ACL categories; the implicit ones derive from `flags` (see `acl_categories`).
    pub acl: u32,
    /// Legacy key range: first key index, last (negative counts from the end), step.
    pub first_key: i32,
    pub last_key: i32,
    pub key_step: i32,
    pub key_specs: &'static [KeySpec],
    /// Command tips (`nondeterministic_output`, `request_policy:all_shards`, ...).
    pub tips: &'static [&'static str],
    pub group: &'static str,
    pub since: &'static str,
    pub summary: &'static str,
    pub complexity: &'static str,
    /// Lattice's own facts about the command (`traits`).
    pub traits: u32,
    /// None for container commands, which dispatch to `subcommands`.
    pub handler: Option<Handler>,
    pub subcommands: &'static [Command],
    /// Redis's `getkeys_proc` for commands whose key flags depend on the arguments (key specs
    /// marked `variable_flags`, e.g. SET with or without GET): COMMAND GETKEYS uses it instead
    /// of the specs.
    pub getkeys: Option<GetKeys>,
}

/// A command found for a command line: its table entry and its stat slot, the index of its
/// counters in INFO commandstats (crate::stats), found with the name at no extra cost.
#[derive(Clone, Copy, Debug)]
pub struct Cmd {
    pub def: &'static Command,
    pub slot: u16,
}

impl std::ops::Deref for Cmd {
    type Target = Command;
    fn deref(&self) -> &Command {
        self.def
    }
}

/// Keys of a full command line (argv[0] is the name) with their flags.
pub type GetKeys = fn(&[Bytes]) -> Vec<introspect::KeyAt>;

impl Command {
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// Whether it has one of `traits`' facts.
    pub fn is(&self, trait_bits: u32) -> bool {
        self.traits & trait_bits != 0
    }

    pub fn is_write(&self) -> bool {
        self.has(flags::WRITE)
    }

    /// Explicit categories plus the ones Redis derives from flags.
    pub fn acl_categories(&self) -> u32 {
        let mut c = self.acl;
        if self.has(flags::WRITE) {
            c |= acl::WRITE;
        }
        if self.has(flags::READONLY) && c & acl::SCRIPTING == 0 {
            c |= acl::READ;
        }
        if self.has(flags::ADMIN) {
            c |= acl::ADMIN | acl::DANGEROUS;
        }
        if self.has(flags::PUBSUB) {
            c |= acl::PUBSUB;
        }
        if self.has(flags::FAST) {
            c |= acl::FAST;
        }
        if self.has(flags::BLOCKING) {
            c |= acl::BLOCKING;
        }
        if c & acl::FAST == 0 {
            c |= acl::SLOW;
        }
        c
    }
}

/// A command family's fixed metadata, to build its single-key commands without repeating it.
pub struct Family {
    pub acl: u32,
    pub group: &'static str,
}

impl Family {
    /// A command of this family whose one key is argument 1 (first = last = step = 1).
    #[allow(clippy::too_many_arguments)]
    pub const fn key1(
        &self,
        name: &'static str,
        arity: i32,
        flags: u32,
        key_specs: &'static [KeySpec],
        since: &'static str,
        summary: &'static str,
        complexity: &'static str,
        handler: Handler,
    ) -> Command {
        Command {
            name,
            arity,
            flags,
            acl: self.acl,
            first_key: 1,
            last_key: 1,
            key_step: 1,
            key_specs,
            group: self.group,
            since,
            summary,
            complexity,
            handler: Some(handler),
            ..BASE
        }
    }
}

/// A default to spread into table entries: no keys, no flags, no subcommands.
pub const BASE: Command = Command {
    name: "",
    arity: 0,
    flags: 0,
    acl: 0,
    first_key: 0,
    last_key: 0,
    key_step: 0,
    key_specs: &[],
    tips: &[],
    group: "generic",
    since: "1.0.0",
    summary: "",
    complexity: "",
    traits: 0,
    handler: None,
    subcommands: &[],
    getkeys: None,
};

/// Key-spec shorthands for the common shapes.
pub mod ks {
    use super::{Begin, Find, KeySpec};

    /// One key at `index`.
    pub const fn one(index: i32, flags: &'static [&'static str]) -> KeySpec {
        KeySpec {
            notes: "",
            flags,
            begin: Begin::Index(index),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }
    }

    /// Keys from `index` to `lastkey` (negative: from the end) every `step`.
    pub const fn range(
        index: i32,
        lastkey: i32,
        step: i32,
        flags: &'static [&'static str],
    ) -> KeySpec {
        KeySpec {
            notes: "",
            flags,
            begin: Begin::Index(index),
            find: Find::Range {
                lastkey,
                step,
                limit: 0,
            },
        }
    }

    // Flag spellings as COMMAND INFO prints them: the access kind upper case, the rest lower.
    pub const RO_ACCESS: &[&str] = &["RO", "access"];
    pub const RO: &[&str] = &["RO"];
    pub const RW_ACCESS_UPDATE: &[&str] = &["RW", "access", "update"];
    pub const RW_UPDATE: &[&str] = &["RW", "update"];
    pub const RW_ACCESS_DELETE: &[&str] = &["RW", "access", "delete"];
    pub const RW_INSERT: &[&str] = &["RW", "insert"];
    pub const RW_DELETE: &[&str] = &["RW", "delete"];
    pub const OW_UPDATE: &[&str] = &["OW", "update"];
    pub const RM_DELETE: &[&str] = &["RM", "delete"];
}
