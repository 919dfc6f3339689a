//! CLUSTER as Redis 7.0 has it without cluster mode: every subcommand is in the command table
//! with Redis's metadata (so arity errors, COMMAND INFO, and a script's "not allowed" for
//! CLUSTER RESET come out as in Redis), and each one, called correctly, answers that cluster
//! support is disabled, as `redis-server` does when `cluster-enabled` is off.

use crate::command::{flags, Command, BASE};
use crate::ctx::Ctx;
use bytes::Bytes;
use resp::Reply;

/// What every subcommand answers: cluster mode is off.
fn disabled(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::err("ERR This instance has cluster support disabled")
}

const ADMIN: u32 = flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING;
const READ: u32 = flags::STALE;
const NONDET: &[&str] = &["nondeterministic_output"];

const fn sub(
    name: &'static str,
    arity: i32,
    flags: u32,
    tips: &'static [&'static str],
    since: &'static str,
    summary: &'static str,
    complexity: &'static str,
) -> Command {
    Command {
        name,
        arity,
        flags,
        tips,
        group: "cluster",
        since,
        summary,
        complexity,
        handler: Some(disabled),
        ..BASE
    }
}

const ONE: &str = "O(1)";
const NODES: &str = "O(N) where N is the total number of Cluster nodes";
const SLOT_ARGS: &str = "O(N) where N is the total number of hash slot arguments";
const SLOT_RANGE: &str = "O(N) where N is the total number of the slots between the start slot \
and end slot arguments.";

pub const COMMANDS: &[Command] = &[Command {
    name: "cluster",
    arity: -2,
    group: "cluster",
    since: "3.0.0",
    summary: "A container for cluster commands",
    complexity: "Depends on subcommand.",
    subcommands: &[
        sub("cluster|addslots", -3, ADMIN, &[], "3.0.0", "Assign new hash slots to receiving node", SLOT_ARGS),
        sub("cluster|addslotsrange", -4, ADMIN, &[], "7.0.0", "Assign new hash slots to receiving node", SLOT_RANGE),
        sub("cluster|bumpepoch", 2, ADMIN, NONDET, "3.0.0", "Advance the cluster config epoch", ONE),
        sub("cluster|count-failure-reports", 3, flags::ADMIN | flags::STALE, NONDET, "3.0.0", "Return the number of failure reports active for a given node", "O(N) where N is the number of failure reports"),
        sub("cluster|countkeysinslot", 3, READ, &[], "3.0.0", "Return the number of local keys in the specified hash slot", ONE),
        sub("cluster|delslots", -3, ADMIN, &[], "3.0.0", "Set hash slots as unbound in receiving node", SLOT_ARGS),
        sub("cluster|delslotsrange", -4, ADMIN, &[], "7.0.0", "Set hash slots as unbound in receiving node", SLOT_RANGE),
        sub("cluster|failover", -2, ADMIN, &[], "3.0.0", "Forces a replica to perform a manual failover of its master.", ONE),
        sub("cluster|flushslots", 2, ADMIN, &[], "3.0.0", "Delete a node's own slots information", ONE),
        sub("cluster|forget", 3, ADMIN, &[], "3.0.0", "Remove a node from the nodes table", ONE),
        sub("cluster|getkeysinslot", 4, READ, NONDET, "3.0.0", "Return local key names in the specified hash slot", "O(log(N)) where N is the number of requested keys"),
        sub("cluster|help", 2, flags::LOADING | flags::STALE, &[], "5.0.0", "Show helpful text about the different subcommands", ONE),
        sub("cluster|info", 2, READ, NONDET, "3.0.0", "Provides info about Redis Cluster node state", ONE),
        sub("cluster|keyslot", 3, READ, &[], "3.0.0", "Returns the hash slot of the specified key", "O(N) where N is the number of bytes in the key"),
        sub("cluster|links", 2, READ, NONDET, "7.0.0", "Returns a list of all TCP links to and from peer nodes in cluster", NODES),
        sub("cluster|meet", -4, ADMIN, &[], "3.0.0", "Force a node cluster to handshake with another node", ONE),
        sub("cluster|myid", 2, READ, &[], "3.0.0", "Return the node id", ONE),
        sub("cluster|nodes", 2, READ, NONDET, "3.0.0", "Get Cluster config for the node", NODES),
        sub("cluster|replicas", 3, flags::ADMIN | flags::STALE, NONDET, "5.0.0", "List replica nodes of the specified master node", ONE),
        sub("cluster|replicate", 3, ADMIN, &[], "3.0.0", "Reconfigure a node as a replica of the specified master node", ONE),
        sub("cluster|reset", -2, flags::ADMIN | flags::NOSCRIPT | flags::STALE, &[], "3.0.0", "Reset a Redis Cluster node", "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect."),
        sub("cluster|saveconfig", 2, ADMIN, &[], "3.0.0", "Forces the node to save cluster state on disk", ONE),
        sub("cluster|set-config-epoch", 3, ADMIN, &[], "3.0.0", "Set the configuration epoch in a new node", ONE),
        sub("cluster|setslot", -4, ADMIN, &[], "3.0.0", "Bind a hash slot to a specific node", ONE),
        sub("cluster|shards", 2, READ, NONDET, "7.0.0", "Get array of cluster slots to node mappings", NODES),
        sub("cluster|slaves", 3, flags::ADMIN | flags::STALE, NONDET, "3.0.0", "List replica nodes of the specified master node", ONE),
        sub("cluster|slots", 2, READ, NONDET, "3.0.0", "Get array of Cluster slot to node mappings", NODES),
    ],
    ..BASE
}];
