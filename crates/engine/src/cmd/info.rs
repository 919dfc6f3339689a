//! INFO: the server, clients, memory, persistence, stats, replication, cpu, cluster and
//! keyspace sections, with real numbers from the engine and the host.

use crate::args;
use crate::command::{acl, flags, Command, BASE};
use crate::ctx::Ctx;
use bytes::Bytes;
use resp::Reply;
use std::fmt::Write;

pub const COMMANDS: &[Command] = &[Command {
    name: "info",
    arity: -1,
    flags: flags::LOADING | flags::STALE,
    acl: acl::DANGEROUS,
    group: "server",
    summary: "Returns information and statistics about the server.",
    complexity: "O(1)",
    tips: &[
        "nondeterministic_output",
        "request_policy:all_shards",
        "response_policy:special",
    ],
    handler: Some(info),
    ..BASE
}];

/// Every section in the order INFO prints them, and whether `INFO` / `INFO default` has it
/// (`all` and `everything` have them all). `modules` is empty: Lattice loads no modules.
const SECTIONS: &[(&str, bool)] = &[
    ("server", true),
    ("clients", true),
    ("memory", true),
    ("persistence", true),
    ("stats", true),
    ("replication", true),
    ("cpu", true),
    ("modules", true),
    ("commandstats", false),
    ("errorstats", true),
    ("cluster", true),
    ("keyspace", true),
];

/// Redis 7.0's selection: no argument or `default` for the default sections, `all` or
/// `everything` for all of them, else the named ones (case-insensitive, several allowed);
/// unknown names select nothing.
fn info(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut wanted = [false; SECTIONS.len()];
    for arg in a.get(1..).unwrap_or_default() {
        let all = args::is(arg, "all") || args::is(arg, "everything");
        let default = args::is(arg, "default");
        for (i, (name, in_default)) in SECTIONS.iter().enumerate() {
            if all || (default && *in_default) || args::is(arg, name) {
                wanted[i] = true;
            }
        }
    }
    if a.len() == 1 {
        for (i, (_, in_default)) in SECTIONS.iter().enumerate() {
            wanted[i] = *in_default;
        }
    }
    let mut out = String::new();
    for (i, (name, _)) in SECTIONS.iter().enumerate() {
        if !wanted[i] {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        section(ctx, name, &mut out);
    }
    Reply::Verbatim(*b"txt", Bytes::from(out))
}

fn section(ctx: &Ctx, name: &str, out: &mut String) {
    let eng = &*ctx.eng;
    let now = ctx.now_ms;
    let uptime = (now - eng.start_ms).max(0) / 1000;
    match name {
        "server" => {
            out.push_str("# Server\r\n");
            kv(out, "redis_version", &crate::REDIS_VERSION);
            // Not built from Redis's git tree: the sha and dirty flag Redis prints then.
            kv(out, "redis_git_sha1", &"00000000");
            kv(out, "redis_git_dirty", &0);
            kv(out, "redis_build_id", &build_id());
            kv(out, "lattice_version", &env!("CARGO_PKG_VERSION"));
            kv(out, "redis_mode", &"standalone");
            kv(out, "os", &std::env::consts::OS);
            kv(out, "arch_bits", &(usize::BITS));
            kv(out, "multiplexing_api", &"tokio");
            kv(out, "process_id", &eng.host.process_id());
            kv(out, "run_id", &eng.run_id);
            kv(out, "tcp_port", &eng.config.port);
            kv(out, "server_time_usec", &(now * 1000));
            kv(out, "uptime_in_seconds", &uptime);
            kv(out, "uptime_in_days", &(uptime / 86400));
            kv(out, "hz", &eng.effective_hz());
            kv(out, "configured_hz", &eng.config.hz);
            kv(out, "lru_clock", &((now / 1000) & ((1 << 24) - 1)));
            kv(out, "executable", &eng.host.executable());
            kv(out, "config_file", &eng.host.config_file());
        }
        "clients" => {
            out.push_str("# Clients\r\n");
            kv(out, "connected_clients", &eng.clients.len());
            kv(out, "maxclients", &eng.config.maxclients);
            kv(
                out,
                "blocked_clients",
                &eng.clients.values().filter(|c| c.blocked.is_some()).count(),
            );
            kv(out, "tracking_clients", &eng.tracking.clients.len());
            kv(out, "clients_in_timeout_table", &0);
        }
        "memory" => {
            out.push_str("# Memory\r\n");
            let used = eng.host.used_memory();
            let rss = eng.host.rss();
            kv(out, "used_memory", &used);
            kv(out, "used_memory_human", &human(used));
            kv(out, "used_memory_rss", &rss);
            kv(out, "used_memory_rss_human", &human(rss));
            crate::script::info_memory(&eng.scripting, &mut |k, v| kv(out, k, &v), human);
            kv(out, "maxmemory", &0);
            kv(out, "maxmemory_human", &"0B");
            kv(out, "maxmemory_policy", &"noeviction");
            let frag = if used > 0 {
                rss as f64 / used as f64
            } else {
                0.0
            };
            kv(out, "mem_fragmentation_ratio", &format!("{frag:.2}"));
            kv(out, "mem_allocator", &eng.host.allocator());
            // UNLINK and FLUSH ASYNC free at once here: nothing is ever pending.
            kv(out, "lazyfree_pending_objects", &0);
        }
        "persistence" => {
            out.push_str("# Persistence\r\n");
            kv(out, "loading", &0);
            kv(out, "rdb_changes_since_last_save", &eng.dirty);
            kv(out, "rdb_bgsave_in_progress", &0);
            kv(out, "aof_enabled", &0);
            kv(out, "aof_rewrite_in_progress", &0);
        }
        "stats" => {
            let s = &eng.stats;
            out.push_str("# Stats\r\n");
            kv(out, "total_connections_received", &s.total_connections);
            kv(out, "total_commands_processed", &s.total_commands);
            kv(out, "total_net_input_bytes", &s.net_input_bytes);
            kv(out, "total_net_output_bytes", &s.net_output_bytes);
            kv(out, "rejected_connections", &s.rejected_connections);
            kv(out, "expired_keys", &s.expired_keys);
            kv(out, "evicted_keys", &0);
            kv(out, "keyspace_hits", &s.keyspace_hits);
            kv(out, "keyspace_misses", &s.keyspace_misses);
            let (channels, patterns, shard) = eng.pubsub.totals();
            kv(out, "pubsub_channels", &channels);
            kv(out, "pubsub_patterns", &patterns);
            kv(out, "pubsubshard_channels", &shard);
            let (keys, items, prefixes) = eng.tracking.totals();
            kv(out, "tracking_total_keys", &keys);
            kv(out, "tracking_total_items", &items);
            kv(out, "tracking_total_prefixes", &prefixes);
            kv(out, "total_error_replies", &s.error_replies);
            kv(out, "lazyfreed_objects", &0);
        }
        "replication" => {
            // A primary without replicas or a backlog (replication is not built yet).
            out.push_str("# Replication\r\n");
            kv(out, "role", &"master");
            kv(out, "connected_slaves", &0);
            kv(out, "master_failover_state", &"no-failover");
            kv(out, "master_replid", &replid(&eng.run_id));
            kv(out, "master_replid2", &"0".repeat(40));
            kv(out, "master_repl_offset", &0);
            kv(out, "second_repl_offset", &-1);
            kv(out, "repl_backlog_active", &0);
            kv(out, "repl_backlog_first_byte_offset", &0);
            kv(out, "repl_backlog_histlen", &0);
        }
        "cpu" => {
            let (sys, user) = eng.host.cpu_seconds();
            out.push_str("# CPU\r\n");
            kv(out, "used_cpu_sys", &format!("{sys:.6}"));
            kv(out, "used_cpu_user", &format!("{user:.6}"));
            // No child processes (no fork-based persistence).
            kv(out, "used_cpu_sys_children", &"0.000000");
            kv(out, "used_cpu_user_children", &"0.000000");
        }
        "modules" => out.push_str("# Modules\r\n"),
        "commandstats" => {
            out.push_str("# Commandstats\r\n");
            for (slot, s) in eng.cmdstats.commands() {
                let Some(cmd) = crate::command::names::by_slot(slot) else {
                    continue;
                };
                let usec = eng.ticker.map_or(0, |t| (t.to_nanos)(s.ticks) / 1000);
                let per_call = if s.calls == 0 {
                    0.0
                } else {
                    usec as f64 / s.calls as f64
                };
                let _ = write!(
                    out,
                    "cmdstat_{}:calls={},usec={usec},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}\r\n",
                    cmd.name, s.calls, s.rejected, s.failed
                );
            }
        }
        "errorstats" => {
            out.push_str("# Errorstats\r\n");
            // Redis keeps the codes in a radix tree: byte order.
            let mut errors: Vec<(&[u8], u64)> = eng.cmdstats.errors().collect();
            errors.sort();
            for (code, n) in errors {
                let _ = write!(
                    out,
                    "errorstat_{}:count={n}\r\n",
                    String::from_utf8_lossy(code)
                );
            }
        }
        "cluster" => {
            out.push_str("# Cluster\r\n");
            kv(out, "cluster_enabled", &0);
        }
        "keyspace" => {
            out.push_str("# Keyspace\r\n");
            for (i, db) in eng.dbs.iter().enumerate() {
                if db.is_empty() {
                    continue;
                }
                let _ = write!(
                    out,
                    "db{i}:keys={},expires={},avg_ttl=0\r\n",
                    db.len(),
                    db.expires_len()
                );
            }
        }
        _ => {}
    }
}

/// A build id for `redis_build_id`: FNV-1a of the Lattice version, 16 hex digits.
fn build_id() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in concat!("lattice-", env!("CARGO_PKG_VERSION")).bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The replication id of this run, derived from `run_id` (40 hex digits, different from it).
fn replid(run_id: &str) -> String {
    run_id.chars().rev().collect()
}

fn kv(out: &mut String, k: &str, v: &dyn std::fmt::Display) {
    let _ = write!(out, "{k}:{v}\r\n");
}

/// Redis's human-readable byte counts: `1.50K`, `2.00M`.
fn human(n: usize) -> String {
    let n = n as f64;
    let units = [
        ("B", 1.0),
        ("K", 1024.0),
        ("M", 1048576.0),
        ("G", 1073741824.0),
    ];
    for (i, (unit, size)) in units.iter().enumerate().rev() {
        if n >= *size || i == 0 {
            return if i == 0 {
                format!("{}B", n as u64)
            } else {
                format!("{:.2}{unit}", n / size)
            };
        }
    }
    unreachable!("the loop returns at i == 0")
}
