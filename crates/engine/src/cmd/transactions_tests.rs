use crate::config::Config;
use crate::engine::{Engine, NullHost};
use crate::replica::{keyspace, Replica};
use crate::test_support::{run_words, two_clients};

const NOW: i64 = 1_000_000;

fn run(e: &mut Engine, c: u64, line: &str, now: i64) -> String {
    run_words(e, c, &line.split(' ').collect::<Vec<_>>(), now)
}

fn engine() -> (Engine, u64, u64) {
    two_clients(NOW)
}

#[test]
fn queue_and_exec() {
    let (mut e, a, _) = engine();
    assert_eq!(run(&mut e, a, "MULTI", NOW), "+OK\r\n");
    assert_eq!(run(&mut e, a, "SET k 1", NOW), "+QUEUED\r\n");
    assert_eq!(run(&mut e, a, "INCR k", NOW), "+QUEUED\r\n");
    assert_eq!(run(&mut e, a, "EXEC", NOW), "*2\r\n+OK\r\n:2\r\n");
    assert_eq!(run(&mut e, a, "EXEC", NOW), "-ERR EXEC without MULTI\r\n");
}

#[test]
fn other_client_write_makes_exec_fail() {
    let (mut e, a, b) = engine();
    run(&mut e, a, "WATCH k", NOW);
    run(&mut e, b, "SET k x", NOW);
    run(&mut e, a, "MULTI", NOW);
    run(&mut e, a, "SET k y", NOW);
    assert_eq!(run(&mut e, a, "EXEC", NOW), "*-1\r\n");
    assert_eq!(run(&mut e, a, "GET k", NOW), "$1\r\nx\r\n");
    // The failed EXEC unwatched: the next transaction runs.
    run(&mut e, b, "SET k z", NOW);
    run(&mut e, a, "MULTI", NOW);
    assert_eq!(run(&mut e, a, "EXEC", NOW), "*0\r\n");
}

#[test]
fn watch_is_per_db_and_disconnect_unwatches() {
    let (mut e, a, b) = engine();
    run(&mut e, a, "WATCH k", NOW);
    run(&mut e, b, "SELECT 1", NOW);
    run(&mut e, b, "SET k x", NOW);
    run(&mut e, a, "MULTI", NOW);
    assert_eq!(run(&mut e, a, "EXEC", NOW), "*0\r\n");
    run(&mut e, a, "WATCH k", NOW);
    e.disconnect(a);
    assert!(!e.tx.watched_key_expired(a, &e.dbs, NOW));
    run(&mut e, b, "SELECT 0", NOW);
    run(&mut e, b, "SET k y", NOW);
    assert!(!e.tx.is_dirty(a));
}

#[test]
fn watched_key_expiring_after_watch_fails_exec() {
    let (mut e, a, _) = engine();
    run(&mut e, a, "SET k v PX 100", NOW);
    run(&mut e, a, "WATCH k", NOW);
    run(&mut e, a, "MULTI", NOW + 200);
    run(&mut e, a, "PING", NOW + 200);
    assert_eq!(run(&mut e, a, "EXEC", NOW + 200), "*-1\r\n");
    // Already expired at WATCH time: its lazy deletion is no change.
    run(&mut e, a, "SET k v PX 100", NOW);
    run(&mut e, a, "WATCH k", NOW + 200);
    run(&mut e, a, "GET k", NOW + 200);
    run(&mut e, a, "MULTI", NOW + 200);
    assert_eq!(run(&mut e, a, "EXEC", NOW + 200), "*0\r\n");
}

#[test]
fn blocking_commands_do_not_block_inside_exec() {
    let (mut e, a, b) = engine();
    run(&mut e, b, "BLPOP q 0", NOW);
    assert!(e.is_blocked(b));
    run(&mut e, a, "MULTI", NOW);
    run(&mut e, a, "BLPOP empty 0", NOW);
    run(&mut e, a, "BLMOVE empty x LEFT LEFT 0", NOW);
    run(&mut e, a, "RPUSH q 1 2", NOW);
    run(&mut e, a, "LPOP q", NOW);
    // q holds data after the first push, but the waiter is served after EXEC as a whole.
    assert_eq!(
        run(&mut e, a, "EXEC", NOW),
        "*4\r\n*-1\r\n$-1\r\n:2\r\n$1\r\n1\r\n"
    );
    assert!(!e.is_blocked(b));
    let out = e.take_outbox(b).unwrap();
    assert_eq!(out, b"*2\r\n$1\r\nq\r\n$1\r\n2\r\n");
}

#[test]
fn effects_are_wrapped_when_several() {
    let (mut e, a, _) = engine();
    e.effects = Some(Vec::new());
    run(&mut e, a, "MULTI", NOW);
    run(&mut e, a, "SET k 1", NOW);
    run(&mut e, a, "GET k", NOW);
    assert_eq!(run(&mut e, a, "EXEC", NOW), "*2\r\n+OK\r\n$1\r\n1\r\n");
    run(&mut e, a, "MULTI", NOW);
    run(&mut e, a, "SET k 2", NOW);
    run(&mut e, a, "SELECT 3", NOW);
    run(&mut e, a, "EXPIRE k 10", NOW);
    run(&mut e, a, "SET k 3 EX 5", NOW);
    run(&mut e, a, "EXEC", NOW);
    let effects: Vec<(usize, String)> = e
        .effects
        .take()
        .unwrap()
        .into_iter()
        .map(|x| {
            let argv: Vec<String> = x
                .argv
                .iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect();
            (x.db, argv.join(" "))
        })
        .collect();
    let want = [
        (0, "SET k 1".to_string()),
        (0, "MULTI".to_string()),
        (0, "SET k 2".to_string()),
        (3, format!("SET k 3 PXAT {}", NOW + 5000)),
        (3, "EXEC".to_string()),
    ];
    assert_eq!(effects, want);
}

/// Bytes observed on redis-server 7.0.15: a queued CLIENT REPLY SKIP has no reply and skips the
/// next command sent after EXEC; a queued CLIENT REPLY OFF silences the rest of the array.
#[test]
fn client_reply_inside_exec() {
    let (mut e, a, _) = engine();
    run(&mut e, a, "MULTI", NOW);
    run(&mut e, a, "CLIENT REPLY SKIP", NOW);
    run(&mut e, a, "PING", NOW);
    run(&mut e, a, "PING", NOW);
    assert_eq!(run(&mut e, a, "EXEC", NOW), "*3\r\n+PONG\r\n+PONG\r\n");
    assert_eq!(run(&mut e, a, "PING", NOW), "");
    assert_eq!(run(&mut e, a, "PING", NOW), "+PONG\r\n");
    run(&mut e, a, "MULTI", NOW);
    run(&mut e, a, "PING", NOW);
    run(&mut e, a, "CLIENT REPLY OFF", NOW);
    run(&mut e, a, "PING", NOW);
    assert_eq!(run(&mut e, a, "EXEC", NOW), "*3\r\n+PONG\r\n");
}

#[test]
fn exec_with_arguments_aborts_even_outside_multi() {
    let (mut e, a, b) = engine();
    run(&mut e, a, "WATCH k", NOW);
    assert_eq!(
        run(&mut e, a, "EXEC x", NOW),
        "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"
    );
    // ... and unwatches.
    run(&mut e, b, "SET k 1", NOW);
    run(&mut e, a, "MULTI", NOW);
    assert_eq!(run(&mut e, a, "EXEC", NOW), "*0\r\n");
}

/// Random transactions (with SELECT, expiry, run-time errors, aborted and watched ones) on
/// one engine; their effects, MULTI/EXEC wrapped, replayed into another give the same keyspace.
#[test]
fn effects_of_transactions_replay() {
    let (mut e, a, b) = engine();
    e.effects = Some(Vec::new());
    let mut replica = Replica::new(
        Engine::new(Config::default(), 1, NOW, Box::new(NullHost)),
        NOW,
    );
    let mut seed = 7u64;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut now = NOW;
    let mut wrapped = 0;
    for _ in 0..2000 {
        now += rnd(300) as i64;
        let k = format!("k{}", rnd(5));
        let line = match rnd(16) {
            0 => "MULTI".to_string(),
            1 | 2 => "EXEC".to_string(),
            3 => "DISCARD".to_string(),
            4 => format!("WATCH {k}"),
            5 => format!("SELECT {}", rnd(3)),
            6 => format!("SET {k} {} PX {}", rnd(100), rnd(2000) + 1),
            7 => format!("INCR {k}"),
            8 => format!("RPUSH {k} a b"),
            9 => format!("LPOP {k}"),
            10 => format!("DEL {k}"),
            11 => format!("EXPIRE {k} {}", rnd(3)),
            12 => format!("GET {k}"),
            13 => "GET".to_string(),
            14 => format!("MOVE {k} {}", rnd(3)),
            _ => format!("APPEND {k} x"),
        };
        run(&mut e, a, &line, now);
        if rnd(10) == 0 {
            run(&mut e, b, &format!("SET {k} other"), now);
        }
        for eff in e.effects.replace(Vec::new()).unwrap_or_default() {
            wrapped += usize::from(eff.argv[0] == "MULTI");
            // Only the keyspaces are compared here, not the replica's replies.
            let _ = replica.apply(&eff, now);
        }
        assert_eq!(keyspace(&e), keyspace(&replica.eng), "after {line}");
    }
    assert!(wrapped >= 5, "only {wrapped} wrapped transactions");
}

/// CLIENT INFO inside a transaction: `x` and `multi=<queued>` while EXEC runs, `d` once a
/// watched key changed (as redis-server 7.0.15 prints them).
#[test]
fn client_info_shows_transaction_state() {
    let (mut e, a, b) = engine();
    let info = |s: String| {
        let flags = s
            .split(' ')
            .find(|f| f.starts_with("flags="))
            .unwrap()
            .to_string();
        let multi = s
            .split(' ')
            .find(|f| f.starts_with("multi="))
            .unwrap()
            .to_string();
        format!("{flags} {multi}")
    };
    assert_eq!(info(run(&mut e, a, "CLIENT INFO", NOW)), "flags=N multi=-1");
    run(&mut e, a, "WATCH k", NOW);
    run(&mut e, b, "SET k 1", NOW);
    assert_eq!(info(run(&mut e, a, "CLIENT INFO", NOW)), "flags=d multi=-1");
    run(&mut e, a, "UNWATCH", NOW);
    run(&mut e, a, "MULTI", NOW);
    run(&mut e, a, "PING", NOW);
    run(&mut e, a, "CLIENT INFO", NOW);
    let out = run(&mut e, a, "EXEC", NOW);
    assert_eq!(info(out.clone()), "flags=x multi=2");
    assert!(out.contains(" cmd=exec "), "{out}");
}
