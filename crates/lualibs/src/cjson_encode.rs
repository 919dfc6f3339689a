//! JSON encoding with Lua CJSON's rules: arrays are tables whose keys are all positive
//! integers (within the sparseness limits), everything else is an object; `/` is escaped.

use crate::cjson::Config;
use crate::util::{exact, fmt_g, lerror, type_name, LResult, MAX_C_STACK};
use mlua::{Function, Lua, Table, Value};

struct Enc<'a> {
    lua: &'a Lua,
    cfg: &'a Config,
    out: Vec<u8>,
    /// Lua stack slots the C encoder would hold at this point (see `value`).
    slots: usize,
    /// Open tables by depth, kept in Lua so nesting does not pin one mlua reference per
    /// level (mlua has a fixed budget of references).
    open: Table,
    /// The `next` key of each open object, stored by Lua itself so keys stay exact.
    keys: Table,
    frames: Vec<Frame>,
    /// `function(t, keys, d)`: `next(t, keys[d])`, remembering the new key in `keys[d]`.
    step: Function,
}

enum Frame {
    Array { len: i32, next: i32 },
    Object { first: bool },
}

/// A failure while encoding: a script error, or an mlua error to propagate.
enum EncErr {
    Script(Vec<u8>),
    Lua(mlua::Error),
}

impl From<mlua::Error> for EncErr {
    fn from(e: mlua::Error) -> Self {
        EncErr::Lua(e)
    }
}

type R<T> = Result<T, EncErr>;

/// Source of the object-walking helper; compiled once per module by [`stepper`].
const STEP: &str = r#"
local next = next
return function(t, keys, d)
  local k, v = next(t, keys[d])
  keys[d] = k
  return k, v
end
"#;

/// Builds the helper that advances `next` over an open object (see `Enc::step`).
pub fn stepper(lua: &Lua) -> mlua::Result<Function> {
    lua.load(STEP).set_name("=[C]").call(())
}

/// Encodes one value; `Ok(Err(msg))` is a script error. `step` comes from [`stepper`].
pub fn encode(
    lua: &Lua,
    cfg: &Config,
    step: &Function,
    v: Value,
) -> mlua::Result<LResult<Vec<u8>>> {
    let mut e = Enc {
        lua,
        cfg,
        out: Vec::new(),
        slots: 1,
        open: lua.create_table()?,
        keys: lua.create_table()?,
        frames: Vec::new(),
        step: step.clone(),
    };
    match e.run(v) {
        Ok(()) => Ok(Ok(e.out)),
        Err(EncErr::Script(m)) => Ok(Err(m)),
        Err(EncErr::Lua(err)) => Err(err),
    }
}

/// Escape sequence for a byte, if it needs one.
fn escape(c: u8) -> Option<&'static [u8]> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    static TABLE: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| {
        (0..=255u8)
            .map(|c| match c {
                b'\x08' => b"\\b".to_vec(),
                b'\t' => b"\\t".to_vec(),
                b'\n' => b"\\n".to_vec(),
                b'\x0c' => b"\\f".to_vec(),
                b'\r' => b"\\r".to_vec(),
                b'"' => b"\\\"".to_vec(),
                b'\\' => b"\\\\".to_vec(),
                b'/' => b"\\/".to_vec(),
                0..=0x1f | 0x7f => {
                    vec![
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[(c >> 4) as usize],
                        HEX[(c & 15) as usize],
                    ]
                }
                _ => Vec::new(),
            })
            .collect()
    });
    let e = &t[c as usize];
    if e.is_empty() {
        None
    } else {
        Some(e)
    }
}

fn num_of(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Number(n) => *n,
        _ => 0.0,
    }
}

impl Enc<'_> {
    fn fail(&self, v: &Value, reason: &str) -> EncErr {
        EncErr::Script(lerror(
            self.lua,
            format!("Cannot serialise {}: {reason}", type_name(Some(v))),
        ))
    }

    fn string(&mut self, s: &[u8]) {
        self.out.push(b'"');
        for &c in s {
            match escape(c) {
                Some(e) => self.out.extend_from_slice(e),
                None => self.out.push(c),
            }
        }
        self.out.push(b'"');
    }

    fn number(&mut self, v: &Value) -> R<()> {
        let n = num_of(v);
        if !n.is_finite() {
            match self.cfg.encode_invalid_numbers {
                0 => return Err(self.fail(v, "must not be NaN or Inf")),
                2 => {
                    self.out.extend_from_slice(b"null");
                    return Ok(());
                }
                _ => {}
            }
        }
        // Redis' number formatter prints NaN as "nan" whatever its sign bit.
        if n.is_nan() {
            self.out.extend_from_slice(b"nan");
        } else {
            self.out
                .extend_from_slice(fmt_g(n, self.cfg.precision as usize).as_bytes());
        }
        Ok(())
    }

    /// Depth-first walk with an explicit stack, so deep nesting costs no Rust stack.
    fn run(&mut self, v: Value) -> R<()> {
        self.value(&v)?;
        loop {
            let d = self.frames.len();
            // Some(i): next array element; None: next object entry (with its "first" flag).
            let (elem, was_first) = match self.frames.last_mut() {
                None => break,
                Some(Frame::Array { len, next }) => {
                    if *next == *len {
                        self.close(b']', 1)?;
                        continue;
                    }
                    *next += 1;
                    (Some(*next), false)
                }
                Some(Frame::Object { first }) => {
                    let f = *first;
                    *first = false;
                    (None, f)
                }
            };
            match elem {
                Some(i) => {
                    if i > 1 {
                        self.out.push(b',');
                    }
                    let t: Table = self.open.raw_get(d)?;
                    let key = Value::Integer(i as i64);
                    let v = exact(&t, &key, t.raw_get(i)?);
                    self.value(&v)?;
                }
                None => {
                    let t: Table = self.open.raw_get(d)?;
                    let (k, v): (Value, Value) = self.step.call((&t, &self.keys, d))?;
                    if k == Value::Nil {
                        self.close(b'}', 2)?;
                        continue;
                    }
                    if !was_first {
                        self.out.push(b',');
                    }
                    match &k {
                        Value::Integer(_) | Value::Number(_) => {
                            self.out.push(b'"');
                            self.number(&k)?;
                            self.out.extend_from_slice(b"\":");
                        }
                        Value::String(s) => {
                            self.string(&s.as_bytes());
                            self.out.push(b':');
                        }
                        _ => return Err(self.fail(&k, "table key must be a number or string")),
                    }
                    let v = exact(&t, &k, v);
                    self.value(&v)?;
                }
            }
        }
        Ok(())
    }

    fn close(&mut self, c: u8, slots: usize) -> R<()> {
        let d = self.frames.len();
        self.open.raw_set(d, Value::Nil)?;
        self.keys.raw_set(d, Value::Nil)?;
        self.frames.pop();
        self.slots -= slots;
        self.out.push(c);
        Ok(())
    }

    /// Writes a scalar, or opens a table (pushing a frame).
    fn value(&mut self, v: &Value) -> R<()> {
        match v {
            Value::String(s) => self.string(&s.as_bytes()),
            Value::Integer(_) | Value::Number(_) => self.number(v)?,
            Value::Boolean(b) => self
                .out
                .extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Nil => self.out.extend_from_slice(b"null"),
            Value::LightUserData(p) if p.0.is_null() => self.out.extend_from_slice(b"null"),
            Value::Table(t) => {
                let depth = self.frames.len() as i64 + 1;
                // The C encoder also stops when Lua cannot grow its stack by 3 more slots.
                if depth > self.cfg.encode_max_depth as i64 || self.slots + 3 > MAX_C_STACK {
                    let msg = format!("Cannot serialise, excessive nesting ({depth})");
                    return Err(EncErr::Script(lerror(self.lua, msg)));
                }
                let len = self.array_length(t, v)?;
                self.open.raw_set(depth, t)?;
                if len > 0 {
                    self.out.push(b'[');
                    self.frames.push(Frame::Array { len, next: 0 });
                    self.slots += 1;
                } else {
                    self.out.push(b'{');
                    self.frames.push(Frame::Object { first: true });
                    self.slots += 2;
                }
            }
            _ => return Err(self.fail(v, "type not supported")),
        }
        Ok(())
    }

    /// The array length if `t` should be an array, else 0 or negative (mirrors C's `int`).
    fn array_length(&mut self, t: &Table, tv: &Value) -> R<i32> {
        let mut max: i32 = 0;
        let mut items: i32 = 0;
        for pair in t.pairs::<Value, Value>() {
            let (k, _) = pair?;
            let k = match k {
                Value::Integer(_) | Value::Number(_) => num_of(&k),
                _ => return Ok(-1),
            };
            if k == 0.0 || k.floor() != k || k < 1.0 {
                return Ok(-1);
            }
            if k > max as f64 {
                max = crate::util::f64_to_i32(k);
            }
            items = items.wrapping_add(1);
        }
        let c = self.cfg;
        if c.sparse_ratio > 0 && max > items.wrapping_mul(c.sparse_ratio) && max > c.sparse_safe {
            if c.sparse_convert == 0 {
                return Err(self.fail(tv, "excessively sparse array"));
            }
            return Ok(-1);
        }
        Ok(max)
    }
}
