//! `redis.register_function`, the one thing a function library's code does while it loads:
//! its positional and named argument forms with Redis 7.0's checks and error texts, and the
//! environment library code runs in.

use super::functions::{valid_name, FunctionDef, BAD_NAME, FLAG_NAMES};
use super::redis_api::raise;
use super::vm::Vm;
use bytes::Bytes;
use mlua::{Function, Lua, MultiValue, Table, Value};
use std::sync::{Arc, Mutex};

/// Functions registered by the library being loaded; `None` while no FUNCTION LOAD runs (a
/// function that kept the load-time API and calls it later is refused).
pub type Pending = Arc<Mutex<Option<Vec<FunctionDef>>>>;

/// The `redis` table a library sees while loading, and the environment of its code.
pub fn build_env(vm: &Vm, pending: Pending) -> mlua::Result<Table> {
    let lua = &vm.lua;
    let load_redis = lua.create_table()?;
    let register = lua.create_function(move |lua, args: MultiValue| {
        let outcome = register_function(lua, &pending, args);
        raise(lua, outcome?)
    })?;
    load_redis.raw_set(
        "register_function",
        super::call_front::limited(lua, register)?,
    )?;
    let runtime: Table = vm.redis.clone();
    for key in [
        "log",
        "LOG_DEBUG",
        "LOG_VERBOSE",
        "LOG_NOTICE",
        "LOG_WARNING",
        "REDIS_VERSION",
        "REDIS_VERSION_NUM",
    ] {
        load_redis.raw_set(key, runtime.raw_get::<Value>(key)?)?;
    }
    vm.prelude.function_env.call(load_redis)
}

fn fail(lua: &Lua, msg: &str) -> mlua::Result<(bool, Value)> {
    let t = lua.create_table()?;
    t.raw_set("err", format!("ERR {msg}"))?;
    Ok((false, Value::Table(t)))
}

/// A string argument as Lua's `lua_isstring` sees it: strings, and numbers as their text.
fn text_of(lua: &Lua, v: &Value) -> mlua::Result<Option<Bytes>> {
    Ok(match v {
        Value::String(s) => Some(Bytes::copy_from_slice(&s.as_bytes())),
        Value::Integer(_) | Value::Number(_) => lua
            .coerce_string(v.clone())?
            .map(|s| Bytes::copy_from_slice(&s.as_bytes())),
        _ => None,
    })
}

/// What a registration names.
#[derive(Default)]
struct Registration {
    name: Option<Bytes>,
    callback: Option<Function>,
    description: Option<Bytes>,
    flags: Vec<&'static str>,
}

/// `redis.register_function(name, callback)` or `redis.register_function{...}`.
fn register_function(
    lua: &Lua,
    pending: &Pending,
    args: MultiValue,
) -> mlua::Result<(bool, Value)> {
    if pending.lock().unwrap_or_else(|p| p.into_inner()).is_none() {
        return fail(
            lua,
            "redis.register_function can only be called on FUNCTION LOAD command",
        );
    }
    let reg = match args.len() {
        1 => match named(lua, &args[0])? {
            Ok(reg) => reg,
            Err(msg) => return fail(lua, msg),
        },
        2 => {
            let Some(name) = text_of(lua, &args[0])? else {
                return fail(
                    lua,
                    "first argument to redis.register_function must be a string",
                );
            };
            let Value::Function(f) = &args[1] else {
                return fail(
                    lua,
                    "second argument to redis.register_function must be a function",
                );
            };
            Registration {
                name: Some(name),
                callback: Some(f.clone()),
                ..Default::default()
            }
        }
        _ => return fail(lua, "wrong number of arguments to redis.register_function"),
    };
    let (Some(name), Some(func)) = (reg.name, reg.callback) else {
        return fail(lua, "wrong number of arguments to redis.register_function");
    };
    if !valid_name(&name) {
        return fail(lua, BAD_NAME);
    }
    let name = String::from_utf8_lossy(&name).into_owned();
    let mut pending = pending.lock().unwrap_or_else(|p| p.into_inner());
    let Some(pending) = pending.as_mut() else {
        return fail(
            lua,
            "redis.register_function can only be called on FUNCTION LOAD command",
        );
    };
    // Function names are case-insensitive (FCALL finds them in any case).
    if pending.iter().any(|f| f.name.eq_ignore_ascii_case(&name)) {
        return fail(lua, "Function already exists in the library");
    }
    pending.push(FunctionDef {
        name,
        func,
        description: reg.description,
        flags: reg.flags,
    });
    Ok((true, Value::Nil))
}

/// The named form: a table of `function_name`, `callback`, `description`, `flags` (keys in
/// any case), checked in the table's iteration order as Redis does.
fn named(lua: &Lua, arg: &Value) -> mlua::Result<Result<Registration, &'static str>> {
    let Value::Table(t) = arg else {
        return Ok(Err(
            "calling redis.register_function with a single argument is only \
applicable to Lua table (representing named arguments).",
        ));
    };
    let mut reg = Registration::default();
    for pair in t.pairs::<Value, Value>() {
        let (k, v) = pair?;
        let Some(key) = text_of(lua, &k)? else {
            return Ok(Err(
                "named argument key given to redis.register_function is not a string",
            ));
        };
        let key = key.to_ascii_lowercase();
        match &key[..] {
            b"function_name" => {
                match text_of(lua, &v)? {
                    Some(name) => reg.name = Some(name),
                    None => return Ok(Err(
                        "function_name argument given to redis.register_function must be a string",
                    )),
                }
            }
            b"description" => {
                match text_of(lua, &v)? {
                    Some(d) => reg.description = Some(d),
                    None => return Ok(Err(
                        "description argument given to redis.register_function must be a string",
                    )),
                }
            }
            b"callback" => match v {
                Value::Function(f) => reg.callback = Some(f),
                _ => {
                    return Ok(Err(
                        "callback argument given to redis.register_function must be a function",
                    ))
                }
            },
            b"flags" => {
                let Value::Table(list) = v else {
                    return Ok(Err(
                        "flags argument to redis.register_function must be a table \
representing function flags",
                    ));
                };
                match read_flags(lua, &list)? {
                    Some(flags) => reg.flags = flags,
                    None => return Ok(Err("unknown flag given")),
                }
            }
            _ => return Ok(Err("unknown argument given to redis.register_function")),
        }
    }
    if reg.name.is_none() {
        return Ok(Err(
            "redis.register_function must get a function name argument",
        ));
    }
    if reg.callback.is_none() {
        return Ok(Err("redis.register_function must get a callback argument"));
    }
    Ok(Ok(reg))
}

/// `flags = {...}`: entries 1, 2, ... up to the first nil, each a flag name in any case;
/// `None` for anything else.
fn read_flags(lua: &Lua, list: &Table) -> mlua::Result<Option<Vec<&'static str>>> {
    let mut flags = Vec::new();
    for i in 1.. {
        let v: Value = list.get(i)?;
        if v.is_nil() {
            break;
        }
        let Some(flag) = text_of(lua, &v)? else {
            return Ok(None);
        };
        match FLAG_NAMES
            .iter()
            .find(|f| f.as_bytes().eq_ignore_ascii_case(&flag))
        {
            Some(f) if !flags.contains(f) => flags.push(*f),
            Some(_) => {}
            None => return Ok(None),
        }
    }
    // A set of flags: listed in Redis's order, whatever order they were given in.
    flags.sort_by_key(|f| FLAG_NAMES.iter().position(|n| n == f));
    Ok(Some(flags))
}
