//! The Rust functions scripts can call, as scripts see them: a small C function in front of
//! each Rust callback.
//!
//! mlua holds every argument of a Rust callback as a reference on an auxiliary Lua 5.1
//! stack of 8,000 slots, and panics when one call needs more (a script that unpacks
//! thousands of keys into `redis.call('del', ...)`). Redis takes arguments up to Lua's own
//! limit. So past `PACK_ABOVE` arguments the front moves them into one table and hands the
//! callback `(marker, table, count)`; the callback reads the table one element at a time,
//! each reference let go before the next is taken (`unpacked`). Every other Rust function
//! refuses more than `LIMIT` arguments with an error (Redis would take them; none of these
//! has a use for thousands), so no script can exhaust that stack.

use bytes::Bytes;
use mlua::{ffi, Function, Lua, MultiValue, Table, Value};
use std::os::raw::c_int;

/// More arguments than this reach the callback packed in a table.
const PACK_ABOVE: c_int = 256;
/// More arguments than this to another Rust function are refused.
const LIMIT: c_int = 4000;

/// The front: upvalue 1 is the Rust callback, upvalue 2 the marker table.
///
/// # Safety
/// Called by Lua only, as a C closure made by `wrap` (two upvalues). It creates no Rust
/// values with destructors, so a Lua error raised by `lua_createtable` (memory) or by the
/// callback (through `lua_call`), which unwinds this frame with `longjmp`, skips no drop.
/// Stack room: Lua gives a C function `LUA_MINSTACK` (20) free slots above its arguments;
/// this uses at most three more at a time (the callback, the table, the marker or count).
unsafe extern "C-unwind" fn front(l: *mut ffi::lua_State) -> c_int {
    let n = ffi::lua_gettop(l);
    ffi::lua_pushvalue(l, ffi::lua_upvalueindex(1));
    ffi::lua_insert(l, 1);
    if n <= PACK_ABOVE {
        ffi::lua_call(l, n, ffi::LUA_MULTRET);
        return ffi::lua_gettop(l);
    }
    // [f, a1..an] -> [f, t] with t[i] = ai (each rawseti pops the top value).
    ffi::lua_createtable(l, n, 0);
    ffi::lua_insert(l, 2);
    for i in (1..=n).rev() {
        ffi::lua_rawseti(l, 2, i as ffi::lua_Integer);
    }
    // [f, marker, t, n]
    ffi::lua_pushvalue(l, ffi::lua_upvalueindex(2));
    ffi::lua_insert(l, 2);
    ffi::lua_pushinteger(l, n as ffi::lua_Integer);
    ffi::lua_call(l, 3, ffi::LUA_MULTRET);
    ffi::lua_gettop(l)
}

/// The front of every other Rust function: upvalue 1 is the Rust callback.
///
/// # Safety
/// As `front`: called by Lua only, as a C closure made by `limited`; no Rust values with
/// destructors live here when `luaL_error` or the callback's error unwinds this frame with
/// `longjmp`, and it pushes one value past its arguments.
unsafe extern "C-unwind" fn limiting_front(l: *mut ffi::lua_State) -> c_int {
    let n = ffi::lua_gettop(l);
    if n > LIMIT {
        return ffi::luaL_error(l, c"too many arguments".as_ptr());
    }
    ffi::lua_pushvalue(l, ffi::lua_upvalueindex(1));
    ffi::lua_insert(l, 1);
    ffi::lua_call(l, n, ffi::LUA_MULTRET);
    ffi::lua_gettop(l)
}

/// `callback` behind the limiting front.
pub fn limited(lua: &Lua, callback: Function) -> mlua::Result<Function> {
    // SAFETY: as in `wrap`, with one upvalue.
    unsafe {
        lua.exec_raw(callback, |l| {
            ffi::lua_pushcclosure(l, limiting_front, 1);
        })
    }
}

/// `callback` behind the front, with `marker` to tell packed arguments by.
pub fn wrap(lua: &Lua, callback: Function, marker: &Table) -> mlua::Result<Function> {
    // SAFETY: the closure only pushes a C closure over the two values `exec_raw` placed on
    // the stack (`lua_pushcclosure` pops them), leaving it as the one result; `front`'s
    // own argument is in its comment.
    unsafe {
        lua.exec_raw((callback, marker.clone()), |l| {
            ffi::lua_pushcclosure(l, front, 2);
        })
    }
}

/// The arguments as bytes when the front packed them (`None` when they came as they are):
/// each element converted and its reference released before the next (Redis's conversion:
/// strings and numbers; anything else ends the list, for the caller's error).
pub fn unpacked(args: &MultiValue, marker: &Table) -> Option<Result<Vec<Bytes>, ()>> {
    let (Some(Value::Table(m)), Some(Value::Table(t))) = (args.front(), args.get(1)) else {
        return None;
    };
    let n = match args.get(2) {
        Some(Value::Integer(n)) => *n,
        Some(Value::Number(n)) => *n as i64,
        _ => return None,
    };
    if args.len() != 3 || m.to_pointer() != marker.to_pointer() {
        return None;
    }
    let mut argv = Vec::with_capacity(n as usize);
    for i in 1..=n {
        let v: Value = t.raw_get(i).ok()?;
        match super::convert::lua_arg(&v) {
            Some(b) => argv.push(b),
            None => return Some(Err(())),
        }
    }
    Some(Ok(argv))
}
