//! Argument parsing shared by handlers, with Redis's error replies.

use crate::errors;
use crate::util::num::string2ll;
use bytes::Bytes;
use resp::Reply;

/// An integer argument (`getLongLongFromObjectOrReply`).
pub fn int(arg: &[u8]) -> Result<i64, Reply> {
    string2ll(arg).ok_or_else(errors::not_integer)
}

/// An integer argument with a custom error text (`ERR <msg>`).
pub fn int_or(arg: &[u8], msg: &'static str) -> Result<i64, Reply> {
    string2ll(arg).ok_or_else(|| Reply::err(msg))
}

/// Redis's `getRangeLongFromObjectOrReply`: an integer within `min..=max`. A non-number is
/// `msg` or the generic integer error; an out-of-range number is `msg` or
/// `ERR value is out of range, value must between <min> and <max>`.
pub fn int_in_range(
    arg: &[u8],
    min: i64,
    max: i64,
    msg: Option<&'static str>,
) -> Result<i64, Reply> {
    let n = match string2ll(arg) {
        Some(n) => n,
        None => return Err(msg.map_or_else(errors::not_integer, Reply::err)),
    };
    if n < min || n > max {
        return Err(match msg {
            Some(m) => Reply::err(m),
            None => Reply::error(format!(
                "ERR value is out of range, value must between {min} and {max}"
            )),
        });
    }
    Ok(n)
}

/// Redis's `getIntFromObjectOrReply`: an integer that fits a C `int`.
pub fn int32(arg: &[u8], msg: Option<&'static str>) -> Result<i64, Reply> {
    int_in_range(arg, i32::MIN as i64, i32::MAX as i64, msg)
}

/// True when `arg` equals `word` ignoring ASCII case.
pub fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

/// A reply of bulk strings.
pub fn bulk_array<I: IntoIterator<Item = Bytes>>(items: I) -> Reply {
    Reply::Array(items.into_iter().map(Reply::Bulk).collect())
}
