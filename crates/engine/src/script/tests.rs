//! Engine-level checks of scripting: effects of scripts, WATCH, VM reuse, FUNCTION DUMP and
//! RESTORE round trip.

use crate::engine::Engine;
use crate::replica::{keyspace, Replica};
use crate::test_support::{effects_text, run_words, two_clients};

const NOW: i64 = 1_000_000;

fn run(e: &mut Engine, c: u64, args: &[&str]) -> String {
    run_words(e, c, args, NOW)
}

fn engine() -> (Engine, u64, u64) {
    two_clients(NOW)
}

/// The `redis.log` lines the engine handed to the shell: (level, message).
fn logged(e: &Engine) -> Vec<(u8, Vec<u8>)> {
    e.actions
        .iter()
        .filter_map(|x| match x {
            crate::engine::Action::Log { level, message } => Some((*level, message.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_script_becomes_the_writes_it_made() {
    let (mut e, a, _) = engine();
    e.effects = Some(Vec::new());
    let body = "redis.call('set', KEYS[1], 'x') redis.call('incr', KEYS[2]) return 1";
    assert_eq!(run(&mut e, a, &["EVAL", body, "2", "k", "n"]), ":1\r\n");
    assert_eq!(effects_text(&mut e), ["MULTI", "set k x", "incr n", "EXEC"]);
    // One write: no wrapping; reads only: nothing.
    run(&mut e, a, &["EVAL", "return redis.call('del', 'k')", "0"]);
    assert_eq!(effects_text(&mut e), ["del k"]);
    run(&mut e, a, &["EVAL", "return redis.call('get', 'n')", "0"]);
    assert!(effects_text(&mut e).is_empty());
    // REPL_NONE keeps later writes out of the effects.
    let body = "redis.set_repl(redis.REPL_NONE) redis.call('set', 'q', '1') return 1";
    run(&mut e, a, &["EVAL", body, "0"]);
    assert!(effects_text(&mut e).is_empty());
    assert_eq!(run(&mut e, a, &["GET", "q"]), "$1\r\n1\r\n");
}

#[test]
fn script_writes_invalidate_watch() {
    let (mut e, a, b) = engine();
    run(&mut e, a, &["WATCH", "k"]);
    run(
        &mut e,
        b,
        &["EVAL", "return redis.call('set', 'k', 'v')", "0"],
    );
    run(&mut e, a, &["MULTI"]);
    run(&mut e, a, &["GET", "k"]);
    assert_eq!(run(&mut e, a, &["EXEC"]), "*-1\r\n");
}

#[test]
fn the_vm_is_reused_and_rebuilt_only_by_flush() {
    let (mut e, a, _) = engine();
    run(&mut e, a, &["EVAL", "return 1", "0"]);
    let first = e.scripting.vm.as_ref().map(|vm| vm.lua.used_memory());
    assert!(first.is_some());
    // A script cannot leave state behind in globals, but the VM (and cache) stays.
    run(&mut e, a, &["SCRIPT", "LOAD", "return 2"]);
    assert_eq!(e.scripting.scripts.len(), 2);
    assert!(e.scripting.vm.is_some());
    run(&mut e, a, &["SCRIPT", "FLUSH"]);
    assert!(e.scripting.vm.is_none());
    assert!(e.scripting.scripts.is_empty());
}

#[test]
fn blocking_commands_inside_scripts_do_not_park() {
    let (mut e, a, _) = engine();
    // BLPOP is refused in scripts; a blocking command that is allowed answers at once.
    let r = run(
        &mut e,
        a,
        &["EVAL", "return redis.pcall('blpop', 'l', 0)", "0"],
    );
    assert!(
        r.starts_with("-ERR This Redis command is not allowed from script"),
        "{r}"
    );
    assert!(!e.is_blocked(a));
}

#[test]
fn function_dump_restore_round_trip() {
    let (mut e, a, _) = engine();
    let code = "#!lua name=lib\nredis.register_function('f', function(k, a) return 7 end)";
    assert_eq!(run(&mut e, a, &["FUNCTION", "LOAD", code]), "$3\r\nlib\r\n");
    let dump = crate::script::functions::dump(&e.scripting.functions);
    let payload = String::from_utf8(dump.to_vec()).expect("utf-8 payload for the test");
    assert_eq!(
        run(&mut e, a, &["FUNCTION", "RESTORE", &payload]),
        "-ERR Library lib already exists\r\n"
    );
    run(&mut e, a, &["FUNCTION", "FLUSH"]);
    assert_eq!(
        run(&mut e, a, &["FCALL", "f", "0"]),
        "-ERR Function not found\r\n"
    );
    assert_eq!(
        run(&mut e, a, &["FUNCTION", "RESTORE", &payload]),
        "+OK\r\n"
    );
    assert_eq!(run(&mut e, a, &["FCALL", "f", "0"]), ":7\r\n");
    assert_eq!(
        run(&mut e, a, &["FUNCTION", "RESTORE", &payload, "REPLACE"]),
        "+OK\r\n"
    );
    assert_eq!(
        run(&mut e, a, &["FUNCTION", "RESTORE", &payload, "FLUSH"]),
        "+OK\r\n"
    );
    // A payload produced by Redis (RDB encoding) is refused with Redis's error.
    let redis_payload = "\u{f5}\u{c3}@\u{9a}AX\u{1f}#!lua name=y\n\u{0}\u{48}\u{06}rv";
    assert_eq!(
        run(&mut e, a, &["FUNCTION", "RESTORE", redis_payload]),
        "-ERR DUMP payload version or checksum are wrong\r\n"
    );
}

#[test]
fn script_errors_never_panic() {
    let (mut e, a, _) = engine();
    for body in [
        "return {err={}}",
        "error(setmetatable({}, {__tostring = function() error('x') end}))",
        "local t = {} t[1] = t return t",
        "return string.rep('x', -1)",
        "coroutine.wrap(function() redis.call('ping') end)()",
        "return redis.call(string.rep('x', 1000))",
        "local function f() return 1 + f() end return f()",
        "error({err=1})",
        "error()",
        "return math.random(0)",
    ] {
        let r = run(&mut e, a, &["EVAL", body, "0"]);
        assert!(!r.is_empty(), "{body}");
    }
    assert_eq!(run(&mut e, a, &["PING"]), "+PONG\r\n");
}

#[test]
fn replaying_script_effects_reproduces_the_keyspace() {
    let (mut a, c, _) = engine();
    a.effects = Some(Vec::new());
    let scripts: &[&[&str]] = &[
        &["EVAL", "redis.call('sadd', KEYS[1], 'a', 'b', 'c') return redis.call('spop', KEYS[1])", "1", "s"],
        &["EVAL", "redis.call('set', 'k', '1') return redis.call('expire', 'k', 100)", "0"],
        &["EVAL", "return redis.call('incrbyfloat', 'f', '1.5')", "0"],
        &["EVAL", "redis.call('select', 3) redis.call('rpush', 'l', 'x', 'y') return redis.call('lpop', 'l')", "0"],
        &["EVAL", "redis.call('set', 'gone', 'v') redis.call('del', 'gone') return 1", "0"],
        &["FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('w', function(k, a) return redis.call('hset', k[1], 'f', a[1]) end)"],
        &["FCALL", "w", "1", "h", "v"],
        &["EVAL", "redis.call('set', 'ro', 'x') return redis.pcall('incr', 'ro')", "0"],
    ];
    for s in scripts {
        run(&mut a, c, s);
    }
    let (b, _, _) = engine();
    let mut replica = Replica::new(b, NOW);
    for eff in a.effects.take().unwrap_or_default() {
        // Only the keyspaces are compared here, not the replica's replies.
        let _ = replica.apply(&eff, NOW);
    }
    let b = &replica.eng;
    assert_eq!(keyspace(&a), keyspace(b));
    assert_eq!(
        b.scripting.functions.libraries.len(),
        1,
        "FUNCTION LOAD is an effect too"
    );
}

#[test]
fn redis_log_reaches_the_shell_above_loglevel() {
    let (mut e, a, _) = engine();
    e.actions.clear();
    let body =
        "redis.log(redis.LOG_WARNING, 'disk', 42) redis.log(redis.LOG_DEBUG, 'quiet') return 1";
    assert_eq!(run(&mut e, a, &["EVAL", body, "0"]), ":1\r\n");
    let logs = logged(&e);
    assert_eq!(logs, vec![(3, b"disk 42".to_vec())]);
}

#[test]
fn redis_log_while_a_library_loads_reaches_the_shell() {
    let (mut e, a, _) = engine();
    e.actions.clear();
    let lib = "#!lua name=l\nredis.log(redis.LOG_WARNING, 'loading', 1)\n\
               redis.register_function('f', function() return 1 end)";
    assert_eq!(run(&mut e, a, &["FUNCTION", "LOAD", lib]), "$1\r\nl\r\n");
    // A library that fails after logging still logs (as in Redis).
    let bad = "#!lua name=m\nredis.log(redis.LOG_WARNING, 'then fails')\nerror('x')";
    assert!(run(&mut e, a, &["FUNCTION", "LOAD", bad]).starts_with("-ERR Error registering"));
    let logs = logged(&e);
    assert_eq!(
        logs,
        vec![(3, b"loading 1".to_vec()), (3, b"then fails".to_vec())]
    );
}

#[test]
fn every_command_called_from_a_script_answers_without_panicking() {
    let (mut e, a, _) = engine();
    run(&mut e, a, &["SET", "s", "v"]);
    run(&mut e, a, &["RPUSH", "l", "x"]);
    let mut names = Vec::new();
    for cmd in crate::command::table::all() {
        if cmd.subcommands.is_empty() {
            names.push((cmd.name.to_string(), None));
        }
        for sub in cmd.subcommands {
            let short = crate::command::table::short_name(sub);
            names.push((cmd.name.to_string(), Some(short.to_string())));
        }
    }
    for (name, sub) in names {
        for extra in [&[][..], &["l"][..], &["s", "1", "2"][..]] {
            let mut args = vec![format!("'{name}'")];
            args.extend(sub.iter().map(|s| format!("'{s}'")));
            args.extend(extra.iter().map(|s| format!("'{s}'")));
            let body = format!("return redis.pcall({})", args.join(", "));
            let r = run(&mut e, a, &["EVAL", &body, "0"]);
            assert!(!r.is_empty(), "{body}");
        }
    }
    assert_eq!(run(&mut e, a, &["PING"]), "+PONG\r\n");
    assert!(!e.clients.contains_key(&super::redis_api::SCRIPT_CLIENT));
}

/// mlua holds each argument of a Rust callback as a reference on an 8,000-slot stack and
/// panics past it: redis.call takes thousands of strings anyway (packed by its C front),
/// every other Rust function refuses that many with an error, never a panic.
#[test]
fn thousands_of_string_arguments_never_exhaust_mlua() {
    let (mut e, a, _) = engine();
    let fill = "local t={} for i=1,7990 do t[i]='k'..i end ";
    let body = format!("{fill} return redis.call('del', unpack(t))");
    assert_eq!(run(&mut e, a, &["EVAL", &body, "0"]), ":0\r\n");
    let body = format!("{fill} t[3000]=true return redis.pcall('del', unpack(t))['err']");
    assert_eq!(
        run(&mut e, a, &["EVAL", &body, "0"]),
        "$63\r\nERR Lua redis lib command arguments must be strings or integers\r\n"
    );
    for f in [
        "redis.log(redis.LOG_WARNING, unpack(t))",
        "redis.sha1hex(unpack(t))",
        "table.insert(unpack(t))",
        "setmetatable(unpack(t))",
        "coroutine.resume(unpack(t))",
        "math.random(unpack(t))",
        "next(unpack(t))",
    ] {
        let body = format!("{fill} return {f}");
        let reply = run(&mut e, a, &["EVAL", &body, "0"]);
        assert!(
            reply.starts_with("-ERR user_script:1: too many arguments"),
            "{f}: {reply}"
        );
    }
}
