//! JSON decoding with Lua CJSON's tokenizer: its error texts, its character positions, its
//! acceptance of non-JSON numbers (hex, inf, nan, leading zeros) when
//! `decode_invalid_numbers` is on, and its treatment of a NUL byte as the end of input.

use crate::cjson::Config;
use crate::util::{lerror, strtod, LResult, MAX_C_STACK};
use mlua::{Lua, Table, Value};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str,
    Num,
    Bool,
    Null,
    Colon,
    Comma,
    End,
    Error,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::ObjBegin => "T_OBJ_BEGIN",
            Kind::ObjEnd => "T_OBJ_END",
            Kind::ArrBegin => "T_ARR_BEGIN",
            Kind::ArrEnd => "T_ARR_END",
            Kind::Str => "T_STRING",
            Kind::Num => "T_NUMBER",
            Kind::Bool => "T_BOOLEAN",
            Kind::Null => "T_NULL",
            Kind::Colon => "T_COLON",
            Kind::Comma => "T_COMMA",
            Kind::End => "T_END",
            Kind::Error => "T_ERROR",
        }
    }
}

struct Token {
    kind: Kind,
    /// 0-based byte offset (shown 1-based in messages).
    index: usize,
    num: f64,
    boolean: bool,
    text: Vec<u8>,
    /// For `Kind::Error`: what went wrong.
    err: &'static str,
}

struct Parser<'a> {
    lua: &'a Lua,
    cfg: &'a Config,
    s: &'a [u8],
    pos: usize,
    depth: i32,
    /// Lua stack slots the C decoder would hold (it checks them before each nesting level).
    slots: usize,
    /// Open containers by depth, and the pending key of each open object.
    open: Table,
    keys: Table,
    frames: Vec<Frame>,
}

/// An open container: an array with its next index, or an object.
enum Frame {
    Array(i64),
    Object,
}

enum DecErr {
    Script(Vec<u8>),
    Lua(mlua::Error),
}

impl From<mlua::Error> for DecErr {
    fn from(e: mlua::Error) -> Self {
        DecErr::Lua(e)
    }
}

type R<T> = Result<T, DecErr>;

/// Decodes a whole JSON text; `Ok(Err(msg))` is a script error.
pub fn decode(lua: &Lua, cfg: &Config, s: &[u8]) -> mlua::Result<LResult<Value>> {
    if s.len() >= 2 && (s[0] == 0 || s[1] == 0) {
        return Ok(Err(lerror(
            lua,
            "JSON parser does not support UTF-16 or UTF-32",
        )));
    }
    let mut p = Parser {
        lua,
        cfg,
        s,
        pos: 0,
        depth: 0,
        slots: 1,
        open: lua.create_table()?,
        keys: lua.create_table()?,
        frames: Vec::new(),
    };
    let r = (|| {
        let t = p.next_token();
        let v = p.value(t)?;
        let t = p.next_token();
        if t.kind != Kind::End {
            return Err(p.parse_error("the end", &t));
        }
        Ok(v)
    })();
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(DecErr::Script(m)) => Ok(Err(m)),
        Err(DecErr::Lua(e)) => Err(e),
    }
}

fn hex4(s: &[u8]) -> Option<u32> {
    let mut v = 0;
    for k in 0..4 {
        let d = (*s.get(k)? as char).to_digit(16)?;
        v = (v << 4) | d;
    }
    Some(v)
}

fn push_utf8(out: &mut Vec<u8>, cp: u32) {
    let mut buf = [0u8; 4];
    match char::from_u32(cp) {
        Some(c) => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        None => out.push(b'?'), // unreachable: surrogates are rejected before this
    }
}

impl Parser<'_> {
    /// The byte at `i`; past the end reads as the terminating NUL, as in C.
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn token(&self, kind: Kind, index: usize) -> Token {
        Token {
            kind,
            index,
            num: 0.0,
            boolean: false,
            text: Vec::new(),
            err: "",
        }
    }

    fn error_token(&self, err: &'static str) -> Token {
        let mut t = self.token(Kind::Error, self.pos);
        t.err = err;
        t
    }

    fn parse_error(&self, expected: &str, t: &Token) -> DecErr {
        let found = if t.kind == Kind::Error {
            t.err
        } else {
            t.kind.name()
        };
        DecErr::Script(lerror(
            self.lua,
            format!(
                "Expected {expected} but found {found} at character {}",
                t.index + 1
            ),
        ))
    }

    /// Hex, a leading '+', leading zeros, inf and nan: numbers JSON does not allow.
    fn is_invalid_number(&self) -> bool {
        let mut p = self.pos;
        if self.at(p) == b'+' {
            return true;
        }
        if self.at(p) == b'-' {
            p += 1;
        }
        let c = self.at(p);
        if c == b'0' {
            let c2 = self.at(p + 1);
            return (c2 | 0x20) == b'x' || c2.is_ascii_digit();
        }
        // C compares a signed char, so bytes >= 0x80 count as "ordinary".
        if (c as i8) <= b'9' as i8 {
            return false;
        }
        let lower = |w: &[u8]| {
            w.iter()
                .enumerate()
                .all(|(k, ch)| self.at(p + k).to_ascii_lowercase() == *ch)
        };
        lower(b"inf") || lower(b"nan")
    }

    fn number_token(&mut self) -> Token {
        match strtod(&self.s[self.pos.min(self.s.len())..]) {
            Some((n, used)) if used > 0 => {
                let mut t = self.token(Kind::Num, self.pos);
                t.num = n;
                self.pos += used;
                t
            }
            _ => self.error_token("invalid number"),
        }
    }

    fn next_token(&mut self) -> Token {
        while matches!(self.at(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let start = self.pos;
        let c = self.at(start);
        let single = match c {
            0 => return self.token(Kind::End, start),
            b'{' => Some(Kind::ObjBegin),
            b'}' => Some(Kind::ObjEnd),
            b'[' => Some(Kind::ArrBegin),
            b']' => Some(Kind::ArrEnd),
            b':' => Some(Kind::Colon),
            b',' => Some(Kind::Comma),
            b'f' | b'i' | b'I' | b'n' | b'N' | b't' | b'"' | b'+' | b'-' | b'0'..=b'9' => None,
            _ => return self.error_token("invalid token"),
        };
        if let Some(k) = single {
            self.pos += 1;
            return self.token(k, start);
        }
        if c == b'"' {
            return self.string_token();
        }
        if c == b'-' || c.is_ascii_digit() {
            if self.cfg.decode_invalid_numbers == 0 && self.is_invalid_number() {
                return self.error_token("invalid number");
            }
            return self.number_token();
        }
        let rest = &self.s[start..];
        if rest.starts_with(b"true") || rest.starts_with(b"false") {
            let b = rest[0] == b't';
            self.pos += if b { 4 } else { 5 };
            let mut t = self.token(Kind::Bool, start);
            t.boolean = b;
            return t;
        }
        if rest.starts_with(b"null") {
            self.pos += 4;
            return self.token(Kind::Null, start);
        }
        if self.cfg.decode_invalid_numbers != 0 && self.is_invalid_number() {
            return self.number_token();
        }
        self.error_token("invalid token")
    }

    fn string_token(&mut self) -> Token {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let c = self.at(self.pos);
            if c == b'"' {
                break;
            }
            if c == 0 {
                return self.error_token("unexpected end of string");
            }
            if c != b'\\' {
                out.push(c);
                self.pos += 1;
                continue;
            }
            let e = match self.at(self.pos + 1) {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => {
                    if !self.unicode_escape(&mut out) {
                        return self.error_token("invalid unicode escape code");
                    }
                    continue;
                }
                _ => return self.error_token("invalid escape code"),
            };
            out.push(e);
            self.pos += 2;
        }
        self.pos += 1;
        let mut t = self.token(Kind::Str, start);
        t.text = out;
        t
    }

    /// `\uXXXX`, or a high+low surrogate pair; false when malformed.
    fn unicode_escape(&mut self, out: &mut Vec<u8>) -> bool {
        let p = self.pos;
        let Some(mut cp) = hex4(self.s.get(p + 2..).unwrap_or(&[])) else {
            return false;
        };
        let mut len = 6;
        if cp & 0xF800 == 0xD800 {
            if cp & 0x400 != 0 || self.at(p + 6) != b'\\' || self.at(p + 7) != b'u' {
                return false;
            }
            let Some(low) = hex4(self.s.get(p + 8..).unwrap_or(&[])) else {
                return false;
            };
            if low & 0xFC00 != 0xDC00 {
                return false;
            }
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        }
        push_utf8(out, cp);
        self.pos += len;
        true
    }

    /// Entering an array/object: enforce `decode_max_depth` and the Lua stack limit.
    fn descend(&mut self, slots: usize) -> R<()> {
        self.depth += 1;
        if self.depth <= self.cfg.decode_max_depth && self.slots + slots <= MAX_C_STACK {
            return Ok(());
        }
        Err(DecErr::Script(lerror(
            self.lua,
            format!(
                "Found too many nested data structures ({}) at character {}",
                self.depth, self.pos
            ),
        )))
    }

    /// After `{` and a first token that is not `}`: read `"key" :` and stage the key.
    fn object_key(&mut self, t: Token) -> R<Token> {
        if t.kind != Kind::Str {
            return Err(self.parse_error("object key string", &t));
        }
        let key = self.lua.create_string(&t.text)?;
        self.keys.raw_set(self.depth, key)?;
        let c = self.next_token();
        if c.kind != Kind::Colon {
            return Err(self.parse_error("colon", &c));
        }
        Ok(self.next_token())
    }

    /// Closes the innermost container and returns it as the completed value.
    fn close(&mut self, slots: usize) -> R<Value> {
        let d = self.depth;
        let t: Value = self.open.raw_get(d)?;
        self.open.raw_set(d, Value::Nil)?;
        self.keys.raw_set(d, Value::Nil)?;
        self.frames.pop();
        self.slots -= slots;
        self.depth -= 1;
        Ok(t)
    }

    /// Parses one value starting at token `t`, with an explicit stack of open containers
    /// (kept in Lua tables) so deep nesting uses neither Rust stack nor mlua references.
    fn value(&mut self, mut t: Token) -> R<Value> {
        loop {
            let mut v = match t.kind {
                Kind::Str => Value::String(self.lua.create_string(&t.text)?),
                Kind::Num => Value::Number(t.num),
                Kind::Bool => Value::Boolean(t.boolean),
                Kind::Null => Value::NULL,
                Kind::ObjBegin => {
                    self.descend(3)?;
                    self.open.raw_set(self.depth, self.lua.create_table()?)?;
                    self.frames.push(Frame::Object);
                    self.slots += 2;
                    let first = self.next_token();
                    if first.kind == Kind::ObjEnd {
                        self.close(2)?
                    } else {
                        t = self.object_key(first)?;
                        continue;
                    }
                }
                Kind::ArrBegin => {
                    self.descend(2)?;
                    self.open.raw_set(self.depth, self.lua.create_table()?)?;
                    self.frames.push(Frame::Array(1));
                    self.slots += 1;
                    let first = self.next_token();
                    if first.kind == Kind::ArrEnd {
                        self.close(1)?
                    } else {
                        t = first;
                        continue;
                    }
                }
                _ => return Err(self.parse_error("value", &t)),
            };
            // Store the finished value in its parent, closing parents that end here.
            loop {
                let d = self.depth;
                match self.frames.last_mut() {
                    None => return Ok(v),
                    Some(Frame::Array(i)) => {
                        let idx = *i;
                        *i += 1;
                        let parent: Table = self.open.raw_get(d)?;
                        parent.raw_set(idx, v)?;
                        let n = self.next_token();
                        if n.kind == Kind::ArrEnd {
                            v = self.close(1)?;
                            continue;
                        }
                        if n.kind != Kind::Comma {
                            return Err(self.parse_error("comma or array end", &n));
                        }
                        t = self.next_token();
                        break;
                    }
                    Some(Frame::Object) => {
                        let parent: Table = self.open.raw_get(d)?;
                        let key: Value = self.keys.raw_get(d)?;
                        parent.raw_set(key, v)?;
                        let n = self.next_token();
                        if n.kind == Kind::ObjEnd {
                            v = self.close(2)?;
                            continue;
                        }
                        if n.kind != Kind::Comma {
                            return Err(self.parse_error("comma or object end", &n));
                        }
                        let k = self.next_token();
                        t = self.object_key(k)?;
                        break;
                    }
                }
            }
        }
    }
}
