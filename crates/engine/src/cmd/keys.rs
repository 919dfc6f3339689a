//! Generic keyspace commands.

use crate::command::{acl, flags, ks, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use bytes::Bytes;
use resp::Reply;

const KEYS_RM: &[KeySpec] = &[ks::range(1, -1, 1, ks::RM_DELETE)];

pub const COMMANDS: &[Command] = &[Command {
    name: "del",
    arity: -2,
    flags: flags::WRITE,
    acl: acl::KEYSPACE,
    first_key: 1,
    last_key: -1,
    key_step: 1,
    key_specs: KEYS_RM,
    group: "generic",
    summary: "Deletes one or more keys.",
    complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
    handler: Some(del),
    ..BASE
}];

fn del(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut n = 0;
    for key in &a[1..] {
        if ctx.delete(key) {
            n += 1;
        }
    }
    Reply::Int(n)
}
