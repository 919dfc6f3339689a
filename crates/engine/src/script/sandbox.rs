//! The Lua side of the sandbox and of the `redis` library's raising wrappers, written in Lua
//! because the behaviour lives in Lua semantics: read-only tables (Redis 7.0 makes the globals
//! and every library table read-only), an error for reading an undefined global, a `pcall`
//! that hands scripts the text of error tables, and wrappers that raise what the Rust side
//! returns as `(false, {err=...})`. Chunk name `=lattice` marks these frames, so error
//! positions skip them and point into the user's script.

use mlua::{Function, Lua, Table};

/// Loaded once per VM with `(globals, backing, hooks, handler)`; returns `run`, `protect` and
/// `function_env`.
const PRELUDE: &str = r#"
local G, B, hooks, handler = ...
local error, type, tostring, select, unpack, rawget = error, type, tostring, select, unpack, rawget
local orig_setmetatable, orig_rawset, orig_pcall, orig_xpcall = setmetatable, rawset, pcall, xpcall
local readonly = orig_setmetatable({}, {__mode = 'k'})
local function refuse() error('Attempt to modify a readonly table', 2) end
local hidden_mt = {}
readonly[hidden_mt] = true

-- A read-only view of `t`: reads go through, every write fails.
local function protect(t)
  local view = {}
  orig_setmetatable(view, {__index = t, __newindex = refuse, __metatable = hidden_mt})
  readonly[view] = true
  return view
end

local function missing(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end

B.setmetatable = function(t, mt)
  if readonly[t] then error('Attempt to modify a readonly table', 0) end
  return orig_setmetatable(t, mt)
end
B.rawset = function(t, k, v)
  if readonly[t] then error('Attempt to modify a readonly table', 0) end
  return orig_rawset(t, k, v)
end
-- Errors raised as {err=...} tables reach scripts as their text.
local errtext = hooks.errtext
local function unwrap(ok, ...)
  if not ok then
    local e = ...
    if type(e) == 'table' and type(e.err) == 'string' then return false, e.err end
    if type(e) == 'userdata' then
      local text = errtext(e)
      if text then return false, text end
    end
  end
  return ok, ...
end
B.pcall = function(...) return unwrap(orig_pcall(...)) end

orig_setmetatable(B, {__index = missing})
orig_setmetatable(G, {__index = B, __newindex = refuse, __metatable = hidden_mt})
readonly[G] = true

local function run(f, ...)
  local n, args = select('#', ...), {...}
  return orig_xpcall(function() return f(unpack(args, 1, n)) end, handler)
end

-- The environment of function libraries. While a library loads (`hooks.loading`), it sees
-- only `redis` with the loading API (LR); afterwards, when its functions run, the globals.
local function function_env(LR)
  local load_redis = {}
  orig_setmetatable(load_redis, {__index = function(_, k)
    local v = rawget(LR, k)
    if v == nil then
      error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
    end
    return v
  end, __newindex = refuse, __metatable = hidden_mt})
  readonly[load_redis] = true
  local loading_globals = {redis = load_redis}
  local env = {}
  orig_setmetatable(env, {__index = function(_, k)
    local v
    if hooks.loading then v = loading_globals[k] else v = rawget(B, k) end
    if v == nil then
      error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
    end
    return v
  end, __newindex = refuse, __metatable = hidden_mt})
  readonly[env] = true
  return env
end

return run, protect, function_env
"#;

/// What the prelude hands back.
pub struct Prelude {
    pub run: Function,
    pub protect: Function,
    /// Builds the environment of function libraries from their load-time `redis` table.
    pub function_env: Function,
}

/// Runs the prelude: after this, `globals` is an empty read-only view of `backing`.
pub fn install(
    lua: &Lua,
    globals: &Table,
    backing: &Table,
    hooks: &Table,
    handler: Function,
) -> mlua::Result<Prelude> {
    let (run, protect, function_env) = lua
        .load(PRELUDE)
        .set_name("=lattice")
        .set_environment(backing.clone())
        .call::<(Function, Function, Function)>((
            globals.clone(),
            backing.clone(),
            hooks.clone(),
            handler,
        ))?;
    Ok(Prelude {
        run,
        protect,
        function_env,
    })
}
