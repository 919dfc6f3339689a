//! Engine bugs found by the deterministic simulator (`crates/sim`), each pinned here:
//! - seeds 1015, 1039 (and more): a list that arrives at a key by RENAME, MOVE or COPY wakes
//!   the clients blocked on that key, as Redis 7.0's `dbAdd` does (`signalKeyAsReady`), not
//!   only a push.
//! - seeds 2160, 2419, 2488: LTRIM that trims nothing still signals the key, so a WATCH on it
//!   fails the EXEC, as Redis 7.0's unconditional `signalModifiedKey` does.

use bytes::Bytes;
use engine::config::Config;
use engine::{Action, Engine, Flow, NullHost};

const NOW: i64 = 1_700_000_000_000;

fn run(e: &mut Engine, c: u64, line: &str) -> (Flow, String) {
    let args: Vec<Bytes> = line
        .split(' ')
        .map(|w| Bytes::from(w.to_string()))
        .collect();
    let mut out = Vec::new();
    let flow = e.execute(c, &args, NOW, &mut out);
    (flow, String::from_utf8_lossy(&out).into_owned())
}

/// Parks a BLPOP on `key` in `db`, runs `line` from another client, returns the parked
/// client's wake-up reply (None if it stayed parked).
fn wake_after(db: usize, key: &str, setup: &[&str], line: &str) -> Option<String> {
    let mut e = Engine::new(Config::default(), 1, NOW, Box::new(NullHost));
    let waiter = e.connect(String::new(), String::new(), 0, NOW);
    let actor = e.connect(String::new(), String::new(), 0, NOW);
    run(&mut e, waiter, &format!("SELECT {db}"));
    assert_eq!(
        run(&mut e, waiter, &format!("BLPOP {key} 0")).0,
        Flow::Blocked
    );
    for l in setup {
        run(&mut e, actor, l);
    }
    e.actions.clear();
    let (_, reply) = run(&mut e, actor, line);
    assert!(!reply.starts_with('-'), "{line}: {reply}");
    let woken = e
        .actions
        .iter()
        .any(|a| matches!(a, Action::Wake(ids) if ids.contains(&waiter)));
    woken.then(|| String::from_utf8_lossy(&e.take_outbox(waiter).unwrap_or_default()).into_owned())
}

#[test]
fn rename_wakes_waiters_on_the_destination() {
    let got = wake_after(0, "dst", &["RPUSH src a b"], "RENAME src dst");
    assert_eq!(got.as_deref(), Some("*2\r\n$3\r\ndst\r\n$1\r\na\r\n"));
}

#[test]
fn move_and_copy_wake_waiters_in_the_target_db() {
    let got = wake_after(1, "k", &["RPUSH k x"], "MOVE k 1");
    assert_eq!(got.as_deref(), Some("*2\r\n$1\r\nk\r\n$1\r\nx\r\n"));
    let got = wake_after(0, "dst", &["RPUSH src y"], "COPY src dst");
    assert_eq!(got.as_deref(), Some("*2\r\n$3\r\ndst\r\n$1\r\ny\r\n"));
}

#[test]
fn a_string_arriving_wakes_nobody() {
    assert_eq!(wake_after(0, "dst", &["SET src v"], "RENAME src dst"), None);
}

#[test]
fn ltrim_that_trims_nothing_still_fails_a_watch() {
    let mut e = Engine::new(Config::default(), 1, NOW, Box::new(NullHost));
    e.effects = Some(Vec::new());
    let a = e.connect(String::new(), String::new(), 0, NOW);
    let b = e.connect(String::new(), String::new(), 0, NOW);
    run(&mut e, a, "RPUSH l x y");
    run(&mut e, a, "WATCH l");
    run(&mut e, a, "MULTI");
    run(&mut e, a, "GET s");
    let effects_before = e.effects.as_ref().map(Vec::len);
    assert_eq!(run(&mut e, b, "LTRIM l 0 -1").1, "+OK\r\n");
    // Nothing changed, so nothing is propagated...
    assert_eq!(e.effects.as_ref().map(Vec::len), effects_before);
    // ...but the watcher hears about it.
    assert_eq!(run(&mut e, a, "EXEC").1, "*-1\r\n");
}
