//! Server simulation: seeds must replay exactly, and the real server must pass them.

use netsim::{run_seed, Report};

fn show(r: &Report) -> String {
    format!(
        "seed {} hash {:016x} ops {} unknown {} blpop-served {} delivered {} simulated {:?} plan {:?} failure {:?}",
        r.seed, r.trace_hash, r.operations, r.unknown, r.blpop_served, r.delivered, r.simulated, r.plan, r.failure
    )
}

#[test]
fn same_seed_same_trace() {
    for seed in 1u64..=8 {
        let a = run_seed(seed);
        let b = run_seed(seed);
        assert_eq!(a.trace_hash, b.trace_hash, "{}\n{}", show(&a), show(&b));
        assert_eq!(a.operations, b.operations);
    }
    assert_ne!(run_seed(1).trace_hash, run_seed(2).trace_hash);
}

/// A fixed budget of seeds, plus one fresh seed printed so a failure can be replayed with
/// `NETSIM_SEED=<seed>`.
#[test]
fn seeds_pass() {
    let seeds: Vec<u64> = match std::env::var("NETSIM_SEED") {
        Ok(s) => vec![s.parse().expect("NETSIM_SEED is a number")],
        Err(_) => {
            let count: u64 = std::env::var("NETSIM_SEEDS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(100);
            let fresh = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            eprintln!("netsim fresh seed: {fresh} (replay: NETSIM_SEED={fresh})");
            (100..100 + count).chain([fresh]).collect()
        }
    };
    let mut failures = Vec::new();
    for seed in seeds {
        let r = run_seed(seed);
        eprintln!("{}", show(&r));
        if r.failure.is_some() {
            failures.push(show(&r));
        }
    }
    assert!(
        failures.is_empty(),
        "failing seeds:\n{}",
        failures.join("\n")
    );
}
