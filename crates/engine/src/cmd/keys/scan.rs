//! SCAN cursor [MATCH pattern] [COUNT n] [TYPE type].
//!
//! The cursor is the keyspace `Dict`'s reverse-binary bucket cursor, so every key present for
//! the whole iteration is returned at least once, however the table grows or shrinks between
//! calls. As in Redis 7.0, filters apply after the buckets are read: a call may return fewer
//! than COUNT keys (even none) with a non-zero cursor.

use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::util::glob::glob_match;
use crate::util::num::string2ll;
use bytes::Bytes;
use resp::Reply;

/// Parses a cursor as Redis does with `strtoul`: the bytes up to the first NUL, no leading
/// space, an optional sign (a negative value wraps), decimal digits, nothing after, no
/// overflow. An empty string is cursor 0.
pub fn parse_cursor(arg: &[u8]) -> Option<u64> {
    let end = arg.iter().position(|&c| c == 0).unwrap_or(arg.len());
    let s = &arg[..end];
    if s.is_empty() {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

struct Options<'a> {
    count: usize,
    pattern: Option<&'a [u8]>,
    type_name: Option<&'a [u8]>,
}

fn parse_options(a: &[Bytes]) -> Result<Options<'_>, Reply> {
    let mut o = Options {
        count: 10,
        pattern: None,
        type_name: None,
    };
    let mut i = 2;
    while i < a.len() {
        let more = a.len() - i >= 2;
        if more && args::is(&a[i], "count") {
            let n = string2ll(&a[i + 1]).ok_or_else(errors::not_integer)?;
            if n < 1 {
                return Err(errors::syntax());
            }
            o.count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if more && args::is(&a[i], "match") {
            let p = &a[i + 1][..];
            // "*" matches everything: same as no pattern.
            o.pattern = if p == b"*" { None } else { Some(p) };
        } else if more && args::is(&a[i], "type") {
            o.type_name = Some(&a[i + 1][..]);
        } else {
            return Err(errors::syntax());
        }
        i += 2;
    }
    Ok(o)
}

pub fn scan(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let Some(mut cursor) = parse_cursor(&a[1]) else {
        return Reply::err("ERR invalid cursor");
    };
    let o = match parse_options(a) {
        Ok(o) => o,
        Err(e) => return e,
    };
    // Step 1: read buckets until COUNT keys or 10 * COUNT empty-ish steps.
    let mut found: Vec<Bytes> = Vec::new();
    let mut steps = o.count.saturating_mul(10);
    {
        let db = ctx.db();
        loop {
            cursor = db.scan(cursor, |k| found.push(Bytes::copy_from_slice(k)));
            // COUNT is a hint: a shorter batch is legal, the cursor carries the rest.
            if cursor == 0
                || steps == 0
                || found.len() >= o.count
                || crate::buggify!("scan.short-batch")
            {
                break;
            }
            steps -= 1;
        }
    }
    // Planted bug (simulator tests only): a batch of several keys loses its last one.
    if crate::planted!("scan-misses-key") && found.len() > 1 {
        found.pop();
    }
    // Step 2: filter by pattern, then type, then expiry (deleting expired keys).
    let mut keys = Vec::with_capacity(found.len());
    for key in found {
        if let Some(p) = o.pattern {
            if !glob_match(p, &key, false) {
                continue;
            }
        }
        if let Some(t) = o.type_name {
            let name = ctx
                .lookup_read_notouch(&key)
                .map_or("none", |v| v.type_name());
            if !t.eq_ignore_ascii_case(name.as_bytes()) {
                continue;
            }
        }
        if ctx.expire_if_needed(&key) {
            continue;
        }
        keys.push(Reply::Bulk(key));
    }
    Reply::Array(vec![
        Reply::Bulk(Bytes::from(cursor.to_string())),
        Reply::Array(keys),
    ])
}

#[cfg(test)]
mod tests {
    use super::parse_cursor;

    #[test]
    fn cursor_like_strtoul() {
        assert_eq!(parse_cursor(b"0"), Some(0));
        assert_eq!(parse_cursor(b""), Some(0));
        assert_eq!(parse_cursor(b"+7"), Some(7));
        assert_eq!(parse_cursor(b"007"), Some(7));
        assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_cursor(b"5\x00junk"), Some(5));
        assert_eq!(parse_cursor(b" 1"), None);
        assert_eq!(parse_cursor(b"1 "), None);
        assert_eq!(parse_cursor(b"-"), None);
        assert_eq!(parse_cursor(b"1.5"), None);
        assert_eq!(parse_cursor(b"abc"), None);
    }
}
