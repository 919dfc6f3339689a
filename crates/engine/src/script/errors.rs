//! Errors raised by Rust functions that scripts call, shaped as Redis's C code raises them.
//!
//! A Rust callback cannot raise a Lua table or string itself (mlua wraps every error in a
//! userdata), so the error carries what Redis would have raised and the sandbox unwraps it
//! where scripts can see it: `pcall` hands over the text, `xpcall` handlers and
//! `coroutine.resume` get the table or string, and the message handler of a call builds the
//! final `{err=...}` with the place in the user's code (a Rust callback keeps its caller's
//! frame even in a Lua tail call, so the place is taken when the error is raised).

use mlua::{Lua, Value};

/// What a Rust function raised.
#[derive(Debug)]
pub struct ScriptError {
    /// For a table error: the `err` field (with its code, e.g. `ERR ...`); for a string
    /// error: the string (with the `chunk:line: ` prefix `luaL_error` gives it, if any).
    pub msg: Vec<u8>,
    /// The user frame the error was raised from: (source, line).
    pub place: Option<(String, i32)>,
    /// Redis raises a `{err=...}` table here (redis.call and friends); otherwise a string.
    pub table: bool,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.msg))
    }
}

impl std::error::Error for ScriptError {}

impl ScriptError {
    /// An error Redis raises as a `{err=msg}` table.
    pub fn table(lua: &Lua, msg: impl Into<Vec<u8>>) -> mlua::Error {
        mlua::Error::external(ScriptError {
            msg: msg.into(),
            place: user_frame(lua),
            table: true,
        })
    }

    /// An error Redis raises as a plain string, exactly `msg`.
    pub fn string(lua: &Lua, msg: impl Into<Vec<u8>>) -> mlua::Error {
        mlua::Error::external(ScriptError {
            msg: msg.into(),
            place: user_frame(lua),
            table: false,
        })
    }

    /// The value Redis would have raised: the `{err=...}` table or the string.
    pub fn value(&self, lua: &Lua) -> mlua::Result<Value> {
        let text = Value::String(lua.create_string(&self.msg)?);
        if !self.table {
            return Ok(text);
        }
        let t = lua.create_table()?;
        t.raw_set("err", text)?;
        Ok(Value::Table(t))
    }
}

/// The ScriptError inside an mlua error, if that is what it is.
pub fn script_error(e: &mlua::Error) -> Option<&ScriptError> {
    match e {
        mlua::Error::CallbackError { cause, .. } => script_error(cause),
        mlua::Error::ExternalError(inner) => inner.downcast_ref::<ScriptError>(),
        _ => None,
    }
}

/// The first frame, from `lua`'s current one down, that is user code (neither C nor ours).
/// Level 0 is a Rust callback itself (a C frame, skipped) or, in a hook, the running function.
pub fn user_frame(lua: &Lua) -> Option<(String, i32)> {
    for level in 0..64 {
        let frame = lua.inspect_stack(level)?;
        let src = frame.source();
        if src.what == "C" {
            continue;
        }
        let source = src.source.as_deref().unwrap_or("?").to_string();
        if source.starts_with('=') {
            continue;
        }
        return Some((source, frame.curr_line()));
    }
    None
}

/// `luaL_where(L, 1)` for a Rust function: `chunk:line: ` of its caller when that is Lua code
/// at a known line, else nothing. The Rust functions that use these helpers sit behind a C
/// front (call_front.rs), which is the frame Lua names and calls: their caller is two
/// levels up.
pub fn caller_where(lua: &Lua) -> String {
    let Some(frame) = lua.inspect_stack(2) else {
        return String::new();
    };
    let line = frame.curr_line();
    match frame.source().short_src {
        Some(src) if line > 0 => format!("{src}:{line}: "),
        _ => String::new(),
    }
}

/// `luaL_error` from a Rust function: the caller's position, then the message.
pub fn lua_error(lua: &Lua, msg: &str) -> mlua::Error {
    let text = format!("{}{msg}", caller_where(lua));
    ScriptError::string(lua, text)
}

/// `luaL_argerror`: names the function as Lua does (from the calling instruction; `?` when
/// called from C, e.g. through `pcall`); the name is the front's (one level up).
pub fn arg_error(lua: &Lua, narg: usize, extra: &str) -> mlua::Error {
    let (name, method) = match lua.inspect_stack(1) {
        Some(frame) => {
            let names = frame.names();
            (
                names.name.map(|n| n.into_owned()),
                names.name_what == Some("method"),
            )
        }
        None => (None, false),
    };
    let mut narg = narg;
    if method {
        narg -= 1;
        if narg == 0 {
            let name = name.as_deref().unwrap_or("?");
            return lua_error(lua, &format!("calling '{name}' on bad self ({extra})"));
        }
    }
    let name = name.as_deref().unwrap_or("?");
    lua_error(lua, &format!("bad argument #{narg} to '{name}' ({extra})"))
}

/// `luaL_typerror`: argument `narg` (1-based) is not of type `expected`.
pub fn type_error(lua: &Lua, args: &[Value], narg: usize, expected: &str) -> mlua::Error {
    let got = args.get(narg - 1).map_or("no value", type_name);
    arg_error(lua, narg, &format!("{expected} expected, got {got}"))
}

/// Lua's name for a value's type (`luaL_typename`).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Nil => "nil",
        Value::Boolean(_) => "boolean",
        Value::Integer(_) | Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Table(_) => "table",
        Value::Function(_) => "function",
        Value::Thread(_) => "thread",
        _ => "userdata",
    }
}

/// The message of a Rust-side error, without mlua's wrapping.
pub fn innermost(e: &mlua::Error) -> String {
    match e {
        mlua::Error::CallbackError { cause, .. } => innermost(cause),
        mlua::Error::RuntimeError(m) => m.clone(),
        mlua::Error::ExternalError(inner) => inner.to_string(),
        other => other.to_string(),
    }
}
