//! Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP (BITFIELD lives in `bitfield`).
//! Bits are numbered from the most significant bit of byte 0, as in Redis.

use super::bitfield::{bitfield, bitfield_ro};
use super::strings::{max_bulk_len, write_string};
use crate::args;
use crate::command::{acl, flags, ks, Command, Family, KeySpec};
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::value::{RString, Value};
use bytes::Bytes;
use resp::Reply;

const RO_ACCESS: &[KeySpec] = &[ks::one(1, ks::RO_ACCESS)];
const RW_ACCESS_UPDATE: &[KeySpec] = &[ks::one(1, ks::RW_ACCESS_UPDATE)];
const BITFIELD_SPEC: &[KeySpec] = &[KeySpec {
    notes: "This command allows both access and modification of the key",
    ..ks::one(1, &["RW", "access", "update", "variable_flags"])
}];
const BITOP_SPEC: &[KeySpec] = &[
    ks::one(2, ks::OW_UPDATE),
    ks::range(3, -1, 1, ks::RO_ACCESS),
];

const BITMAP: Family = Family {
    acl: acl::BITMAP,
    group: "bitmap",
};

pub const COMMANDS: &[Command] = &[
    BITMAP.key1(
        "setbit",
        4,
        flags::WRITE | flags::DENYOOM,
        RW_ACCESS_UPDATE,
        "2.2.0",
        "Sets or clears the bit at offset in the string value stored at key",
        "O(1)",
        setbit,
    ),
    BITMAP.key1(
        "getbit",
        3,
        flags::READONLY | flags::FAST,
        RO_ACCESS,
        "2.2.0",
        "Returns the bit value at offset in the string value stored at key",
        "O(1)",
        getbit,
    ),
    BITMAP.key1(
        "bitcount",
        -2,
        flags::READONLY,
        RO_ACCESS,
        "2.6.0",
        "Count set bits in a string",
        "O(N)",
        bitcount,
    ),
    BITMAP.key1(
        "bitpos",
        -3,
        flags::READONLY,
        RO_ACCESS,
        "2.8.7",
        "Find first bit set or clear in a string",
        "O(N)",
        bitpos,
    ),
    Command {
        first_key: 2,
        last_key: -1,
        ..BITMAP.key1(
            "bitop",
            -4,
            flags::WRITE | flags::DENYOOM,
            BITOP_SPEC,
            "2.6.0",
            "Perform bitwise operations between strings",
            "O(N)",
            bitop,
        )
    },
    Command {
        getkeys: Some(bitfield_keys),
        ..BITMAP.key1(
            "bitfield",
            -2,
            flags::WRITE | flags::DENYOOM,
            BITFIELD_SPEC,
            "3.2.0",
            "Perform arbitrary bitfield integer operations on strings",
            "O(1) for each subcommand specified",
            bitfield,
        )
    },
    BITMAP.key1(
        "bitfield_ro",
        -2,
        flags::READONLY | flags::FAST,
        RO_ACCESS,
        "6.0.0",
        "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
        "O(1) for each subcommand specified",
        bitfield_ro,
    ),
];

/// BITFIELD's key flags (Redis's `bitfieldGetKeys`): read-only unless a SET/INCRBY (or
/// something unparsable) appears.
fn bitfield_keys(argv: &[Bytes]) -> Vec<(usize, &'static [&'static str])> {
    let mut i = 2;
    let mut readonly = true;
    while i < argv.len() {
        let rem = argv.len() - i - 1;
        let a = &argv[i];
        if args::is(a, "get") && rem >= 2 {
            i += 3;
        } else if args::is(a, "overflow") && rem >= 1 {
            i += 2;
        } else {
            readonly = false;
            break;
        }
    }
    vec![(
        1,
        if readonly {
            ks::RO_ACCESS
        } else {
            ks::RW_ACCESS_UPDATE
        },
    )]
}

const BIT_OFFSET_ERR: &str = "ERR bit offset is not an integer or out of range";

/// Redis's `getBitOffsetFromArgument`: a bit offset below `proto-max-bulk-len * 8`; with
/// `hash_bits`, the `#n` form means `n * bits` (BITFIELD).
pub(crate) fn bit_offset(ctx: &Ctx, arg: &[u8], hash_bits: Option<u32>) -> Result<u64, Reply> {
    let hashed = hash_bits.filter(|_| arg.first() == Some(&b'#'));
    let digits = if hashed.is_some() { &arg[1..] } else { arg };
    let mut n = args::int_or(digits, BIT_OFFSET_ERR)?;
    if let Some(bits) = hashed {
        n = n.wrapping_mul(bits as i64);
    }
    if n < 0 || (n >> 3) >= max_bulk_len(ctx) {
        return Err(Reply::err(BIT_OFFSET_ERR));
    }
    Ok(n as u64)
}

/// Redis's `lookupStringForBitCommand`: the key's string made `raw` and zero-grown to hold
/// bit `max_bit`, created when missing. Returns whether it was created or grew.
pub(crate) fn string_for_bits<'c>(
    ctx: &'c mut Ctx<'_>,
    key: &[u8],
    max_bit: u64,
) -> Result<(&'c mut Vec<u8>, bool), Reply> {
    let need = (max_bit >> 3) as usize + 1;
    let created = write_string(ctx, key)?.is_none();
    if created {
        // Counted by the caller, with its change (Redis's dbAdd counts nothing).
        ctx.insert_key(key, Value::Str(RString::Raw(Vec::new())), false);
    }
    let Some(s) = write_string(ctx, key)? else {
        return Err(errors::wrongtype());
    };
    let buf = s.make_raw();
    let grew = buf.len() < need;
    if grew {
        buf.resize(need, 0);
    }
    Ok((buf, created || grew))
}

/// The bytes of a string key for reading: Ok(None) when missing.
fn read_bytes(ctx: &mut Ctx, key: &[u8]) -> Result<Option<Vec<u8>>, Reply> {
    Ok(ctx.read_string(key)?.map(|s| s.as_bytes().into_owned()))
}

/// SETBIT: replies the old bit; counts a change only when the string was created, grew, or
/// the bit flipped (Redis 7.0 skips the dirty bump otherwise, though the value turns `raw`).
fn setbit(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let offset = match bit_offset(ctx, &a[2], None) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let on = match args::int_or(&a[3], "ERR bit is not an integer or out of range") {
        Ok(v @ (0 | 1)) => v == 1,
        Ok(_) => return Reply::err("ERR bit is not an integer or out of range"),
        Err(e) => return e,
    };
    let (buf, dirty) = match string_for_bits(ctx, &a[1], offset) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let byte = (offset >> 3) as usize;
    let mask = 1u8 << (7 - (offset & 7));
    let old = buf[byte] & mask != 0;
    if dirty || old != on {
        if on {
            buf[byte] |= mask;
        } else {
            buf[byte] &= !mask;
        }
        ctx.signal_modified(&a[1]);
        ctx.notify(notify::STRING, "setbit", &a[1]);
    }
    Reply::Int(old as i64)
}

fn getbit(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let offset = match bit_offset(ctx, &a[2], None) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let s = match read_bytes(ctx, &a[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Reply::Int(0),
        Err(e) => return e,
    };
    let byte = (offset >> 3) as usize;
    let bit = s
        .get(byte)
        .is_some_and(|b| b & (1 << (7 - (offset & 7))) != 0);
    Reply::Int(bit as i64)
}

/// A resolved bit range [first, last] (in bits) of a string, or None when empty.
/// `start`/`end` are bytes unless `bit`; negative values count from the end.
fn bit_range(start: i64, end: i64, len: usize, bit: bool) -> Option<(u64, u64)> {
    let total = if bit { len as i64 * 8 } else { len as i64 };
    let fix = |v: i64| if v < 0 { (total + v).max(0) } else { v };
    let (start, end) = (fix(start), fix(end).min(total - 1));
    if start > end {
        return None;
    }
    Some(if bit {
        (start as u64, end as u64)
    } else {
        (start as u64 * 8, end as u64 * 8 + 7)
    })
}

/// Parses the optional BYTE|BIT unit argument.
fn unit(arg: Option<&Bytes>) -> Result<bool, Reply> {
    match arg {
        None => Ok(false),
        Some(u) if args::is(u, "bit") => Ok(true),
        Some(u) if args::is(u, "byte") => Ok(false),
        Some(_) => Err(errors::syntax()),
    }
}

fn get_bit(s: &[u8], i: u64) -> bool {
    s[(i >> 3) as usize] & (1 << (7 - (i & 7))) != 0
}

/// Number of set bits in bit positions [first, last].
fn count_bits(s: &[u8], first: u64, last: u64) -> u64 {
    let (fb, lb) = ((first >> 3) as usize, (last >> 3) as usize);
    let mut n: u64 = s[fb..=lb].iter().map(|b| b.count_ones() as u64).sum();
    for i in (fb as u64 * 8)..first {
        n -= get_bit(s, i) as u64;
    }
    for i in (last + 1)..(lb as u64 * 8 + 8) {
        n -= get_bit(s, i) as u64;
    }
    n
}

/// BITCOUNT: a missing key answers 0 before the range is even parsed (Redis 7.0 order).
fn bitcount(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let s = match read_bytes(ctx, &a[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Reply::Int(0),
        Err(e) => return e,
    };
    let range = match a.len() {
        2 => bit_range(0, -1, s.len(), false),
        4 | 5 => {
            let (start, end) = match (args::int(&a[2]), args::int(&a[3])) {
                (Ok(x), Ok(y)) => (x, y),
                (Err(e), _) | (_, Err(e)) => return e,
            };
            // Redis answers 0 for two negative, crossed indexes before it reads the unit.
            if start < 0 && end < 0 && start > end {
                return Reply::Int(0);
            }
            let bit = match unit(a.get(4)) {
                Ok(b) => b,
                Err(e) => return e,
            };
            bit_range(start, end, s.len(), bit)
        }
        _ => return errors::syntax(),
    };
    Reply::Int(range.map_or(0, |(f, l)| count_bits(&s, f, l)) as i64)
}

/// BITPOS: the first `bit` in the range. Looking for 0 without an explicit end treats the
/// string as zero-padded on the right (answers the first bit past the range); with an end
/// given, or looking for 1, not found is -1.
fn bitpos(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let want = match args::int(&a[2]) {
        Ok(b @ (0 | 1)) => b == 1,
        Ok(_) => return Reply::err("ERR The bit argument must be 1 or 0."),
        Err(e) => return e,
    };
    let s = match read_bytes(ctx, &a[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Reply::Int(if want { -1 } else { 0 }),
        Err(e) => return e,
    };
    if a.len() > 6 {
        return errors::syntax();
    }
    let start = match a.get(3).map(|x| args::int(x)).transpose() {
        Ok(v) => v.unwrap_or(0),
        Err(e) => return e,
    };
    let bit = match unit(a.get(5)) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let end = match a.get(4).map(|x| args::int(x)).transpose() {
        Ok(v) => v,
        Err(e) => return e,
    };
    let Some((first, last)) = bit_range(start, end.unwrap_or(-1), s.len(), bit) else {
        return Reply::Int(-1);
    };
    let fb = (first >> 3) as usize;
    let found = s[fb..=(last >> 3) as usize]
        .iter()
        .enumerate()
        .filter(|(_, &b)| b != if want { 0 } else { 0xff })
        .flat_map(|(k, _)| {
            let base = (fb + k) as u64 * 8;
            (base..base + 8).filter(|&i| i >= first && i <= last && get_bit(&s, i) == want)
        })
        .next();
    match found {
        Some(i) => Reply::Int(i as i64),
        None if !want && end.is_none() => Reply::Int(last as i64 + 1),
        None => Reply::Int(-1),
    }
}

/// BITOP: missing keys are empty strings; the result (raw, TTL dropped) is as long as the
/// longest input, and an all-empty result deletes the destination.
fn bitop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let op = a[1].to_ascii_lowercase();
    let op = match errors::c_str_prefix(&op, usize::MAX) {
        b"and" | b"or" | b"xor" | b"not" => op,
        _ => return errors::syntax(),
    };
    let not = op.starts_with(b"not");
    if not && a.len() != 4 {
        return Reply::err("ERR BITOP NOT must be called with a single source key.");
    }
    let mut srcs = Vec::with_capacity(a.len() - 3);
    for key in &a[3..] {
        match read_bytes(ctx, key) {
            Ok(s) => srcs.push(s.unwrap_or_default()),
            Err(e) => return e,
        }
    }
    let maxlen = srcs.iter().map(Vec::len).max().unwrap_or(0);
    if maxlen == 0 {
        if ctx.delete(&a[2]) {
            ctx.notify(notify::GENERIC, "del", &a[2]);
        }
        return Reply::Int(0);
    }
    let byte = |s: &Vec<u8>, i: usize| s.get(i).copied().unwrap_or(0);
    let res: Vec<u8> = (0..maxlen)
        .map(|i| match op[0] {
            b'n' => !byte(&srcs[0], i),
            b'a' => srcs.iter().fold(0xff, |acc, s| acc & byte(s, i)),
            b'o' => srcs.iter().fold(0, |acc, s| acc | byte(s, i)),
            _ => srcs.iter().fold(0, |acc, s| acc ^ byte(s, i)),
        })
        .collect();
    ctx.set_key(&a[2], Value::Str(RString::Raw(res)), false);
    ctx.notify(notify::STRING, "set", &a[2]);
    Reply::Int(maxlen as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_ranges() {
        assert_eq!(bit_range(0, -1, 3, false), Some((0, 23)));
        assert_eq!(bit_range(1, 1, 3, false), Some((8, 15)));
        assert_eq!(bit_range(5, 30, 3, true), Some((5, 23)));
        assert_eq!(bit_range(-5, -1, 3, true), Some((19, 23)));
        assert_eq!(bit_range(3, 2, 3, false), None);
        assert_eq!(bit_range(0, -1, 0, false), None);
        assert_eq!(bit_range(i64::MIN, i64::MAX, 2, true), Some((0, 15)));
    }

    #[test]
    fn counting_edges() {
        let s = [0xffu8, 0x0f, 0xf0];
        assert_eq!(count_bits(&s, 0, 23), 16);
        assert_eq!(count_bits(&s, 4, 11), 4);
        assert_eq!(count_bits(&s, 12, 12), 1);
        assert_eq!(count_bits(&s, 16, 19), 4);
    }
}
