//! String commands.

use crate::command::{acl, flags, ks, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::errors;
use crate::value::{RString, Value};
use bytes::Bytes;
use resp::Reply;

const KEY_RO: &[KeySpec] = &[ks::one(1, ks::RO_ACCESS)];
const KEY_OW: &[KeySpec] = &[ks::one(1, ks::OW_UPDATE)];

pub const COMMANDS: &[Command] = &[
    Command {
        name: "get",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        acl: acl::STRING,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: KEY_RO,
        group: "string",
        summary: "Returns the string value of a key.",
        complexity: "O(1)",
        handler: Some(get),
        ..BASE
    },
    Command {
        name: "set",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        acl: acl::STRING,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: KEY_OW,
        group: "string",
        summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
        complexity: "O(1)",
        handler: Some(set),
        ..BASE
    },
];

fn get(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match ctx.read_string(&a[1]) {
        Ok(Some(s)) => Reply::bulk_from_slice(&s.as_bytes()),
        Ok(None) => Reply::Nil,
        Err(e) => e,
    }
}

fn set(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() != 3 {
        return errors::syntax();
    }
    ctx.set_key(&a[1], Value::Str(RString::from_set(&a[2])), false);
    Reply::ok()
}
