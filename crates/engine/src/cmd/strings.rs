//! String commands: the table, and the lookup/argument helpers the string handlers share.
//! Handlers live in `strings_set` (SET family and expiry options), `strings_ops` (reads, ranges,
//! counters), `strings_float` (INCRBYFLOAT) and `lcs`.

use super::lcs::lcs;
use super::strings_float::incrbyfloat;
use super::strings_ops::{
    append, decr, decrby, get, getrange, incr, incrby, mget, setrange, strlen,
};
use super::strings_set::{getdel, getex, getset, mset, msetnx, psetex, set, setex, setnx};
use crate::command::{acl, flags, ks, Command, Family, KeySpec};
use crate::ctx::Ctx;
use crate::errors;
use crate::value::{RString, Value};
use bytes::Bytes;
use resp::Reply;

const RO_ACCESS: &[KeySpec] = &[ks::one(1, ks::RO_ACCESS)];
const RO: &[KeySpec] = &[ks::one(1, ks::RO)];
const OW_UPDATE: &[KeySpec] = &[ks::one(1, ks::OW_UPDATE)];
const OW_INSERT: &[KeySpec] = &[ks::one(1, &["OW", "insert"])];
const RW_INSERT: &[KeySpec] = &[ks::one(1, ks::RW_INSERT)];
const RW_UPDATE: &[KeySpec] = &[ks::one(1, ks::RW_UPDATE)];
const RW_ACCESS_UPDATE: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_UPDATE)];
const RW_ACCESS_DELETE: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_DELETE)];
/// SET's key spec carries `variable_flags`: only `GET` makes it an access.
const SET_SPEC: &[KeySpec] = &[KeySpec {
    notes: "RW and ACCESS due to the optional `GET` argument",
    ..ks::one(1, &["RW", "access", "update", "variable_flags"])
}];
const GETEX_SPEC: &[KeySpec] = &[KeySpec {
    notes: "RW and UPDATE because it changes the TTL",
    ..ks::one(1, ks::RW_ACCESS_UPDATE)
}];
const MGET_SPEC: &[KeySpec] = &[ks::range(1, -1, 1, ks::RO_ACCESS)];
const MSET_SPEC: &[KeySpec] = &[ks::range(1, -1, 2, ks::OW_UPDATE)];
const MSETNX_SPEC: &[KeySpec] = &[ks::range(1, -1, 2, &["OW", "insert"])];
const LCS_SPEC: &[KeySpec] = &[ks::range(1, 1, 1, ks::RO_ACCESS)];

const WD: u32 = flags::WRITE | flags::DENYOOM;
const WDF: u32 = flags::WRITE | flags::DENYOOM | flags::FAST;
const WF: u32 = flags::WRITE | flags::FAST;
const R: u32 = flags::READONLY;
const RF: u32 = flags::READONLY | flags::FAST;

const STRING: Family = Family {
    acl: acl::STRING,
    group: "string",
};

const RANGE_CX: &str = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";

pub const COMMANDS: &[Command] = &[
    STRING.key1("get", 2, RF, RO_ACCESS, "1.0.0", "Get the value of a key", "O(1)", get),
    Command {
        getkeys: Some(set_keys),
        ..STRING.key1("set", -3, WD, SET_SPEC, "1.0.0", "Set the string value of a key", "O(1)", set)
    },
    STRING.key1("setnx", 3, WDF, OW_INSERT, "1.0.0", "Set the value of a key, only if the key does not exist", "O(1)", setnx),
    STRING.key1("setex", 4, WD, OW_UPDATE, "2.0.0", "Set the value and expiration of a key", "O(1)", setex),
    STRING.key1("psetex", 4, WD, OW_UPDATE, "2.6.0", "Set the value and expiration in milliseconds of a key", "O(1)", psetex),
    Command {
        last_key: -1,
        tips: &["request_policy:multi_shard"],
        ..STRING.key1("mget", -2, RF, MGET_SPEC, "1.0.0", "Get the values of all the given keys", "O(N) where N is the number of keys to retrieve.", mget)
    },
    Command {
        last_key: -1,
        key_step: 2,
        tips: &["request_policy:multi_shard", "response_policy:all_succeeded"],
        ..STRING.key1("mset", -3, WD, MSET_SPEC, "1.0.1", "Set multiple keys to multiple values", "O(N) where N is the number of keys to set.", mset)
    },
    Command {
        last_key: -1,
        key_step: 2,
        tips: &["request_policy:multi_shard", "response_policy:agg_min"],
        ..STRING.key1("msetnx", -3, WD, MSETNX_SPEC, "1.0.1", "Set multiple keys to multiple values, only if none of the keys exist", "O(N) where N is the number of keys to set.", msetnx)
    },
    STRING.key1("append", 3, WDF, RW_INSERT, "2.0.0", "Append a value to a key", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", append),
    STRING.key1("getset", 3, WDF, RW_ACCESS_UPDATE, "1.0.0", "Set the string value of a key and return its old value", "O(1)", getset),
    STRING.key1("getdel", 2, WF, RW_ACCESS_DELETE, "6.2.0", "Get the value of a key and delete the key", "O(1)", getdel),
    STRING.key1("getex", -2, WF, GETEX_SPEC, "6.2.0", "Get the value of a key and optionally set its expiration", "O(1)", getex),
    STRING.key1("strlen", 2, RF, RO, "2.2.0", "Get the length of the value stored in a key", "O(1)", strlen),
    STRING.key1("getrange", 4, R, RO_ACCESS, "2.4.0", "Get a substring of the string stored at a key", RANGE_CX, getrange),
    STRING.key1("substr", 4, R, RO_ACCESS, "1.0.0", "Get a substring of the string stored at a key", RANGE_CX, getrange),
    STRING.key1("setrange", 4, WD, RW_UPDATE, "2.2.0", "Overwrite part of a string at key starting at the specified offset", "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", setrange),
    STRING.key1("incr", 2, WDF, RW_ACCESS_UPDATE, "1.0.0", "Increment the integer value of a key by one", "O(1)", incr),
    STRING.key1("decr", 2, WDF, RW_ACCESS_UPDATE, "1.0.0", "Decrement the integer value of a key by one", "O(1)", decr),
    STRING.key1("incrby", 3, WDF, RW_ACCESS_UPDATE, "1.0.0", "Increment the integer value of a key by the given amount", "O(1)", incrby),
    STRING.key1("decrby", 3, WDF, RW_ACCESS_UPDATE, "1.0.0", "Decrement the integer value of a key by the given number", "O(1)", decrby),
    STRING.key1("incrbyfloat", 3, WDF, RW_ACCESS_UPDATE, "2.6.0", "Increment the float value of a key by the given amount", "O(1)", incrbyfloat),
    Command {
        last_key: 2,
        ..STRING.key1("lcs", -3, R, LCS_SPEC, "7.0.0", "Find longest common substring", "O(N*M) where N and M are the lengths of s1 and s2, respectively", lcs)
    },
];

/// SET's key flags (Redis's `setGetKeys`): only a GET argument makes the key an access.
fn set_keys(argv: &[Bytes]) -> Vec<(usize, &'static [&'static str])> {
    let get = argv.iter().skip(3).any(|a| crate::args::is(a, "get"));
    vec![(
        1,
        if get {
            ks::RW_ACCESS_UPDATE
        } else {
            ks::OW_UPDATE
        },
    )]
}

/// Redis's `lookupKeyWrite` + `checkType` for strings: Ok(None) when missing.
pub(crate) fn write_string<'c>(
    ctx: &'c mut Ctx<'_>,
    key: &[u8],
) -> Result<Option<&'c mut RString>, Reply> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s)),
        #[allow(unreachable_patterns)]
        Some(_) => Err(errors::wrongtype()),
    }
}

/// The current `proto-max-bulk-len`, the cap on any string a command may grow.
pub(crate) fn max_bulk_len(ctx: &Ctx) -> i64 {
    ctx.eng
        .config
        .get("proto-max-bulk-len")
        .and_then(|v| v.parse().ok())
        .unwrap_or(512 * 1024 * 1024)
}

/// Redis's `checkStringLength`: `base + extra` must not exceed `proto-max-bulk-len`.
pub(crate) fn check_len(ctx: &Ctx, base: u64, extra: u64) -> Result<(), Reply> {
    match base.checked_add(extra) {
        Some(total) if total <= max_bulk_len(ctx) as u64 => Ok(()),
        _ => Err(Reply::err(
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
        )),
    }
}
