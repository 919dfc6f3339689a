//! Helpers shared by the integration tests.
#![allow(dead_code)]

use mlua::Lua;

/// Lua helpers the expected outputs were recorded with: `S(...)` renders values on one line
/// (strings escaped, numbers with `%.17g`, tables with sorted keys), `P(f, ...)` renders a
/// `pcall`, `H(s)` hex-encodes a string.
pub const PRELUDE: &str = r#"local function esc(s) return (string.gsub(s, '[^ -~]', function(c) return string.format('\\x%02x', string.byte(c)) end)) end
local show
show = function(v, d)
  d = d or 0
  local t = type(v)
  if t == 'string' then return '"' .. esc(v) .. '"'
  elseif t == 'number' then return string.format('%.17g', v)
  elseif t == 'table' then
    if d > 20 then return '{...}' end
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = '[' .. show(k, d + 1) .. ']=' .. show(x, d + 1) end
    table.sort(parts)
    return '{' .. table.concat(parts, ',') .. '}'
  elseif t == 'userdata' then
    if v == cjson.null then return 'NULL' end
    return t
  else return tostring(v) end
end
local function S(...)
  local n = select('#', ...)
  local out = {}
  for i = 1, n do out[i] = show((select(i, ...))) end
  return table.concat(out, ' ')
end
local function P(f, ...) return S(pcall(f, ...)) end
local function H(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
"#;

/// A fresh VM with the libraries installed.
pub fn vm() -> Lua {
    let lua = Lua::new();
    lualibs::register_all(&lua).expect("register_all");
    lua
}

/// Evaluates `PRELUDE .. " return " .. expr` on a fresh VM; Rust-level errors are rendered so
/// that a failing case reports instead of aborting the run.
pub fn eval_show(expr: &str) -> String {
    let lua = vm();
    let code = format!("{PRELUDE} return {expr}");
    match lua
        .load(&code)
        .set_name("@user_script")
        .eval::<mlua::Value>()
    {
        Ok(mlua::Value::String(s)) => s.as_bytes().iter().map(|&b| b as char).collect(),
        Ok(other) => format!("<non-string {other:?}>"),
        Err(e) => format!("<error {e}>"),
    }
}
