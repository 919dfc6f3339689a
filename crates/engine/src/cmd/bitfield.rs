//! BITFIELD and BITFIELD_RO: signed/unsigned integers of 1..64 (signed) or 1..63 (unsigned)
//! bits at arbitrary bit offsets, with WRAP/SAT/FAIL overflow handling as Redis does it.

use super::bitmaps::{bit_offset, string_for_bits};
use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Get,
    Set,
    Incr,
}

struct FieldOp {
    op: Op,
    signed: bool,
    bits: u32,
    offset: u64,
    value: i64,
    overflow: Overflow,
}

const TYPE_ERR: &str = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/// `i<bits>` or `u<bits>` (the number read as C reads it, up to a NUL).
fn parse_type(arg: &[u8]) -> Result<(bool, u32), Reply> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(Reply::err(TYPE_ERR)),
    };
    let bits = args::int_or(errors::c_str_prefix(&arg[1..], usize::MAX), TYPE_ERR)?;
    if bits < 1 || (signed && bits > 64) || (!signed && bits > 63) {
        return Err(Reply::err(TYPE_ERR));
    }
    Ok((signed, bits as u32))
}

/// Reads `bits` bits at bit `offset` (MSB first), as unsigned; bytes past the end are zero.
pub(crate) fn get_unsigned(s: &[u8], offset: u64, bits: u32) -> u64 {
    let mut v = 0u64;
    for i in offset..offset + bits as u64 {
        let byte = s.get((i >> 3) as usize).copied().unwrap_or(0);
        v = (v << 1) | ((byte >> (7 - (i & 7))) & 1) as u64;
    }
    v
}

pub(crate) fn get_signed(s: &[u8], offset: u64, bits: u32) -> i64 {
    let v = get_unsigned(s, offset, bits);
    if bits < 64 && v & (1 << (bits - 1)) != 0 {
        (v | (u64::MAX << bits)) as i64
    } else {
        v as i64
    }
}

/// Writes the low `bits` bits of `v` at bit `offset`; the buffer already holds them.
pub(crate) fn set_bits(s: &mut [u8], offset: u64, bits: u32, v: u64) {
    for k in 0..bits as u64 {
        let i = offset + k;
        let bit = (v >> (bits as u64 - 1 - k)) & 1;
        let mask = 1u8 << (7 - (i & 7));
        let byte = &mut s[(i >> 3) as usize];
        *byte = if bit == 1 {
            *byte | mask
        } else {
            *byte & !mask
        };
    }
}

/// Redis's `checkUnsignedBitfieldOverflow`: Some(replacement) on overflow (the wrapped or
/// saturated value; unused for FAIL), None when `value + incr` fits.
pub(crate) fn unsigned_overflow(value: u64, incr: i64, bits: u32, ow: Overflow) -> Option<u64> {
    let max = (1u64 << bits) - 1;
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = (value as i64).wrapping_neg();
    let wrap = || value.wrapping_add(incr as u64) & max;
    if value > max || (incr > 0 && incr > maxincr) {
        Some(if ow == Overflow::Sat { max } else { wrap() })
    } else if incr < 0 && incr < minincr {
        Some(if ow == Overflow::Sat { 0 } else { wrap() })
    } else {
        None
    }
}

/// Redis's `checkSignedBitfieldOverflow`, including its wrapping intermediate arithmetic.
pub(crate) fn signed_overflow(value: i64, incr: i64, bits: u32, ow: Overflow) -> Option<i64> {
    let max: i64 = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrap = || {
        let c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let mask = u64::MAX << bits;
            if c & (1 << (bits - 1)) != 0 {
                (c | mask) as i64
            } else {
                (c & !mask) as i64
            }
        } else {
            c as i64
        }
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        Some(if ow == Overflow::Sat { max } else { wrap() })
    } else if value < min
        || (bits != 64 && incr < minincr)
        || (value < 0 && incr < 0 && incr < minincr)
    {
        Some(if ow == Overflow::Sat { min } else { wrap() })
    } else {
        None
    }
}

/// Parses all subcommands first (any error aborts before touching the key).
fn parse_ops(ctx: &Ctx, a: &[Bytes]) -> Result<Vec<FieldOp>, Reply> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < a.len() {
        let rem = a.len() - j - 1;
        let sub = &a[j];
        let op = if args::is(sub, "get") && rem >= 2 {
            Op::Get
        } else if args::is(sub, "set") && rem >= 3 {
            Op::Set
        } else if args::is(sub, "incrby") && rem >= 3 {
            Op::Incr
        } else if args::is(sub, "overflow") && rem >= 1 {
            let t = &a[j + 1];
            overflow = if args::is(t, "wrap") {
                Overflow::Wrap
            } else if args::is(t, "sat") {
                Overflow::Sat
            } else if args::is(t, "fail") {
                Overflow::Fail
            } else {
                return Err(Reply::err("ERR Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(errors::syntax());
        };
        let (signed, bits) = parse_type(&a[j + 1])?;
        let offset = bit_offset(ctx, &a[j + 2], Some(bits))?;
        let value = if op == Op::Get {
            0
        } else {
            args::int(&a[j + 3])?
        };
        ops.push(FieldOp {
            op,
            signed,
            bits,
            offset,
            value,
            overflow,
        });
        j += if op == Op::Get { 3 } else { 4 };
    }
    Ok(ops)
}

/// Runs one SET/INCRBY on `buf`: the reply (nil when FAIL blocked the write).
fn write_op(buf: &mut [u8], f: &FieldOp) -> Reply {
    let (new, reply, failed) = if f.signed {
        let old = get_signed(buf, f.offset, f.bits);
        let (new, of, reply_new) = match f.op {
            Op::Incr => {
                let of = signed_overflow(old, f.value, f.bits, f.overflow);
                (
                    of.unwrap_or_else(|| old.wrapping_add(f.value)),
                    of.is_some(),
                    true,
                )
            }
            _ => {
                let of = signed_overflow(f.value, 0, f.bits, f.overflow);
                (of.unwrap_or(f.value), of.is_some(), false)
            }
        };
        (new as u64, if reply_new { new } else { old }, of)
    } else {
        let old = get_unsigned(buf, f.offset, f.bits);
        let (new, of, reply_new) = match f.op {
            Op::Incr => {
                let of = unsigned_overflow(old, f.value, f.bits, f.overflow);
                (
                    of.unwrap_or_else(|| old.wrapping_add(f.value as u64)),
                    of.is_some(),
                    true,
                )
            }
            _ => {
                let of = unsigned_overflow(f.value as u64, 0, f.bits, f.overflow);
                (of.unwrap_or(f.value as u64), of.is_some(), false)
            }
        };
        (new, if reply_new { new as i64 } else { old as i64 }, of)
    };
    if failed && f.overflow == Overflow::Fail {
        return Reply::Nil;
    }
    set_bits(buf, f.offset, f.bits, new);
    Reply::Int(reply)
}

fn read_op(s: &[u8], f: &FieldOp) -> Reply {
    Reply::Int(if f.signed {
        get_signed(s, f.offset, f.bits)
    } else {
        get_unsigned(s, f.offset, f.bits) as i64
    })
}

fn generic(ctx: &mut Ctx, a: &[Bytes], read_only: bool) -> Reply {
    let ops = match parse_ops(ctx, a) {
        Ok(ops) => ops,
        Err(e) => return e,
    };
    let key = &a[1];
    let writes: Vec<&FieldOp> = ops.iter().filter(|f| f.op != Op::Get).collect();
    if writes.is_empty() {
        let s = match ctx.lookup_read(key) {
            None => Vec::new(),
            Some(Value::Str(s)) => s.as_bytes().into_owned(),
            #[allow(unreachable_patterns)]
            Some(_) => return errors::wrongtype(),
        };
        return Reply::Array(ops.iter().map(|f| read_op(&s, f)).collect());
    }
    if read_only {
        return Reply::err("ERR BITFIELD_RO only supports the GET subcommand");
    }
    let highest = writes
        .iter()
        .map(|f| f.offset + f.bits as u64 - 1)
        .max()
        .unwrap_or(0);
    let (buf, grown) = match string_for_bits(ctx, key, highest) {
        Ok(r) => r,
        Err(e) => return e,
    };
    // Redis counts a write that changed its bits, or any write when the string was created
    // or grew; a failed overflow writes nothing.
    let mut changes = 0;
    let replies = ops
        .iter()
        .map(|f| match f.op {
            Op::Get => read_op(buf, f),
            _ => {
                let bytes = (f.offset / 8) as usize..=((f.offset + f.bits as u64 - 1) / 8) as usize;
                let before: Vec<u8> = buf[bytes.clone()].to_vec();
                let reply = write_op(buf, f);
                let wrote = !matches!(reply, Reply::Nil);
                if wrote && (grown || buf[bytes] != before[..]) {
                    changes += 1;
                }
                reply
            }
        })
        .collect();
    for _ in 0..changes {
        ctx.signal_modified(key);
    }
    if changes == 0 && grown {
        // Redis counts no change here though the string was created or grew (only failed
        // writes): keep the effect anyway, so a replay builds the same string.
        ctx.rewrite_effect(a.to_vec());
    }
    if changes > 0 {
        ctx.notify(notify::STRING, "setbit", key);
    }
    Reply::Array(replies)
}

pub fn bitfield(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, false)
}

pub fn bitfield_ro(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    generic(ctx, a, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Overflow::*;

    #[test]
    fn unsigned_overflows() {
        assert_eq!(unsigned_overflow(250, 10, 8, Wrap), Some(4));
        assert_eq!(unsigned_overflow(250, 10, 8, Sat), Some(255));
        assert_eq!(unsigned_overflow(5, -10, 8, Sat), Some(0));
        assert_eq!(unsigned_overflow(5, -10, 8, Wrap), Some(251));
        assert_eq!(unsigned_overflow(5, 250, 8, Wrap), None);
        // SET u8 -1 is an overflow of the value itself: SAT gives the max.
        assert_eq!(unsigned_overflow(u64::MAX, 0, 8, Sat), Some(255));
        assert_eq!(unsigned_overflow(u64::MAX, 0, 8, Wrap), Some(255));
    }

    #[test]
    fn signed_overflows() {
        assert_eq!(signed_overflow(120, 10, 8, Wrap), Some(-126));
        assert_eq!(signed_overflow(120, 10, 8, Sat), Some(127));
        assert_eq!(signed_overflow(-120, -10, 8, Sat), Some(-128));
        assert_eq!(signed_overflow(-120, -10, 8, Wrap), Some(126));
        assert_eq!(signed_overflow(100, 27, 8, Wrap), None);
        assert_eq!(signed_overflow(i64::MAX, 1, 64, Wrap), Some(i64::MIN));
        assert_eq!(signed_overflow(i64::MAX, 1, 64, Sat), Some(i64::MAX));
        assert_eq!(signed_overflow(i64::MIN, -1, 64, Sat), Some(i64::MIN));
        assert_eq!(signed_overflow(-1, i64::MIN, 64, Wrap), Some(i64::MAX));
        assert_eq!(signed_overflow(200, 0, 8, Wrap), Some(-56));
    }

    #[test]
    fn bit_access() {
        let mut s = vec![0u8; 3];
        set_bits(&mut s, 5, 8, 0xab);
        assert_eq!(get_unsigned(&s, 5, 8), 0xab);
        assert_eq!(get_signed(&s, 5, 8), 0xab_u8 as i8 as i64);
        assert_eq!(get_unsigned(&s, 20, 10), get_unsigned(&s, 20, 4) << 6);
        assert!(parse_type(b"u64").is_err());
        assert_eq!(parse_type(b"i64").unwrap(), (true, 64));
        assert!(parse_type(b"i0").is_err() && parse_type(b"x8").is_err());
    }
}
