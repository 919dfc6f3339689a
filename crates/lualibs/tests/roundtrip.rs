//! Randomised checks: values round-trip through cjson and cmsgpack, and arbitrary bytes fed
//! to every decoder (and arbitrary struct formats) give results or string errors, never a
//! panic, an abort or an mlua-internal error.

mod common;

/// Deterministic generator and checks, written in Lua so they exercise the public API.
const FUZZ: &str = r#"
local seed = ...
local s = seed
local function r(n) s = (s * 1103515245 + 12345) % 2147483648 return s % n end
local function rstr()
  local t = {}
  for i = 1, r(12) do t[i] = string.char(r(256)) end
  return table.concat(t)
end
local specials = {0, -0.0, 1/0, -1/0, 0/0, 1e-300, 5e-324, 2^53, 2^63, -2^63, 2^64, 0.1, -1.5, 2^31, -2^31 - 1}
local function rnum()
  local k = r(4)
  if k == 0 then return specials[r(#specials) + 1] end
  if k == 1 then return r(2000000) - 1000000 end
  return (r(2147483647) / 2147483647) * 10 ^ (r(80) - 40) * (r(2) == 0 and 1 or -1)
end
local function rval(depth, msgpack)
  local k = r(depth > 6 and 4 or 7)
  if k == 0 then return rnum() elseif k == 1 then return rstr() elseif k == 2 then return r(2) == 0
  elseif k == 3 then if msgpack then return 'nil' end return cjson.null end
  local t = {}
  if k == 4 then for i = 1, r(6) do t[i] = rval(depth + 1, msgpack) end
  elseif k == 5 then for i = 1, r(5) do t[rstr()] = rval(depth + 1, msgpack) end
  else for i = 1, r(5) do t[r(30) - 5] = rval(depth + 1, msgpack) end end
  return t
end
local function show(v, seen)
  local t = type(v)
  if t == 'string' then return string.format('%q', v)
  elseif t == 'number' then if v ~= v then return 'nan' end return string.format('%.17g', v)
  elseif t == 'table' then
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = show(k) .. '=' .. show(x) end
    table.sort(parts)
    return '{' .. table.concat(parts, ',') .. '}'
  end
  return tostring(v)
end
-- pcall with many results trips a Lua API assertion in debug builds of Lua itself, so
-- decoders run under `try`, which only counts the results.
local function try(f, ...)
  return pcall(function(...) return select('#', f(...)) end, ...)
end
local function check_err(ok, e, what)
  if not ok and type(e) ~= 'string' then error(what .. ': non-string error ' .. type(e)) end
end
for i = 1, 300 do
  -- cmsgpack: exact round trip (nesting stays below its 16-level cut-off).
  local v = rval(0, true)
  local ok, packed = pcall(cmsgpack.pack, v)
  if not ok then error('pack failed: ' .. tostring(packed)) end
  local back = cmsgpack.unpack(packed)
  if show(back) ~= show(v) then error('cmsgpack round trip: ' .. show(v) .. ' -> ' .. show(back)) end
  -- cjson: encoding may fail (NaN, sparse arrays, bad keys), but never abnormally; decoding
  -- what was encoded works and re-encodes to an equal value.
  local j = rval(0, false)
  local ok2, text = pcall(cjson.encode, j)
  check_err(ok2, text, 'cjson.encode')
  if ok2 then
    local d = cjson.decode(text)
    local again = cjson.decode(cjson.encode(d))
    if show(again) ~= show(d) then error('cjson round trip: ' .. text) end
  end
  -- Garbage into every decoder.
  local junk = rstr() .. (r(2) == 0 and text or packed or '') .. rstr()
  if type(junk) ~= 'string' then junk = rstr() end
  check_err(try(cjson.decode, junk))
  check_err(try(cmsgpack.unpack, junk))
  check_err(try(cmsgpack.unpack_one, junk, r(5)))
  check_err(try(cmsgpack.unpack_limit, junk, r(4), r(5)))
  local fmtchars = 'bBhHlLTiIfdcsx<>!0123456789 q'
  local f = {}
  for k = 1, r(8) do local p = r(#fmtchars) + 1 f[k] = fmtchars:sub(p, p) end
  local fmt = table.concat(f)
  check_err(try(struct.unpack, fmt, junk))
  check_err(pcall(struct.size, fmt))
  check_err(pcall(struct.pack, fmt, rnum(), rstr(), rnum(), rstr(), rnum()))
  check_err(pcall(bit.band, rnum(), rnum()))
end
return 'ok'
"#;

#[test]
fn random_values_round_trip_and_garbage_never_panics() {
    for seed in [1, 2, 3, 42, 1234, 99991] {
        let lua = common::vm();
        let r: String = lua
            .load(FUZZ)
            .set_name("@fuzz")
            .call(seed)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(r, "ok");
    }
}

/// Deep nesting and huge counts stop at the C libraries' limits, with their messages.
#[test]
fn limits_hold_on_small_thread_stacks() {
    let t = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let lua = common::vm();
            let code = r#"
                local c = cjson.new()
                c.decode_max_depth(1000000) c.encode_max_depth(1000000)
                local a = {pcall(c.decode, string.rep('[', 100000))}
                local t = {} t[1] = t
                local b = {pcall(c.encode, t)}
                local d = {pcall(cmsgpack.unpack, string.rep('\145', 100000))}
                local e = {pcall(struct.pack, 'c2000000000', 'x')}
                return table.concat({a[2], b[2], d[2], e[2]}, '|')
            "#;
            lua.load(code).eval::<String>().expect("eval")
        })
        .expect("spawn");
    let got = t.join().expect("no panic");
    assert_eq!(
        got,
        "Found too many nested data structures (7999) at character 7999|\
         Cannot serialise, excessive nesting (7998)|\
         stack overflow (in function mp_decode_to_lua_array)|\
         bad argument #3 to '?' (string too short)"
    );
}
