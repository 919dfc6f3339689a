//! Base-library functions the sandbox replaces with Rust ones, so that they see through the
//! read-only views of `sandbox.rs` (reads) or refuse to change what is behind them (writes),
//! and so that they raise Lua's own messages (a Rust function keeps its caller's frame, which
//! a Lua wrapper would lose in a tail call). Also `loadstring`/`load`, which compile binary
//! chunks as text as Redis's Lua does (so they fail), and `coroutine.resume`, which carries the
//! busy hook into the coroutine (mlua runs its hook on one thread only).

use super::call_front::limited;
use super::errors::{arg_error, lua_error, type_error, ScriptError};
use mlua::{Function, Lua, MultiValue, Table, Thread, Value};

/// "Attempt to modify a readonly table", raised as Redis's Lua raises it from inside a C
/// function (no position).
pub const READONLY: &str = "Attempt to modify a readonly table";

/// Runs the busy hook's checks from Rust (on every `coroutine.resume`).
pub type Check = std::sync::Arc<dyn Fn(&Lua) -> mlua::Result<()> + Send + Sync>;

/// Sets the busy hook on a coroutine before it runs, and back on the resuming thread after.
pub type HookOn = std::sync::Arc<dyn Fn(&Lua, Option<&Thread>) + Send + Sync>;

/// Installs the replacements into `backing` (the globals' real contents). `state` holds the
/// sandbox's `V` (view -> real table) and `M` (view -> the metatable scripts see).
pub fn install(
    lua: &Lua,
    backing: &Table,
    state: &Table,
    check: Check,
    hook_on: HookOn,
) -> mlua::Result<()> {
    let views: Table = state.raw_get("V")?;
    let metas: Table = state.raw_get("M")?;
    let reals: Table = state.raw_get("R")?;
    let orig_next: Function = backing.raw_get("next")?;
    let orig_loadstring: Function = backing.raw_get("loadstring")?;
    let orig_load: Function = backing.raw_get("load")?;
    let hooks_state = state.clone();

    let v = views.clone();
    let f = lua.create_function(move |lua, a: MultiValue| setmetatable(lua, &v, a))?;
    backing.raw_set("setmetatable", limited(lua, f)?)?;

    let (v, m, r, s) = (views.clone(), metas, reals, state.clone());
    let f = lua.create_function(move |lua, a: MultiValue| getmetatable(lua, &v, &m, &r, &s, a))?;
    backing.raw_set("getmetatable", limited(lua, f)?)?;

    let table: Table = backing.raw_get("table")?;
    let orig_insert: Function = table.raw_get("insert")?;
    let v = views.clone();
    let f = lua.create_function(move |lua, a: MultiValue| insert(lua, &v, &orig_insert, a))?;
    table.raw_set("insert", limited(lua, f)?)?;

    let v = views.clone();
    let f = lua.create_function(move |lua, a: MultiValue| rawset(lua, &v, a))?;
    backing.raw_set("rawset", limited(lua, f)?)?;

    let v = views.clone();
    let f = lua.create_function(move |lua, a: MultiValue| rawget(lua, &v, a))?;
    backing.raw_set("rawget", limited(lua, f)?)?;

    let v = views.clone();
    let next = lua.create_function(move |lua, a: MultiValue| next(lua, &v, &orig_next, a))?;
    // `pairs` hands out the same front as the global, so errors name it alike.
    let next = limited(lua, next)?;
    backing.raw_set("next", next.clone())?;
    let f = lua.create_function(move |lua, a: MultiValue| {
        let a = a.into_vec();
        match a.first() {
            Some(Value::Table(t)) => Ok((next.clone(), Value::Table(t.clone()), Value::Nil)),
            _ => Err(type_error(lua, &a, 1, "table")),
        }
    })?;
    backing.raw_set("pairs", limited(lua, f)?)?;

    let f = lua.create_function(move |lua, a: MultiValue| loadstring(lua, &orig_loadstring, a))?;
    backing.raw_set("loadstring", limited(lua, f)?)?;

    let c = check.clone();
    let f = lua.create_function(move |lua, a: MultiValue| {
        let out = load(lua, &hooks_state, &orig_load, a)?;
        c(lua)?;
        Ok(out)
    })?;
    backing.raw_set("load", limited(lua, f)?)?;

    let coroutine: Table = backing.raw_get("coroutine")?;
    let orig_resume: Function = coroutine.raw_get("resume")?;
    let f = lua.create_function(move |lua, a: MultiValue| {
        resume(lua, &orig_resume, &check, &hook_on, a)
    })?;
    coroutine.raw_set("resume", limited(lua, f)?)?;
    Ok(())
}

fn is_view(views: &Table, t: &Table) -> bool {
    views.raw_get::<Value>(t).is_ok_and(|v| !v.is_nil())
}

/// The real table behind a view, or the table itself.
fn real(views: &Table, t: &Table) -> Table {
    match views.raw_get::<Value>(t) {
        Ok(Value::Table(r)) => r,
        _ => t.clone(),
    }
}

fn setmetatable(lua: &Lua, views: &Table, a: MultiValue) -> mlua::Result<Value> {
    let a = a.into_vec();
    let Some(Value::Table(t)) = a.first() else {
        return Err(type_error(lua, &a, 1, "table"));
    };
    let mt = match a.get(1) {
        Some(Value::Nil) => None,
        Some(Value::Table(mt)) => Some(mt.clone()),
        _ => return Err(arg_error(lua, 2, "nil or table expected")),
    };
    if is_view(views, t) {
        return Err(ScriptError::string(lua, READONLY));
    }
    if let Some(cur) = t.metatable() {
        if !cur.raw_get::<Value>("__metatable")?.is_nil() {
            return Err(lua_error(lua, "cannot change a protected metatable"));
        }
    }
    // A read-only table used as a metatable works as one (its real table is set; the view
    // is empty); getmetatable shows the view again.
    t.set_metatable(mt.map(|mt| real(views, &mt)));
    Ok(Value::Table(t.clone()))
}

fn getmetatable(
    lua: &Lua,
    views: &Table,
    metas: &Table,
    reals: &Table,
    state: &Table,
    a: MultiValue,
) -> mlua::Result<Value> {
    let a = a.into_vec();
    match a.first() {
        None => Err(arg_error(lua, 1, "value expected")),
        Some(Value::Table(t)) if is_view(views, t) => metas.raw_get(t),
        Some(Value::Table(t)) => match t.metatable() {
            None => Ok(Value::Nil),
            Some(mt) => match mt.raw_get::<Value>("__metatable")? {
                // A protected table set as a metatable shows as its view.
                Value::Nil => match reals.raw_get::<Value>(&mt)? {
                    Value::Nil => Ok(Value::Table(mt)),
                    view => Ok(view),
                },
                shown => Ok(shown),
            },
        },
        Some(Value::String(_)) => state.raw_get("string_mt"),
        // Numbers, booleans, functions, threads and light userdata have no metatable here;
        // the only full userdata scripts can hold are mlua's own error values.
        Some(_) => Ok(Value::Nil),
    }
}

fn rawset(lua: &Lua, views: &Table, a: MultiValue) -> mlua::Result<Value> {
    let a = a.into_vec();
    let Some(Value::Table(t)) = a.first() else {
        return Err(type_error(lua, &a, 1, "table"));
    };
    if a.len() < 2 {
        return Err(arg_error(lua, 2, "value expected"));
    }
    if a.len() < 3 {
        return Err(arg_error(lua, 3, "value expected"));
    }
    if is_view(views, t) {
        return Err(ScriptError::string(lua, READONLY));
    }
    match &a[1] {
        Value::Nil => return Err(ScriptError::string(lua, "table index is nil")),
        Value::Number(n) if n.is_nan() => {
            return Err(ScriptError::string(lua, "table index is NaN"))
        }
        _ => {}
    }
    t.raw_set(a[1].clone(), a[2].clone())?;
    Ok(Value::Table(t.clone()))
}

fn rawget(lua: &Lua, views: &Table, a: MultiValue) -> mlua::Result<Value> {
    let a = a.into_vec();
    let Some(Value::Table(t)) = a.first() else {
        return Err(type_error(lua, &a, 1, "table"));
    };
    let Some(k) = a.get(1) else {
        return Err(arg_error(lua, 2, "value expected"));
    };
    real(views, t).raw_get(k.clone())
}

fn next(lua: &Lua, views: &Table, orig: &Function, a: MultiValue) -> mlua::Result<MultiValue> {
    let a = a.into_vec();
    let Some(Value::Table(t)) = a.first() else {
        return Err(type_error(lua, &a, 1, "table"));
    };
    let k = a.get(1).cloned().unwrap_or(Value::Nil);
    orig.call((real(views, t), k))
        .map_err(|e| ScriptError::string(lua, super::errors::innermost(&e)))
}

/// `table.insert`, which writes with raw sets: refused on a read-only view (a raw write would
/// land in the view itself, visible to every later script), checked as Lua checks it.
fn insert(lua: &Lua, views: &Table, orig: &Function, a: MultiValue) -> mlua::Result<()> {
    let a = a.into_vec();
    let Some(Value::Table(t)) = a.first() else {
        return Err(type_error(lua, &a, 1, "table"));
    };
    match a.len() {
        2 => {}
        3 if lua.coerce_number(a[1].clone())?.is_some() => {}
        3 => return Err(type_error(lua, &a, 2, "number")),
        _ => return Err(lua_error(lua, "wrong number of arguments to 'insert'")),
    }
    if is_view(views, t) {
        return Err(ScriptError::string(lua, READONLY));
    }
    orig.call(MultiValue::from_vec(a))
}

/// The text and chunk name arguments of `loadstring` / `load`, checked as Lua checks them.
fn chunk_text(lua: &Lua, a: &[Value], narg: usize) -> mlua::Result<Option<mlua::String>> {
    match a.get(narg - 1) {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v @ (Value::Integer(_) | Value::Number(_))) => Ok(Some(
            lua.coerce_string(v.clone())?
                .unwrap_or(lua.create_string("")?),
        )),
        Some(Value::Nil) | None => Ok(None),
        Some(_) => Err(type_error(lua, a, narg, "string")),
    }
}

fn loadstring(lua: &Lua, orig: &Function, a: MultiValue) -> mlua::Result<MultiValue> {
    let a = a.into_vec();
    let Some(text) = chunk_text(lua, &a, 1)? else {
        return Err(type_error(lua, &a, 1, "string"));
    };
    let name = chunk_text(lua, &a, 2)?.unwrap_or_else(|| text.clone());
    if text.as_bytes().first() == Some(&27) {
        // A leading space makes Lua parse the chunk as text: the same syntax error Redis's
        // Lua reports for it, under the same chunk name.
        let mut spaced = b" ".to_vec();
        spaced.extend_from_slice(&text.as_bytes());
        return orig.call((lua.create_string(spaced)?, name));
    }
    orig.call((text, name))
}

fn load(lua: &Lua, state: &Table, orig: &Function, a: MultiValue) -> mlua::Result<MultiValue> {
    let a = a.into_vec();
    let Some(Value::Function(f)) = a.first() else {
        return Err(type_error(lua, &a, 1, "function"));
    };
    let name = match chunk_text(lua, &a, 2)? {
        Some(n) => n,
        None => lua.create_string("=(load)")?,
    };
    let text_reader: Function = state.raw_get("text_reader")?;
    let reader: Function = text_reader.call(f.clone())?;
    orig.call((reader, name))
}

/// `coroutine.resume`, with the busy hook moved into the coroutine while it runs.
fn resume(
    lua: &Lua,
    orig: &Function,
    check: &Check,
    hook_on: &HookOn,
    a: MultiValue,
) -> mlua::Result<MultiValue> {
    let mut a = a.into_vec();
    let Some(Value::Thread(co)) = a.first().cloned() else {
        return Err(arg_error(lua, 1, "coroutine expected"));
    };
    check(lua)?;
    hook_on(lua, Some(&co));
    let out = orig.call::<MultiValue>(MultiValue::from_vec(std::mem::take(&mut a)));
    hook_on(lua, None);
    check(lua)?;
    let mut out = out?.into_vec();
    // An error from a Rust function inside the coroutine: what Redis's would have raised.
    if matches!(out.first(), Some(Value::Boolean(false))) {
        if let Some(Value::Error(e)) = out.get(1) {
            let shown = match super::errors::script_error(e) {
                Some(se) => se.value(lua)?,
                None => Value::String(lua.create_string(super::errors::innermost(e))?),
            };
            out[1] = shown;
        }
    }
    Ok(MultiValue::from_vec(out))
}

/// Redis's error metatable `__index` (for the globals and the load-time `redis` table): only
/// called for a missing key, it always fails, with Redis's checks of its arguments.
pub fn missing(lua: &Lua, a: MultiValue) -> mlua::Result<()> {
    if a.len() != 2 {
        return Err(lua_error(
            lua,
            "Wrong number of arguments to luaProtectedTableError",
        ));
    }
    let name = match &a[1] {
        Value::String(s) => s.as_bytes().to_vec(),
        v @ (Value::Integer(_) | Value::Number(_)) => lua
            .coerce_string(v.clone())?
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default(),
        _ => {
            return Err(lua_error(
                lua,
                "Second argument to luaProtectedTableError must be a string or number",
            ))
        }
    };
    // The name goes through C's "%s": it ends at a NUL.
    let name = name.split(|&c| c == 0).next().unwrap_or_default();
    let mut msg = format!(
        "{}Script attempted to access nonexistent global variable '",
        super::errors::caller_where(lua)
    )
    .into_bytes();
    msg.extend_from_slice(name);
    msg.push(b'\'');
    Err(ScriptError::string(lua, msg))
}
