//! `cmsgpack`: lua-cmsgpack 0.4.0 as bundled by Redis. Tables whose keys are exactly 1..n
//! become arrays, other tables maps; integral numbers in the int64 range become the smallest
//! integer encoding, other numbers a float when that is exact, else a double.

use crate::util::{
    add, arg_error, check_bytes, check_integer, exact, f64_to_i32, lerror, opt_integer, ret, Args,
    LResult, LISTED,
};
use crate::util::{MAX_C_STACK, PLAIN};
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
    // The C function reserves one stack slot per argument for its partial outputs.
    if args.len() * 2 > MAX_C_STACK {
        let msg = "Too many arguments for MessagePack pack.";
        return Ok(Err(arg_error(lua, 0, "pack", msg)));
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

/// Decoder state. `slots` mirrors how many Lua stack slots the C decoder would hold, since
/// it raises "stack overflow" errors at Lua's C-stack limit; open containers (and a map's
/// pending key) live in Lua tables so nesting pins no mlua references or Rust stack.
struct Cursor<'a> {
    lua: &'a Lua,
    s: &'a [u8],
    pos: usize,
    slots: usize,
    open: Table,
    keys: Table,
    frames: Vec<Frame>,
}

/// An open container: remaining entries, and for arrays the next index, for maps whether
/// the next item is a value (its key is staged in `keys`).
enum Frame {
    Array { left: u64, index: f64 },
    Map { left: u64, want_value: bool },
}

/// What a header byte starts.
enum Item {
    Scalar(Value),
    Array(u64),
    Map(u64),
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

    fn string(&mut self, n: usize) -> Result<Item, Stop> {
        let lua = self.lua;
        let b = self.take(n)?;
        Ok(Item::Scalar(Value::String(lua.create_string(b)?)))
    }

    /// Reads one header (and a scalar's payload).
    fn item(&mut self) -> Result<Item, Stop> {
        if self.pos >= self.s.len() {
            return Err(Stop::Eof);
        }
        if self.slots + 1 > MAX_C_STACK {
            return Err(Stop::Lua(lerror(
                self.lua,
                "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            )));
        }
        let c = self.take(1)?[0];
        let num = |n: f64| Ok(Item::Scalar(Value::Number(n)));
        match c {
            0x00..=0x7f => num(c as f64),
            0xe0..=0xff => num(c as i8 as f64),
            0xcc => num(self.uint(1)? as f64),
            0xcd => num(self.uint(2)? as f64),
            0xce => num(self.uint(4)? as f64),
            // uint 64 goes through a signed conversion in the C code.
            0xcf => num(self.uint(8)? as i64 as f64),
            0xd0 => num(self.sint(1)? as f64),
            0xd1 => num(self.sint(2)? as f64),
            0xd2 => num(self.sint(4)? as f64),
            0xd3 => num(self.sint(8)? as f64),
            0xc0 => Ok(Item::Scalar(Value::Nil)),
            0xc2 => Ok(Item::Scalar(Value::Boolean(false))),
            0xc3 => Ok(Item::Scalar(Value::Boolean(true))),
            0xca => num(f32::from_bits(self.uint(4)? as u32) as f64),
            0xcb => num(f64::from_bits(self.uint(8)?)),
            0xa0..=0xbf => self.string((c & 0x1f) as usize),
            0xd9 => {
                let n = self.uint(1)? as usize;
                self.string(n)
            }
            0xda => {
                let n = self.uint(2)? as usize;
                self.string(n)
            }
            0xdb => {
                let n = self.uint(4)? as usize;
                self.string(n)
            }
            0x90..=0x9f => Ok(Item::Array((c & 0x0f) as u64)),
            0xdc => Ok(Item::Array(self.uint(2)?)),
            0xdd => Ok(Item::Array(self.uint(4)?)),
            0x80..=0x8f => Ok(Item::Map((c & 0x0f) as u64)),
            0xde => Ok(Item::Map(self.uint(2)?)),
            0xdf => Ok(Item::Map(self.uint(4)?)),
            _ => Err(Stop::BadFmt),
        }
    }

    /// Decodes one complete value. Every finished value counts as one pushed slot.
    fn decode(&mut self) -> Result<Value, Stop> {
        loop {
            let mut v = match self.item()? {
                Item::Scalar(v) => {
                    self.slots += 1;
                    v
                }
                Item::Array(len) => {
                    self.slots += 1;
                    if self.slots + 1 > MAX_C_STACK {
                        return Err(Stop::Lua(lerror(
                            self.lua,
                            "stack overflow (in function mp_decode_to_lua_array)",
                        )));
                    }
                    let t = self.lua.create_table()?;
                    if len == 0 {
                        Value::Table(t)
                    } else {
                        self.frames.push(Frame::Array {
                            left: len,
                            index: 1.0,
                        });
                        self.open.raw_set(self.frames.len(), t)?;
                        // The index being filled sits on the stack while its value decodes.
                        self.slots += 1;
                        continue;
                    }
                }
                Item::Map(len) => {
                    self.slots += 1;
                    let t = self.lua.create_table()?;
                    if len == 0 {
                        Value::Table(t)
                    } else {
                        self.frames.push(Frame::Map {
                            left: len,
                            want_value: false,
                        });
                        self.open.raw_set(self.frames.len(), t)?;
                        continue;
                    }
                }
            };
            // Attach the finished value to its parents, closing those that are complete.
            loop {
                let d = self.frames.len();
                match self.frames.last_mut() {
                    None => return Ok(v),
                    Some(Frame::Array { left, index }) => {
                        let t: Table = self.open.raw_get(d)?;
                        t.raw_set(*index, v)?;
                        *index += 1.0;
                        *left -= 1;
                        self.slots -= 2;
                        if *left > 0 {
                            self.slots += 1;
                            break;
                        }
                    }
                    Some(Frame::Map { left, want_value }) => {
                        if !*want_value {
                            *want_value = true;
                            self.keys.raw_set(d, v)?;
                            break;
                        }
                        *want_value = false;
                        *left -= 1;
                        let more = *left > 0;
                        let k: Value = self.keys.raw_get(d)?;
                        self.keys.raw_set(d, Value::Nil)?;
                        match &k {
                            Value::Nil => return Err(Stop::Lua(b"table index is nil".to_vec())),
                            Value::Number(n) if n.is_nan() => {
                                return Err(Stop::Lua(b"table index is NaN".to_vec()))
                            }
                            _ => {}
                        }
                        let t: Table = self.open.raw_get(d)?;
                        t.raw_set(k, v)?;
                        self.slots -= 2;
                        if more {
                            break;
                        }
                    }
                }
                // This container is complete: it becomes the finished value.
                v = self.open.raw_get(d)?;
                self.open.raw_set(d, Value::Nil)?;
                self.frames.pop();
            }
        }
    }
}

/// Decodes up to `limit` values from `offset` into `res`; returns how many results it holds.
fn unpack_full(
    lua: &Lua,
    s: &[u8],
    base_slots: usize,
    limit: i64,
    offset: i64,
    res: &Table,
) -> mlua::Result<LResult<usize>> {
    let decode_all = limit == 0 && offset == 0;
    let len = s.len();
    if offset < 0 || limit < 0 {
        // The C library prints the input length where it means the limit.
        let msg = format!(
            "Invalid request to unpack with offset of {} and limit of {}.",
            offset as i32, len as i32
        );
        return Ok(Err(lerror(lua, msg)));
    }
    if offset as u64 > len as u64 {
        let msg = format!(
            "Start offset {} greater than input length {}.",
            offset as i32, len as i32
        );
        return Ok(Err(lerror(lua, msg)));
    }
    let limit = if decode_all { i32::MAX as i64 } else { limit };
    let mut cur = Cursor {
        lua,
        s,
        pos: offset as usize,
        slots: base_slots,
        open: lua.create_table()?,
        keys: lua.create_table()?,
        frames: Vec::new(),
    };
    let mut n: usize = if decode_all { 0 } else { 1 };
    let mut count: i64 = 0;
    while cur.pos < len && count < limit {
        match cur.decode() {
            Ok(v) => {
                n += 1;
                count += 1;
                res.raw_set(n, v)?;
            }
            Err(Stop::Eof) => return Ok(Err(lerror(lua, "Missing bytes in input."))),
            Err(Stop::BadFmt) => return Ok(Err(lerror(lua, "Bad data format in input."))),
            Err(Stop::Lua(m)) => return Ok(Err(m)),
            Err(Stop::Err(e)) => return Err(e),
        }
    }
    if !decode_all {
        if cur.slots + 1 > MAX_C_STACK {
            return Ok(Err(lerror(
                lua,
                "stack overflow (in function mp_unpack_full)",
            )));
        }
        let next = if cur.pos == len { -1 } else { cur.pos as i64 };
        res.raw_set(1, next as f64)?;
    }
    Ok(Ok(n))
}

/// Runs `unpack_full` and returns its results as (table, count).
fn unpack_ret(
    lua: &Lua,
    s: &[u8],
    base: usize,
    limit: i64,
    offset: i64,
) -> mlua::Result<LResult<MultiValue>> {
    let res = lua.create_table()?;
    match unpack_full(lua, s, base, limit, offset, &res)? {
        Ok(n) => ret(lua, (res, n)),
        Err(e) => Ok(Err(e)),
    }
}

pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let m = lua.create_table()?;
    m.set("_NAME", "cmsgpack")?;
    m.set("_VERSION", "lua-cmsgpack 0.4.0")?;
    m.set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    m.set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    add(lua, &m, "pack", PLAIN, |lua, args| pack(lua, &args))?;
    add(lua, &m, "unpack", LISTED, |lua, args| {
        match check_bytes(lua, &args, 1, "unpack") {
            Ok(s) => unpack_ret(lua, &s, args.len(), 0, 0),
            Err(e) => Ok(Err(e)),
        }
    })?;
    add(lua, &m, "unpack_one", LISTED, |lua, args| {
        let r = (|| {
            Ok((
                opt_integer(lua, &args, 2, "unpack_one", 0)?,
                check_bytes(lua, &args, 1, "unpack_one")?,
            ))
        })();
        match r {
            Ok((off, s)) => unpack_ret(lua, &s, 1, 1, off),
            Err(e) => Ok(Err(e)),
        }
    })?;
    add(lua, &m, "unpack_limit", LISTED, |lua, args| {
        let r = (|| {
            let limit = check_integer(lua, &args, 2, "unpack_limit")?;
            let off = opt_integer(lua, &args, 3, "unpack_limit", 0)?;
            Ok((limit, off, check_bytes(lua, &args, 1, "unpack_limit")?))
        })();
        match r {
            Ok((limit, off, s)) => unpack_ret(lua, &s, 1, limit, off),
            Err(e) => Ok(Err(e)),
        }
    })?;
    Ok(m)
}
