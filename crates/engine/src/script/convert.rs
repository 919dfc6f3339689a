//! Conversions of command replies into the Lua values a script gets from `redis.call` (shaped
//! by the script's `redis.setresp`), and of `redis.call` arguments into bytes, as Redis 7.0
//! does them. The value a script returns becomes its reply in `lua_reply.rs`.

use bytes::Bytes;
use mlua::{Lua, Value};
use resp::Reply;

/// A command's reply as the script sees it. `resp3` is the script's `redis.setresp` choice.
/// Error replies become `{err=...}` tables (the caller decides whether to raise them).
pub fn reply_to_lua(lua: &Lua, reply: &Reply, resp3: bool) -> mlua::Result<Value> {
    Ok(match reply {
        Reply::Int(n) => Value::Number(*n as f64),
        Reply::Bulk(b) => Value::String(lua.create_string(b.as_ref())?),
        Reply::Simple(s) => single(lua, "ok", Value::String(lua.create_string(s.as_ref())?))?,
        Reply::Error(e) => single(lua, "err", Value::String(lua.create_string(e.as_ref())?))?,
        Reply::Nil | Reply::NilArray => {
            if resp3 {
                Value::Nil
            } else {
                Value::Boolean(false)
            }
        }
        Reply::Array(items) | Reply::Push(items) | Reply::Seq(items) => array(lua, items, resp3)?,
        // Long replies built straight into bytes (LRANGE...): the script needs their shape.
        Reply::Encoded(_) => return reply_to_lua(lua, &reply.clone().decoded(), resp3),
        Reply::Set(items) if resp3 => {
            let set = lua.create_table()?;
            for item in items {
                set.raw_set(reply_to_lua(lua, item, resp3)?, true)?;
            }
            single(lua, "set", Value::Table(set))?
        }
        Reply::Set(items) => array(lua, items, resp3)?,
        Reply::Map(pairs) if resp3 => {
            let map = lua.create_table()?;
            for (k, v) in pairs {
                map.raw_set(reply_to_lua(lua, k, resp3)?, reply_to_lua(lua, v, resp3)?)?;
            }
            single(lua, "map", Value::Table(map))?
        }
        Reply::Map(pairs) => {
            let t = lua.create_table()?;
            for (k, v) in pairs {
                t.raw_push(reply_to_lua(lua, k, resp3)?)?;
                t.raw_push(reply_to_lua(lua, v, resp3)?)?;
            }
            Value::Table(t)
        }
        Reply::Double(d) if resp3 => single(lua, "double", Value::Number(*d))?,
        Reply::Double(d) => {
            Value::String(lua.create_string(resp::reply::format_double(*d).as_bytes())?)
        }
        Reply::Bool(b) if resp3 => Value::Boolean(*b),
        Reply::Bool(b) => Value::Number(if *b { 1.0 } else { 0.0 }),
        Reply::BigNumber(n) if resp3 => single(
            lua,
            "big_number",
            Value::String(lua.create_string(n.as_ref())?),
        )?,
        Reply::BigNumber(n) => Value::String(lua.create_string(n.as_ref())?),
        Reply::Verbatim(format, s) if resp3 => {
            let v = lua.create_table()?;
            v.raw_set("format", lua.create_string(format)?)?;
            v.raw_set("string", lua.create_string(s.as_ref())?)?;
            single(lua, "verbatim_string", Value::Table(v))?
        }
        Reply::Verbatim(_, s) => Value::String(lua.create_string(s.as_ref())?),
    })
}

fn single(lua: &Lua, key: &str, value: Value) -> mlua::Result<Value> {
    let t = lua.create_table()?;
    t.raw_set(key, value)?;
    Ok(Value::Table(t))
}

fn array(lua: &Lua, items: &[Reply], resp3: bool) -> mlua::Result<Value> {
    let t = lua.create_table_with_capacity(items.len(), 0)?;
    for (i, item) in items.iter().enumerate() {
        t.raw_set(i + 1, reply_to_lua(lua, item, resp3)?)?;
    }
    Ok(Value::Table(t))
}

/// A `redis.call` argument as bytes: strings as they are, numbers as `%.17g` (as Redis 7.0
/// formats them); anything else is refused.
pub fn lua_arg(value: &Value) -> Option<Bytes> {
    match value {
        Value::String(s) => Some(Bytes::copy_from_slice(&s.as_bytes())),
        Value::Integer(n) => Some(Bytes::from(n.to_string())),
        Value::Number(n) => Some(Bytes::from(resp::reply::format_g(*n, 17))),
        _ => None,
    }
}
