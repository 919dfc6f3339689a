//! The `redis` table scripts see, and how `redis.call` / `redis.pcall` run a command: through
//! the same lookup and dispatch as a client's command (no second parser), on behalf of the
//! engine's script client, with Redis's refusals for scripts.

use super::call_front::limited;
use super::convert::{lua_arg, reply_to_lua};
pub use super::errors::innermost;
use super::errors::{script_error, user_frame, ScriptError};
use super::vm::Vm;
use crate::command::{flags, table};
use crate::engine::Engine;
use bytes::Bytes;
use mlua::{Lua, MultiValue, Table, Value};
use resp::Reply;
use std::sync::Mutex;

/// Client id the engine runs script commands as (Redis's fake Lua client).
pub const SCRIPT_CLIENT: u64 = u64::MAX;

/// The `redis` functions that need the call's state.
#[derive(Clone, Copy)]
enum Op {
    Call,
    Pcall,
    Setresp,
    SetRepl,
}

/// What one script call's `redis.call` needs while it runs, besides the engine (which each
/// call lends to Lua as a scoped userdata, `vm.lent`).
#[derive(Default)]
pub struct CallState {
    pub now_ms: i64,
    /// Write commands are refused (EVAL_RO, FCALL_RO, `no-writes` functions).
    pub readonly: bool,
    /// The script's `redis.setresp` choice.
    pub resp3: bool,
    /// `redis.set_repl` flags: bit 1 AOF, bit 2 replicas.
    pub repl: u8,
}

/// Fills the `redis` table: library functions, constants, and the wrappers that reach the
/// per-run callbacks in `vm.hooks`.
pub fn install(vm: &Vm) -> mlua::Result<()> {
    let lua = &vm.lua;
    let redis = &vm.redis;
    // call, pcall, setresp and set_repl are permanent functions: each call lends the engine
    // to Lua (`vm.lent`, a scoped userdata) and they borrow it, so a script or a library
    // that kept `redis.call` from an earlier call still reaches the current one, and the
    // arguments are read where Lua left them (a call may pass ~8000).
    // Marks arguments that call_front packed into a table (too many for mlua to hold).
    let packed = lua.create_table()?;
    for (name, op) in [
        ("call", Op::Call),
        ("pcall", Op::Pcall),
        ("setresp", Op::Setresp),
        ("set_repl", Op::SetRepl),
    ] {
        let lent = vm.lent.clone();
        let st = vm.call_state.clone();
        let marker = packed.clone();
        let f = lua.create_function(move |lua, a: MultiValue| {
            let state = &mut *st.lock().unwrap_or_else(|p| p.into_inner());
            match op {
                Op::Call | Op::Pcall => {
                    // Read from a Rust slot: the arguments still fill this call's Lua stack
                    // (up to ~8000), so a table lookup here would find no room.
                    let ud = lent.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    let ud = ud.ok_or_else(|| mlua::Error::runtime("no script is running"))?;
                    let argv = match super::call_front::unpacked(&a, &marker) {
                        Some(Ok(argv)) => argv,
                        Some(Err(())) => {
                            let e = err_table(lua, NOT_STRINGS)?;
                            return match op {
                                Op::Call => raise(lua, e),
                                _ => Ok(e.1),
                            };
                        }
                        None => match command_args(lua, &a)? {
                            Ok(argv) => argv,
                            Err(e) => {
                                return match op {
                                    Op::Call => raise(lua, e),
                                    _ => Ok(e.1),
                                }
                            }
                        },
                    };
                    let out =
                        ud.borrow_mut_scoped::<Engine, _>(|eng| call(lua, state, eng, argv))??;
                    match op {
                        Op::Call => raise(lua, out),
                        _ => Ok(out.1),
                    }
                }
                Op::Setresp => raise(lua, setresp(lua, state, a)?),
                Op::SetRepl => raise(lua, set_repl(lua, state, a)?),
            }
        })?;
        let f = match op {
            Op::Call | Op::Pcall => super::call_front::wrap(lua, f, &packed)?,
            _ => limited(lua, f)?,
        };
        redis.raw_set(name, f)?;
    }
    redis.raw_set(
        "sha1hex",
        limited(
            lua,
            lua.create_function(|lua, a| raise(lua, sha1hex(lua, a)?))?,
        )?,
    )?;
    redis.raw_set(
        "error_reply",
        limited(lua, lua.create_function(error_reply)?)?,
    )?;
    redis.raw_set(
        "acl_check_cmd",
        limited(
            lua,
            lua.create_function(|lua, a| raise(lua, acl_check_cmd(lua, a)?))?,
        )?,
    )?;
    redis.raw_set(
        "status_reply",
        limited(lua, lua.create_function(status_reply)?)?,
    )?;
    redis.raw_set(
        "replicate_commands",
        limited(lua, lua.create_function(|_, _: MultiValue| Ok(true))?)?,
    )?;
    // Outside the debugger these do nothing, as in Redis.
    redis.raw_set(
        "breakpoint",
        limited(lua, lua.create_function(|_, _: MultiValue| Ok(false))?)?,
    )?;
    let nothing = lua.create_function(|_, _: MultiValue| Ok(()))?;
    redis.raw_set("debug", limited(lua, nothing)?)?;
    for (name, v) in [
        ("LOG_DEBUG", 0),
        ("LOG_VERBOSE", 1),
        ("LOG_NOTICE", 2),
        ("LOG_WARNING", 3),
        ("REPL_NONE", 0),
        ("REPL_AOF", 1),
        ("REPL_SLAVE", 2),
        ("REPL_REPLICA", 2),
        ("REPL_ALL", 3),
    ] {
        redis.raw_set(name, v)?;
    }
    redis.raw_set("REDIS_VERSION", crate::REDIS_VERSION)?;
    redis.raw_set("REDIS_VERSION_NUM", 0x00_07_00_0f)?;
    vm.backing.raw_set("redis", redis.clone())?;
    Ok(())
}

/// Turns `(false, {err=...})` into a raised error, `(true, v)` into `v`.
pub fn raise(lua: &Lua, (ok, v): (bool, Value)) -> mlua::Result<Value> {
    if ok {
        return Ok(v);
    }
    let msg = match &v {
        Value::Table(t) => t
            .raw_get::<mlua::String>("err")
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Err(ScriptError::table(lua, msg))
}

/// For the sandbox: what a caught error raised by a Rust function is to scripts (the
/// `{err=...}` table or the string Redis would have raised); nil for other values.
pub fn errvalue(lua: &Lua, v: Value) -> mlua::Result<Value> {
    Ok(match &v {
        Value::Error(e) => match script_error(e) {
            Some(se) => se.value(lua)?,
            None => Value::String(lua.create_string(innermost(e))?),
        },
        _ => Value::Nil,
    })
}

fn err_table(lua: &Lua, msg: &[u8]) -> mlua::Result<(bool, Value)> {
    let t = lua.create_table()?;
    t.raw_set("err", lua.create_string(msg)?)?;
    Ok((false, Value::Table(t)))
}

fn sha1hex(lua: &Lua, args: MultiValue) -> mlua::Result<(bool, Value)> {
    if args.len() != 1 {
        return err_table(lua, b"ERR wrong number of arguments");
    }
    let bytes = lua_arg(&args[0]).unwrap_or_default();
    let hex = super::sha1::sha1_hex(&bytes);
    Ok((true, Value::String(lua.create_string(hex)?)))
}

/// The arguments of a `redis` library call that names a command, as bytes.
/// Redis's error for an argument that is neither a string nor a number.
const NOT_STRINGS: &[u8] = b"ERR Lua redis lib command arguments must be strings or integers";

fn command_args(lua: &Lua, args: &MultiValue) -> mlua::Result<Result<Vec<Bytes>, (bool, Value)>> {
    if args.is_empty() {
        return err_table(
            lua,
            b"ERR Please specify at least one argument for this redis lib call",
        )
        .map(Err);
    }
    let mut argv = Vec::with_capacity(args.len());
    for a in args.iter() {
        match lua_arg(a) {
            Some(b) => argv.push(b),
            None => return err_table(lua, NOT_STRINGS).map(Err),
        }
    }
    Ok(Ok(argv))
}

/// `redis.acl_check_cmd(command, args...)`: whether the caller's user may run the command.
/// Lattice has no ACL users: every client is the default user, allowed everything, so the
/// answer is true for every command that exists.
fn acl_check_cmd(lua: &Lua, args: MultiValue) -> mlua::Result<(bool, Value)> {
    let argv = match command_args(lua, &args)? {
        Ok(argv) => argv,
        Err(e) => return Ok(e),
    };
    let found = table::find(&argv[0]).is_some_and(|cmd| {
        cmd.subcommands.is_empty() || argv.len() < 2 || table::find_sub(cmd, &argv[1]).is_some()
    });
    if !found {
        return err_table(lua, b"ERR Invalid command passed to redis.acl_check_cmd()");
    }
    Ok((true, Value::Boolean(true)))
}

/// `redis.log` lines waiting to be handed to the shell: (level, message).
pub type Logs = std::sync::Arc<Mutex<Vec<(u8, Vec<u8>)>>>;

/// `redis.log(level, ...)`: the arguments joined by spaces become one log line.
pub fn install_log(vm: &Vm) -> mlua::Result<()> {
    let logs = vm.logs.clone();
    let f = vm.lua.create_function(move |lua, args: MultiValue| {
        let outcome = log(lua, &args)?;
        if outcome.0 {
            let level = number(args.front()).unwrap_or(0) as u8;
            let parts: Vec<Vec<u8>> = args
                .iter()
                .skip(1)
                .filter_map(lua_arg)
                .map(|b| b.to_vec())
                .collect();
            logs.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((level, parts.join(&b' ')));
        }
        raise(lua, outcome)
    })?;
    vm.redis.raw_set("log", limited(&vm.lua, f)?)
}

/// Moves what `redis.log` wrote into the engine's actions, dropping lines below `loglevel`.
pub fn drain_logs(vm: &Vm, eng: &mut Engine) {
    let lines = std::mem::take(&mut *vm.logs.lock().unwrap_or_else(|p| p.into_inner()));
    emit_logs(eng, lines);
}

/// Hands `redis.log` lines to the shell, dropping those below `loglevel`.
pub fn emit_logs(eng: &mut Engine, lines: Vec<(u8, Vec<u8>)>) {
    let verbosity = match eng.config.get("loglevel") {
        Some("debug") => 0,
        Some("verbose") => 1,
        Some("notice") => 2,
        _ => 3,
    };
    for (level, message) in lines {
        if level >= verbosity {
            eng.actions
                .push(crate::engine::Action::Log { level, message });
        }
    }
}

/// Checks `redis.log`'s arguments as Redis does.
fn log(lua: &Lua, args: &MultiValue) -> mlua::Result<(bool, Value)> {
    if args.len() < 2 {
        return err_table(lua, b"ERR redis.log() requires two arguments or more.");
    }
    let level = match &args[0] {
        Value::Number(n) => Some(*n as i64),
        Value::Integer(n) => Some(*n),
        _ => None,
    };
    match level {
        None => err_table(lua, b"ERR First argument must be a number (log level)."),
        Some(0..=3) => Ok((true, Value::Nil)),
        Some(_) => err_table(lua, b"ERR Invalid debug level."),
    }
}

fn error_reply(lua: &Lua, args: MultiValue) -> mlua::Result<Value> {
    let msg = match args.front() {
        Some(Value::String(s)) if args.len() == 1 => s.as_bytes().to_vec(),
        _ => return Ok(err_table(lua, b"ERR wrong number or type of arguments")?.1),
    };
    // Redis: a leading '-' is dropped; a message without a code (no space) gets `ERR `.
    let msg = msg.strip_prefix(b"-").unwrap_or(&msg).to_vec();
    let text = if msg.contains(&b' ') {
        msg
    } else {
        [b"ERR ".as_slice(), &msg].concat()
    };
    Ok(err_table(lua, &text)?.1)
}

fn status_reply(lua: &Lua, args: MultiValue) -> mlua::Result<Value> {
    let msg = match args.front() {
        Some(Value::String(s)) if args.len() == 1 => s.clone(),
        _ => return Ok(err_table(lua, b"ERR wrong number or type of arguments")?.1),
    };
    let t = lua.create_table()?;
    t.raw_set("ok", msg)?;
    Ok(Value::Table(t))
}

/// The message handler of every script call: makes the error an `{err=...}` table carrying
/// where in the user's code it happened (the first frame that is neither C nor ours).
pub fn error_handler(lua: &Lua, err: Value) -> mlua::Result<Table> {
    if let Value::Error(e) = &err {
        if let Some(se) = script_error(e) {
            let t = lua.create_table()?;
            let msg = if se.table {
                se.msg.clone()
            } else {
                [b"ERR ".as_slice(), &se.msg].concat()
            };
            t.raw_set("err", lua.create_string(&msg)?)?;
            if let Some((source, line)) = &se.place {
                t.raw_set("source", source.as_str())?;
                t.raw_set("line", *line)?;
            }
            return Ok(t);
        }
    }
    let t = match err {
        Value::Table(t) => {
            match t.raw_get::<Value>("err")? {
                Value::String(_) => {}
                // Redis's reply takes the text of a number, as lua_tostring does.
                Value::Integer(n) => t.raw_set("err", n.to_string())?,
                Value::Number(n) => t.raw_set("err", resp::reply::format_g(n, 14))?,
                _ => t.raw_set("err", "ERR unknown error")?,
            }
            t
        }
        other => {
            let text = match &other {
                Value::String(s) => s.as_bytes().to_vec(),
                // A Rust library function's error reads like luaL_error's: with the position.
                Value::Error(e) => {
                    let msg = innermost(e);
                    match user_frame(lua) {
                        Some((source, line)) => {
                            let short = source.strip_prefix('@').unwrap_or(&source);
                            format!("{short}:{line}: {msg}").into_bytes()
                        }
                        _ => msg.into_bytes(),
                    }
                }
                Value::Nil => b"nil".to_vec(),
                Value::Boolean(b) => b.to_string().into_bytes(),
                Value::Number(n) => resp::reply::format_g(*n, 14).into_bytes(),
                Value::Integer(n) => n.to_string().into_bytes(),
                _ => b"unknown error".to_vec(),
            };
            let t = lua.create_table()?;
            t.raw_set(
                "err",
                lua.create_string([b"ERR ".as_slice(), &text].concat())?,
            )?;
            t
        }
    };
    if let Some((source, line)) = user_frame(lua) {
        t.raw_set("source", source)?;
        t.raw_set("line", line)?;
    }
    Ok(t)
}

/// `redis.call` / `redis.pcall`: `(true, reply)` or `(false, {err=...})`.
pub fn call(
    lua: &Lua,
    st: &CallState,
    eng: &mut Engine,
    argv: Vec<Bytes>,
) -> mlua::Result<(bool, Value)> {
    let reply = match check(st, &argv) {
        Err(msg) => {
            // Redis counts a refused arity as a rejected call and an error reply.
            if msg.starts_with("ERR Wrong number") {
                if let Some(cmd) = crate::command::lookup::resolve(&argv) {
                    eng.cmdstats.reject(cmd.slot);
                }
                eng.count_error(msg.as_bytes());
                eng.scripting.last_counted_error = Some(Bytes::from_static(msg.as_bytes()));
            }
            return err_table(lua, msg.as_bytes());
        }
        Ok(()) => {
            let now = st.now_ms;
            // Commands whose reply shape depends on the protocol see the script's choice.
            let proto = if st.resp3 {
                resp::Proto::Resp3
            } else {
                resp::Proto::Resp2
            };
            if let Some(s) = eng.clients.get_mut(&SCRIPT_CLIENT) {
                s.proto = proto;
            }
            let mark = eng.effects.as_ref().map(|e| e.len());
            let dirty = eng.dirty;
            let outcome = eng.dispatch(SCRIPT_CLIENT, &argv, now, None);
            if eng.dirty != dirty {
                eng.scripting.gate.mark_wrote();
            }
            if st.repl == 0 {
                if let (Some(mark), Some(e)) = (mark, eng.effects.as_mut()) {
                    e.truncate(mark);
                }
            }
            if let Reply::Error(e) = &outcome.reply {
                eng.count_error(e);
                eng.scripting.last_counted_error = Some(e.clone());
            }
            outcome.reply
        }
    };
    let resp3 = st.resp3;
    if let Reply::Error(e) = &reply {
        return err_table(lua, e);
    }
    Ok((true, reply_to_lua(lua, &reply, resp3)?))
}

/// Redis's refusals for commands called from scripts, before running them.
fn check(st: &CallState, argv: &[Bytes]) -> Result<(), &'static str> {
    let unknown = "ERR Unknown Redis command called from script";
    let cmd = table::find(&argv[0]).ok_or(unknown)?;
    let cmd = if !cmd.subcommands.is_empty() && argv.len() > 1 {
        table::find_sub(cmd, &argv[1]).ok_or(unknown)?
    } else {
        cmd
    };
    let argc = argv.len() as i32;
    if (cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity || cmd.handler.is_none() {
        return Err("ERR Wrong number of args calling Redis command from script");
    }
    if cmd.has(flags::NOSCRIPT) {
        return Err("ERR This Redis command is not allowed from script");
    }
    if cmd.is_write() && st.readonly {
        return Err("ERR Write commands are not allowed from read-only scripts.");
    }
    Ok(())
}

fn number(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Number(n)) => Some(*n as i64),
        Some(Value::Integer(n)) => Some(*n),
        _ => None,
    }
}

/// `redis.setresp(2|3)`: how later `redis.call` replies reach the script.
pub fn setresp(lua: &Lua, state: &mut CallState, args: MultiValue) -> mlua::Result<(bool, Value)> {
    if args.len() != 1 {
        return err_table(lua, b"ERR redis.setresp() requires one argument.");
    }
    match number(args.front()) {
        Some(v @ (2 | 3)) => {
            state.resp3 = v == 3;
            Ok((true, Value::Nil))
        }
        _ => err_table(lua, b"ERR RESP version must be 2 or 3."),
    }
}

/// `redis.set_repl(flags)`: REPL_NONE keeps later writes out of the effects.
pub fn set_repl(lua: &Lua, state: &mut CallState, args: MultiValue) -> mlua::Result<(bool, Value)> {
    if args.len() != 1 {
        return err_table(lua, b"ERR redis.set_repl() requires two arguments.");
    }
    match number(args.front()) {
        Some(v @ 0..=3) => {
            state.repl = v as u8;
            Ok((true, Value::Nil))
        }
        _ => err_table(
            lua,
            b"ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
        ),
    }
}
