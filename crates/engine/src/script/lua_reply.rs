//! The reply for the value a script returned, as Redis 7.0 writes it.
//!
//! Redis converts the value recursively on the Lua stack and refuses to go deeper once the
//! stack is nearly full (`lua_checkstack(L, 4)` against Lua's 8000-slot limit): the element
//! that would not fit becomes `-ERR reached lua stack limit` and the reply stays well formed.
//! An array level costs one slot, a map or set level three, so about 8000 nested arrays and
//! 2665 nested maps are answered. To give the same answers without deep Rust recursion nor
//! one mlua reference per level (mlua has room for about 8000), a Lua function walks the value
//! and writes a flat list of tokens, tracking the slots Redis would use; Rust then encodes
//! the tokens for the caller's protocol in one pass.

use bytes::Bytes;
use mlua::{Function, Lua, Table, Value};
use resp::{Proto, Reply};

/// Loaded once per VM with `V` (the sandbox's view -> real table map, so a returned library
/// table reads as Redis's would); returns `flatten(value) -> tokens, count`.
const FLATTEN: &str = r#"
local V = ...
local rawget, next, type = rawget, next, type
-- Redis's check: lua_checkstack(L, 4) fails once 4 more slots would pass LUAI_MAXCSTACK.
local LIMIT = 8000 - 4
local out, n
local function real(t) return V[t] or t end
local function emit(a, b)
  out[n + 1] = a
  out[n + 2] = b
  n = n + 2
end
-- `h`: the stack slot Redis's converter would hold `v` in.
local conv
conv = function(v, h)
  if h > LIMIT then emit('L', false) return end
  local tv = type(v)
  if tv == 'string' then emit('s', v)
  elseif tv == 'number' then emit('n', v)
  elseif tv == 'boolean' then emit('b', v)
  elseif tv == 'table' then
    local t = real(v)
    local f = rawget(t, 'err')
    if type(f) == 'string' then emit('E', f) return end
    f = rawget(t, 'ok')
    if type(f) == 'string' then emit('O', f) return end
    f = rawget(t, 'double')
    if type(f) == 'number' then emit('D', f) return end
    f = rawget(t, 'big_number')
    if type(f) == 'string' then emit('B', f) return end
    f = rawget(t, 'verbatim_string')
    if type(f) == 'table' then
      local vt = real(f)
      local fmt, s = rawget(vt, 'format'), rawget(vt, 'string')
      if type(fmt) == 'string' and type(s) == 'string' then
        emit('V', fmt)
        n = n + 1
        out[n] = s
        return
      end
    end
    f = rawget(t, 'map')
    if type(f) == 'table' then
      local m, at, count = real(f), n + 2, 0
      emit('M', 0)
      -- Stack: table, map, key, value, and the key's copy on top while it converts.
      for k, x in next, m do
        conv(k, h + 4)
        conv(x, h + 3)
        count = count + 1
      end
      out[at] = count
      return
    end
    f = rawget(t, 'set')
    if type(f) == 'table' then
      local s, at, count = real(f), n + 2, 0
      emit('S', 0)
      for k in next, s do
        conv(k, h + 3)
        count = count + 1
      end
      out[at] = count
      return
    end
    local at, j = n + 2, 1
    emit('A', 0)
    while true do
      local x = rawget(t, j)
      if x == nil then break end
      conv(x, h + 1)
      j = j + 1
    end
    out[at] = j - 1
  else
    emit('N', false)
  end
end
return function(v)
  out, n = {}, 0
  -- The script's value sits above the message handler: slot 2.
  conv(v, 2)
  local o, c = out, n
  out = nil
  return o, c
end
"#;

/// Builds the flattener for a VM (`views`: the sandbox's view -> real table map).
pub fn flattener(lua: &Lua, views: &Table) -> mlua::Result<Function> {
    lua.load(FLATTEN)
        .set_name("=lattice")
        .call::<Function>(views.clone())
}

/// The reply for `value`. `script_resp3` is the script's `redis.setresp` choice (how
/// booleans come out); `proto` the caller's protocol, which aggregates are encoded for.
pub fn reply(flatten: &Function, value: Value, script_resp3: bool, proto: Proto) -> Reply {
    match build(flatten, value, script_resp3, proto) {
        Ok(r) => r,
        Err(e) => Reply::error(format!("ERR {}", super::errors::innermost(&e))),
    }
}

fn build(
    flatten: &Function,
    value: Value,
    script_resp3: bool,
    proto: Proto,
) -> mlua::Result<Reply> {
    let (tokens, count): (Table, usize) = flatten.call(value)?;
    let mut enc = Encoder {
        tokens: &tokens,
        at: 1,
        end: count,
        script_resp3,
        proto,
        out: Vec::new(),
    };
    // A reply that is one value stays a structured Reply (errors stay errors to the engine);
    // aggregates go out as bytes already encoded for this caller.
    let first: Value = tokens.raw_get(1)?;
    if let Value::String(tag) = &first {
        if !matches!(&tag.as_bytes()[..], b"A" | b"M" | b"S") {
            return enc.leaf();
        }
    }
    while enc.at <= enc.end {
        enc.next()?;
    }
    Ok(Reply::Encoded(Bytes::from(enc.out)))
}

struct Encoder<'a> {
    tokens: &'a Table,
    /// The next token's index (1-based).
    at: usize,
    end: usize,
    script_resp3: bool,
    proto: Proto,
    out: Vec<u8>,
}

impl Encoder<'_> {
    fn take(&mut self) -> mlua::Result<Value> {
        let v = self.tokens.raw_get(self.at)?;
        self.at += 1;
        Ok(v)
    }

    fn bytes(&mut self) -> mlua::Result<Vec<u8>> {
        match self.take()? {
            Value::String(s) => Ok(s.as_bytes().to_vec()),
            _ => Ok(Vec::new()),
        }
    }

    fn number(&mut self) -> mlua::Result<f64> {
        Ok(match self.take()? {
            Value::Number(n) => n,
            Value::Integer(n) => n as f64,
            _ => 0.0,
        })
    }

    /// One token pair as a structured reply (not an aggregate).
    fn leaf(&mut self) -> mlua::Result<Reply> {
        let tag = self.bytes()?;
        Ok(match tag.first() {
            Some(b's') => Reply::Bulk(Bytes::from(self.bytes()?)),
            Some(b'n') => Reply::Int(c_long_long(self.number()?)),
            Some(b'b') => {
                let b = matches!(self.take()?, Value::Boolean(true));
                if self.script_resp3 {
                    Reply::Bool(b)
                } else if b {
                    Reply::Int(1)
                } else {
                    Reply::Nil
                }
            }
            Some(b'E') => error(&self.bytes()?),
            Some(b'O') => Reply::Simple(Bytes::from(no_newlines(c_str(&self.bytes()?)))),
            Some(b'D') => Reply::Double(self.number()?),
            Some(b'B') => Reply::BigNumber(Bytes::from(no_newlines(&self.bytes()?))),
            Some(b'V') => {
                let format = verbatim_format(&self.bytes()?);
                Reply::Verbatim(format, Bytes::from(self.bytes()?))
            }
            Some(b'L') => {
                self.take()?;
                Reply::err("ERR reached lua stack limit")
            }
            _ => {
                self.take()?;
                Reply::Nil
            }
        })
    }

    /// Encodes the next token: an aggregate's header (its elements follow as tokens) or a
    /// value.
    fn next(&mut self) -> mlua::Result<()> {
        let tag: Value = self.tokens.raw_get(self.at)?;
        let header = match &tag {
            Value::String(s) => match &s.as_bytes()[..] {
                b"A" => Some(b'*'),
                b"M" => Some(if self.proto == Proto::Resp3 {
                    b'%'
                } else {
                    b'*'
                }),
                b"S" => Some(if self.proto == Proto::Resp3 {
                    b'~'
                } else {
                    b'*'
                }),
                _ => None,
            },
            _ => None,
        };
        let Some(kind) = header else {
            let leaf = self.leaf()?;
            leaf.encode(self.proto, &mut self.out);
            return Ok(());
        };
        let map = matches!(&tag, Value::String(s) if &s.as_bytes()[..] == b"M");
        self.at += 1;
        let mut n = self.number()? as usize;
        if map && self.proto == Proto::Resp2 {
            n *= 2;
        }
        self.out.push(kind);
        self.out.extend_from_slice(n.to_string().as_bytes());
        self.out.extend_from_slice(b"\r\n");
        Ok(())
    }
}

/// C's `(long long)` of a double on x86-64: truncation, and the "integer indefinite" value
/// (i64::MIN) for NaN and anything out of range, which is what Redis replies.
pub fn c_long_long(n: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if !(-TWO_63..TWO_63).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// The bytes before the first NUL: Redis reads these strings as C strings.
fn c_str(s: &[u8]) -> &[u8] {
    s.iter().position(|&c| c == 0).map_or(s, |i| &s[..i])
}

/// CR and LF become spaces (they would end a one-line reply), as Redis maps them.
fn no_newlines(s: &[u8]) -> Vec<u8> {
    s.iter()
        .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
        .collect()
}

/// An `{err=...}` reply as Redis writes it (`-%s` through its error formatter, the message
/// read as a C string): CR/LF at the end are dropped, the others become spaces (so leading
/// ones stay, as spaces).
fn error(msg: &[u8]) -> Reply {
    let msg = c_str(msg);
    let end = msg.len()
        - msg
            .iter()
            .rev()
            .take_while(|&&c| c == b'\r' || c == b'\n')
            .count();
    Reply::Error(Bytes::from(no_newlines(&msg[..end])))
}

/// A verbatim string's format as Redis writes it: its first three bytes (up to a NUL), padded
/// with spaces.
fn verbatim_format(f: &[u8]) -> [u8; 3] {
    let mut out = [b' '; 3];
    for (slot, &c) in out.iter_mut().zip(c_str(f)) {
        *slot = c;
    }
    out
}
