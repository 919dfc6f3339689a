//! Unit tests of the expire option logic and the effects of the expiry commands.

use super::{absolute_ms, Cond};
use crate::cmd::keys::testkit::{run, TestEngine};
use bytes::Bytes;

fn cond(opts: &[&str]) -> Result<Cond, resp::Reply> {
    let v: Vec<Bytes> = opts
        .iter()
        .map(|s| Bytes::copy_from_slice(s.as_bytes()))
        .collect();
    Cond::parse(&v)
}

#[test]
fn option_conflicts() {
    assert!(cond(&["nx", "NX"]).is_ok());
    assert!(cond(&["gt", "xx"]).is_ok());
    for bad in [
        &["nx", "xx"][..],
        &["gt", "nx"],
        &["lt", "nx"],
        &["lt", "gt", "nx"],
    ] {
        let e = cond(bad).unwrap_err();
        assert_eq!(
            e,
            resp::Reply::err("ERR NX and XX, GT or LT options at the same time are not compatible")
        );
    }
    assert_eq!(
        cond(&["gt", "lt"]).unwrap_err(),
        resp::Reply::err("ERR GT and LT options at the same time are not compatible")
    );
    assert_eq!(
        cond(&["gt", "bogus"]).unwrap_err(),
        resp::Reply::err("ERR Unsupported option bogus")
    );
}

#[test]
fn option_gates() {
    let c = |o: &[&str]| cond(o).unwrap();
    // No TTL counts as infinite: GT never passes, LT always does.
    assert!(!c(&["gt"]).allows(None, 5));
    assert!(c(&["lt"]).allows(None, 5));
    assert!(c(&["gt"]).allows(Some(4), 5));
    assert!(!c(&["gt"]).allows(Some(5), 5));
    assert!(c(&["lt"]).allows(Some(6), 5));
    assert!(!c(&["lt"]).allows(Some(5), 5));
    assert!(c(&["nx"]).allows(None, 5));
    assert!(!c(&["nx"]).allows(Some(1), 5));
    assert!(!c(&["xx"]).allows(None, 5));
    assert!(c(&["xx", "gt"]).allows(Some(1), 5));
    assert!(!c(&["xx", "lt"]).allows(None, 5));
    assert!(c(&[]).allows(Some(9), 1));
}

#[test]
fn overflow_checks() {
    assert_eq!(absolute_ms(10, true, 1000), Some(11_000));
    assert_eq!(absolute_ms(i64::MAX / 1000 + 1, true, 0), None);
    assert_eq!(absolute_ms(i64::MIN / 1000 - 1, true, 0), None);
    assert_eq!(
        absolute_ms(i64::MIN / 1000, true, 0),
        Some(i64::MIN / 1000 * 1000)
    );
    assert_eq!(absolute_ms(i64::MAX, false, 1), None);
    assert_eq!(absolute_ms(i64::MAX, false, 0), Some(i64::MAX));
}

#[test]
fn effects_are_absolute_or_del() {
    let mut t = TestEngine::new(1_000_000);
    run(&mut t, "SET k v");
    t.last_effects();
    assert_eq!(run(&mut t, "EXPIRE k 10"), ":1\r\n");
    assert_eq!(t.last_effects(), vec!["PEXPIREAT k 1010000"]);
    assert_eq!(run(&mut t, "PEXPIRE k 500 GT"), ":0\r\n");
    assert!(t.last_effects().is_empty());
    assert_eq!(run(&mut t, "PTTL k"), ":10000\r\n");
    assert_eq!(run(&mut t, "TTL k"), ":10\r\n");
    assert_eq!(run(&mut t, "EXPIRETIME k"), ":1010\r\n");
    assert_eq!(run(&mut t, "PERSIST k"), ":1\r\n");
    assert_eq!(t.last_effects(), vec!["PERSIST k"]);
    assert_eq!(run(&mut t, "TTL k"), ":-1\r\n");
    assert_eq!(run(&mut t, "EXPIREAT k 999"), ":1\r\n");
    assert_eq!(t.last_effects(), vec!["DEL k"]);
    assert_eq!(run(&mut t, "TTL k"), ":-2\r\n");
    assert_eq!(run(&mut t, "EXPIRE k 10"), ":0\r\n");
}

#[test]
fn lazy_expiry_records_del() {
    let mut t = TestEngine::new(1_000_000);
    run(&mut t, "SET k v");
    run(&mut t, "PEXPIRE k 100");
    t.last_effects();
    t.now += 100;
    assert_eq!(run(&mut t, "EXISTS k"), ":0\r\n");
    assert_eq!(t.last_effects(), vec!["DEL k"]);
    assert_eq!(t.eng.stats.expired_keys, 1);
}
