//! `cmsgpack`: lua-cmsgpack 0.4.0 as bundled by Redis. Tables whose keys are exactly 1..n
//! become arrays, other tables maps; integral numbers in the int64 range become the smallest
//! integer encoding, other numbers a float when that is exact, else a double.

use crate::util::{
    add, arg_error, check_bytes, check_integer, exact, f64_to_i32, lerror, opt_integer, ret, Args,
    LResult,
};
use mlua::{Lua, MultiValue, Table, Value};

/// Tables nested deeper than this are encoded as nil (guards against cycles).
const MAX_NESTING: usize = 16;

fn is_int64(n: f64) -> bool {
    n.is_finite()
        && n.trunc() == n
        && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n)
}

fn encode_int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        if n <= 127 {
            out.push(n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= -128 {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2_147_483_648 {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_number(out: &mut Vec<u8>, n: f64) {
    if is_int64(n) {
        encode_int(out, n as i64);
    } else if (n as f32) as f64 == n || n.is_infinite() {
        out.push(0xca);
        out.extend_from_slice(&(n as f32).to_be_bytes());
    } else {
        out.push(0xcb);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_len(out: &mut Vec<u8>, len: usize, fix: u8, fix_max: usize, m16: u8, m32: u8) {
    if len < fix_max {
        out.push(fix | len as u8);
    } else if len <= 0xffff {
        out.push(m16);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(m32);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

fn encode_str(out: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0xd9, len as u8]);
    } else {
        encode_len(out, len, 0, 0, 0xda, 0xdb);
    }
    out.extend_from_slice(s);
}

/// Keys are exactly 1..n (n may be 0): the C test, including its `(int)` key check.
fn is_array(t: &Table) -> mlua::Result<bool> {
    let (mut count, mut max) = (0i64, 0i64);
    for pair in t.pairs::<Value, Value>() {
        let (k, _) = pair?;
        let n = match k {
            Value::Integer(i) => i as f64,
            Value::Number(n) => n,
            _ => return Ok(false),
        };
        if n <= 0.0 || n.is_infinite() || f64_to_i32(n) as f64 != n {
            return Ok(false);
        }
        max = max.max(n as i64);
        count += 1;
    }
    Ok(max == count)
}

fn encode_value(out: &mut Vec<u8>, v: &Value, level: usize) -> mlua::Result<()> {
    match v {
        Value::String(s) => encode_str(out, &s.as_bytes()),
        Value::Boolean(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Integer(i) => encode_number(out, *i as f64),
        Value::Number(n) => encode_number(out, *n),
        Value::Table(t) if level < MAX_NESTING => {
            if is_array(t)? {
                let len = t.raw_len();
                encode_len(out, len, 0x90, 16, 0xdc, 0xdd);
                for i in 1..=len {
                    let key = Value::Integer(i as i64);
                    let v = exact(t, &key, t.raw_get(i)?);
                    encode_value(out, &v, level + 1)?;
                }
            } else {
                let mut len = 0usize;
                for pair in t.pairs::<Value, Value>() {
                    pair?;
                    len += 1;
                }
                encode_len(out, len, 0x80, 16, 0xde, 0xdf);
                for pair in t.pairs::<Value, Value>() {
                    let (k, v) = pair?;
                    let v = exact(t, &k, v);
                    encode_value(out, &k, level + 1)?;
                    encode_value(out, &v, level + 1)?;
                }
            }
        }
        _ => out.push(0xc0),
    }
    Ok(())
}

fn pack(lua: &Lua, args: &Args) -> mlua::Result<LResult<MultiValue>> {
    if args.len() == 0 {
        return Ok(Err(arg_error(
            lua,
            0,
            "pack",
            "MessagePack pack needs input.",
        )));
    }
    let mut out = Vec::new();
    for i in 1..=args.len() {
        encode_value(&mut out, &args.get(i).unwrap_or(Value::Nil), 0)?;
    }
    ret(lua, lua.create_string(&out)?)
}

/// Why decoding stopped early.
enum Stop {
    Eof,
    BadFmt,
    Lua(Vec<u8>),
    Err(mlua::Error),
}

impl From<mlua::Error> for Stop {
    fn from(e: mlua::Error) -> Self {
        Stop::Err(e)
    }
}

/// Decoder state; `slots` mirrors how many Lua stack slots the C decoder would hold, since
/// it raises "stack overflow" once that reaches Lua's C-stack limit.
struct Cursor<'a> {
    lua: &'a Lua,
    s: &'a [u8],
    pos: usize,
    slots: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Stop> {
        if self.s.len() - self.pos < n {
            return Err(Stop::Eof);
        }
        self.pos += n;
        Ok(&self.s[self.pos - n..self.pos])
    }

    fn uint(&mut self, n: usize) -> Result<u64, Stop> {
        Ok(self.take(n)?.iter().fold(0u64, |a, &b| (a << 8) | b as u64))
    }

    fn sint(&mut self, n: usize) -> Result<i64, Stop> {
        let u = self.uint(n)?;
        let shift = 64 - 8 * n as u32;
        Ok(((u << shift) as i64) >> shift)
    }

    fn string(&mut self, n: usize) -> Result<Value, Stop> {
        let lua = self.lua;
        let b = self.take(n)?;
        Ok(Value::String(lua.create_string(b)?))
    }

    fn decode(&mut self) -> Result<Value, Stop> {
        if self.pos >= self.s.len() {
            return Err(Stop::Eof);
        }
        if self.slots + 1 > crate::util::MAX_C_STACK {
            return Err(Stop::Lua(lerror(
                self.lua,
                "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            )));
        }
        let c = self.take(1)?[0];
        let num = |n: f64| Ok(Value::Number(n));
        match c {
            0x00..=0x7f => num(c as f64),
            0xe0..=0xff => num(c as i8 as f64),
            0xcc => num(self.uint(1)? as f64),
            0xcd => num(self.uint(2)? as f64),
            0xce => num(self.uint(4)? as f64),
            0xcf => num(self.uint(8)? as f64),
            0xd0 => num(self.sint(1)? as f64),
            0xd1 => num(self.sint(2)? as f64),
            0xd2 => num(self.sint(4)? as f64),
            0xd3 => num(self.sint(8)? as f64),
            0xc0 => Ok(Value::Nil),
            0xc2 => Ok(Value::Boolean(false)),
            0xc3 => Ok(Value::Boolean(true)),
            0xca => num(f32::from_bits(self.uint(4)? as u32) as f64),
            0xcb => num(f64::from_bits(self.uint(8)?)),
            0xa0..=0xbf => self.string((c & 0x1f) as usize),
            0xc4 | 0xd9 => {
                let n = self.uint(1)? as usize;
                self.string(n)
            }
            0xc5 | 0xda => {
                let n = self.uint(2)? as usize;
                self.string(n)
            }
            0xc6 | 0xdb => {
                let n = self.uint(4)? as usize;
                self.string(n)
            }
            0x90..=0x9f => self.array((c & 0x0f) as u64),
            0xdc => {
                let n = self.uint(2)?;
                self.array(n)
            }
            0xdd => {
                let n = self.uint(4)?;
                self.array(n)
            }
            0x80..=0x8f => self.map((c & 0x0f) as u64),
            0xde => {
                let n = self.uint(2)?;
                self.map(n)
            }
            0xdf => {
                let n = self.uint(4)?;
                self.map(n)
            }
            _ => Err(Stop::BadFmt),
        }
    }

    /// Arrays are filled by index; the declared length is never trusted for allocation.
    fn array(&mut self, len: u64) -> Result<Value, Stop> {
        let t = self.lua.create_table()?;
        self.slots += 2;
        for i in 1..=len {
            let v = self.decode();
            let v = match v {
                Ok(v) => v,
                Err(e) => {
                    self.slots -= 2;
                    return Err(e);
                }
            };
            t.raw_set(i as f64, v)?;
        }
        self.slots -= 2;
        Ok(Value::Table(t))
    }

    fn map(&mut self, len: u64) -> Result<Value, Stop> {
        let t = self.lua.create_table()?;
        self.slots += 1;
        let r = (|| {
            for _ in 0..len {
                let k = self.decode()?;
                self.slots += 1;
                let v = self.decode();
                self.slots -= 1;
                let v = v?;
                match &k {
                    Value::Nil => return Err(Stop::Lua(b"table index is nil".to_vec())),
                    Value::Number(n) if n.is_nan() => {
                        return Err(Stop::Lua(b"table index is NaN".to_vec()))
                    }
                    _ => {}
                }
                t.raw_set(k, v)?;
            }
            Ok(())
        })();
        self.slots -= 1;
        r.map(|_| Value::Table(t))
    }
}

fn unpack_full(
    lua: &Lua,
    s: &[u8],
    base_slots: usize,
    limit: i64,
    offset: i64,
) -> mlua::Result<LResult<MultiValue>> {
    let decode_all = limit == 0 && offset == 0;
    let len = s.len();
    if offset < 0 || limit < 0 {
        return Ok(Err(lerror(
            lua,
            // The C library prints the input length where it means the limit.
            format!(
                "Invalid request to unpack with offset of {offset} and limit of {}.",
                len as i32
            ),
        )));
    }
    if offset as u64 > len as u64 {
        return Ok(Err(lerror(
            lua,
            format!(
                "Start offset {offset} greater than input length {}.",
                len as i32
            ),
        )));
    }
    let limit = if decode_all { i32::MAX as i64 } else { limit };
    let mut cur = Cursor {
        lua,
        s,
        pos: offset as usize,
        slots: base_slots,
    };
    let mut out = MultiValue::new();
    while cur.pos < len && (out.len() as i64) < limit {
        match cur.decode() {
            Ok(v) => {
                out.push_back(v);
                cur.slots += 1;
            }
            Err(Stop::Eof) => return Ok(Err(lerror(lua, "Missing bytes in input."))),
            Err(Stop::BadFmt) => return Ok(Err(lerror(lua, "Bad data format in input."))),
            Err(Stop::Lua(m)) => return Ok(Err(m)),
            Err(Stop::Err(e)) => return Err(e),
        }
    }
    if !decode_all {
        let next = if cur.pos == len {
            -1
        } else {
            cur.pos as i32 as i64
        };
        out.push_front(Value::Number(next as f64));
    }
    Ok(Ok(out))
}

pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let m = lua.create_table()?;
    m.set("_NAME", "cmsgpack")?;
    m.set("_VERSION", "lua-cmsgpack 0.4.0")?;
    m.set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    m.set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    add(lua, &m, "pack", true, |lua, args| pack(lua, &args))?;
    add(lua, &m, "unpack", false, |lua, args| {
        match check_bytes(lua, &args, 1, "unpack") {
            Ok(s) => unpack_full(lua, &s, args.len(), 0, 0),
            Err(e) => Ok(Err(e)),
        }
    })?;
    add(lua, &m, "unpack_one", false, |lua, args| {
        let r = (|| {
            Ok((
                opt_integer(lua, &args, 2, "unpack_one", 0)?,
                check_bytes(lua, &args, 1, "unpack_one")?,
            ))
        })();
        match r {
            Ok((off, s)) => unpack_full(lua, &s, 1, 1, off as i32 as i64),
            Err(e) => Ok(Err(e)),
        }
    })?;
    add(lua, &m, "unpack_limit", false, |lua, args| {
        let r = (|| {
            let limit = check_integer(lua, &args, 2, "unpack_limit")?;
            let off = opt_integer(lua, &args, 3, "unpack_limit", 0)?;
            Ok((limit, off, check_bytes(lua, &args, 1, "unpack_limit")?))
        })();
        match r {
            Ok((limit, off, s)) => unpack_full(lua, &s, 1, limit as i32 as i64, off as i32 as i64),
            Err(e) => Ok(Err(e)),
        }
    })?;
    Ok(m)
}
