//! `struct`: Roberto Ierusalimschy's struct library (the version Redis bundles) for packing
//! numbers and strings into binary strings. Sizes follow x86-64 (short 2, int 4, long and
//! size_t 8, maximum alignment 8); the native byte order is little-endian.

use crate::util::{
    add, arg_error, check_bytes, check_number, f64_to_i64, f64_to_u64, lerror, opt_integer, ret,
    to_number, Args, LResult, LISTED, MAX_C_STACK, PLAIN,
};
use mlua::{Lua, Table, Value};

/// Largest size accepted for `i[n]`/`I[n]`.
const MAX_INT_SIZE: usize = 32;
/// Default for `!` without a number: the strictest alignment of the platform.
const MAX_ALIGN: usize = 8;

struct Header {
    big: bool,
    align: usize,
}

/// A format string cursor; the format ends at its first NUL byte, as in C.
struct Fmt<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Fmt<'_> {
    fn next(&mut self) -> Option<u8> {
        let c = *self.s.get(self.pos)?;
        if c == 0 {
            return None;
        }
        self.pos += 1;
        Some(c)
    }

    /// A decimal count after an option, `df` when there is none.
    fn num(&mut self, lua: &Lua, df: usize) -> LResult<usize> {
        if !self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Ok(df);
        }
        let mut a: i32 = 0;
        while let Some(c) = self.s.get(self.pos).filter(|c| c.is_ascii_digit()) {
            let d = (c - b'0') as i32;
            if a > i32::MAX / 10 || a * 10 > i32::MAX - d {
                return Err(lerror(lua, "integral size overflow"));
            }
            a = a * 10 + d;
            self.pos += 1;
        }
        Ok(a as usize)
    }
}

/// Size of an option (consuming its count); 0 for options without data.
fn opt_size(lua: &Lua, opt: u8, f: &mut Fmt) -> LResult<usize> {
    Ok(match opt {
        b'B' | b'b' | b'x' => 1,
        b'H' | b'h' => 2,
        b'L' | b'l' | b'T' | b'd' => 8,
        b'f' => 4,
        b'c' => f.num(lua, 1)?,
        b'i' | b'I' => {
            let sz = f.num(lua, 4)?;
            if sz > MAX_INT_SIZE {
                return Err(lerror(
                    lua,
                    format!("integral size {sz} is larger than limit of {MAX_INT_SIZE}"),
                ));
            }
            sz
        }
        _ => 0,
    })
}

/// Padding needed before an item of `size` at offset `len`.
fn to_align(len: usize, h: &Header, opt: u8, size: usize) -> usize {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(h.align);
    // Alignments are powers of two, so this is (size - len % size) % size.
    (size.wrapping_sub(len & size.wrapping_sub(1))) & size.wrapping_sub(1)
}

/// Options that only change the header: endianness, alignment and spaces.
fn control(lua: &Lua, opt: u8, f: &mut Fmt, h: &mut Header, fname: &str) -> LResult<()> {
    match opt {
        b' ' => {}
        b'>' => h.big = true,
        b'<' => h.big = false,
        b'!' => {
            let a = f.num(lua, MAX_ALIGN)?;
            if !a.is_power_of_two() {
                return Err(lerror(lua, format!("alignment {a} is not a power of 2")));
            }
            h.align = a;
        }
        _ => {
            let mut msg = b"invalid format option '".to_vec();
            msg.push(opt);
            msg.push(b'\'');
            return Err(arg_error(lua, 1, fname, msg));
        }
    }
    Ok(())
}

fn put_int(out: &mut Vec<u8>, n: f64, big: bool, size: usize) {
    let mut v = if n < 0.0 {
        f64_to_i64(n) as u64
    } else {
        f64_to_u64(n)
    };
    let mut buf = [0u8; MAX_INT_SIZE];
    let buf = &mut buf[..size];
    for k in 0..size {
        let idx = if big { size - 1 - k } else { k };
        buf[idx] = (v & 0xff) as u8;
        v = v.checked_shr(8).unwrap_or(0);
    }
    out.extend_from_slice(buf);
}

fn pack(lua: &Lua, args: &Args) -> LResult<Vec<u8>> {
    // The C function pushes a nil marker above its arguments, so one missing argument reads
    // as nil rather than "no value". The format itself is checked before that marker exists.
    check_bytes(lua, args, 1, "pack")?;
    let marked = Args(args.len() + 1, args.table().clone(), args.2);
    let args = &marked;
    let fmt = check_bytes(lua, args, 1, "pack")?;
    let mut f = Fmt { s: &fmt, pos: 0 };
    let mut h = Header {
        big: false,
        align: 1,
    };
    let mut arg = 2;
    let mut out = Vec::new();
    while let Some(opt) = f.next() {
        let mut size = opt_size(lua, opt, &mut f)?;
        let pad = to_align(out.len(), &h, opt, size);
        out.resize(out.len() + pad, 0);
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let n = check_number(lua, args, arg, "pack")?;
                arg += 1;
                put_int(&mut out, n, h.big, size);
            }
            b'x' => out.push(0),
            b'f' => {
                let n = check_number(lua, args, arg, "pack")? as f32;
                arg += 1;
                out.extend_from_slice(&if h.big {
                    n.to_be_bytes()
                } else {
                    n.to_le_bytes()
                });
            }
            b'd' => {
                let n = check_number(lua, args, arg, "pack")?;
                arg += 1;
                out.extend_from_slice(&if h.big {
                    n.to_be_bytes()
                } else {
                    n.to_le_bytes()
                });
            }
            b'c' | b's' => {
                let s = check_bytes(lua, args, arg, "pack")?;
                arg += 1;
                if size == 0 {
                    size = s.len();
                }
                if s.len() < size {
                    // The C code reports the argument after the string.
                    return Err(arg_error(lua, arg, "pack", "string too short"));
                }
                out.extend_from_slice(&s[..size]);
                if opt == b's' {
                    out.push(0);
                }
            }
            _ => control(lua, opt, &mut f, &mut h, "pack")?,
        }
    }
    Ok(out)
}

fn get_int(data: &[u8], big: bool, signed: bool, size: usize) -> f64 {
    let mut l: u64 = 0;
    for k in 0..size {
        let b = if big { data[k] } else { data[size - 1 - k] };
        l = (l << 8) | b as u64;
    }
    if !signed {
        return l as f64;
    }
    // x86 masks the shift count, which is what the C code relies on for odd sizes.
    let mask = u64::MAX << ((size as u32 * 8).wrapping_sub(1) & 63);
    if l & mask != 0 {
        l |= mask;
    }
    l as i64 as f64
}

/// Results go straight into a Lua table (see `Mode::listed`).
fn unpack(lua: &Lua, args: &Args, res: &Table) -> LResult<usize> {
    let fmt = check_bytes(lua, args, 1, "unpack")?;
    let data = check_bytes(lua, args, 2, "unpack")?;
    let ld = data.len();
    let start = opt_integer(lua, args, 3, "unpack", 1)? as usize;
    if start == 0 {
        return Err(arg_error(lua, 3, "unpack", "offset must be 1 or greater"));
    }
    let mut pos = start - 1;
    let mut f = Fmt { s: &fmt, pos: 0 };
    let mut h = Header {
        big: false,
        align: 1,
    };
    let mut n = 0usize;
    let short = |lua: &Lua| arg_error(lua, 2, "unpack", "data string too short");
    while let Some(opt) = f.next() {
        let mut size = opt_size(lua, opt, &mut f)?;
        pos = pos.wrapping_add(to_align(pos, &h, opt, size));
        // Overflowing positions (start 0 or negative) would read outside the data in C.
        match pos.checked_add(size) {
            Some(end) if end <= ld => {}
            _ => return Err(short(lua)),
        }
        if args.len() + n + 2 > MAX_C_STACK {
            return Err(lerror(lua, "stack overflow (too many results)"));
        }
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let v = get_int(
                    &data[pos..pos + size],
                    h.big,
                    opt.is_ascii_lowercase(),
                    size,
                );
                n += 1;
                res.raw_set(n, Value::Number(v)).map_err(lua_fail)?;
            }
            b'x' => {}
            b'f' => {
                let b: [u8; 4] = data[pos..pos + 4].try_into().unwrap_or([0; 4]);
                let v = if h.big {
                    f32::from_be_bytes(b)
                } else {
                    f32::from_le_bytes(b)
                };
                n += 1;
                res.raw_set(n, Value::Number(v as f64)).map_err(lua_fail)?;
            }
            b'd' => {
                let b: [u8; 8] = data[pos..pos + 8].try_into().unwrap_or([0; 8]);
                let v = if h.big {
                    f64::from_be_bytes(b)
                } else {
                    f64::from_le_bytes(b)
                };
                n += 1;
                res.raw_set(n, Value::Number(v)).map_err(lua_fail)?;
            }
            b'c' => {
                if size == 0 {
                    let last: Value = if n > 0 {
                        res.raw_get(n).map_err(lua_fail)?
                    } else {
                        Value::Nil
                    };
                    let prev = Some(last).and_then(|v| match v {
                        Value::String(_) | Value::Number(_) | Value::Integer(_) => to_number(&v),
                        _ => None,
                    });
                    let Some(len) = prev else {
                        return Err(lerror(lua, "format 'c0' needs a previous size"));
                    };
                    res.raw_set(n, Value::Nil).map_err(lua_fail)?;
                    n -= 1;
                    size = crate::util::f64_to_u64(len) as usize;
                    if size > ld || pos > ld - size {
                        return Err(short(lua));
                    }
                }
                n += 1;
                res.raw_set(
                    n,
                    Value::String(
                        lua.create_string(&data[pos..pos + size])
                            .map_err(lua_fail)?,
                    ),
                )
                .map_err(lua_fail)?;
            }
            b's' => {
                let Some(e) = data[pos..].iter().position(|&c| c == 0) else {
                    return Err(lerror(lua, "unfinished string in data"));
                };
                n += 1;
                res.raw_set(
                    n,
                    Value::String(lua.create_string(&data[pos..pos + e]).map_err(lua_fail)?),
                )
                .map_err(lua_fail)?;
                size = e + 1;
            }
            _ => control(lua, opt, &mut f, &mut h, "unpack")?,
        }
        pos += size;
    }
    n += 1;
    res.raw_set(n, Value::Number(pos.wrapping_add(1) as i64 as f64))
        .map_err(lua_fail)?;
    Ok(n)
}

/// An mlua failure (out of memory) surfaces as a script error carrying its text.
fn lua_fail(e: mlua::Error) -> Vec<u8> {
    e.to_string().into_bytes()
}

fn size(lua: &Lua, args: &Args) -> LResult<f64> {
    let fmt = check_bytes(lua, args, 1, "size")?;
    let mut f = Fmt { s: &fmt, pos: 0 };
    let mut h = Header {
        big: false,
        align: 1,
    };
    let mut pos: usize = 0;
    while let Some(opt) = f.next() {
        let size = opt_size(lua, opt, &mut f)?;
        pos = pos.wrapping_add(to_align(pos, &h, opt, size));
        if opt == b's' || (opt == b'c' && size == 0) {
            return Err(arg_error(
                lua,
                1,
                "size",
                format!(
                    "option '{}' has no fixed size",
                    if opt == b's' { "s" } else { "c0" }
                ),
            ));
        }
        // Only alignment matters for sizes; unknown options are silently ignored here.
        if opt == b'!' {
            control(lua, opt, &mut f, &mut h, "size")?;
        }
        pos = pos.wrapping_add(size);
    }
    Ok(pos as i64 as f64)
}

pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let m = lua.create_table()?;
    add(lua, &m, "pack", PLAIN, |lua, args| match pack(lua, &args) {
        Ok(s) => ret(lua, lua.create_string(&s)?),
        Err(e) => Ok(Err(e)),
    })?;
    add(lua, &m, "unpack", LISTED, |lua, args| {
        let res = lua.create_table()?;
        match unpack(lua, &args, &res) {
            Ok(n) => ret(lua, (res, n)),
            Err(e) => Ok(Err(e)),
        }
    })?;
    add(lua, &m, "size", PLAIN, |lua, args| match size(lua, &args) {
        Ok(n) => ret(lua, n),
        Err(e) => Ok(Err(e)),
    })?;
    Ok(m)
}
