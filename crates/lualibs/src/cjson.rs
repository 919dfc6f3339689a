//! `cjson`: Lua CJSON 2.1.0 as bundled by Redis. This file holds the module table and its
//! configuration functions; encoding and decoding live in `cjson_encode`/`cjson_decode`.

use crate::util::{
    add, arg_error, check_number, f64_to_i64, ret, type_error, Args, LResult, PLAIN,
};
use mlua::{Lua, MultiValue, Table, Value};
use std::sync::{Arc, Mutex, MutexGuard};

/// Per-module settings; `cjson.new()` returns a module with fresh ones.
#[derive(Clone)]
pub struct Config {
    pub sparse_convert: i32,
    pub sparse_ratio: i32,
    pub sparse_safe: i32,
    pub encode_max_depth: i32,
    pub decode_max_depth: i32,
    /// 0 = error, 1 = print as C does ("inf", "nan"), 2 = encode as null.
    pub encode_invalid_numbers: i32,
    pub decode_invalid_numbers: i32,
    pub keep_buffer: i32,
    pub precision: i32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sparse_convert: 0,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            encode_invalid_numbers: 0,
            decode_invalid_numbers: 1,
            keep_buffer: 1,
            precision: 14,
        }
    }
}

/// Shared by one cjson table's functions; a Mutex only because the engine's VM must be Send.
type Cfg = Arc<Mutex<Config>>;

fn lock(cfg: &Cfg) -> MutexGuard<'_, Config> {
    cfg.lock().unwrap_or_else(|p| p.into_inner())
}

/// `json_arg_init`: at most `n` arguments.
fn arg_init(lua: &Lua, args: &Args, n: usize) -> LResult<()> {
    if args.len() > n {
        return Err(arg_error(lua, n + 1, args.2, "found too many arguments"));
    }
    Ok(())
}

/// A boolean-or-named option; returns what the C code pushes back.
fn enum_option(
    lua: &Lua,
    args: &Args,
    idx: usize,
    setting: &mut i32,
    options: &[&str],
) -> LResult<Value> {
    match args.get(idx) {
        None | Some(Value::Nil) => {}
        Some(Value::Boolean(b)) => *setting = b as i32,
        Some(v) => {
            let name: Vec<u8> = match &v {
                Value::String(s) => s.as_bytes().to_vec(),
                Value::Integer(_) | Value::Number(_) => {
                    crate::util::fmt_g(crate::util::to_number(&v).unwrap_or(0.0), 14).into_bytes()
                }
                _ => return Err(type_error(lua, idx, args.2, "string", Some(&v))),
            };
            match options.iter().position(|o| o.as_bytes() == name.as_slice()) {
                Some(i) => *setting = i as i32,
                None => {
                    let mut m = b"invalid option '".to_vec();
                    m.extend_from_slice(&name);
                    m.push(b'\'');
                    return Err(arg_error(lua, idx, args.2, m));
                }
            }
        }
    }
    if *setting == 0 || *setting == 1 {
        Ok(Value::Boolean(*setting == 1))
    } else {
        Ok(Value::String(
            lua.create_string(options[*setting as usize])
                .map_err(|e| e.to_string())?,
        ))
    }
}

/// An integer option in `min..=max`; the range error always names argument 1, as in C.
fn int_option(
    lua: &Lua,
    args: &Args,
    idx: usize,
    setting: &mut i32,
    min: i32,
    max: i32,
) -> LResult<Value> {
    if !matches!(args.get(idx), None | Some(Value::Nil)) {
        let v = f64_to_i64(check_number(lua, args, idx, args.2)?) as i32;
        if v < min || v > max {
            return Err(arg_error(
                lua,
                1,
                args.2,
                format!("expected integer between {min} and {max}"),
            ));
        }
        *setting = v;
    }
    Ok(Value::Number(*setting as f64))
}

const BOOL: &[&str] = &["off", "on"];

fn config_fn<F>(
    lua: &Lua,
    m: &Table,
    cfg: &Cfg,
    name: &'static str,
    nargs: usize,
    f: F,
) -> mlua::Result<()>
where
    F: Fn(&Lua, &Args, &mut Config) -> LResult<Vec<Value>> + mlua::MaybeSend + 'static,
{
    let cfg = cfg.clone();
    add(lua, m, name, PLAIN, move |lua, args| {
        let r = arg_init(lua, &args, nargs).and_then(|_| f(lua, &args, &mut lock(&cfg)));
        match r {
            Ok(v) => ret(lua, MultiValue::from_iter(v)),
            Err(e) => Ok(Err(e)),
        }
    })
}

/// Builds one module table sharing a fresh configuration.
pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let m = lua.create_table()?;
    let cfg: Cfg = Arc::new(Mutex::new(Config::default()));
    let c = cfg.clone();
    let step = crate::cjson_encode::stepper(lua)?;
    add(lua, &m, "encode", PLAIN, move |lua, args| {
        if args.len() != 1 {
            return Ok(Err(arg_error(lua, 1, "encode", "expected 1 argument")));
        }
        let conf = lock(&c).clone();
        match crate::cjson_encode::encode(lua, &conf, &step, args.get(1).unwrap_or(Value::Nil))? {
            Ok(s) => ret(lua, lua.create_string(&s)?),
            Err(e) => Ok(Err(e)),
        }
    })?;
    let c = cfg.clone();
    add(lua, &m, "decode", PLAIN, move |lua, args| {
        if args.len() != 1 {
            return Ok(Err(arg_error(lua, 1, "decode", "expected 1 argument")));
        }
        let text = match crate::util::check_bytes(lua, &args, 1, "decode") {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        let conf = lock(&c).clone();
        match crate::cjson_decode::decode(lua, &conf, &text)? {
            Ok(v) => ret(lua, v),
            Err(e) => Ok(Err(e)),
        }
    })?;
    config_fn(lua, &m, &cfg, "encode_sparse_array", 3, |lua, a, c| {
        Ok(vec![
            enum_option(lua, a, 1, &mut c.sparse_convert, BOOL)?,
            int_option(lua, a, 2, &mut c.sparse_ratio, 0, i32::MAX)?,
            int_option(lua, a, 3, &mut c.sparse_safe, 0, i32::MAX)?,
        ])
    })?;
    config_fn(lua, &m, &cfg, "encode_max_depth", 1, |lua, a, c| {
        Ok(vec![int_option(
            lua,
            a,
            1,
            &mut c.encode_max_depth,
            1,
            i32::MAX,
        )?])
    })?;
    config_fn(lua, &m, &cfg, "decode_max_depth", 1, |lua, a, c| {
        Ok(vec![int_option(
            lua,
            a,
            1,
            &mut c.decode_max_depth,
            1,
            i32::MAX,
        )?])
    })?;
    config_fn(lua, &m, &cfg, "encode_number_precision", 1, |lua, a, c| {
        Ok(vec![int_option(lua, a, 1, &mut c.precision, 1, 14)?])
    })?;
    config_fn(lua, &m, &cfg, "encode_keep_buffer", 1, |lua, a, c| {
        Ok(vec![enum_option(lua, a, 1, &mut c.keep_buffer, BOOL)?])
    })?;
    config_fn(lua, &m, &cfg, "encode_invalid_numbers", 1, |lua, a, c| {
        Ok(vec![enum_option(
            lua,
            a,
            1,
            &mut c.encode_invalid_numbers,
            &["off", "on", "null"],
        )?])
    })?;
    config_fn(lua, &m, &cfg, "decode_invalid_numbers", 1, |lua, a, c| {
        Ok(vec![enum_option(
            lua,
            a,
            1,
            &mut c.decode_invalid_numbers,
            BOOL,
        )?])
    })?;
    add(lua, &m, "new", PLAIN, |lua, _| ret(lua, module(lua)?))?;
    m.set("null", Value::NULL)?;
    m.set("_NAME", "cjson")?;
    m.set("_VERSION", "2.1.0")?;
    Ok(m)
}
