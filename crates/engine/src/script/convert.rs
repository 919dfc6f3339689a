//! Conversions between command replies and Lua values, both ways, as Redis 7.0 does them:
//! replies a script gets from `redis.call` (shaped by the script's `redis.setresp`), and the
//! value a script returns (turned into the reply its caller gets).

use bytes::Bytes;
use mlua::{Lua, Table, Value};
use resp::Reply;

/// Nesting beyond this is refused rather than risking the native stack.
const MAX_DEPTH: usize = 200;

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

/// The reply for a value a script returned. `resp3` is the script's `redis.setresp` choice,
/// which decides how booleans come out.
pub fn lua_to_reply(value: &Value, resp3: bool) -> Reply {
    to_reply(value, resp3, 0)
}

fn to_reply(value: &Value, resp3: bool, depth: usize) -> Reply {
    if depth > MAX_DEPTH {
        return Reply::err("ERR reached lua stack limit");
    }
    match value {
        Value::String(s) => Reply::Bulk(Bytes::copy_from_slice(&s.as_bytes())),
        Value::Number(n) => Reply::Int(*n as i64),
        Value::Integer(n) => Reply::Int(*n),
        Value::Boolean(b) if resp3 => Reply::Bool(*b),
        Value::Boolean(true) => Reply::Int(1),
        Value::Table(t) => table_to_reply(t, resp3, depth),
        _ => Reply::Nil,
    }
}

fn field(t: &Table, name: &str) -> Value {
    t.raw_get::<Value>(name).unwrap_or(Value::Nil)
}

fn table_to_reply(t: &Table, resp3: bool, depth: usize) -> Reply {
    if let Value::String(e) = field(t, "err") {
        return error(&e.as_bytes());
    }
    if let Value::String(s) = field(t, "ok") {
        return status(&s.as_bytes());
    }
    match field(t, "double") {
        Value::Number(d) => return Reply::Double(d),
        Value::Integer(n) => return Reply::Double(n as f64),
        _ => {}
    }
    if let Value::String(s) = field(t, "big_number") {
        return Reply::BigNumber(Bytes::from(no_newlines(&s.as_bytes())));
    }
    if let Value::Table(v) = field(t, "verbatim_string") {
        if let (Value::String(f), Value::String(s)) = (field(&v, "format"), field(&v, "string")) {
            return Reply::Verbatim(
                verbatim_format(&f.as_bytes()),
                Bytes::copy_from_slice(&s.as_bytes()),
            );
        }
    }
    if let Value::Table(m) = field(t, "map") {
        let mut pairs = Vec::new();
        for (k, v) in m.pairs::<Value, Value>().flatten() {
            pairs.push((
                to_reply(&k, resp3, depth + 1),
                to_reply(&v, resp3, depth + 1),
            ));
        }
        return Reply::Map(pairs);
    }
    if let Value::Table(s) = field(t, "set") {
        let mut items = Vec::new();
        for (k, _) in s.pairs::<Value, Value>().flatten() {
            items.push(to_reply(&k, resp3, depth + 1));
        }
        return Reply::Set(items);
    }
    let mut items = Vec::new();
    for i in 1.. {
        match t.raw_get::<Value>(i) {
            Ok(Value::Nil) | Err(_) => break,
            Ok(v) => items.push(to_reply(&v, resp3, depth + 1)),
        }
    }
    Reply::Array(items)
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

/// CR and LF become spaces (they would end a one-line reply), as Redis maps them.
fn no_newlines(s: &[u8]) -> Vec<u8> {
    s.iter()
        .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
        .collect()
}

/// A status reply: CR/LF become spaces as Redis does.
fn status(s: &[u8]) -> Reply {
    Reply::Simple(Bytes::from(no_newlines(s)))
}

/// An `{err=...}` reply as Redis writes it (`-%s` through its error formatter): CR/LF at the
/// end are dropped, the others become spaces (so leading ones stay, as spaces).
fn error(msg: &[u8]) -> Reply {
    let end = msg.len()
        - msg
            .iter()
            .rev()
            .take_while(|&&c| c == b'\r' || c == b'\n')
            .count();
    Reply::Error(Bytes::from(no_newlines(&msg[..end])))
}

/// A verbatim string's format as Redis writes it: its first three bytes (up to a NUL), padded
/// with spaces.
fn verbatim_format(f: &[u8]) -> [u8; 3] {
    let mut out = [b' '; 3];
    for (slot, &c) in out.iter_mut().zip(f.iter().take_while(|&&c| c != 0)) {
        *slot = c;
    }
    out
}
