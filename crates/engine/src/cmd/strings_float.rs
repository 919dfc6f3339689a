//! INCRBYFLOAT. Redis computes in `long double` and stores `%.17Lf` with trailing zeros
//! trimmed; see `util::ldouble` for how that arithmetic is reproduced.

use super::strings::write_string;
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::util::ldouble::{self, LDouble};
use crate::value::{RString, Value};
use bytes::Bytes;
use resp::Reply;

/// INCRBYFLOAT: WRONGTYPE first, then the stored value must parse, then the increment; the
/// result is a plain (embstr/raw) string that keeps the TTL, propagated as
/// `SET key <result> KEEPTTL` so replicas never redo the float arithmetic.
pub fn incrbyfloat(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let key = &a[1];
    let cur = match write_string(ctx, key) {
        Err(e) => return e,
        Ok(None) => LDouble::ZERO,
        Ok(Some(RString::Int(n))) => LDouble::from_i64(*n),
        Ok(Some(s)) => match ldouble::parse(&s.as_bytes()) {
            Some(v) => v,
            None => return errors::not_float(),
        },
    };
    let Some(incr) = ldouble::parse(&a[2]) else {
        return errors::not_float();
    };
    let Some(sum) = cur.add(&incr).filter(|v| v.is_finite()) else {
        return Reply::err("ERR increment would produce NaN or Infinity");
    };
    let text = Bytes::from(sum.to_human());
    ctx.set_key(key, Value::Str(RString::plain(&text)), true);
    ctx.notify(notify::STRING, "incrbyfloat", key);
    ctx.rewrite_effect(vec![
        Bytes::from_static(b"SET"),
        key.clone(),
        text.clone(),
        Bytes::from_static(b"KEEPTTL"),
    ]);
    Reply::Bulk(text)
}
