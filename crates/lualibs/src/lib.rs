//! Lua libraries that Redis 7.0 exposes to scripts, implemented in Rust on top of `mlua`.
//! The scripting engine calls [`register_all`] once when it creates its VM.
//!
//! Every library function is a small Lua wrapper around a Rust callback. The callback never
//! returns a Rust error for script-caused failures; it returns `false, message` and the wrapper
//! raises `message` with `error(msg, 0)`. This keeps error values plain Lua strings, exactly as
//! the C libraries raise them (mlua would otherwise wrap them in userdata).
//!
//! Known differences from the C libraries of Redis 7.0.15 (everything else was compared with
//! a real server, see `tests/redis_compat.rs`):
//! - The functions are Lua functions, not C functions. When one is tail-called
//!   (`return cjson.decode(s)`), Lua 5.1 drops the caller's frame, so errors lack the
//!   `user_script:N: ` position prefix, and argument errors use the library's own function
//!   name. Stack inspection (`debug.getinfo`, error handlers) sees a frame with source `[C]`
//!   but `what == "Lua"`.
//! - A table key that is a non-zero number of magnitude below 2^-52 is read as 0 (mlua's value
//!   conversion); values and arguments are read exactly.
//! - `cjson.encode_keep_buffer` is accepted and reported but changes nothing.

mod bit;
mod cjson;
mod cjson_decode;
mod cjson_encode;
mod cmsgpack;
mod lstruct;
mod util;

use mlua::Lua;

/// Installs every bundled library as a global table of `lua`.
pub fn register_all(lua: &Lua) -> mlua::Result<()> {
    let globals = lua.globals();
    globals.set("cjson", cjson::module(lua)?)?;
    globals.set("cmsgpack", cmsgpack::module(lua)?)?;
    globals.set("bit", bit::module(lua)?)?;
    globals.set("struct", lstruct::module(lua)?)?;
    Ok(())
}
