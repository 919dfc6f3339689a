//! Blocking list commands: BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP. Each first tries to serve
//! like its non-blocking form (and then propagates that form); with nothing to serve it parks
//! the client on its keys (`Ctx::block`). When a key becomes ready the engine re-runs the
//! command with `ctx.reprocessing` set; Redis 7.0 only serves a parked client from keys that
//! now hold lists, so a re-run treats wrong-typed keys as empty and stays parked.

use super::lists::{pop_elements, KEYS_MOVE};
use super::lists_move::{move_element, mpop_first, parse_end, parse_mpop};
use crate::blocking::parse_timeout;
use crate::command::{flags, Begin, Command, Find, KeySpec};
use crate::ctx::Ctx;
use crate::value::list::End;
use crate::value::Value;
use bytes::Bytes;
use resp::Reply;

/// BLPOP/BRPOP: keys from 1 to the one before the timeout.
const KEYS_BPOP: &[KeySpec] = &[crate::command::ks::range(
    1,
    -2,
    1,
    crate::command::ks::RW_ACCESS_DELETE,
)];
/// BLMPOP: `numkeys` at 2, keys after it.
const KEYS_BLMPOP: &[KeySpec] = &[KeySpec {
    notes: "",
    flags: crate::command::ks::RW_ACCESS_DELETE,
    begin: Begin::Index(2),
    find: Find::Keynum {
        keynumidx: 0,
        firstkey: 1,
        step: 1,
    },
}];

const WNB: u32 = flags::WRITE | flags::NOSCRIPT | flags::BLOCKING;
const WDNB: u32 = flags::WRITE | flags::DENYOOM | flags::NOSCRIPT | flags::BLOCKING;

/// A blocking list command: the list family's metadata, added in 2.0.0 unless said otherwise.
const fn bcmd(name: &'static str, arity: i32, f: u32, ks: &'static [KeySpec]) -> Command {
    Command {
        since: "2.0.0",
        ..super::lists::list_cmd(name, arity, f, ks)
    }
}

pub const COMMANDS: &[Command] = &[
    Command {
        last_key: -2,
        summary: "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        complexity: "O(N) where N is the number of provided keys.",
        handler: Some(blpop),
        ..bcmd("blpop", -3, WNB, KEYS_BPOP)
    },
    Command {
        last_key: -2,
        summary: "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        complexity: "O(N) where N is the number of provided keys.",
        handler: Some(brpop),
        ..bcmd("brpop", -3, WNB, KEYS_BPOP)
    },
    Command {
        since: "2.2.0",
        last_key: 2,
        summary: "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
        complexity: "O(1)",
        handler: Some(brpoplpush),
        ..bcmd("brpoplpush", 4, WDNB, KEYS_MOVE)
    },
    Command {
        since: "6.2.0",
        last_key: 2,
        summary: "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
        complexity: "O(1)",
        handler: Some(blmove),
        ..bcmd("blmove", 6, WDNB, KEYS_MOVE)
    },
    Command {
        since: "7.0.0",
        first_key: 0,
        last_key: 0,
        key_step: 0,
        summary: "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        handler: Some(blmpop),
        ..bcmd(
            "blmpop",
            -5,
            flags::WRITE | flags::BLOCKING | flags::MOVABLE_KEYS,
            KEYS_BLMPOP,
        )
    },
];

/// BLPOP/BRPOP: `[key, element]` from the first non-empty list, else park.
fn bpop(ctx: &mut Ctx, a: &[Bytes], end: End) -> Reply {
    let deadline = match parse_timeout(&a[a.len() - 1], ctx.now_ms) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let keys = &a[1..a.len() - 1];
    let reprocessing = ctx.reprocessing;
    for key in keys {
        if !ctx.serves_from(key) {
            continue;
        }
        match ctx.lookup_write(key) {
            None => continue,
            Some(Value::List(l)) if l.is_empty() => continue,
            Some(Value::List(_)) => {}
            Some(_) if reprocessing => continue,
            Some(_) => return crate::errors::wrongtype(),
        }
        let value = match pop_elements(ctx, key, end, 1) {
            Ok(Some(mut v)) if !v.is_empty() => v.swap_remove(0),
            Ok(_) => continue,
            Err(e) => return e,
        };
        let name: &[u8] = match end {
            End::Left => b"LPOP",
            End::Right => b"RPOP",
        };
        ctx.rewrite_effect(vec![Bytes::from_static(name), key.clone()]);
        return Reply::Array(vec![Reply::Bulk(key.clone()), value]);
    }
    ctx.block(keys.to_vec(), deadline, Reply::NilArray);
    Reply::NilArray
}

fn blpop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    bpop(ctx, a, End::Left)
}
fn brpop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    bpop(ctx, a, End::Right)
}

/// BLMOVE/BRPOPLPUSH: move like LMOVE when the source has elements, else park on the source.
/// The effect is the non-blocking form (`effect` builds it).
fn bmove(
    ctx: &mut Ctx,
    src: &Bytes,
    dst: &Bytes,
    from: End,
    to: End,
    timeout: &[u8],
    effect: Vec<Bytes>,
) -> Reply {
    let deadline = match parse_timeout(timeout, ctx.now_ms) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let reprocessing = ctx.reprocessing;
    let ready = match ctx.lookup_write(src) {
        None => false,
        Some(Value::List(l)) => !l.is_empty(),
        Some(_) if reprocessing => false,
        Some(_) => return crate::errors::wrongtype(),
    };
    if !ready {
        if ctx.eng.tx.in_exec {
            // Inside EXEC Redis answers BLMOVE/BRPOPLPUSH with a null bulk, not its timeout
            // reply (blocking is denied there, see `Ctx::block`).
            return Reply::Nil;
        }
        // Redis 7.0 times out every list waiter with a null array, BLMOVE's included.
        ctx.block(vec![src.clone()], deadline, Reply::NilArray);
        return Reply::NilArray;
    }
    let reply = move_element(ctx, src, dst, from, to);
    if !reply.is_error() {
        ctx.rewrite_effect(effect);
    }
    reply
}

fn brpoplpush(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let effect = vec![Bytes::from_static(b"RPOPLPUSH"), a[1].clone(), a[2].clone()];
    bmove(ctx, &a[1], &a[2], End::Right, End::Left, &a[3], effect)
}

fn blmove(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let (from, to) = match (parse_end(&a[3]), parse_end(&a[4])) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let effect = vec![
        Bytes::from_static(b"LMOVE"),
        a[1].clone(),
        a[2].clone(),
        Bytes::from_static(from.name()),
        Bytes::from_static(to.name()),
    ];
    bmove(ctx, &a[1], &a[2], from, to, &a[5], effect)
}

/// BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n].
fn blmpop(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let p = match parse_mpop(a, 2) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let deadline = match parse_timeout(&a[1], ctx.now_ms) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let reprocessing = ctx.reprocessing;
    match mpop_first(ctx, &a[p.keys.clone()], p.end, p.count, reprocessing) {
        Ok(Some(r)) => r,
        Ok(None) => {
            ctx.block(a[p.keys].to_vec(), deadline, Reply::NilArray);
            Reply::NilArray
        }
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use crate::blocking::parse_timeout;

    #[test]
    fn timeouts_as_redis_reads_them() {
        let now = 1_000_000;
        assert_eq!(parse_timeout(b"0", now), Ok(None));
        assert_eq!(parse_timeout(b"-0", now), Ok(None));
        assert_eq!(parse_timeout(b"-0.0001", now), Ok(None));
        assert_eq!(parse_timeout(b"-0.0009", now), Ok(None));
        assert_eq!(parse_timeout(b"0.0009", now), Ok(Some(now + 1)));
        assert_eq!(parse_timeout(b"0.0001", now), Ok(Some(now + 1)));
        assert_eq!(parse_timeout(b"0.0015", now), Ok(Some(now + 2)));
        assert_eq!(parse_timeout(b"0.5", now), Ok(Some(now + 500)));
        assert_eq!(parse_timeout(b"0x10", now), Ok(Some(now + 16_000)));
        assert_eq!(
            parse_timeout(b"1e15", now),
            Ok(Some(now + 1_000_000_000_000_000_000))
        );
        let neg = Err(resp::Reply::err("ERR timeout is negative"));
        let nan = Err(resp::Reply::err(
            "ERR timeout is not a float or out of range",
        ));
        for s in [
            "-1",
            "inf",
            "-inf",
            "1e400",
            "1e17",
            "9223372036854775807",
            "9223372036854776",
        ] {
            assert_eq!(parse_timeout(s.as_bytes(), now), neg, "{s}");
        }
        for s in ["abc", "nan", " 1", "1 ", "", "1e99999"] {
            assert_eq!(parse_timeout(s.as_bytes(), now), nan, "{s}");
        }
        // Past i64 once the current time is added: forever.
        assert_eq!(parse_timeout(b"9223372036854775", now), Ok(None));
    }

    use crate::config::Config;
    use crate::engine::{Engine, NullHost};
    use bytes::Bytes;

    fn run(e: &mut Engine, c: u64, line: &str, now: i64) -> Vec<u8> {
        let args: Vec<Bytes> = line
            .split(' ')
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect();
        let mut out = Vec::new();
        e.execute(c, &args, now, &mut out);
        out
    }

    fn effects(e: &mut Engine) -> Vec<String> {
        crate::test_support::effects_text(e)
    }

    /// Blocking pops propagate their non-blocking form, served at once or after waiting, and
    /// replaying the effects rebuilds the same lists.
    #[test]
    fn blocking_pops_propagate_plain_forms() {
        let now = 1_000;
        let mut e = Engine::new(Config::default(), 1, now, Box::new(NullHost));
        e.effects = Some(Vec::new());
        let a = e.connect(String::new(), String::new(), 0, now);
        let b = e.connect(String::new(), String::new(), 0, now);
        assert!(run(&mut e, a, "BLPOP k 0", now).is_empty());
        assert!(run(&mut e, b, "BLMOVE src k LEFT RIGHT 0", now).is_empty());
        run(&mut e, a, "RPUSH dummy x", now);
        assert_eq!(effects(&mut e), ["RPUSH dummy x"]);
        // `a` is still parked; the push serves `a` from k.
        let c = e.connect(String::new(), String::new(), 0, now);
        run(&mut e, c, "RPUSH src s1 s2", now);
        assert_eq!(
            effects(&mut e),
            ["RPUSH src s1 s2", "LMOVE src k LEFT RIGHT", "LPOP k"]
        );
        assert_eq!(e.take_outbox(a).unwrap(), b"*2\r\n$1\r\nk\r\n$2\r\ns1\r\n");
        assert_eq!(e.take_outbox(b).unwrap(), b"$2\r\ns1\r\n");
        run(&mut e, c, "RPUSH k 1 2 3", now);
        run(&mut e, c, "BLMPOP 0 2 none k RIGHT COUNT 5", now);
        run(&mut e, c, "RPUSH k 1 2 3", now);
        run(&mut e, c, "BRPOP k 0", now);
        run(&mut e, c, "BRPOPLPUSH src k 0", now);
        run(&mut e, c, "LMPOP 1 k LEFT COUNT 2", now);
        assert_eq!(
            effects(&mut e),
            [
                "RPUSH k 1 2 3",
                "RPOP k 3",
                "RPUSH k 1 2 3",
                "RPOP k",
                "RPOPLPUSH src k",
                "LPOP k 2"
            ]
        );
    }
}
