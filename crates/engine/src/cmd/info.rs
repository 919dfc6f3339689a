//! INFO: the server, clients, memory, persistence, stats, replication, cpu, cluster and
//! keyspace sections, with real numbers from the engine and the host.

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

const DEFAULT: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "cluster",
    "keyspace",
];

fn info(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut wanted: Vec<String> = Vec::new();
    for arg in &a[1..] {
        let s = String::from_utf8_lossy(arg).to_ascii_lowercase();
        match s.as_str() {
            "all" | "everything" | "default" => {
                wanted.extend(DEFAULT.iter().map(|s| s.to_string()))
            }
            _ => wanted.push(s),
        }
    }
    if wanted.is_empty() {
        wanted = DEFAULT.iter().map(|s| s.to_string()).collect();
    }
    let mut out = String::new();
    for name in DEFAULT {
        if !wanted.iter().any(|w| w == name) {
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
            kv(out, "hz", &eng.config.hz);
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
            kv(out, "mem_allocator", &"libc");
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
            kv(out, "total_error_replies", &s.error_replies);
        }
        "replication" => {
            out.push_str("# Replication\r\n");
            kv(out, "role", &"master");
            kv(out, "connected_slaves", &0);
        }
        "cpu" => {
            let (sys, user) = eng.host.cpu_seconds();
            out.push_str("# CPU\r\n");
            kv(out, "used_cpu_sys", &format!("{sys:.6}"));
            kv(out, "used_cpu_user", &format!("{user:.6}"));
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
