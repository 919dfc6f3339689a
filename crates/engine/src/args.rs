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

/// True when `arg` equals `word` ignoring ASCII case.
pub fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

/// A reply of bulk strings.
pub fn bulk_array<I: IntoIterator<Item = Bytes>>(items: I) -> Reply {
    Reply::Array(items.into_iter().map(Reply::Bulk).collect())
}
