//! The CI run: a fixed set of seeds over every workload (bounded by seed count, not time, so
//! `cargo test` stays predictable), the regression seeds, and one fresh seed per run, printed
//! so a failure can be replayed with `lattice-sim --seed <n>`.

use sim::swarm::WORKLOADS;
use sim::{run, Options};

/// Seeds run by `fixed_seeds_pass`, and steps per seed.
const FIXED_SEEDS: u64 = 500;
const STEPS: usize = 2000;

/// Seeds that once failed (a model mistake or an engine bug), kept so they stay fixed.
/// - 120, 222, 355, 367 (model): ZINCRBY by 0 leaves the score alone, and Redis then does
///   not count it as a modification for WATCH.
/// - 5320 (model): SMOVE signals its destination only when the member was new there.
/// - 7283 (model): a sorted set arriving by RENAME wakes BZPOPMIN waiters.
/// - 18030 (model): FLUSHALL empties every database, not only the current one.
/// - 4008523 (simulator): a swarm whose only family was `multi` looped forever looking for
///   a data command to queue.
/// - 1015, 1039 (engine): RENAME of a list onto a key with blocked clients did not wake them.
/// - 2160, 2419, 2488 (engine): a no-op LTRIM did not fail a WATCH on its key.
const REGRESSION_SEEDS: &[u64] = &[
    120, 222, 355, 367, 1015, 1039, 2160, 2419, 2488, 5320, 7283, 18030,
];

fn check(seed: u64, workload: &str) {
    let mut o = Options::new(seed, STEPS);
    o.workload = workload.into();
    let r = run(&o);
    if let Some(f) = r.failure {
        panic!("{f}");
    }
}

#[test]
fn fixed_seeds_pass() {
    for seed in 0..FIXED_SEEDS {
        check(seed, WORKLOADS[seed as usize % WORKLOADS.len()]);
    }
}

#[test]
fn regression_seeds_pass() {
    for &seed in REGRESSION_SEEDS {
        check(seed, "swarm");
    }
}

#[test]
fn one_fresh_seed() {
    // The only clock read in the simulator's tests: a new seed each run, printed.
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let seed = sim::rng::splitmix(&mut { t });
    eprintln!("fresh seed {seed} (rerun: cargo run -p sim --bin lattice-sim -- --seed {seed})");
    check(seed, "swarm");
}
