//! SORT and SORT_RO: sort a list, set or sorted set numerically or lexically, by its own
//! elements or by external keys (`BY`), project other keys (`GET`), page (`LIMIT`), and
//! optionally store the result as a list (`STORE`). Semantics follow Redis 7.0's sort.c:
//! the same option parsing, the same "don't sort" shortcuts for constant BY patterns, the same
//! tie-breaks, and glibc's stable sort, so equal keys keep their load order.

use crate::args;
use crate::command::{acl, flags, ks, Begin, Command, Find, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::value::list::{End, List};
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;
use std::cmp::Ordering;

const BY_GET_KEYS: KeySpec = KeySpec {
    notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
    flags: ks::RO_ACCESS,
    begin: Begin::Unknown,
    find: Find::Unknown,
};
const SORT_KEYS: &[KeySpec] = &[
    ks::one(1, ks::RO_ACCESS),
    BY_GET_KEYS,
    KeySpec {
        notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
        flags: ks::OW_UPDATE,
        begin: Begin::Unknown,
        find: Find::Unknown,
    },
];
const SORT_RO_KEYS: &[KeySpec] = &[ks::one(1, ks::RO_ACCESS), BY_GET_KEYS];

pub const COMMANDS: &[Command] = &[
    Command {
        name: "sort",
        arity: -2,
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLE_KEYS,
        acl: acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: SORT_KEYS,
        getkeys: Some(sort_getkeys),
        group: "generic",
        summary: "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.",
        complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
        traits: crate::command::traits::READS_UNNAMED_KEYS,
        handler: Some(sort),
        ..BASE
    },
    Command {
        name: "sort_ro",
        arity: -2,
        flags: flags::READONLY | flags::MOVABLE_KEYS,
        acl: acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: SORT_RO_KEYS,
        getkeys: Some(sort_ro_getkeys),
        group: "generic",
        since: "7.0.0",
        summary: "Returns the sorted elements of a list, a set, or a sorted set.",
        complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
        traits: crate::command::traits::READS_UNNAMED_KEYS,
        handler: Some(sort_ro),
        ..BASE
    },
];

/// Redis's `sortGetKeys`: the sorted key, plus the last STORE target, skipping the arguments
/// of LIMIT, GET and BY.
fn sort_getkeys(argv: &[Bytes]) -> Vec<crate::command::introspect::KeyAt> {
    let mut keys = vec![(1, ks::RO_ACCESS)];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let a = &argv[i];
        if args::is(a, "limit") {
            i += 2;
        } else if args::is(a, "get") || args::is(a, "by") {
            i += 1;
        } else if args::is(a, "store") && i + 1 < argv.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    if let Some(pos) = store {
        keys.push((pos, ks::OW_UPDATE));
    }
    keys
}

/// SORT_RO never stores: only the sorted key.
fn sort_ro_getkeys(_argv: &[Bytes]) -> Vec<crate::command::introspect::KeyAt> {
    vec![(1, ks::RO_ACCESS)]
}

struct Options {
    by: Option<Bytes>,
    /// BY a pattern without `*`: keep the native order.
    dontsort: bool,
    limit_start: i64,
    limit_count: i64,
    gets: Vec<Bytes>,
    desc: bool,
    alpha: bool,
    store: Option<Bytes>,
}

fn parse(a: &[Bytes], readonly: bool) -> Result<Options, Reply> {
    let mut o = Options {
        by: None,
        dontsort: false,
        limit_start: 0,
        limit_count: -1,
        gets: Vec::new(),
        desc: false,
        alpha: false,
        store: None,
    };
    let mut j = 2;
    while j < a.len() {
        let left = a.len() - j - 1;
        let opt = &a[j];
        if args::is(opt, "asc") {
            o.desc = false;
        } else if args::is(opt, "desc") {
            o.desc = true;
        } else if args::is(opt, "alpha") {
            o.alpha = true;
        } else if args::is(opt, "limit") && left >= 2 {
            o.limit_start = args::int(&a[j + 1])?;
            o.limit_count = args::int(&a[j + 2])?;
            j += 2;
        } else if args::is(opt, "store") && left >= 1 && !readonly {
            o.store = Some(a[j + 1].clone());
            j += 1;
        } else if args::is(opt, "by") && left >= 1 {
            o.dontsort = !c_str(&a[j + 1]).contains(&b'*');
            o.by = Some(a[j + 1].clone());
            j += 1;
        } else if args::is(opt, "get") && left >= 1 {
            o.gets.push(a[j + 1].clone());
            j += 1;
        } else {
            return Err(errors::syntax());
        }
        j += 1;
    }
    Ok(o)
}

/// The bytes C string functions see: up to the first NUL.
fn c_str(b: &[u8]) -> &[u8] {
    &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())]
}

/// What an element is compared by.
enum Weight {
    None,
    Score(f64),
    Text(Option<Vec<u8>>),
}

struct Item {
    elem: Bytes,
    weight: Weight,
}

fn sort(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    sort_generic(ctx, a, false)
}

fn sort_ro(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    sort_generic(ctx, a, true)
}

/// Elements of the value to sort, loaded as Redis loads them (native order where kept), with
/// LIMIT applied directly when the order is native. Returns the elements and the output range.
fn load(ctx: &mut Ctx, key: &[u8], o: &mut Options) -> Result<(Vec<Bytes>, usize, usize), Reply> {
    let value = if o.store.is_some() {
        if ctx.lookup_write(key).is_none() {
            // Redis reads the sorted key with a read lookup's event.
            ctx.notify(notify::KEY_MISS, "keymiss", key);
        }
        ctx.lookup_write(key).map(|v| &*v)
    } else {
        ctx.lookup_read(key)
    };
    let len = match value {
        None => 0,
        Some(Value::List(l)) => l.len(),
        Some(Value::Set(s)) => s.len(),
        Some(Value::ZSet(z)) => z.len(),
        Some(_) => return Err(errors::wrongtype()),
    };
    if let Some(Value::ZSet(_)) = value {
        // Redis converts a listpack zset to a skiplist for SORT, visibly in OBJECT ENCODING.
        if let Some(entry) = ctx.db().get_mut(key) {
            if let Value::ZSet(z) = &mut entry.value {
                z.convert_to_skiplist();
            }
        }
    }
    let from_script = ctx.client_id == crate::script::redis_api::SCRIPT_CLIENT;
    let value = ctx.db().get(key).map(|e| &e.value);
    if o.dontsort && (o.store.is_some() || from_script) && matches!(value, Some(Value::Set(_))) {
        // A set's native order is its hash order: when storing, or for a script (whose
        // writes must replay the same everywhere), sort it for a stable result.
        o.dontsort = false;
        o.alpha = true;
        o.by = None;
    }
    let (start, end) = limits(o.limit_start, o.limit_count, len as i64);
    let elems = match value {
        None => Vec::new(),
        Some(Value::List(l)) if o.dontsort => {
            if end < start {
                return Ok((Vec::new(), 0, 0));
            }
            let (s, e) = (start as usize, end as usize);
            let range: Vec<Bytes> = if o.desc {
                l.iter()
                    .rev()
                    .skip(s)
                    .take(e - s + 1)
                    .map(Bytes::copy_from_slice)
                    .collect()
            } else {
                l.range(s, e).map(Bytes::copy_from_slice).collect()
            };
            let n = range.len();
            return Ok((range, 0, n));
        }
        Some(Value::ZSet(z)) if o.dontsort => {
            // Rank order (reversed for DESC), with LIMIT applied while loading.
            if end < start {
                return Ok((Vec::new(), 0, 0));
            }
            let (s, e) = (start as usize, end as usize);
            let range = if o.desc {
                z.range(len - 1 - e, len - 1 - s, true)
            } else {
                z.range(s, e, false)
            };
            let n = range.len();
            return Ok((range.into_iter().map(|(m, _)| m).collect(), 0, n));
        }
        Some(Value::ZSet(z)) => z.iter().map(|(m, _)| Bytes::copy_from_slice(m)).collect(),
        Some(Value::List(l)) => l.iter().map(Bytes::copy_from_slice).collect(),
        Some(Value::Set(s)) => s.iter().map(|m| Bytes::copy_from_slice(&m)).collect(),
        Some(_) => unreachable!("type checked above"),
    };
    if end < start {
        return Ok((elems, 0, 0));
    }
    Ok((elems, start as usize, end as usize + 1))
}

/// LIMIT sanitised as Redis does: the inclusive output range within `len` elements.
fn limits(limit_start: i64, limit_count: i64, len: i64) -> (i64, i64) {
    let mut start = limit_start.max(0);
    let mut end = if limit_count < 0 {
        len - 1
    } else {
        start.saturating_add(limit_count) - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    (start, end)
}

fn sort_generic(ctx: &mut Ctx, a: &[Bytes], readonly: bool) -> Reply {
    let mut o = match parse(a, readonly) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (elems, start, end) = match load(ctx, &a[1], &mut o) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let writable = o.store.is_some();
    let mut items: Vec<Item> = elems
        .into_iter()
        .map(|elem| Item {
            elem,
            weight: Weight::None,
        })
        .collect();
    let mut conversion_error = false;
    if !o.dontsort {
        for item in items.iter_mut() {
            let by_value = match &o.by {
                Some(pattern) => match lookup_by_pattern(ctx, pattern, &item.elem, writable) {
                    Some(v) => v,
                    None => continue,
                },
                None => item.elem.to_vec(),
            };
            item.weight = if o.alpha {
                if o.by.is_some() {
                    Weight::Text(Some(by_value))
                } else {
                    Weight::None
                }
            } else {
                match strtod_whole(&by_value) {
                    Some(score) => Weight::Score(score),
                    None => {
                        conversion_error = true;
                        Weight::Score(0.0)
                    }
                }
            };
        }
        let (alpha, by, store, desc) = (o.alpha, o.by.is_some(), o.store.is_some(), o.desc);
        items.sort_by(|x, y| {
            let c = compare(x, y, alpha, by, store);
            if desc {
                c.reverse()
            } else {
                c
            }
        });
    }
    if conversion_error {
        return Reply::err("ERR One or more scores can't be converted into double");
    }
    let selected = &items[start.min(items.len())..end.min(items.len())];
    let mut out: Vec<Option<Vec<u8>>> = Vec::new();
    for item in selected {
        if o.gets.is_empty() {
            out.push(Some(item.elem.to_vec()));
        }
        for pattern in &o.gets {
            out.push(lookup_by_pattern(ctx, pattern, &item.elem, writable));
        }
    }
    match o.store.clone() {
        None => Reply::Array(
            out.into_iter()
                .map(|v| v.map_or(Reply::Nil, Reply::bulk))
                .collect(),
        ),
        Some(dest) => store(ctx, &dest, out),
    }
}

/// STORE: the result as a list (missing GET values as empty strings), or the destination
/// deleted when the result is empty. The effect is the resulting list itself.
fn store(ctx: &mut Ctx, dest: &Bytes, out: Vec<Option<Vec<u8>>>) -> Reply {
    let n = out.len();
    if n > 0 {
        let mut list = List::new();
        let mut effect = vec![Bytes::from_static(b"RPUSH"), dest.clone()];
        for v in out {
            let v = v.unwrap_or_default();
            list.push(End::Right, &v);
            effect.push(Bytes::from(v));
        }
        ctx.set_key(dest, Value::List(Box::new(list)), false);
        ctx.signal_key_ready(dest);
        ctx.notify(notify::LIST, "sortstore", dest);
        ctx.add_dirty(n as u64);
        ctx.rewrite_effect(vec![Bytes::from_static(b"DEL"), dest.clone()]);
        ctx.rewrite_effect(effect);
    } else if ctx.delete(dest) {
        ctx.notify(notify::GENERIC, "del", dest);
        ctx.rewrite_effect(vec![Bytes::from_static(b"DEL"), dest.clone()]);
    }
    Reply::Int(n as i64)
}

/// Redis's `sortCompare`.
fn compare(x: &Item, y: &Item, alpha: bool, by: bool, store: bool) -> Ordering {
    if !alpha {
        let (a, b) = match (&x.weight, &y.weight) {
            (Weight::Score(a), Weight::Score(b)) => (*a, *b),
            (Weight::Score(a), _) => (*a, 0.0),
            (_, Weight::Score(b)) => (0.0, *b),
            _ => (0.0, 0.0),
        };
        return a
            .partial_cmp(&b)
            .filter(|o| *o != Ordering::Equal)
            .unwrap_or_else(|| x.elem.cmp(&y.elem));
    }
    if by {
        let text = |w: &Weight| match w {
            Weight::Text(t) => t.clone(),
            _ => None,
        };
        return match (text(&x.weight), text(&y.weight)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(a), Some(b)) if store => a.cmp(&b),
            (Some(a), Some(b)) => c_str(&a).cmp(c_str(&b)),
        };
    }
    if store {
        x.elem.cmp(&y.elem)
    } else {
        // strcoll under the C locale: byte order of the C strings.
        c_str(&x.elem).cmp(c_str(&y.elem))
    }
}

/// C's `strtod` over the whole string, as SORT uses it: leading whitespace allowed, nothing
/// after the number, NaN and out-of-range values refused. An empty string is 0.
fn strtod_whole(s: &[u8]) -> Option<f64> {
    let s = c_str(s);
    let trimmed = match s.iter().position(|c| !c.is_ascii_whitespace()) {
        Some(i) => &s[i..],
        None => return Some(0.0),
    };
    let v = crate::util::num::parse_f64_strict(trimmed)?;
    if v.is_nan() {
        return None;
    }
    Some(v)
}

/// Redis's `lookupKeyByPattern`: `#` is the element itself; otherwise the first `*` is
/// replaced by the element, and `->field` (after the `*`) reads a hash field. Missing keys,
/// wrong types and patterns without `*` give None.
fn lookup_by_pattern(
    ctx: &mut Ctx,
    pattern: &[u8],
    elem: &[u8],
    writable: bool,
) -> Option<Vec<u8>> {
    if c_str(pattern) == b"#" {
        return Some(elem.to_vec());
    }
    let cpat = c_str(pattern);
    let star = cpat.iter().position(|&c| c == b'*')?;
    let field_at = cpat[star + 1..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|i| star + 1 + i)
        .filter(|&f| f + 2 < cpat.len());
    let (key_tail_end, field) = match field_at {
        Some(f) => (f, Some(&pattern[f + 2..])),
        None => (pattern.len(), None),
    };
    let mut key = Vec::with_capacity(pattern.len() + elem.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(elem);
    key.extend_from_slice(&pattern[star + 1..key_tail_end]);
    let value = if writable {
        ctx.lookup_write(&key).map(|v| &*v)
    } else {
        ctx.lookup_read(&key)
    };
    match (value?, field) {
        (Value::Hash(h), Some(f)) => h.get(f).map(<[u8]>::to_vec),
        (Value::Str(s), None) => Some(s.as_bytes().into_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_sanitising_matches_redis() {
        assert_eq!(limits(0, -1, 5), (0, 4));
        assert_eq!(limits(-3, 2, 5), (0, 1));
        assert_eq!(limits(7, 2, 5), (4, 3));
        assert_eq!(limits(3, 100, 5), (3, 4));
        assert_eq!(limits(0, 0, 5), (0, -1));
        assert_eq!(limits(0, -1, 0), (-1, -2));
        assert_eq!(limits(i64::MAX, i64::MAX, 5), (4, 3));
    }

    #[test]
    fn numeric_weights_follow_strtod() {
        assert_eq!(strtod_whole(b""), Some(0.0));
        assert_eq!(strtod_whole(b"  3"), Some(3.0));
        assert_eq!(strtod_whole(b"0x10"), Some(16.0));
        assert_eq!(strtod_whole(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(strtod_whole(b"4 "), None);
        assert_eq!(strtod_whole(b"nan"), None);
        assert_eq!(strtod_whole(b"1e500"), None);
        assert_eq!(strtod_whole(b"x"), None);
    }
}
