//! String reads, ranges and integer counters: GET MGET STRLEN GETRANGE/SUBSTR APPEND SETRANGE
//! INCR DECR INCRBY DECRBY.

use super::strings::{check_len, write_string};
use crate::args;
use crate::cmd::keys::object::SHARED_INTEGERS;
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::util::num::string2ll;
use crate::value::{RString, Value};
use bytes::Bytes;
use resp::Reply;

pub fn get(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    ctx.string_reply(&a[1])
}

/// MGET: nil for missing keys and for keys of other types (never WRONGTYPE).
pub fn mget(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let items = a[1..]
        .iter()
        .map(|k| match ctx.lookup_read(k) {
            Some(Value::Str(s)) => Reply::bulk_from_slice(&s.as_bytes()),
            #[allow(unreachable_patterns)]
            _ => Reply::Nil,
        })
        .collect();
    Reply::Array(items)
}

pub fn strlen(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match ctx.read_string(&a[1]) {
        Ok(Some(s)) => Reply::Int(s.len() as i64),
        Ok(None) => Reply::Int(0),
        Err(e) => e,
    }
}

/// Redis's range clamping for GETRANGE (and BITCOUNT): negative indexes count from the end,
/// both ends are clamped into the string; None when the range is empty.
pub fn clamp_range(start: i64, end: i64, len: i64) -> Option<(usize, usize)> {
    if start < 0 && end < 0 && start > end {
        return None;
    }
    let start = if start < 0 {
        len.saturating_add(start)
    } else {
        start
    }
    .max(0);
    let end = if end < 0 {
        len.saturating_add(end)
    } else {
        end
    }
    .max(0);
    let end = end.min(len - 1);
    if start > end || len == 0 {
        return None;
    }
    Some((start as usize, end as usize))
}

/// GETRANGE/SUBSTR: indexes are parsed before the key is read; missing key gives "".
pub fn getrange(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (start, end) = match (args::int(&a[2]), args::int(&a[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let s = match ctx.read_string(&a[1]) {
        Ok(Some(s)) => s.as_bytes().into_owned(),
        Ok(None) => return Reply::bulk(Bytes::new()),
        Err(e) => return e,
    };
    match clamp_range(start, end, s.len() as i64) {
        Some((from, to)) => Reply::bulk_from_slice(&s[from..=to]),
        None => Reply::bulk(Bytes::new()),
    }
}

/// APPEND: a new key is stored as SET would store it; an existing one becomes `raw`.
pub fn append(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let key = &a[1];
    let total = match write_string(ctx, key) {
        Err(e) => return e,
        Ok(None) => {
            ctx.set_key(key, Value::Str(RString::from_set(&a[2])), false);
            ctx.notify(notify::STRING, "append", key);
            return Reply::Int(a[2].len() as i64);
        }
        Ok(Some(s)) => s.len(),
    };
    if let Err(e) = check_len(ctx, total as u64, a[2].len() as u64) {
        return e;
    }
    let Ok(Some(s)) = write_string(ctx, key) else {
        return errors::wrongtype();
    };
    let buf = s.make_raw();
    buf.extend_from_slice(&a[2]);
    let n = buf.len();
    ctx.signal_modified(key);
    ctx.notify(notify::STRING, "append", key);
    Reply::Int(n as i64)
}

/// SETRANGE: zero-pads up to `offset`; an empty value changes nothing (and creates nothing).
pub fn setrange(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let key = &a[1];
    let value = &a[3];
    let offset = match args::int(&a[2]) {
        Ok(n) if n < 0 => return Reply::err("ERR offset is out of range"),
        Ok(n) => n as u64,
        Err(e) => return e,
    };
    let cur_len = match write_string(ctx, key) {
        Err(e) => return e,
        Ok(None) if value.is_empty() => return Reply::Int(0),
        Ok(Some(s)) if value.is_empty() => return Reply::Int(s.len() as i64),
        Ok(found) => found.map(|s| s.len()),
    };
    if let Err(e) = check_len(ctx, offset, value.len() as u64) {
        return e;
    }
    if cur_len.is_none() {
        ctx.set_key(key, Value::Str(RString::Raw(Vec::new())), false);
    }
    let Ok(Some(s)) = write_string(ctx, key) else {
        return errors::wrongtype();
    };
    let buf = s.make_raw();
    // Both fit in usize: checked against proto-max-bulk-len above.
    let (off, end) = (offset as usize, offset as usize + value.len());
    if buf.len() < end {
        buf.resize(end, 0);
    }
    buf[off..end].copy_from_slice(value);
    let n = buf.len();
    ctx.signal_modified(key);
    ctx.notify(notify::STRING, "setrange", key);
    Reply::Int(n as i64)
}

/// Redis's `incrDecrCommand`: the value must parse with `string2ll`; the result is `int`
/// encoded and keeps the key's TTL.
fn incr_by(ctx: &mut Ctx, key: &[u8], by: i64) -> Reply {
    let mut in_place = false;
    let new = match write_string(ctx, key) {
        Err(e) => return e,
        Ok(None) => Some(by),
        // As Redis: an integer that stays outside the shared range is updated where it is
        // (one lookup); others are replaced, which OBJECT REFCOUNT can tell apart.
        Ok(Some(RString::Int(n))) => n.checked_add(by).inspect(|&new| {
            if !(0..SHARED_INTEGERS).contains(&new) {
                *n = new;
                in_place = true;
            }
        }),
        Ok(Some(s)) => match string2ll(&s.as_bytes()) {
            Some(n) => n.checked_add(by),
            None => return errors::not_integer(),
        },
    };
    let Some(new) = new else {
        return errors::overflow();
    };
    if in_place {
        ctx.signal_modified(key);
    } else {
        ctx.set_key(key, Value::Str(RString::Int(new)), true);
    }
    ctx.notify(notify::STRING, "incrby", key);
    Reply::Int(new)
}

pub fn incr(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    incr_by(ctx, &a[1], 1)
}

pub fn decr(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    incr_by(ctx, &a[1], -1)
}

pub fn incrby(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match args::int(&a[2]) {
        Ok(by) => incr_by(ctx, &a[1], by),
        Err(e) => e,
    }
}

/// DECRBY: `LLONG_MIN` cannot be negated, which Redis reports with its own error.
pub fn decrby(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match args::int(&a[2]) {
        Ok(i64::MIN) => Reply::err("ERR decrement would overflow"),
        Ok(by) => incr_by(ctx, &a[1], -by),
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::clamp_range;

    #[test]
    fn range_clamping() {
        assert_eq!(clamp_range(0, -1, 5), Some((0, 4)));
        assert_eq!(clamp_range(-3, -1, 5), Some((2, 4)));
        assert_eq!(clamp_range(-1, -3, 5), None);
        assert_eq!(clamp_range(-100, 100, 5), Some((0, 4)));
        assert_eq!(clamp_range(3, 1, 5), None);
        assert_eq!(clamp_range(0, 0, 0), None);
        assert_eq!(clamp_range(i64::MIN, i64::MAX, 5), Some((0, 4)));
        assert_eq!(clamp_range(10, 20, 5), None);
        assert_eq!(clamp_range(-1, 0, 5), None);
    }
}
