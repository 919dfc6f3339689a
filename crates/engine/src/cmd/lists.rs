//! List commands (Redis's t_list.c), non-blocking forms. The blocking forms live in
//! `lists_blocking.rs` and share the pop/move cores defined here.

use super::lists_move::{lmove, lmpop, rpoplpush};
use crate::args;
use crate::command::{acl, flags, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::errors;
use crate::notify;
use crate::value::list::{normalize_range, End, List};
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;

const KEY_RW_INSERT: &[KeySpec] = &[crate::command::ks::one(1, &["RW", "insert"])];
const KEY_RW_ACCESS_DELETE: &[KeySpec] = &[crate::command::ks::one(
    1,
    crate::command::ks::RW_ACCESS_DELETE,
)];
const KEY_RO: &[KeySpec] = &[crate::command::ks::one(1, crate::command::ks::RO)];
const KEY_RO_ACCESS: &[KeySpec] = &[crate::command::ks::one(1, crate::command::ks::RO_ACCESS)];
const KEY_RW_UPDATE: &[KeySpec] = &[crate::command::ks::one(1, crate::command::ks::RW_UPDATE)];
const KEY_RW_DELETE: &[KeySpec] = &[crate::command::ks::one(1, crate::command::ks::RW_DELETE)];
/// Source then destination: LMOVE, RPOPLPUSH, BLMOVE, BRPOPLPUSH.
pub(crate) const KEYS_MOVE: &[KeySpec] = &[
    crate::command::ks::one(1, crate::command::ks::RW_ACCESS_DELETE),
    crate::command::ks::one(2, &["RW", "insert"]),
];
/// LMPOP: `numkeys` at 1, keys after it.
const KEYS_LMPOP: &[KeySpec] = &[KeySpec {
    notes: "",
    flags: crate::command::ks::RW_ACCESS_DELETE,
    begin: crate::command::Begin::Index(1),
    find: crate::command::Find::Keynum {
        keynumidx: 0,
        firstkey: 1,
        step: 1,
    },
}];

/// A single-key list command's shared metadata.
pub(super) const fn list_cmd(
    name: &'static str,
    arity: i32,
    f: u32,
    ks: &'static [KeySpec],
) -> Command {
    Command {
        name,
        arity,
        flags: f,
        acl: acl::LIST,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: ks,
        group: "list",
        ..BASE
    }
}

const W: u32 = flags::WRITE;
const WD: u32 = flags::WRITE | flags::DENYOOM;
const WDF: u32 = flags::WRITE | flags::DENYOOM | flags::FAST;

pub const COMMANDS: &[Command] = &[
    Command {
        summary: "Prepends one or more elements to a list. Creates the key if it doesn't exist.",
        complexity: "O(1) for each element added",
        handler: Some(lpush),
        ..list_cmd("lpush", -3, WDF, KEY_RW_INSERT)
    },
    Command {
        summary: "Appends one or more elements to a list. Creates the key if it doesn't exist.",
        complexity: "O(1) for each element added",
        handler: Some(rpush),
        ..list_cmd("rpush", -3, WDF, KEY_RW_INSERT)
    },
    Command {
        since: "2.2.0",
        summary: "Prepends one or more elements to a list only when the list exists.",
        complexity: "O(1) for each element added",
        handler: Some(lpushx),
        ..list_cmd("lpushx", -3, WDF, KEY_RW_INSERT)
    },
    Command {
        since: "2.2.0",
        summary: "Appends an element to a list only when the list exists.",
        complexity: "O(1) for each element added",
        handler: Some(rpushx),
        ..list_cmd("rpushx", -3, WDF, KEY_RW_INSERT)
    },
    Command {
        summary: "Returns the first elements in a list after removing it.",
        complexity: "O(N) where N is the number of elements returned",
        handler: Some(lpop),
        ..list_cmd("lpop", -2, W | flags::FAST, KEY_RW_ACCESS_DELETE)
    },
    Command {
        summary: "Returns and removes the last elements of a list.",
        complexity: "O(N) where N is the number of elements returned",
        handler: Some(rpop),
        ..list_cmd("rpop", -2, W | flags::FAST, KEY_RW_ACCESS_DELETE)
    },
    Command {
        summary: "Returns the length of a list.",
        complexity: "O(1)",
        handler: Some(llen),
        ..list_cmd("llen", 2, flags::READONLY | flags::FAST, KEY_RO)
    },
    Command {
        summary: "Returns a range of elements from a list.",
        complexity: "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
        handler: Some(lrange),
        ..list_cmd("lrange", 4, flags::READONLY, KEY_RO_ACCESS)
    },
    Command {
        summary: "Returns an element from a list by its index.",
        complexity: "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
        handler: Some(lindex),
        ..list_cmd("lindex", 3, flags::READONLY, KEY_RO_ACCESS)
    },
    Command {
        summary: "Sets the value of an element in a list by its index.",
        complexity: "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
        handler: Some(lset),
        ..list_cmd("lset", 4, WD, KEY_RW_UPDATE)
    },
    Command {
        since: "2.2.0",
        summary: "Inserts an element before or after another element in a list.",
        complexity: "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
        handler: Some(linsert),
        ..list_cmd("linsert", 5, WD, KEY_RW_INSERT)
    },
    Command {
        summary: "Removes elements from a list. Deletes the list if the last element was removed.",
        complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
        handler: Some(lrem),
        ..list_cmd("lrem", 4, W, KEY_RW_DELETE)
    },
    Command {
        summary: "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
        complexity: "O(N) where N is the number of elements to be removed by the operation.",
        handler: Some(ltrim),
        ..list_cmd("ltrim", 4, W, KEY_RW_DELETE)
    },
    Command {
        since: "6.0.6",
        summary: "Returns the index of matching elements in a list.",
        complexity: "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
        handler: Some(lpos),
        ..list_cmd("lpos", -3, flags::READONLY, KEY_RO_ACCESS)
    },
    Command {
        since: "1.2.0",
        last_key: 2,
        summary: "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
        complexity: "O(1)",
        handler: Some(rpoplpush),
        ..list_cmd("rpoplpush", 3, WD, KEYS_MOVE)
    },
    Command {
        since: "6.2.0",
        last_key: 2,
        summary: "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
        complexity: "O(1)",
        handler: Some(lmove),
        ..list_cmd("lmove", 5, WD, KEYS_MOVE)
    },
    Command {
        since: "7.0.0",
        first_key: 0,
        last_key: 0,
        key_step: 0,
        summary: "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.",
        complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        handler: Some(lmpop),
        ..list_cmd("lmpop", -4, W | flags::MOVABLE_KEYS, KEYS_LMPOP)
    },
];

/// The list at `key` for writing: Ok(None) when missing, Err(WRONGTYPE) for other types.
pub(crate) fn list_mut<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<Option<&'c mut List>, Reply> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(Value::List(l)) => Ok(Some(l)),
        Some(_) => Err(errors::wrongtype()),
    }
}

/// The list at `key` for reading (counts hits and misses).
fn list_ref<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<Option<&'c List>, Reply> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(Value::List(l)) => Ok(Some(l)),
        Some(_) => Err(errors::wrongtype()),
    }
}

/// After removing `removed` elements from `key`: count them as changes (as Redis), raise
/// `event`, and delete the key once empty (with its `del` event).
pub(crate) fn after_removal(
    ctx: &mut Ctx,
    key: &[u8],
    now_empty: bool,
    event: &'static str,
    removed: u64,
) {
    ctx.signal_modified_n(key, removed);
    ctx.notify(notify::LIST, event, key);
    if now_empty {
        ctx.remove_emptied(key);
        ctx.notify(notify::GENERIC, "del", key);
    }
}

/// The keyspace event of a pop from `end`.
pub(crate) fn pop_event(end: End) -> &'static str {
    match end {
        End::Left => "lpop",
        End::Right => "rpop",
    }
}

/// The keyspace event of a push onto `end`.
pub(crate) fn push_event(end: End) -> &'static str {
    match end {
        End::Left => "lpush",
        End::Right => "rpush",
    }
}

pub(crate) fn bulk(b: &[u8]) -> Reply {
    Reply::Bulk(Bytes::copy_from_slice(b))
}

/// Pops up to `n` elements from the list at `key`: Ok(None) when the key is missing.
pub(crate) fn pop_elements(
    ctx: &mut Ctx,
    key: &[u8],
    end: End,
    n: usize,
) -> Result<Option<Vec<Reply>>, Reply> {
    let (items, empty) = match list_mut(ctx, key)? {
        None => return Ok(None),
        Some(l) => {
            let items: Vec<Reply> = l.pop_n(end, n).iter().map(|e| bulk(e.as_slice())).collect();
            (items, l.is_empty())
        }
    };
    after_removal(ctx, key, empty, pop_event(end), items.len() as u64);
    Ok(Some(items))
}

/// Pushes `values` onto `key` (creating the list unless `only_existing`); returns the new
/// length, or None when the key is missing and `only_existing`.
pub(crate) fn push_values(
    ctx: &mut Ctx,
    key: &[u8],
    end: End,
    values: &[Bytes],
    only_existing: bool,
) -> Result<Option<usize>, Reply> {
    let len = match list_mut(ctx, key)? {
        Some(l) => {
            for v in values {
                l.push(end, v);
            }
            l.len()
        }
        None if only_existing => return Ok(None),
        None => {
            let mut l = List::new();
            for v in values {
                l.push(end, v);
            }
            let len = l.len();
            ctx.insert_key(key, Value::List(Box::new(l)), false);
            len
        }
    };
    // One change per element pushed, as Redis counts.
    ctx.signal_modified_n(key, values.len() as u64);
    // Planted bug (simulator tests only): parked clients are never told.
    if !crate::planted!("lost-wakeup") {
        ctx.signal_key_ready(key);
    }
    ctx.notify(notify::LIST, push_event(end), key);
    Ok(Some(len))
}

fn push_cmd(ctx: &mut Ctx, a: &[Bytes], end: End, only_existing: bool) -> Reply {
    match push_values(ctx, &a[1], end, &a[2..], only_existing) {
        Ok(Some(n)) => Reply::Int(n as i64),
        Ok(None) => Reply::Int(0),
        Err(e) => e,
    }
}

fn lpush(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    push_cmd(ctx, a, End::Left, false)
}
fn rpush(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    push_cmd(ctx, a, End::Right, false)
}
fn lpushx(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    push_cmd(ctx, a, End::Left, true)
}
fn rpushx(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    push_cmd(ctx, a, End::Right, true)
}

/// LPOP/RPOP key [count]: a bulk without count, an array with it.
fn pop_cmd(ctx: &mut Ctx, a: &[Bytes], end: End) -> Reply {
    if a.len() > 3 {
        return errors::arity(ctx.cmd.name);
    }
    let count = match a.get(2) {
        None => None,
        Some(c) => match positive(c, "ERR value is out of range, must be positive") {
            Ok(n) => Some(n),
            Err(e) => return e,
        },
    };
    let missing = if count.is_some() {
        Reply::NilArray
    } else {
        Reply::Nil
    };
    match list_mut(ctx, &a[1]) {
        Err(e) => return e,
        Ok(None) => return missing,
        Ok(Some(_)) => {}
    }
    match count {
        Some(0) => Reply::Array(Vec::new()),
        Some(n) => match pop_elements(ctx, &a[1], end, n as usize) {
            Ok(Some(items)) => Reply::Array(items),
            Ok(None) => missing,
            Err(e) => e,
        },
        None => match pop_elements(ctx, &a[1], end, 1) {
            Ok(Some(mut items)) if !items.is_empty() => items.swap_remove(0),
            Ok(_) => missing,
            Err(e) => e,
        },
    }
}

fn lpop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    pop_cmd(ctx, a, End::Left)
}
fn rpop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    pop_cmd(ctx, a, End::Right)
}

fn llen(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match list_ref(ctx, &a[1]) {
        Ok(Some(l)) => Reply::Int(l.len() as i64),
        Ok(None) => Reply::Int(0),
        Err(e) => e,
    }
}

fn lrange(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (start, end) = match (args::int(&a[2]), args::int(&a[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    match list_ref(ctx, &a[1]) {
        Ok(Some(l)) => match normalize_range(start, end, l.len()) {
            Some((s, e)) => {
                // Planted bug (simulator tests only): one element too many.
                let e = if crate::planted!("lrange-off-by-one") && e + 1 < l.len() {
                    e + 1
                } else {
                    e
                };
                Reply::bulk_array(e - s + 1, l.range(s, e))
            }
            None => Reply::Array(Vec::new()),
        },
        Ok(None) => Reply::Array(Vec::new()),
        Err(e) => e,
    }
}

fn lindex(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let l = match list_ref(ctx, &a[1]) {
        Ok(Some(l)) => l,
        Ok(None) => return Reply::Nil,
        Err(e) => return e,
    };
    let index = match args::int(&a[2]) {
        Ok(i) => i,
        Err(e) => return e,
    };
    l.get(index).map_or(Reply::Nil, bulk)
}

fn lset(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let l = match list_mut(ctx, &a[1]) {
        Ok(Some(l)) => l,
        Ok(None) => return errors::no_such_key(),
        Err(e) => return e,
    };
    let index = match args::int(&a[2]) {
        Ok(i) => i,
        Err(e) => return e,
    };
    if !l.set(index, &a[3]) {
        return Reply::err("ERR index out of range");
    }
    ctx.signal_modified(&a[1]);
    ctx.notify(notify::LIST, "lset", &a[1]);
    Reply::ok()
}

fn linsert(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let after = if args::is(&a[2], "after") {
        true
    } else if args::is(&a[2], "before") {
        false
    } else {
        return errors::syntax();
    };
    let len = match list_mut(ctx, &a[1]) {
        Ok(Some(l)) => {
            if !l.insert(&a[3], after, &a[4]) {
                return Reply::Int(-1);
            }
            l.len()
        }
        Ok(None) => return Reply::Int(0),
        Err(e) => return e,
    };
    ctx.signal_modified(&a[1]);
    ctx.notify(notify::LIST, "linsert", &a[1]);
    Reply::Int(len as i64)
}

fn lrem(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let count = match args::int(&a[2]) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let (removed, empty) = match list_mut(ctx, &a[1]) {
        Ok(Some(l)) => (l.remove(count, &a[3]), l.is_empty()),
        Ok(None) => return Reply::Int(0),
        Err(e) => return e,
    };
    if removed > 0 {
        after_removal(ctx, &a[1], empty, "lrem", removed as u64);
    }
    Reply::Int(removed as i64)
}

fn ltrim(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (start, end) = match (args::int(&a[2]), args::int(&a[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let (removed, empty) = match list_mut(ctx, &a[1]) {
        Ok(Some(l)) => (l.trim(start, end), l.is_empty()),
        Ok(None) => return Reply::ok(),
        Err(e) => return e,
    };
    if removed > 0 || empty {
        after_removal(ctx, &a[1], empty, "ltrim", removed as u64);
    } else {
        // Redis raises `ltrim` and signals the key (WATCH, tracking) even when nothing was
        // trimmed; with nothing changed it counts no change, so nothing is propagated.
        let db = ctx.db;
        ctx.touch_watched(db, &a[1]);
        ctx.notify(notify::LIST, "ltrim", &a[1]);
    }
    Reply::ok()
}

/// A non-negative option value with its own error text (`getPositiveLongFromObjectOrReply`).
/// Any parse failure gives `msg` too.
fn positive(arg: &[u8], msg: &'static str) -> Result<i64, Reply> {
    match args::int(arg) {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err(Reply::err(msg)),
    }
}

fn lpos(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut rank: i64 = 1;
    let mut count: Option<i64> = None;
    let mut maxlen: i64 = 0;
    let mut j = 3;
    while j < a.len() {
        let more = j + 1 < a.len();
        let opt = &a[j];
        let parsed = if args::is(opt, "rank") && more {
            args::int(&a[j + 1]).and_then(|r| {
                if r == 0 {
                    Err(Reply::err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"))
                } else {
                    rank = r;
                    Ok(())
                }
            })
        } else if args::is(opt, "count") && more {
            positive(&a[j + 1], "ERR COUNT can't be negative").map(|c| count = Some(c))
        } else if args::is(opt, "maxlen") && more {
            positive(&a[j + 1], "ERR MAXLEN can't be negative").map(|m| maxlen = m)
        } else {
            Err(errors::syntax())
        };
        if let Err(e) = parsed {
            return e;
        }
        j += 2;
    }
    let l = match list_ref(ctx, &a[1]) {
        Ok(Some(l)) => l,
        Ok(None) if count.is_some() => return Reply::Array(Vec::new()),
        Ok(None) => return Reply::Nil,
        Err(e) => return e,
    };
    let from_tail = rank < 0;
    // Redis negates a negative rank in a C long: i64::MIN stays negative, so every match
    // qualifies and COUNT never stops the scan.
    let unlimited = rank == i64::MIN;
    let rank = if unlimited { 1 } else { rank.unsigned_abs() };
    let len = l.len();
    let scan = if maxlen == 0 {
        len
    } else {
        len.min(maxlen as usize)
    };
    let hits = |(i, e): (usize, &[u8])| (e == &a[2][..]).then_some(i);
    let mut found = Vec::new();
    let wanted = match count {
        None => 1,
        Some(_) if unlimited => u64::MAX,
        Some(0) => u64::MAX,
        Some(c) => c as u64,
    };
    let mut matches = 0u64;
    let mut visit = |i: usize| {
        matches += 1;
        if matches >= rank {
            found.push(Reply::Int(i as i64));
        }
        (found.len() as u64) < wanted
    };
    if from_tail {
        for i in l.iter().rev().take(scan).enumerate().filter_map(hits) {
            if !visit(len - 1 - i) {
                break;
            }
        }
    } else {
        for i in l.iter().take(scan).enumerate().filter_map(hits) {
            if !visit(i) {
                break;
            }
        }
    }
    match count {
        Some(_) => Reply::Array(found),
        None => found.pop().unwrap_or(Reply::Nil),
    }
}
