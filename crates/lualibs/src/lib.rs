//! Lua libraries that Redis 7.0 exposes to scripts, implemented in Rust on top of `mlua`.
//! The scripting engine calls [`register_all`] once when it creates its VM.
//!
//! Every library function is a small Lua wrapper around a Rust callback. The callback never
//! returns a Rust error for script-caused failures; it returns `false, message` and the wrapper
//! raises `message` with `error(msg, 0)`. This keeps error values plain Lua strings, exactly as
//! the C libraries raise them (mlua would otherwise wrap them in userdata).

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
