//! Generic keyspace commands: DEL UNLINK EXISTS TYPE TOUCH KEYS RANDOMKEY here; RENAME
//! RENAMENX COPY MOVE in `keys/rename.rs`, SCAN in `keys/scan.rs`, OBJECT in `keys/object.rs`.

pub(crate) mod object;
mod rename;
mod scan;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

use crate::command::{acl, flags, ks, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::notify;
use crate::util::glob::glob_match;
use bytes::Bytes;
use resp::Reply;

const KEYS_RM: &[KeySpec] = &[ks::range(1, -1, 1, ks::RM_DELETE)];
const KEYS_RO: &[KeySpec] = &[ks::range(1, -1, 1, ks::RO)];
const KEY_RO: &[KeySpec] = &[ks::one(1, ks::RO)];
const OW_INSERT: &[&str] = &["OW", "insert"];
const RENAME_KS: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_DELETE), ks::one(2, ks::OW_UPDATE)];
const RENAMENX_KS: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_DELETE), ks::one(2, OW_INSERT)];
const COPY_KS: &[KeySpec] = &[ks::one(1, ks::RO_ACCESS), ks::one(2, ks::OW_UPDATE)];
const MOVE_KS: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_UPDATE)];
const MULTI_SHARD_SUM: &[&str] = &["request_policy:multi_shard", "response_policy:agg_sum"];

pub const COMMANDS: &[Command] = &[
    Command {
        name: "del",
        arity: -2,
        flags: flags::WRITE,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: -1,
        key_step: 1,
        key_specs: KEYS_RM,
        summary: "Deletes one or more keys.",
        complexity: "O(N) in the number of keys, plus the size of each removed value.",
        tips: MULTI_SHARD_SUM,
        handler: Some(del),
        ..BASE
    },
    Command {
        name: "unlink",
        arity: -2,
        flags: flags::WRITE | flags::FAST,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: -1,
        key_step: 1,
        key_specs: KEYS_RM,
        since: "4.0.0",
        summary: "Deletes one or more keys; large values may be freed in the background.",
        complexity: "O(1) per key removed.",
        tips: MULTI_SHARD_SUM,
        handler: Some(del),
        ..BASE
    },
    Command {
        name: "exists",
        arity: -2,
        flags: flags::READONLY | flags::FAST,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: -1,
        key_step: 1,
        key_specs: KEYS_RO,
        since: "1.0.0",
        summary: "Counts how many of the given keys exist (repeats count again).",
        complexity: "O(N) in the number of keys.",
        tips: MULTI_SHARD_SUM,
        handler: Some(exists),
        ..BASE
    },
    Command {
        name: "type",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: KEY_RO,
        summary: "Names the type of the value stored at a key.",
        complexity: "O(1)",
        handler: Some(type_cmd),
        ..BASE
    },
    Command {
        name: "touch",
        arity: -2,
        flags: flags::READONLY | flags::FAST,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: -1,
        key_step: 1,
        key_specs: KEYS_RO,
        since: "3.2.1",
        summary: "Updates the last access time of keys; returns how many exist.",
        complexity: "O(N) in the number of keys.",
        tips: MULTI_SHARD_SUM,
        handler: Some(touch),
        ..BASE
    },
    Command {
        name: "keys",
        arity: 2,
        flags: flags::READONLY,
        acl: acl::KEYSPACE | acl::DANGEROUS,
        summary: "Lists the keys matching a glob-style pattern.",
        complexity: "O(N) in the number of keys in the database.",
        tips: &["request_policy:all_shards", "nondeterministic_output_order"],
        handler: Some(keys),
        ..BASE
    },
    Command {
        name: "scan",
        arity: -2,
        flags: flags::READONLY,
        acl: acl::KEYSPACE,
        since: "2.8.0",
        summary: "Iterates over the keys of the database with a cursor.",
        complexity: "O(1) per call; O(N) for a full iteration.",
        tips: &["nondeterministic_output", "request_policy:special"],
        handler: Some(scan::scan),
        ..BASE
    },
    Command {
        name: "randomkey",
        arity: 1,
        flags: flags::READONLY,
        acl: acl::KEYSPACE,
        summary: "Returns a random key of the database.",
        complexity: "O(1)",
        tips: &["request_policy:all_shards", "nondeterministic_output"],
        handler: Some(randomkey),
        ..BASE
    },
    Command {
        name: "rename",
        arity: 3,
        flags: flags::WRITE,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: 2,
        key_step: 1,
        key_specs: RENAME_KS,
        summary: "Renames a key, overwriting the destination.",
        complexity: "O(1)",
        handler: Some(rename::rename),
        ..BASE
    },
    Command {
        name: "renamenx",
        arity: 3,
        flags: flags::WRITE | flags::FAST,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: 2,
        key_step: 1,
        key_specs: RENAMENX_KS,
        summary: "Renames a key only when the destination does not exist.",
        complexity: "O(1)",
        handler: Some(rename::renamenx),
        ..BASE
    },
    Command {
        name: "copy",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: 2,
        key_step: 1,
        key_specs: COPY_KS,
        since: "6.2.0",
        summary: "Copies a value, with its TTL, to another key (optionally in another db).",
        complexity: "O(N) in the size of the copied value.",
        handler: Some(rename::copy),
        ..BASE
    },
    Command {
        name: "move",
        arity: 3,
        flags: flags::WRITE | flags::FAST,
        acl: acl::KEYSPACE,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: MOVE_KS,
        summary: "Moves a key to another database.",
        complexity: "O(1)",
        handler: Some(rename::move_cmd),
        ..BASE
    },
    object::OBJECT,
];

fn del(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut n = 0;
    for key in &a[1..] {
        if ctx.delete(key) {
            ctx.notify(notify::GENERIC, "del", key);
            n += 1;
        }
    }
    Reply::Int(n)
}

fn exists(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut n = 0;
    for key in &a[1..] {
        if ctx.lookup_read_notouch(key).is_some() {
            n += 1;
        }
    }
    Reply::Int(n)
}

fn type_cmd(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    Reply::simple(
        ctx.lookup_read_notouch(&a[1])
            .map_or("none", |v| v.type_name()),
    )
}

fn touch(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut n = 0;
    for key in &a[1..] {
        if ctx.lookup_read(key).is_some() {
            n += 1;
        }
    }
    Reply::Int(n)
}

/// KEYS skips expired keys without deleting them, as Redis does (it holds an iterator).
fn keys(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let pattern = &a[1][..];
    let all = pattern == b"*";
    let now = ctx.now_ms;
    let db = ctx.db();
    let mut out = Vec::new();
    for (key, _) in db.iter() {
        if (all || glob_match(pattern, key, false)) && !db.is_expired(key, now) {
            out.push(Reply::Bulk(Bytes::copy_from_slice(key)));
        }
    }
    Reply::Array(out)
}

/// A random key that is not expired: expired keys it lands on are deleted (with their `DEL`
/// effect) and it draws again, so the loop ends at the latest when the db is empty.
fn randomkey(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    loop {
        let eng = &mut *ctx.eng;
        let rng = &mut eng.rng;
        let Some(key) = eng.dbs[ctx.db].random_key(&mut || rng.next_u64()) else {
            return Reply::Nil;
        };
        if !ctx.expire_if_needed(&key) {
            return Reply::Bulk(Bytes::copy_from_slice(&key));
        }
    }
}
