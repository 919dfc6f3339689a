//! List commands that work across keys: LMOVE/RPOPLPUSH and LMPOP, with the cores the blocking
//! forms (BLMOVE, BRPOPLPUSH, BLMPOP) share.

use super::lists::{
    after_removal, bulk, list_mut, pop_elements, pop_event, push_event, push_values,
};
use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::value::list::End;
use bytes::Bytes;
use resp::Reply;

/// LEFT / RIGHT argument (`getListPositionFromObjectOrReply`).
pub(crate) fn parse_end(arg: &[u8]) -> Result<End, Reply> {
    if args::is(arg, "left") {
        Ok(End::Left)
    } else if args::is(arg, "right") {
        Ok(End::Right)
    } else {
        Err(errors::syntax())
    }
}

/// LMOVE's core, shared with RPOPLPUSH, BLMOVE and BRPOPLPUSH: moves one element and replies
/// with it; Nil when the source is missing.
pub(crate) fn move_element(ctx: &mut Ctx, src: &[u8], dst: &[u8], from: End, to: End) -> Reply {
    match list_mut(ctx, src) {
        Err(e) => return e,
        Ok(None) => return Reply::Nil,
        Ok(Some(l)) if l.is_empty() => return Reply::Nil,
        Ok(Some(_)) => {}
    }
    if let Err(e) = list_mut(ctx, dst) {
        return e;
    }
    let (value, src_empty) = match list_mut(ctx, src) {
        Ok(Some(l)) => match l.pop(from) {
            Some(v) => {
                if src == dst {
                    l.push(to, v.as_slice());
                }
                (v, l.is_empty())
            }
            None => return Reply::Nil,
        },
        _ => return Reply::Nil,
    };
    if src != dst {
        let pushed = [Bytes::copy_from_slice(value.as_slice())];
        if let Err(e) = push_values(ctx, dst, to, &pushed, false) {
            return e;
        }
        // The move counts once, with the push (Redis's one dirty increment).
        after_removal(ctx, src, src_empty, pop_event(from), 0);
    } else {
        ctx.signal_modified(src);
        ctx.signal_key_ready(dst);
        ctx.notify(notify::LIST, push_event(to), dst);
        ctx.notify(notify::LIST, pop_event(from), src);
    }
    bulk(value.as_slice())
}

pub(super) fn rpoplpush(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    move_element(ctx, &a[1], &a[2], End::Right, End::Left)
}

pub(super) fn lmove(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (from, to) = match (parse_end(&a[3]), parse_end(&a[4])) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    move_element(ctx, &a[1], &a[2], from, to)
}

/// Parsed `numkeys key... LEFT|RIGHT [COUNT n]` of LMPOP/BLMPOP, starting at `numkeys_idx`.
pub(crate) struct MpopArgs {
    pub keys: std::ops::Range<usize>,
    pub end: End,
    pub count: usize,
}

pub(crate) fn parse_mpop(a: &[Bytes], numkeys_idx: usize) -> Result<MpopArgs, Reply> {
    let numkeys = match args::int(&a[numkeys_idx]) {
        Ok(n) if n >= 1 => n as u64,
        _ => return Err(Reply::err("ERR numkeys should be greater than 0")),
    };
    let where_idx = numkeys_idx as u64 + numkeys + 1;
    if where_idx >= a.len() as u64 {
        return Err(errors::syntax());
    }
    let where_idx = where_idx as usize;
    let end = parse_end(&a[where_idx])?;
    let mut count: Option<usize> = None;
    let mut j = where_idx + 1;
    while j < a.len() {
        if count.is_none() && args::is(&a[j], "count") && j + 1 < a.len() {
            match args::int(&a[j + 1]) {
                Ok(n) if n >= 1 => count = Some(n as usize),
                _ => return Err(Reply::err("ERR count should be greater than 0")),
            }
            j += 2;
        } else {
            return Err(errors::syntax());
        }
    }
    Ok(MpopArgs {
        keys: numkeys_idx + 1..where_idx,
        end,
        count: count.unwrap_or(1),
    })
}

/// Pops from the first non-empty list among `keys` and replies `[key, [elements]]`, with the
/// effect `LPOP|RPOP key n`. Ok(None) when every key is missing; wrong-typed keys are errors
/// unless `skip_wrongtype` (a parked client re-run: Redis only serves it from list keys).
pub(crate) fn mpop_first(
    ctx: &mut Ctx,
    keys: &[Bytes],
    end: End,
    count: usize,
    skip_wrongtype: bool,
) -> Result<Option<Reply>, Reply> {
    for key in keys {
        if !ctx.serves_from(key) {
            continue;
        }
        match list_mut(ctx, key) {
            Ok(None) => continue,
            Ok(Some(l)) if l.is_empty() => continue,
            Ok(Some(_)) => {}
            Err(_) if skip_wrongtype => continue,
            Err(e) => return Err(e),
        }
        let items = pop_elements(ctx, key, end, count)?.unwrap_or_default();
        let name: &[u8] = match end {
            End::Left => b"LPOP",
            End::Right => b"RPOP",
        };
        ctx.rewrite_effect(vec![
            Bytes::from_static(name),
            key.clone(),
            Bytes::from(items.len().to_string()),
        ]);
        return Ok(Some(Reply::Array(vec![
            Reply::Bulk(key.clone()),
            Reply::Array(items),
        ])));
    }
    Ok(None)
}

pub(super) fn lmpop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let p = match parse_mpop(a, 1) {
        Ok(p) => p,
        Err(e) => return e,
    };
    match mpop_first(ctx, &a[p.keys], p.end, p.count, false) {
        Ok(Some(r)) => r,
        Ok(None) => Reply::NilArray,
        Err(e) => e,
    }
}
