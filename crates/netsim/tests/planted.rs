//! The server simulation must catch a planted engine bug through the network: EXEC that
//! ignores WATCH makes optimistic increments lose updates, which the linearizability
//! checker rejects. The same seeds pass with the bug off.

use engine::buggify::set_planted;

/// Seeds the test may spend to find the bug (it is usually found within the first few).
const BUDGET: u64 = 40;

#[test]
fn exec_ignoring_watch_is_caught() {
    set_planted(&["exec-ignores-watch"]);
    let found = (0..BUDGET).find(|&seed| netsim::run_seed(seed).failure.is_some());
    set_planted(&[]);
    let seed = found.unwrap_or_else(|| panic!("not found within {BUDGET} seeds"));
    eprintln!("exec-ignores-watch caught at seed {seed}");
    let clean = netsim::run_seed(seed);
    assert!(
        clean.failure.is_none(),
        "seed {seed} fails without the bug: {:?}",
        clean.failure
    );
}
