//! How deep a script's reply may nest, and what comes out past that, against the numbers
//! redis-server 7.0.15 answers (its converter stops where the Lua stack would pass 8000
//! slots: 7995 nested arrays, 2665 nested maps or sets), with no native recursion.

use super::lua_reply::c_long_long;
use crate::engine::Engine;
use crate::test_support::{run_words, two_clients};

const NOW: i64 = 1_000_000;
const LIMIT_ERR: &str = "-ERR reached lua stack limit\r\n";

fn deep(e: &mut Engine, c: u64, step: &str) -> String {
    let body = format!("local t = {{}} local c = t for i=1,100000 do {step} end return t");
    run_words(e, c, &["EVAL", &body, "0"], NOW)
}

/// Aggregate headers before the first error, and the reply's tail.
fn shape(reply: &str) -> (usize, &str) {
    let head = &reply[..reply.find('-').unwrap_or(reply.len())];
    let headers = head.matches(['*', '%', '~']).count();
    (headers, &reply[reply.len().saturating_sub(60)..])
}

#[test]
fn nested_arrays_stop_where_redis_stops() {
    let (mut e, a, _) = two_clients(NOW);
    let r = deep(&mut e, a, "c[1] = {} c = c[1]");
    assert_eq!(r.len(), 32010);
    assert_eq!(shape(&r).0, 7995);
    assert!(r.ends_with(&format!("*1\r\n{LIMIT_ERR}")));
    // A table holding itself: the same.
    let r = run_words(
        &mut e,
        a,
        &["EVAL", "local t = {} t[1] = t return t", "0"],
        NOW,
    );
    assert_eq!(shape(&r).0, 7995);
    // Two elements per level: the deepest level's both elements are errors.
    let r = deep(&mut e, a, "c[1] = {ok='x'} c[2] = {} c = c[2]");
    assert_eq!(r.len(), 64016);
    assert!(r.ends_with(&format!("{LIMIT_ERR}{LIMIT_ERR}")));
}

#[test]
fn nested_maps_and_sets_cost_three_slots_a_level() {
    let (mut e, a, _) = two_clients(NOW);
    for resp in ["2", "3"] {
        run_words(&mut e, a, &["HELLO", resp], NOW);
        let r = deep(&mut e, a, "c.map = {x = {}} c = c.map.x");
        assert_eq!((r.len(), shape(&r).0), (29368, 2665), "RESP{resp}");
        assert!(r.ends_with(&format!("{LIMIT_ERR}{LIMIT_ERR}")));
        let r = deep(&mut e, a, "local s = {} c.set = {[s] = true} c = s");
        assert_eq!((r.len(), shape(&r).0), (10690, 2665), "RESP{resp}");
        let header = if resp == "3" { "~1\r\n" } else { "*1\r\n" };
        assert!(r.ends_with(&format!("{header}{LIMIT_ERR}")));
    }
}

#[test]
fn functions_replies_nest_as_deep_as_scripts() {
    let (mut e, a, _) = two_clients(NOW);
    let lib = "#!lua name=deep\nredis.register_function('d', function() \
               local t = {} local c = t for i=1,100000 do c[1] = {} c = c[1] end return t end)";
    run_words(&mut e, a, &["FUNCTION", "LOAD", lib], NOW);
    let r = run_words(&mut e, a, &["FCALL", "d", "0"], NOW);
    assert_eq!((r.len(), shape(&r).0), (32010, 7995));
}

#[test]
fn numbers_convert_as_c_casts_them() {
    assert_eq!(c_long_long(f64::INFINITY), i64::MIN);
    assert_eq!(c_long_long(f64::NEG_INFINITY), i64::MIN);
    assert_eq!(c_long_long(f64::NAN), i64::MIN);
    assert_eq!(c_long_long(9_223_372_036_854_775_808.0), i64::MIN);
    assert_eq!(c_long_long(-9_223_372_036_854_775_808.0), i64::MIN);
    assert_eq!(c_long_long(-3.7), -3);
    assert_eq!(c_long_long(3.99), 3);
}

/// Redis's "EVAL does not leak in the Lua stack": after 10000 calls the VM stays under
/// 100 KB (garbage from calls is collected in steps, as Redis does every 50 calls).
#[test]
fn many_calls_do_not_grow_the_vm() {
    let (mut e, a, _) = two_clients(NOW);
    run_words(&mut e, a, &["SCRIPT", "FLUSH"], NOW);
    let body = "return redis.call('incr',KEYS[1])";
    for _ in 0..10_000 {
        run_words(&mut e, a, &["EVAL", body, "1", "x"], NOW);
    }
    assert_eq!(run_words(&mut e, a, &["GET", "x"], NOW), "$5\r\n10000\r\n");
    let used = e.scripting.vm.as_ref().map_or(0, |vm| vm.lua.used_memory());
    assert!(used < 100 * 1024, "used_memory_lua {used}");
}

/// A fresh VM: `redis.call` takes as many arguments as Lua can pass (Redis's suite: "Script
/// check unpack with massive arguments").
#[test]
fn redis_call_takes_thousands_of_arguments() {
    let (mut e, a, _) = two_clients(NOW);
    let body =
        "local a = {} for i=1,7999 do a[i] = 1 end return redis.call('lpush', 'l', unpack(a))";
    assert_eq!(run_words(&mut e, a, &["EVAL", body, "0"], NOW), ":7999\r\n");
    let lib = "#!lua name=many\nredis.register_function('f', function() \
               local a = {} for i=1,7999 do a[i] = 1 end \
               return redis.pcall('lpush', 'l', unpack(a)) end)";
    run_words(&mut e, a, &["FUNCTION", "LOAD", lib], NOW);
    assert_eq!(
        run_words(&mut e, a, &["FCALL", "f", "0"], NOW),
        ":15998\r\n"
    );
}
