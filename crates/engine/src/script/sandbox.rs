//! The Lua side of the sandbox, written in Lua because the behaviour lives in Lua semantics.
//!
//! Redis 7.0 patches its Lua so that tables can be made read-only, and makes the globals and
//! every table reachable from them (library tables, metatables, the string metatable)
//! read-only before any script runs. Stock Lua 5.1 has no such flag, so here every such
//! table is replaced by an empty *view*: reads go through its metatable to the real table,
//! writes fail with Redis's "Attempt to modify a readonly table", and the real table is never
//! handed to a script. The base functions that could reach behind a view (`getmetatable`,
//! `setmetatable`, `rawset`, `rawget`, `next`, `pairs`) are Rust functions that know the
//! views (`sandbox_fns.rs`); `V` maps each view to its real table and `M` to the metatable
//! scripts see for it. Also here: the error for reading an undefined global, `pcall` /
//! `xpcall` that hand scripts what Redis's would (the text, or the `{err=...}` table) and
//! never swallow a kill, and the load-time environment of function libraries. Chunk name
//! `=lattice` marks these frames, so error positions skip them.

use mlua::{Function, Lua, Table};

/// Loaded once per VM with `(G, B, S, hooks, handler)`; returns `run`, `lockdown` and
/// `function_env`. `S` holds `V`, `M` and `R` (real table -> its view), filled here.
const PRELUDE: &str = r#"
local G, B, S, hooks, handler = ...
local V, M = S.V, S.M
local error, type, tostring, select, unpack, next = error, type, tostring, select, unpack, next
local rawget, rawset, setmetatable, getmetatable = rawget, rawset, setmetatable, getmetatable
local pcall, xpcall, sbyte = pcall, xpcall, string.byte
local killed, raise_kill, errvalue = hooks.killed, hooks.raise_kill, hooks.errvalue

local function refuse() error('Attempt to modify a readonly table', 2) end

local function missing_global(k)
  return "Script attempted to access nonexistent global variable '" .. tostring(k) .. "'"
end

-- A read-only view of `t`; `index` (default `t`) serves its reads.
local function view(t, index)
  local v = {}
  setmetatable(v, {__index = index or t, __newindex = refuse, __metatable = false})
  V[v] = t
  return v
end

local cache = S.R
local protect
local function copy(t)
  local c = {}
  for k, x in next, t do rawset(c, k, x) end
  return c
end
-- The view of `t`; the first time, the tables inside `t` are replaced by their views and
-- the metatable scripts see for it becomes a view of a copy of its own.
protect = function(t)
  if V[t] then return t end
  local v = cache[t]
  if v then return v end
  v = view(t)
  cache[t] = v
  for k, x in next, t do
    if type(x) == 'table' then rawset(t, k, protect(x)) end
  end
  local mt = getmetatable(t)
  if type(mt) == 'table' then M[v] = protect(copy(mt)) end
  return v
end

-- Globals: G stays empty, B holds them; reading a missing one fails, writing any fails.
-- `S.missing` is Redis's error metatable's __index (a Rust function, so the error keeps its
-- position when a script calls it itself).
local missing = S.missing
setmetatable(B, {__index = missing})
setmetatable(G, {__index = B, __newindex = refuse, __metatable = false})
V[G] = B
M[G] = protect({__index = missing})

-- What a script that caught an error sees: Redis raises tables or strings, not userdata.
local function caught(e)
  if type(e) == 'userdata' then
    local v = errvalue(e)
    if v ~= nil then return v end
  end
  return e
end

local function pcall_result(ok, ...)
  if ok then return ok, ... end
  if killed() then raise_kill() end
  local e = caught((...))
  if type(e) == 'table' then
    local m = e.err
    if type(m) == 'string' or type(m) == 'number' then return false, m end
  end
  return false, e
end
-- Redis's pcall: the text of an error table; with nothing to call, its own answer.
B.pcall = function(...)
  if select('#', ...) == 0 then return false, 'attempt to call a boolean value' end
  return pcall_result(pcall(...))
end

local function xpcall_result(ok, ...)
  if not ok and killed() then raise_kill() end
  return ok, ...
end
B.xpcall = function(...)
  if select('#', ...) < 2 then error("bad argument #2 to 'xpcall' (value expected)", 2) end
  local f, h = ...
  return xpcall_result(xpcall(f, function(e) return h(caught(e)) end))
end

-- coroutine.wrap on top of the Rust coroutine.resume (which carries the busy hook into the
-- coroutine): errors are re-raised as Lua's wrap does, with the caller's position.
local co_create = coroutine.create
local function wrap(f)
  local co = co_create(f)
  local resume = B.coroutine.resume
  return function(...)
    local r = {resume(co, ...)}
    if r[1] then return unpack(r, 2, table.maxn(r)) end
    local e = r[2]
    if type(e) == 'string' or type(e) == 'number' then error(e, 2) end
    error(e, 0)
  end
end
B.coroutine.wrap = function(f)
  if type(f) ~= 'function' then
    error("bad argument #1 to 'wrap' (Lua function expected)", 2)
  end
  return wrap(f)
end

-- For `load`: text parsing of a first piece that would start a binary chunk (Redis's Lua
-- parses every chunk as text, so such a chunk fails to compile).
S.text_reader = function(f)
  local first = true
  return function()
    local p = f()
    if first then
      first = false
      if type(p) == 'string' and sbyte(p, 1) == 27 then return ' ' .. p end
    end
    return p
  end
end

-- Makes every table the globals hold read-only, and the string metatable.
local function lockdown()
  for k, x in next, B do
    if type(x) == 'table' and x ~= G then rawset(B, k, protect(x)) end
  end
  local smt = getmetatable('')
  smt.__index = B.string
  S.string_mt = protect(copy(smt))
  smt.__metatable = false
end

local function run(f, ...)
  local n, args = select('#', ...), {...}
  return xpcall(function() return f(unpack(args, 1, n)) end, handler)
end

-- The environment of function libraries. While a library loads (`hooks.loading`), it sees
-- only `redis` with the loading API (LR); afterwards, when its functions run, the globals.
local function function_env(LR)
  setmetatable(LR, {__index = missing})
  local loading_globals = {redis = view(LR)}
  return view({}, function(_, k)
    local v
    if hooks.loading then v = loading_globals[k] else v = rawget(B, k) end
    if v == nil then error(missing_global(k), 2) end
    return v
  end)
end

return run, lockdown, function_env
"#;

/// What the prelude hands back.
pub struct Prelude {
    pub run: Function,
    /// Makes every table reachable from the globals read-only (after the libraries are in).
    pub lockdown: Function,
    /// Builds the environment of function libraries from their load-time `redis` table.
    pub function_env: Function,
}

/// Runs the prelude: after this, `globals` is an empty read-only view of `backing`.
/// `state` carries `V`, `M` and `R` (filled here) and, after lockdown, `string_mt`.
pub fn install(
    lua: &Lua,
    globals: &Table,
    backing: &Table,
    state: &Table,
    hooks: &Table,
    handler: Function,
) -> mlua::Result<Prelude> {
    let (run, lockdown, function_env) = lua
        .load(PRELUDE)
        .set_name("=lattice")
        .set_environment(backing.clone())
        .call::<(Function, Function, Function)>((
            globals.clone(),
            backing.clone(),
            state.clone(),
            hooks.clone(),
            handler,
        ))?;
    Ok(Prelude {
        run,
        lockdown,
        function_env,
    })
}
