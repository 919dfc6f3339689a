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

/// True when `arg`, read as C reads it (up to the first NUL), equals `word` ignoring case:
/// Redis matches option names with `strcasecmp`, so `NX\0junk` counts as `NX`.
pub fn is(arg: &[u8], word: &str) -> bool {
    errors::c_str_prefix(arg, usize::MAX).eq_ignore_ascii_case(word.as_bytes())
}

/// The reply of a `<CMD> HELP` subcommand: a header line, the entries, then the `HELP` entry
/// every container ends with.
pub fn help_reply(container: &str, lines: &[&str]) -> Reply {
    let mut out = vec![Reply::Simple(Bytes::from(format!(
        "{container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    )))];
    let tail = ["HELP", "    Show this list."];
    out.extend(
        lines
            .iter()
            .chain(tail.iter())
            .map(|l| Reply::Simple(Bytes::copy_from_slice(l.as_bytes()))),
    );
    Reply::Array(out)
}

/// A reply of bulk strings.
pub fn bulk_array<I: IntoIterator<Item = Bytes>>(items: I) -> Reply {
    Reply::Array(items.into_iter().map(Reply::Bulk).collect())
}
