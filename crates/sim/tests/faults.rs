//! BUGGIFY plumbing: every fault point in the engine is reachable and fires in some seed,
//! `--faults none` turns them all off, and a prefix list limits them to those points.

use sim::{run, Options};
use std::collections::BTreeSet;

const POINTS: &[&str] = &[
    "dict.grow-early",
    "dict.random-skewed",
    "dict.rehash-burst",
    "dict.skip-shrink",
    "expire.extra-round",
    "expire.stop-early",
    "scan.short-batch",
];

fn fired(faults: Option<Vec<String>>, seeds: u64) -> BTreeSet<&'static str> {
    let mut all = BTreeSet::new();
    for seed in 1..=seeds {
        let mut o = Options::new(seed, 1500);
        o.faults = faults.clone();
        let r = run(&o);
        assert!(r.failure.is_none(), "{}", r.failure.unwrap_or_default());
        all.extend(r.faults_fired.iter().map(|f| f.0));
    }
    all
}

#[test]
fn every_point_fires_in_some_seed() {
    // dict.random-skewed is the rarest (random picks from hashtable sets): first at seed 34.
    let all = fired(None, 45);
    for p in POINTS {
        assert!(
            all.contains(p),
            "{p} never fired in 45 seeds; fired: {all:?}"
        );
    }
    assert_eq!(all.len(), POINTS.len(), "unlisted points: {all:?}");
}

#[test]
fn none_turns_faults_off_and_prefixes_select() {
    assert!(fired(Some(Vec::new()), 10).is_empty());
    let only = fired(Some(vec!["expire".into()]), 30);
    assert!(!only.is_empty());
    assert!(only.iter().all(|p| p.starts_with("expire")), "{only:?}");
}
