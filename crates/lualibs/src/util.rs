//! Shared plumbing: the error-raising wrapper, argument checking with Lua's own messages, and
//! number conversions that mirror what the C code does on x86-64.

use mlua::{Function, IntoLuaMulti, Lua, MultiValue, Table, Value};

/// Lua 5.1's `LUAI_MAXCSTACK`: how many stack slots a C function may use.
pub const MAX_C_STACK: usize = 8000;

/// A script-visible failure: the exact bytes of the Lua error message.
pub type Fail = Vec<u8>;
/// Result of a library callback: `Ok` values or an error message for the wrapper to raise.
pub type LResult<T> = Result<T, Fail>;

const WRAPPER: &str = r#"
local impl, listed = ...
-- Captured now, so later changes to the global table cannot affect library calls.
local error, select, unpack = error, select, unpack
-- unpack() stops near 8000 values; the C functions may return a few more than that.
local function expand(t, i, n)
  if n - i < 4000 then return unpack(t, i, n) end
  return t[i], expand(t, i + 1, n)
end
local function finish(ok, ...)
  if ok then
    if listed then
      local t, n = ...
      return expand(t, 1, n)
    end
    return ...
  end
  error((...), 0)
end
return function(...) return finish(impl(select('#', ...), {...})) end
"#;

/// How a library function returns its results across the Rust boundary.
///
/// Arguments always travel in a table (see [`Args`]): mlua would otherwise hold one reference
/// per string or table argument (its reference budget is about 8000, while a Lua call may pass
/// that many arguments) and would fold tiny numbers and -0.0 into integer 0.
#[derive(Clone, Copy)]
pub struct Mode {
    /// Results travel as (table, count): mlua cannot return thousands of values (nor hold
    /// thousands of references), while the C functions can return up to Lua's C-stack limit.
    pub listed: bool,
}

/// Results returned directly.
pub const PLAIN: Mode = Mode { listed: false };
/// Results returned as (table, count).
pub const LISTED: Mode = Mode { listed: true };

/// Arguments of a library call: their count, a table holding them, and the function's own
/// name (used in argument errors when Lua cannot name the caller's reference to it).
pub struct Args(pub usize, pub Table, pub &'static str);

impl Args {
    pub fn len(&self) -> usize {
        self.0
    }

    /// The table holding the arguments at 1..=len.
    pub fn table(&self) -> &Table {
        &self.1
    }

    /// Argument `i` (1-based), `None` when absent.
    pub fn get(&self, i: usize) -> Option<Value> {
        if i == 0 || i > self.len() {
            return None;
        }
        let v: Value = self.1.raw_get(i).ok()?;
        Some(exact(&self.1, &Value::Integer(i as i64), v))
    }
}

/// Re-reads a number stored in `t[key]` as an exact double when mlua's conversion may have
/// turned it into integer 0 (a tiny number or negative zero).
pub fn exact(t: &Table, key: &Value, v: Value) -> Value {
    if let Value::Integer(0) = v {
        if let Ok(n) = t.raw_get::<f64>(key.clone()) {
            return Value::Number(n);
        }
    }
    v
}

/// Installs `name` in `module` as a wrapper around `f`.
pub fn add<F>(lua: &Lua, module: &Table, name: &'static str, mode: Mode, f: F) -> mlua::Result<()>
where
    F: Fn(&Lua, Args) -> mlua::Result<LResult<MultiValue>> + mlua::MaybeSend + 'static,
{
    let listed = mode.listed;
    let func = lua.create_function(move |lua, (n, t): (usize, Table)| {
        finish(lua, listed, f(lua, Args(n, t, name)))
    })?;
    let wrapper: Function = wrapper_factory(lua)?.call((func, listed))?;
    module.set(name, wrapper)
}

/// The compiled WRAPPER chunk, one per Lua state: every library function is a closure of the
/// same prototype (compiling the chunk once per function cost ~1.5 KB of VM memory each).
fn wrapper_factory(lua: &Lua) -> mlua::Result<Function> {
    const KEY: &str = "lualibs.wrapper";
    if let Ok(Value::Function(f)) = lua.named_registry_value::<Value>(KEY) {
        return Ok(f);
    }
    let f = lua.load(WRAPPER).set_name("=[C]").into_function()?;
    lua.set_named_registry_value(KEY, f.clone())?;
    Ok(f)
}

fn finish(
    lua: &Lua,
    listed: bool,
    r: mlua::Result<LResult<MultiValue>>,
) -> mlua::Result<MultiValue> {
    match r? {
        // Listed results arrive as (table, count) already.
        Ok(mut vals) if listed => {
            vals.push_front(Value::Boolean(true));
            Ok(vals)
        }
        Ok(mut vals) => {
            vals.push_front(Value::Boolean(true));
            Ok(vals)
        }
        Err(msg) => (false, lua.create_string(&msg)?).into_lua_multi(lua),
    }
}

/// Converts results to a `MultiValue` for returning from a callback.
pub fn ret<T: IntoLuaMulti>(lua: &Lua, v: T) -> mlua::Result<LResult<MultiValue>> {
    Ok(Ok(v.into_lua_multi(lua)?))
}

/// What `luaL_where(L, 1)` gives from the C function's point of view: the position of the
/// Lua code that called the library function (level 2 seen from the Rust callback, since the
/// wrapper sits in between).
pub fn where_prefix(lua: &Lua) -> Vec<u8> {
    if let Some(d) = lua.inspect_stack(2) {
        let src = d.source();
        let line = d.curr_line();
        if line > 0 {
            if let Some(s) = src.short_src {
                return format!("{s}:{line}: ").into_bytes();
            }
        }
    }
    Vec::new()
}

/// `luaL_error`: message prefixed with the caller's position.
pub fn lerror(lua: &Lua, msg: impl AsRef<[u8]>) -> Fail {
    let mut out = where_prefix(lua);
    out.extend_from_slice(msg.as_ref());
    out
}

/// `luaL_argerror`, including the "method" adjustment and the function name Lua would find.
/// When the wrapper was tail-called Lua has lost the caller, so `fname` (the library's own
/// name for the function) stands in for the name the C library would have shown.
pub fn arg_error(lua: &Lua, narg: usize, fname: &str, extramsg: impl AsRef<[u8]>) -> Fail {
    let mut narg = narg as i64;
    let mut name = String::from("?");
    if let Some(d) = lua.inspect_stack(1) {
        let names = d.names();
        match names.name {
            Some(n) => {
                name = n.into_owned();
                if names.name_what == Some("method") {
                    narg -= 1;
                    if narg == 0 {
                        let mut m = format!("calling '{name}' on bad self (").into_bytes();
                        m.extend_from_slice(extramsg.as_ref());
                        m.push(b')');
                        return lerror(lua, m);
                    }
                }
            }
            None => {
                if let Some(c) = lua.inspect_stack(2) {
                    if c.source().what == "tail" {
                        name = fname.to_string();
                    }
                }
            }
        }
    }
    let mut m = format!("bad argument #{narg} to '{name}' (").into_bytes();
    m.extend_from_slice(extramsg.as_ref());
    m.push(b')');
    lerror(lua, m)
}

/// Lua's type name of an argument, "no value" when absent.
pub fn type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "no value",
        Some(Value::Nil) => "nil",
        Some(Value::Boolean(_)) => "boolean",
        Some(Value::LightUserData(_)) => "userdata",
        Some(Value::Integer(_)) | Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Table(_)) => "table",
        Some(Value::Function(_)) => "function",
        Some(Value::Thread(_)) => "thread",
        Some(_) => "userdata",
    }
}

/// `luaL_typerror`.
pub fn type_error(lua: &Lua, narg: usize, fname: &str, expected: &str, v: Option<&Value>) -> Fail {
    arg_error(
        lua,
        narg,
        fname,
        format!("{expected} expected, got {}", type_name(v)),
    )
}

/// `lua_tonumber`: numbers, and strings that Lua would convert.
pub fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        Value::String(s) => str_to_number(&s.as_bytes()),
        _ => None,
    }
}

/// `luaL_checknumber`.
pub fn check_number(lua: &Lua, args: &Args, i: usize, fname: &str) -> LResult<f64> {
    let v = args.get(i);
    match v.as_ref().and_then(to_number) {
        Some(n) => Ok(n),
        None => Err(type_error(lua, i, fname, "number", v.as_ref())),
    }
}

/// `luaL_checkinteger` (a `ptrdiff_t` from a truncated double).
pub fn check_integer(lua: &Lua, args: &Args, i: usize, fname: &str) -> LResult<i64> {
    check_number(lua, args, i, fname).map(f64_to_i64)
}

/// `luaL_optinteger`.
pub fn opt_integer(lua: &Lua, args: &Args, i: usize, fname: &str, def: i64) -> LResult<i64> {
    match args.get(i) {
        None | Some(Value::Nil) => Ok(def),
        Some(_) => check_integer(lua, args, i, fname),
    }
}

/// `luaL_checklstring`: strings, and numbers converted with `%.14g`.
pub fn check_bytes(lua: &Lua, args: &Args, i: usize, fname: &str) -> LResult<Vec<u8>> {
    let v = args.get(i);
    match &v {
        Some(Value::String(s)) => Ok(s.as_bytes().to_vec()),
        Some(Value::Integer(_)) | Some(Value::Number(_)) => Ok(fmt_g(
            to_number(v.as_ref().unwrap_or(&Value::Nil)).unwrap_or(0.0),
            14,
        )
        .into_bytes()),
        _ => Err(type_error(lua, i, fname, "string", v.as_ref())),
    }
}

/// x86-64 `cvttsd2si`: truncation, with NaN and out-of-range values giving `i64::MIN`.
pub fn f64_to_i64(n: f64) -> i64 {
    if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// x86-64 32-bit `cvttsd2si`, as C's `(int)double`.
pub fn f64_to_i32(n: f64) -> i32 {
    if !(-2_147_483_649.0..2_147_483_648.0).contains(&n) || n == -2_147_483_649.0 {
        i32::MIN
    } else {
        n as i32
    }
}

/// gcc's x86-64 `(unsigned long long)double`.
pub fn f64_to_u64(n: f64) -> u64 {
    const TWO63: f64 = 9_223_372_036_854_775_808.0;
    if n >= TWO63 {
        (f64_to_i64(n - TWO63) as u64) ^ (1u64 << 63)
    } else {
        f64_to_i64(n) as u64
    }
}

/// C's `isspace` in the "C" locale.
pub fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Lua 5.1 `lua_str2number`: `strtod` (hex and inf/nan included) with only trailing space.
/// Lua reads the string as a C string, so it ends at the first NUL byte.
pub fn str_to_number(s: &[u8]) -> Option<f64> {
    let s = &s[..s.iter().position(|&c| c == 0).unwrap_or(s.len())];
    let mut i = 0;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let (n, used) = strtod(&s[i..])?;
    i += used;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    (i == s.len()).then_some(n)
}

/// glibc `strtod` on a prefix of `s` (no leading whitespace skipping): value and bytes used.
pub fn strtod(s: &[u8]) -> Option<(f64, usize)> {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut i = 0;
    let neg = match at(0) {
        b'-' => {
            i = 1;
            true
        }
        b'+' => {
            i = 1;
            false
        }
        _ => false,
    };
    let sign = |v: f64| if neg { -v } else { v };
    let lower = |j: usize, w: &[u8]| {
        w.iter()
            .enumerate()
            .all(|(k, c)| at(j + k).to_ascii_lowercase() == *c)
    };
    if lower(i, b"inf") {
        let used = if lower(i, b"infinity") { i + 8 } else { i + 3 };
        return Some((sign(f64::INFINITY), used));
    }
    if lower(i, b"nan") {
        let mut used = i + 3;
        if at(used) == b'(' {
            let mut j = used + 1;
            while at(j).is_ascii_alphanumeric() || at(j) == b'_' {
                j += 1;
            }
            if at(j) == b')' {
                used = j + 1;
            }
        }
        return Some((sign(f64::NAN), used));
    }
    if at(i) == b'0' && (at(i + 1) | 0x20) == b'x' {
        if let Some((v, used)) = hex_float(s, i + 2) {
            return Some((sign(v), used));
        }
        // "0x" without digits: strtod takes just the "0".
        return Some((sign(0.0), i + 1));
    }
    let mut int_part = String::new();
    let mut frac_part = String::new();
    while at(i).is_ascii_digit() {
        int_part.push(at(i) as char);
        i += 1;
    }
    if at(i) == b'.' {
        i += 1;
        while at(i).is_ascii_digit() {
            frac_part.push(at(i) as char);
            i += 1;
        }
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut exp_part = String::from("0");
    if (at(i) | 0x20) == b'e' {
        let mut j = i + 1;
        let mut e = String::new();
        if at(j) == b'+' || at(j) == b'-' {
            e.push(at(j) as char);
            j += 1;
        }
        if at(j).is_ascii_digit() {
            while at(j).is_ascii_digit() {
                e.push(at(j) as char);
                j += 1;
            }
            exp_part = e;
            i = j;
        }
    }
    let text = format!(
        "{}.{}e{}",
        if int_part.is_empty() { "0" } else { &int_part },
        if frac_part.is_empty() {
            "0"
        } else {
            &frac_part
        },
        exp_part
    );
    let v: f64 = text.parse().ok()?;
    Some((sign(v), i))
}

/// Hex digits after "0x" (with optional fraction and binary exponent).
fn hex_float(s: &[u8], mut i: usize) -> Option<(f64, usize)> {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut mant: f64 = 0.0;
    let mut exp: i64 = 0;
    let mut digits = 0;
    while let Some(d) = (at(i) as char).to_digit(16) {
        mant = mant * 16.0 + d as f64;
        i += 1;
        digits += 1;
    }
    if at(i) == b'.' {
        let save = i;
        i += 1;
        let mut frac = 0;
        while let Some(d) = (at(i) as char).to_digit(16) {
            mant = mant * 16.0 + d as f64;
            exp -= 4;
            i += 1;
            frac += 1;
        }
        if frac == 0 && digits == 0 {
            return None;
        }
        if frac == 0 {
            i = save + 1;
        }
        digits += frac;
    }
    if digits == 0 {
        return None;
    }
    if (at(i) | 0x20) == b'p' {
        let mut j = i + 1;
        let eneg = at(j) == b'-';
        if at(j) == b'+' || at(j) == b'-' {
            j += 1;
        }
        if at(j).is_ascii_digit() {
            let mut e: i64 = 0;
            while at(j).is_ascii_digit() {
                e = (e * 10 + (at(j) - b'0') as i64).min(100_000);
                j += 1;
            }
            exp += if eneg { -e } else { e };
            i = j;
        }
    }
    Some((mant * 2f64.powi(exp.clamp(-4000, 4000) as i32), i))
}

/// C's `printf("%.<prec>g", n)`.
pub fn fmt_g(n: f64, prec: usize) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let p = prec.max(1);
    let e_repr = format!("{:.*e}", p - 1, n);
    let (mant, exp) = e_repr.split_once('e').unwrap_or((&e_repr, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    if x < -4 || x >= p as i32 {
        let mant = strip_zeros(mant);
        let sign = if x < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", x.abs())
    } else {
        let decimals = (p as i32 - 1 - x).max(0) as usize;
        strip_zeros(&format!("{:.*}", decimals, n)).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected strings are what C's printf gives for the same formats.
    #[test]
    fn fmt_g_matches_printf() {
        let cases: &[(f64, &str, &str)] = &[
            (0.1, "0.1", "0.1"),
            (1e21, "1e+21", "1e+21"),
            (1e-5, "1e-05", "1e-05"),
            (123456789012345678.0, "1.2345678901235e+17", "1.23e+17"),
            (100.0, "100", "100"),
            (1e14, "1e+14", "1e+14"),
            (-0.0, "-0", "-0"),
            (5e-324, "4.9406564584125e-324", "4.94e-324"),
            (9223372036854775808.0, "9.2233720368548e+18", "9.22e+18"),
        ];
        for &(x, g14, g3) in cases {
            assert_eq!(fmt_g(x, 14), g14, "{x}");
            assert_eq!(fmt_g(x, 3), g3, "{x}");
        }
    }

    #[test]
    fn strtod_prefixes() {
        assert_eq!(strtod(b"12abc"), Some((12.0, 2)));
        assert_eq!(strtod(b"-1.5e3x"), Some((-1500.0, 6)));
        assert_eq!(strtod(b"1e"), Some((1.0, 1)));
        assert_eq!(strtod(b".5"), Some((0.5, 2)));
        assert_eq!(strtod(b"5."), Some((5.0, 2)));
        assert_eq!(strtod(b"0x1F"), Some((31.0, 4)));
        assert_eq!(strtod(b"0x"), Some((0.0, 1)));
        assert_eq!(strtod(b"Infinity"), Some((f64::INFINITY, 8)));
        assert_eq!(strtod(b"-inf"), Some((f64::NEG_INFINITY, 4)));
        assert!(strtod(b"nan(abc)").is_some_and(|(n, used)| n.is_nan() && used == 8));
        assert_eq!(strtod(b"."), None);
        assert_eq!(strtod(b"- 1"), None);
        assert_eq!(str_to_number(b" 0x10 "), Some(16.0));
        assert_eq!(str_to_number(b"12\0junk"), Some(12.0));
        assert_eq!(str_to_number(b"1 2"), None);
    }

    #[test]
    fn x86_conversions() {
        assert_eq!(f64_to_i64(f64::NAN), i64::MIN);
        assert_eq!(f64_to_i64(1e30), i64::MIN);
        assert_eq!(f64_to_i64(-2.9), -2);
        assert_eq!(f64_to_u64(2f64.powi(64)), 0);
        assert_eq!(f64_to_u64(2f64.powi(63)), 1 << 63);
        assert_eq!(f64_to_u64(-1.0), u64::MAX);
        assert_eq!(f64_to_i32(3e9), i32::MIN);
        assert_eq!(f64_to_i32(-2147483648.9), i32::MIN);
    }
}
