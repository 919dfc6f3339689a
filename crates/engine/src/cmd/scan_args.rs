//! Cursor and option handling shared by HSCAN and SSCAN (Redis's `scanGenericCommand` for a
//! collection): compact encodings answer everything at once with cursor 0; hash tables walk
//! the `Dict` with its reverse-binary cursor.

use crate::args;
use crate::dict::Dict;
use crate::errors;
use crate::util::glob::glob_match;
use bytes::Bytes;
use resp::Reply;

/// The cursor argument as C's `strtoul` reads it, with Redis's extra checks: no leading
/// space, nothing after the digits, no overflow. A sign is allowed (`-1` wraps around) and an
/// empty string reads as 0, as in Redis.
pub fn parse_cursor(arg: &[u8]) -> Result<u64, Reply> {
    let invalid = || Reply::err("ERR invalid cursor");
    let (neg, digits) = match arg.first() {
        Some(b'-') => (true, &arg[1..]),
        Some(b'+') => (false, &arg[1..]),
        _ => (false, arg),
    };
    if arg.is_empty() {
        return Ok(0);
    }
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let mut v: u64 = 0;
    for d in digits {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or_else(invalid)?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// COUNT and MATCH, as `[key] cursor` is followed by them.
pub struct ScanOpts {
    pub count: usize,
    pub pattern: Option<Bytes>,
}

impl ScanOpts {
    /// Parses the options after the cursor (`args` starts at the first option).
    pub fn parse(args: &[Bytes]) -> Result<ScanOpts, Reply> {
        let mut opts = ScanOpts {
            count: 10,
            pattern: None,
        };
        let mut i = 0;
        while i < args.len() {
            let more = args.len() - i >= 2;
            if args::is(&args[i], "count") && more {
                let n = args::int(&args[i + 1])?;
                if n < 1 {
                    return Err(errors::syntax());
                }
                opts.count = usize::try_from(n).unwrap_or(usize::MAX);
            } else if args::is(&args[i], "match") && more {
                let p = &args[i + 1];
                opts.pattern = if &p[..] == b"*" {
                    None
                } else {
                    Some(p.clone())
                };
            } else {
                return Err(errors::syntax());
            }
            i += 2;
        }
        Ok(opts)
    }

    /// True when `item` passes MATCH.
    pub fn matches(&self, item: &[u8]) -> bool {
        self.pattern
            .as_ref()
            .is_none_or(|p| glob_match(p, item, false))
    }

    /// Walks a hash table from `cursor` like Redis: until `count` items were collected
    /// (`per_entry` items per entry: 2 for hashes), at most `count * 10` buckets, or the end.
    /// Returns the next cursor.
    pub fn walk<V>(
        &self,
        d: &Dict<Box<[u8]>, V>,
        mut cursor: u64,
        per_entry: usize,
        mut f: impl FnMut(&[u8], &V),
    ) -> u64 {
        let mut budget = self.count.saturating_mul(10);
        let mut items = 0usize;
        loop {
            cursor = d.scan(cursor, |k, v| {
                items += per_entry;
                f(k, v);
            });
            if cursor == 0 || budget == 0 || items >= self.count {
                return cursor;
            }
            budget -= 1;
        }
    }
}

/// The reply of a SCAN-family command: the next cursor and the items.
pub fn reply(cursor: u64, items: Vec<Reply>) -> Reply {
    Reply::Array(vec![
        Reply::Bulk(Bytes::from(cursor.to_string())),
        Reply::Array(items),
    ])
}

/// What a scan of a missing key answers.
pub fn empty() -> Reply {
    reply(0, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_like_strtoul() {
        assert_eq!(parse_cursor(b"0").ok(), Some(0));
        assert_eq!(parse_cursor(b"").ok(), Some(0));
        assert_eq!(parse_cursor(b"+7").ok(), Some(7));
        assert_eq!(parse_cursor(b"-1").ok(), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615").ok(), Some(u64::MAX));
        for bad in [
            &b"18446744073709551616"[..],
            b" 1",
            b"1 ",
            b"abc",
            b"-",
            b"+",
            b"0x1",
        ] {
            assert!(parse_cursor(bad).is_err(), "{bad:?}");
        }
    }
}
