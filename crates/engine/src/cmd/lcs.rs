//! LCS: longest common subsequence of two string keys, by the classic dynamic-programming
//! table, with Redis's memory cap (the table may not exceed `proto-max-bulk-len` bytes).

use super::strings::max_bulk_len;
use crate::args;
use crate::ctx::Ctx;
use crate::errors;
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;

/// Reads a key for LCS: missing is "", another type is Err.
fn read(ctx: &mut Ctx, key: &[u8]) -> Result<Vec<u8>, ()> {
    match ctx.lookup_read(key) {
        None => Ok(Vec::new()),
        Some(Value::Str(s)) => Ok(s.as_bytes().into_owned()),
        #[allow(unreachable_patterns)]
        Some(_) => Err(()),
    }
}

pub fn lcs(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (x, y) = match (read(ctx, &a[1]), read(ctx, &a[2])) {
        (Ok(x), Ok(y)) => (x, y),
        _ => return Reply::err("ERR The specified keys must contain string values"),
    };
    let (mut getlen, mut getidx, mut withlen) = (false, false, false);
    let mut minlen: i64 = 0;
    let mut j = 3;
    while j < a.len() {
        let arg = &a[j];
        if args::is(arg, "idx") {
            getidx = true;
        } else if args::is(arg, "len") {
            getlen = true;
        } else if args::is(arg, "withmatchlen") {
            withlen = true;
        } else if args::is(arg, "minmatchlen") && j + 1 < a.len() {
            match args::int(&a[j + 1]) {
                Ok(n) => minlen = n.max(0),
                Err(e) => return e,
            }
            j += 1;
        } else {
            return errors::syntax();
        }
        j += 1;
    }
    if getidx && getlen {
        return Reply::err("ERR If you want both the length and indexes, please just use IDX.");
    }
    if x.len() as u64 >= u32::MAX as u64 - 1 || y.len() as u64 >= u32::MAX as u64 - 1 {
        return Reply::err("ERR String too long for LCS");
    }
    let cols = y.len() + 1;
    let cells = (x.len() as u64 + 1) * cols as u64;
    if cells.saturating_mul(4) > max_bulk_len(ctx) as u64 {
        return Reply::err(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        );
    }
    // table[i * cols + j] = LCS length of x[..i] and y[..j].
    let mut table = vec![0u32; cells as usize];
    for i in 1..=x.len() {
        for jj in 1..=y.len() {
            table[i * cols + jj] = if x[i - 1] == y[jj - 1] {
                table[(i - 1) * cols + jj - 1] + 1
            } else {
                table[(i - 1) * cols + jj].max(table[i * cols + jj - 1])
            };
        }
    }
    let total = table[x.len() * cols + y.len()];
    if getlen {
        return Reply::Int(total as i64);
    }
    // Walk back from the end, collecting the subsequence and the matching ranges in the
    // order Redis emits them (last range first).
    let mut out = vec![0u8; total as usize];
    let mut k = total as usize;
    let mut matches = Vec::new();
    // Current range: (a_start, a_end, b_start, b_end) while one is open.
    let mut range: Option<(usize, usize, usize, usize)> = None;
    let (mut i, mut jj) = (x.len(), y.len());
    while i > 0 && jj > 0 {
        let mut emit = false;
        if x[i - 1] == y[jj - 1] {
            out[k - 1] = x[i - 1];
            range = Some(match range {
                None => (i - 1, i - 1, jj - 1, jj - 1),
                Some((_, ae, _, be)) => (i - 1, ae, jj - 1, be),
            });
            if let Some((as_, _, bs, _)) = range {
                emit = as_ == 0 || bs == 0;
            }
            k -= 1;
            i -= 1;
            jj -= 1;
        } else {
            if table[(i - 1) * cols + jj] > table[i * cols + jj - 1] {
                i -= 1;
            } else {
                jj -= 1;
            }
            emit = range.is_some();
        }
        if emit {
            if let Some((as_, ae, bs, be)) = range.take() {
                let len = (ae - as_ + 1) as i64;
                if minlen == 0 || len >= minlen {
                    let mut m = vec![
                        Reply::Array(vec![Reply::Int(as_ as i64), Reply::Int(ae as i64)]),
                        Reply::Array(vec![Reply::Int(bs as i64), Reply::Int(be as i64)]),
                    ];
                    if withlen {
                        m.push(Reply::Int(len));
                    }
                    matches.push(Reply::Array(m));
                }
            }
        }
    }
    if getidx {
        return Reply::Map(vec![
            (
                Reply::bulk(Bytes::from_static(b"matches")),
                Reply::Array(matches),
            ),
            (
                Reply::bulk(Bytes::from_static(b"len")),
                Reply::Int(total as i64),
            ),
        ]);
    }
    Reply::bulk(Bytes::from(out))
}
